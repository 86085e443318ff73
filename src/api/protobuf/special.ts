/**
 * apimachinery types whose JSON form is not an object of their proto fields: metav1.Time/MicroTime
 * (RFC 3339 strings), metav1.Duration (Go duration string), resource.Quantity (its string),
 * intstr.IntOrString (number or string), runtime.RawExtension and metav1.FieldsV1 (embedded JSON).
 */
import { ProtoError, readFields, WIRE_BYTES, type WireValue } from "./wire.js";
import { scalarValues } from "./scalar.js";

/** Decodes a nested `k8s\0` envelope found inside a RawExtension (set by index.ts to avoid an import cycle). */
export type EnvelopeDecoder = (bytes: Uint8Array) => Record<string, unknown>;

const utf8 = new TextDecoder("utf-8");
/** Go's zero time.Time (0001-01-01T00:00:00Z) in Unix seconds. */
const GO_ZERO_SECONDS = -62135596800;

function last(fields: Map<number, WireValue[]>, no: number): WireValue | undefined {
  const list = fields.get(no);
  return list ? list[list.length - 1] : undefined;
}

function num(fields: Map<number, WireValue[]>, no: number, type: string, name: string): number {
  const v = last(fields, no);
  return v === undefined ? 0 : (scalarValues(type, v, name).at(-1) as number);
}

function str(fields: Map<number, WireValue[]>, no: number, name: string): string {
  const v = last(fields, no);
  return v === undefined ? "" : (scalarValues("string", v, name)[0] as string);
}

function raw(fields: Map<number, WireValue[]>, no: number, name: string): Uint8Array | undefined {
  const v = last(fields, no);
  if (v === undefined) return undefined;
  if (v.wire !== WIRE_BYTES) throw new ProtoError(`proto: wrong wireType = ${v.wire} for field ${name}`);
  return v.bytes;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

function formatTime(bytes: Uint8Array, fractionDigits: 0 | 6): string | null {
  if (bytes.length === 0) return null; // metav1.Time marshals the zero time as empty bytes
  const f = readFields(bytes);
  const seconds = num(f, 1, "int64", "Seconds");
  const nanos = num(f, 2, "int32", "Nanos");
  if (seconds === GO_ZERO_SECONDS && nanos === 0) return null;
  const d = new Date(seconds * 1000);
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
  const time = `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  const frac = fractionDigits === 6 ? `.${pad(Math.floor(nanos / 1000), 6)}` : "";
  return `${date}T${time}${frac}Z`;
}

/** Go's time.Duration.String(): "1h2m3.5s", "1.5ms", "0s". */
export function formatGoDuration(totalNanos: number): string {
  if (totalNanos === 0) return "0s";
  const sign = totalNanos < 0 ? "-" : "";
  const n = BigInt(Math.abs(totalNanos));
  const trim = (whole: bigint, frac: bigint, digits: number): string => {
    const f = frac.toString().padStart(digits, "0").replace(/0+$/, "");
    return f ? `${whole}.${f}` : `${whole}`;
  };
  if (n < 1000n) return `${sign}${n}ns`;
  if (n < 1000000n) return `${sign}${trim(n / 1000n, n % 1000n, 3)}µs`;
  if (n < 1000000000n) return `${sign}${trim(n / 1000000n, n % 1000000n, 6)}ms`;
  const secs = n / 1000000000n;
  const s = `${trim(secs % 60n, n % 1000000000n, 9)}s`;
  const mins = secs / 60n;
  if (mins === 0n) return `${sign}${s}`;
  const m = `${mins % 60n}m${s}`;
  const hours = mins / 60n;
  return hours === 0n ? `${sign}${m}` : `${sign}${hours}h${m}`;
}

function embeddedJson(bytes: Uint8Array | undefined, envelope: EnvelopeDecoder): unknown {
  if (bytes === undefined || bytes.length === 0) return null;
  if (bytes[0] === 0x6b && bytes[1] === 0x38 && bytes[2] === 0x73 && bytes[3] === 0) return envelope(bytes);
  try {
    return JSON.parse(utf8.decode(bytes)) as unknown;
  } catch (e) {
    throw new ProtoError(`embedded object is neither JSON nor protobuf: ${(e as Error).message}`);
  }
}

export const SPECIAL_TYPES: ReadonlySet<string> = new Set([
  "meta.v1.Time",
  "meta.v1.MicroTime",
  "meta.v1.Duration",
  "meta.v1.FieldsV1",
  "resource.Quantity",
  "intstr.IntOrString",
  "runtime.RawExtension",
]);

/** The JSON value of one of SPECIAL_TYPES, from its message bytes (empty bytes = Go zero value). */
export function decodeSpecial(type: string, bytes: Uint8Array, envelope: EnvelopeDecoder): unknown {
  switch (type) {
    case "meta.v1.Time":
      return formatTime(bytes, 0);
    case "meta.v1.MicroTime":
      return formatTime(bytes, 6);
    case "meta.v1.Duration":
      return formatGoDuration(num(readFields(bytes), 1, "int64", "Duration"));
    case "resource.Quantity":
      return str(readFields(bytes), 1, "String_") || "0";
    case "intstr.IntOrString": {
      const f = readFields(bytes);
      return num(f, 1, "int64", "Type") === 1 ? str(f, 3, "StrVal") : num(f, 2, "int32", "IntVal");
    }
    case "runtime.RawExtension":
      return embeddedJson(raw(readFields(bytes), 1, "Raw"), envelope);
    case "meta.v1.FieldsV1":
      return embeddedJson(raw(readFields(bytes), 1, "Raw"), envelope);
    default:
      throw new ProtoError(`no special decoder for ${type}`);
  }
}
