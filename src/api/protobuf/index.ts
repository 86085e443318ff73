/**
 * Decoding of Kubernetes protobuf request bodies (`Content-Type: application/vnd.kubernetes.protobuf`),
 * which kubectl 1.32+ sends for typed-client writes. The result is the object's Kubernetes JSON form.
 */
import { badRequest, StatusError } from "../status.js";
import { decodeMessage } from "./decode.js";
import { KINDS } from "./schema.generated.js";
import { ProtoError, readFields, WIRE_BYTES, type WireValue } from "./wire.js";

export const PROTOBUF_MEDIA_TYPE = "application/vnd.kubernetes.protobuf";
/** `k8s\0`, the prefix of every Kubernetes protobuf body. */
const MAGIC = [0x6b, 0x38, 0x73, 0x00] as const;

export interface DecodedObject {
  readonly apiVersion: string;
  readonly kind: string;
  /** The object in its JSON form, with `apiVersion` and `kind` set. */
  readonly object: Record<string, unknown>;
}

/** Defaults for an envelope without TypeMeta, as upstream takes them from the request URL. */
export interface DecodeDefaults {
  readonly apiVersion?: string;
  readonly kind?: string;
}

/** True for `application/vnd.kubernetes.protobuf`, with or without parameters. */
export function isKubernetesProtobuf(contentType: string | undefined): boolean {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase() === PROTOBUF_MEDIA_TYPE;
}

/** The schema message for a body's apiVersion/kind, if we can decode it. */
function messageFor(apiVersion: string, kind: string): string | undefined {
  if (kind === "DeleteOptions") return "meta.v1.DeleteOptions"; // registered in every group version
  return KINDS[`${apiVersion}/${kind}`];
}

/** True when `decodeKubernetesProtobuf` has a schema for this apiVersion/kind. */
export function canDecodeKubernetesProtobuf(apiVersion: string, kind: string): boolean {
  return messageFor(apiVersion, kind) !== undefined;
}

function hasMagic(body: Uint8Array): boolean {
  return body.length >= MAGIC.length && MAGIC.every((b, i) => body[i] === b);
}

function text(list: WireValue[] | undefined, name: string): string {
  const v = list?.at(-1);
  if (v === undefined) return "";
  if (v.wire !== WIRE_BYTES) throw new ProtoError(`proto: wrong wireType = ${v.wire} for field ${name}`);
  return new TextDecoder().decode(v.bytes);
}

interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

/** runtime.Unknown: 1 TypeMeta{1 apiVersion, 2 kind}, 2 raw, 3 contentEncoding, 4 contentType. */
function readEnvelope(bytes: Uint8Array): Envelope {
  const f = readFields(bytes);
  const typeMeta = f.get(1)?.at(-1);
  let apiVersion = "";
  let kind = "";
  if (typeMeta !== undefined) {
    if (typeMeta.wire !== WIRE_BYTES)
      throw new ProtoError(`proto: wrong wireType = ${typeMeta.wire} for field TypeMeta`);
    const t = readFields(typeMeta.bytes);
    apiVersion = text(t.get(1), "APIVersion");
    kind = text(t.get(2), "Kind");
  }
  const raw = f.get(2)?.at(-1);
  if (raw !== undefined && raw.wire !== WIRE_BYTES)
    throw new ProtoError(`proto: wrong wireType = ${raw.wire} for field Raw`);
  return {
    apiVersion,
    kind,
    raw: raw?.bytes ?? new Uint8Array(0),
    contentEncoding: text(f.get(3), "ContentEncoding"),
    contentType: text(f.get(4), "ContentType"),
  };
}

function summarize(body: Uint8Array): string {
  const head = Buffer.from(body.subarray(0, 30)).toString("latin1");
  return JSON.stringify(body.length > 30 ? `${head}...` : head);
}

function cannotDecode(message: string): StatusError {
  return new StatusError({ code: 415, reason: "UnsupportedMediaType", message });
}

/**
 * Decodes a `k8s\0` + runtime.Unknown body into `{apiVersion, kind, object}`.
 * Throws a StatusError: 400 BadRequest for bytes that are not a valid protobuf object (upstream's decode
 * error), 415 UnsupportedMediaType for a kind this server has no protobuf schema for (send JSON instead).
 */
export function decodeKubernetesProtobuf(body: Uint8Array, defaults: DecodeDefaults = {}): DecodedObject {
  if (!hasMagic(body)) {
    throw badRequest(
      `the object provided is unrecognized (${summarize(body)}: provided data does not appear to be a protobuf message, expected prefix [107 56 115 0])`,
    );
  }
  let envelope: Envelope;
  try {
    envelope = readEnvelope(body.subarray(MAGIC.length));
  } catch (e) {
    if (e instanceof ProtoError) throw badRequest(`the object provided is unrecognized: ${e.message}`);
    throw e;
  }
  const apiVersion = envelope.apiVersion || defaults.apiVersion || "";
  const kind = envelope.kind || defaults.kind || "";
  if (kind === "") throw badRequest(`Object 'Kind' is missing in ${summarize(body)}`);
  if (envelope.contentEncoding !== "") {
    throw cannotDecode(`unsupported protobuf content encoding ${JSON.stringify(envelope.contentEncoding)}`);
  }
  if (envelope.contentType !== "" && envelope.contentType !== PROTOBUF_MEDIA_TYPE) {
    throw cannotDecode(`unsupported embedded content type ${JSON.stringify(envelope.contentType)}`);
  }
  const type = messageFor(apiVersion, kind);
  if (type === undefined) {
    throw cannotDecode(
      `${kind} in version ${JSON.stringify(apiVersion)} cannot be decoded from ${PROTOBUF_MEDIA_TYPE} by this server; send it as application/json`,
    );
  }
  let decoded: unknown;
  try {
    decoded = decodeMessage(type, envelope.raw, nestedEnvelope);
  } catch (e) {
    if (e instanceof ProtoError) {
      const version = apiVersion.slice(apiVersion.indexOf("/") + 1);
      throw badRequest(`${kind} in version ${JSON.stringify(version)} cannot be handled as a ${kind}: ${e.message}`);
    }
    throw e;
  }
  return { apiVersion, kind, object: { apiVersion, kind, ...(decoded as Record<string, unknown>) } };
}

/** How deep `k8s\0` objects may nest inside RawExtensions (upstream has no such nesting in practice). */
const MAX_NESTING = 16;
let nesting = 0;

/** A `k8s\0` object embedded in a RawExtension: decoded the same way, failures surface as ProtoError. */
function nestedEnvelope(bytes: Uint8Array): Record<string, unknown> {
  if (nesting >= MAX_NESTING) throw new ProtoError(`embedded objects nested deeper than ${MAX_NESTING}`);
  nesting++;
  try {
    return decodeKubernetesProtobuf(bytes).object;
  } catch (e) {
    if (e instanceof StatusError) throw new ProtoError(e.message);
    throw e;
  } finally {
    nesting--;
  }
}
