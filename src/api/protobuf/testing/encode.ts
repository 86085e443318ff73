/** Test-only: a tiny protobuf writer for hand-built request bodies. */
export type Part = Uint8Array;

export function varintBytes(n: bigint | number): Uint8Array {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Uint8Array.from(out);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

function tag(no: number, wire: number): Uint8Array {
  return varintBytes((no << 3) | wire);
}

export function varint(no: number, n: bigint | number | boolean): Part {
  return concat([tag(no, 0), varintBytes(typeof n === "boolean" ? (n ? 1 : 0) : n)]);
}

export function bytes(no: number, data: Uint8Array): Part {
  return concat([tag(no, 2), varintBytes(data.length), data]);
}

export function str(no: number, s: string): Part {
  return bytes(no, new TextEncoder().encode(s));
}

export function msg(no: number, ...parts: Part[]): Part {
  return bytes(no, concat(parts));
}

export function fixed64(no: number, value: number): Part {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(value);
  return concat([tag(no, 1), b]);
}

/** A map<string, V> entry: key 1, value 2. */
export function entry(no: number, key: string, value: Part): Part {
  return msg(no, str(1, key), value);
}

export function packed(no: number, values: readonly number[]): Part {
  return bytes(no, concat(values.map((v) => varintBytes(v))));
}

/** `k8s\0` + runtime.Unknown{TypeMeta{apiVersion, kind}, raw, "", ""} as client-go writes it. */
export function envelope(apiVersion: string, kind: string, ...object: Part[]): Buffer {
  const unknown = concat([msg(1, str(1, apiVersion), str(2, kind)), msg(2, ...object), str(3, ""), str(4, "")]);
  return Buffer.concat([Buffer.from("k8s\0", "latin1"), unknown]);
}
