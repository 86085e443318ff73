/** Small helpers for defaulting untyped JSON objects the way Go's SetDefaults_* treat zero values. */

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The object at `o[key]`, created when absent (Go: a non-pointer struct field is always there). */
export function child(o: Obj, key: string): Obj {
  const v = o[key];
  if (isObj(v)) return v;
  const created: Obj = {};
  o[key] = created;
  return created;
}

/** The object at `o[key]` if present (Go: a nil pointer stays nil). */
export function maybe(o: Obj | undefined, key: string): Obj | undefined {
  const v = o?.[key];
  return isObj(v) ? v : undefined;
}

/** The objects in the array at `o[key]`. */
export function items(o: Obj | undefined, key: string): Obj[] {
  const v = o?.[key];
  return Array.isArray(v) ? v.filter(isObj) : [];
}

const unset = (v: unknown): boolean => v === undefined || v === null;

/** A string field: "" counts as unset (Go `if obj.X == ""`). */
export function defString(o: Obj, key: string, value: string): void {
  if (unset(o[key]) || o[key] === "") o[key] = value;
}

/** A pointer field: only nil counts as unset. */
export function defPointer(o: Obj, key: string, value: unknown): void {
  if (unset(o[key])) o[key] = value;
}

/** An int field: 0 counts as unset (Go `if obj.X == 0`). */
export function defInt(o: Obj, key: string, value: number): void {
  if (unset(o[key]) || o[key] === 0) o[key] = value;
}
