/** A minimal protobuf (proto3) writer: length-delimited strings and messages, varints and bools. */

/** Encoded fields of one message, concatenated by `message`. */
export type Fields = readonly (Uint8Array | undefined)[];

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

function tag(field: number, wireType: 0 | 2): number[] {
  return varint(field * 8 + wireType);
}

function lengthDelimited(field: number, bytes: Uint8Array): Uint8Array {
  return Buffer.concat([Uint8Array.from([...tag(field, 2), ...varint(bytes.length)]), bytes]);
}

/** A string field; proto3 omits empty strings. */
export function str(field: number, value: string | undefined): Uint8Array | undefined {
  if (value === undefined || value === "") return undefined;
  return lengthDelimited(field, Buffer.from(value, "utf8"));
}

/** A repeated string field. */
export function strs(field: number, values: readonly string[] | undefined): Uint8Array | undefined {
  if (!values || values.length === 0) return undefined;
  return Buffer.concat(values.map((v) => lengthDelimited(field, Buffer.from(v, "utf8"))));
}

export function bool(field: number, value: boolean | undefined): Uint8Array | undefined {
  return value ? Uint8Array.from([...tag(field, 0), 1]) : undefined;
}

/** An embedded message field (always written, even when empty, so a set oneof stays set). */
export function msg(field: number, fields: Fields): Uint8Array {
  return lengthDelimited(field, message(fields));
}

/** A repeated message field. */
export function msgs(field: number, items: readonly Fields[]): Uint8Array | undefined {
  if (items.length === 0) return undefined;
  return Buffer.concat(items.map((f) => msg(field, f)));
}

/** The bytes of a message from its encoded fields (undefined fields are skipped). */
export function message(fields: Fields): Uint8Array {
  return Buffer.concat(fields.filter((f): f is Uint8Array => f !== undefined));
}
