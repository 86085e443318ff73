/** Table-driven decoding of one message into its Kubernetes JSON form, mirroring Go's encoding/json. */
import { MESSAGES, WRAPPERS } from "./schema.generated.js";
import { fieldSpec, SCALAR_TYPES, type FieldSpec } from "./schema.js";
import { scalarValues, scalarZero, type Scalar } from "./scalar.js";
import { decodeSpecial, SPECIAL_TYPES, type EnvelopeDecoder } from "./special.js";
import { ProtoError, readFields, WIRE_BYTES, type WireValue } from "./wire.js";

const EMPTY = new Uint8Array(0);
const specs = new Map<string, readonly FieldSpec[]>();

function specsOf(type: string): readonly FieldSpec[] {
  let out = specs.get(type);
  if (!out) {
    const rows = MESSAGES[type];
    if (!rows) throw new ProtoError(`no schema for message ${type}`);
    out = rows.map(fieldSpec);
    specs.set(type, out);
  }
  return out;
}

function bytesOf(value: WireValue, field: string): Uint8Array {
  if (value.wire !== WIRE_BYTES) throw new ProtoError(`proto: wrong wireType = ${value.wire} for field ${field}`);
  return value.bytes;
}

/** encoding/json's notion of "empty" for omitempty/omitzero on the JSON value we produced. */
function isZero(value: unknown): boolean {
  if (value === null || value === "" || value === 0 || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === "object" && Object.keys(value as object).length === 0;
}

/** One value of `type` (scalar or message) from one wire occurrence, or its Go zero value when absent. */
function single(type: string, value: WireValue | undefined, field: string, envelope: EnvelopeDecoder): unknown {
  if (SCALAR_TYPES.has(type)) {
    return value === undefined ? scalarZero(type) : scalarValues(type, value, field).at(-1);
  }
  return decodeMessage(type, value === undefined ? EMPTY : bytesOf(value, field), envelope);
}

function mapValue(spec: FieldSpec, occurrences: WireValue[], envelope: EnvelopeDecoder): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const occurrence of occurrences) {
    const entry = readFields(bytesOf(occurrence, spec.json));
    const key = entry.get(1)?.at(-1);
    const name = key === undefined ? "" : (scalarValues("string", key, `${spec.json} key`)[0] as string);
    out[name] = single(spec.type, entry.get(2)?.at(-1), `${spec.json} value`, envelope);
  }
  return out;
}

function repeatedValue(spec: FieldSpec, occurrences: WireValue[], envelope: EnvelopeDecoder): unknown[] {
  if (SCALAR_TYPES.has(spec.type)) {
    return occurrences.flatMap((o): Scalar[] => scalarValues(spec.type, o, spec.json));
  }
  return occurrences.map((o) => decodeMessage(spec.type, bytesOf(o, spec.json), envelope));
}

/** The JSON value of a field, or undefined when encoding/json would leave it out. */
function fieldValue(spec: FieldSpec, occurrences: WireValue[] | undefined, envelope: EnvelopeDecoder): unknown {
  const omittable = spec.omitempty || spec.omitzero;
  if (spec.map || spec.repeated) {
    const value = occurrences
      ? spec.map
        ? mapValue(spec, occurrences, envelope)
        : repeatedValue(spec, occurrences, envelope)
      : null;
    if (isZero(value)) return omittable ? undefined : null; // a nil slice or map
    return value;
  }
  if (occurrences === undefined && spec.pointer) return undefined; // nil pointer
  const value = single(spec.type, occurrences?.at(-1), spec.json, envelope);
  if (spec.pointer || spec.inline) return value;
  const scalar = SCALAR_TYPES.has(spec.type);
  // omitempty never drops a struct (Time, Quantity, specs…); omitzero drops its zero value.
  if ((scalar && omittable) || spec.omitzero) return isZero(value) ? undefined : value;
  return value;
}

/** Decodes the bytes of message `type` into its JSON value (an object, or a string/number for special types). */
export function decodeMessage(type: string, bytes: Uint8Array, envelope: EnvelopeDecoder): unknown {
  if (SPECIAL_TYPES.has(type)) return decodeSpecial(type, bytes, envelope);
  const wrapped = WRAPPERS[type];
  if (wrapped !== undefined) {
    const items = readFields(bytes).get(1) ?? [];
    return items.flatMap((o) => scalarValues(wrapped, o, "Items"));
  }
  const fields = readFields(bytes);
  const out: Record<string, unknown> = {};
  for (const spec of specsOf(type)) {
    const value = fieldValue(spec, fields.get(spec.no), envelope);
    if (value === undefined) continue;
    if (spec.inline) Object.assign(out, value);
    else out[spec.json] = value;
  }
  return out;
}

export function hasMessage(type: string): boolean {
  return MESSAGES[type] !== undefined;
}
