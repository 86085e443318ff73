/**
 * The shape of the generated schema table (schema.generated.ts) and its lookup helpers.
 *
 * A field row is `[proto number, JSON name, type, flags?]`:
 * - JSON name: the Go `json:` tag name; "" for an embedded struct whose fields are inlined into the parent.
 * - type: a proto scalar (`string`, `bytes`, `int32`, `int64`, `bool`, …) or a message name such as
 *   `core.v1.PodSpec` / `meta.v1.Time`; for map fields it is the map's value type (keys are always strings).
 * - flags: `r` repeated, `m` map, `p` Go pointer (presence kept even when zero), `o` omitempty,
 *   `z` omitzero, `i` inline.
 */
export type FieldRow = readonly [no: number, json: string, type: string, flags?: string];
export type MessageTable = Readonly<Record<string, readonly FieldRow[]>>;
/** Message name → item scalar type, for `type X []string` wrappers encoded as `{repeated items = 1}`. */
export type WrapperTable = Readonly<Record<string, string>>;
/** `apiVersion/kind` → message name. */
export type KindTable = Readonly<Record<string, string>>;

export interface FieldSpec {
  readonly no: number;
  readonly json: string;
  readonly type: string;
  readonly repeated: boolean;
  readonly map: boolean;
  readonly pointer: boolean;
  readonly omitempty: boolean;
  readonly omitzero: boolean;
  readonly inline: boolean;
}

export function fieldSpec(row: FieldRow): FieldSpec {
  const [no, json, type, flags = ""] = row;
  return {
    no,
    json,
    type,
    repeated: flags.includes("r"),
    map: flags.includes("m"),
    pointer: flags.includes("p"),
    omitempty: flags.includes("o"),
    omitzero: flags.includes("z"),
    inline: flags.includes("i"),
  };
}

export const SCALAR_TYPES: ReadonlySet<string> = new Set([
  "string",
  "bytes",
  "bool",
  "int32",
  "int64",
  "uint32",
  "uint64",
  "sint32",
  "sint64",
  "fixed32",
  "fixed64",
  "sfixed32",
  "sfixed64",
  "double",
  "float",
]);
