/** Proto scalar values → their Kubernetes JSON form (int64 → number, bytes → base64, as encoding/json does). */
import { ProtoError, WireReader, WIRE_BYTES, WIRE_FIXED32, WIRE_FIXED64, WIRE_VARINT, type WireValue } from "./wire.js";

const utf8 = new TextDecoder("utf-8");

export type Scalar = string | number | boolean;

function wireOf(type: string): number {
  switch (type) {
    case "string":
    case "bytes":
      return WIRE_BYTES;
    case "fixed64":
    case "sfixed64":
    case "double":
      return WIRE_FIXED64;
    case "fixed32":
    case "sfixed32":
    case "float":
      return WIRE_FIXED32;
    default:
      return WIRE_VARINT;
  }
}

function fromVarint(type: string, v: bigint): Scalar {
  switch (type) {
    case "bool":
      return v !== 0n;
    case "int32":
      return Number(BigInt.asIntN(32, v));
    case "uint32":
      return Number(BigInt.asUintN(32, v));
    case "sint32":
    case "sint64":
      return Number((v >> 1n) ^ -(v & 1n));
    case "uint64":
      return Number(v);
    default: // int64 and enums
      return Number(BigInt.asIntN(64, v));
  }
}

function fromFixed(type: string, b: Uint8Array): Scalar {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  switch (type) {
    case "fixed64":
      return Number(view.getBigUint64(0, true));
    case "sfixed64":
      return Number(view.getBigInt64(0, true));
    case "double":
      return view.getFloat64(0, true);
    case "fixed32":
      return view.getUint32(0, true);
    case "sfixed32":
      return view.getInt32(0, true);
    default:
      return view.getFloat32(0, true);
  }
}

/** The value(s) one wire occurrence carries for a scalar field; a packed run yields several. */
export function scalarValues(type: string, value: WireValue, field: string): Scalar[] {
  const expected = wireOf(type);
  if (value.wire === expected) {
    switch (value.wire) {
      case WIRE_VARINT:
        return [fromVarint(type, value.value)];
      case WIRE_BYTES:
        return [type === "string" ? utf8.decode(value.bytes) : Buffer.from(value.bytes).toString("base64")];
      default:
        return [fromFixed(type, value.bytes)];
    }
  }
  if (value.wire === WIRE_BYTES && expected !== WIRE_BYTES) {
    // A packed repeated scalar.
    const r = new WireReader(value.bytes);
    const out: Scalar[] = [];
    while (!r.done) {
      if (expected === WIRE_VARINT) out.push(fromVarint(type, r.varint()));
      else out.push(fromFixed(type, r.take(expected === WIRE_FIXED64 ? 8 : 4)));
    }
    return out;
  }
  throw new ProtoError(`proto: wrong wireType = ${value.wire} for field ${field}`);
}

/** Go's zero value for a scalar, as encoding/json prints it. */
export function scalarZero(type: string): Scalar | null {
  switch (type) {
    case "string":
      return "";
    case "bytes":
      return null;
    case "bool":
      return false;
    default:
      return 0;
  }
}
