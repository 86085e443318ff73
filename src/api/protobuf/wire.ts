/**
 * A minimal protobuf wire-format reader: the four wire types Kubernetes uses (varint, 64-bit,
 * length-delimited, 32-bit). Errors are plain `ProtoError`s with gogo-protobuf's wording; callers turn
 * them into a 400 Status.
 */
export class ProtoError extends Error {
  override readonly name = "ProtoError";
}

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_FIXED32 = 5;

/** One field occurrence as read off the wire. */
export type WireValue =
  | { readonly wire: typeof WIRE_VARINT; readonly value: bigint }
  | { readonly wire: typeof WIRE_FIXED64; readonly bytes: Uint8Array }
  | { readonly wire: typeof WIRE_BYTES; readonly bytes: Uint8Array }
  | { readonly wire: typeof WIRE_FIXED32; readonly bytes: Uint8Array };

export class WireReader {
  private pos = 0;

  constructor(private readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (shift >= 70n) throw new ProtoError("proto: integer overflow");
      if (this.pos >= this.buf.length) throw new ProtoError("unexpected EOF");
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asUintN(64, result);
    }
  }

  take(n: number): Uint8Array {
    if (n < 0) throw new ProtoError("proto: negative length found during unmarshaling");
    if (this.pos + n > this.buf.length) throw new ProtoError("unexpected EOF");
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Reads a tag and its value: [field number, value]. Groups (wire types 3/4) are rejected, as in gogo. */
  field(): [number, WireValue] {
    const tag = this.varint();
    const no = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (no <= 0 || no > 0x1fffffff) throw new ProtoError(`proto: illegal tag ${no} (wire type ${wire})`);
    switch (wire) {
      case WIRE_VARINT:
        return [no, { wire, value: this.varint() }];
      case WIRE_FIXED64:
        return [no, { wire, bytes: this.take(8) }];
      case WIRE_BYTES: {
        const len = this.varint();
        if (len > BigInt(this.buf.length)) throw new ProtoError("unexpected EOF");
        return [no, { wire, bytes: this.take(Number(len)) }];
      }
      case WIRE_FIXED32:
        return [no, { wire, bytes: this.take(4) }];
      default:
        throw new ProtoError(`proto: illegal wireType ${wire}`);
    }
  }
}

/** Every field of a message, grouped by number in wire order. */
export function readFields(buf: Uint8Array): Map<number, WireValue[]> {
  const out = new Map<number, WireValue[]>();
  const r = new WireReader(buf);
  while (!r.done) {
    const [no, value] = r.field();
    const list = out.get(no);
    if (list) list.push(value);
    else out.set(no, [value]);
  }
  return out;
}
