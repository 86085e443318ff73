/**
 * JSON patch (RFC 6902, application/json-patch+json) with the semantics and error texts of
 * gopkg.in/evanphx/json-patch.v4, which upstream's patch handler uses: negative array indices count from the
 * end, `replace` of a missing object key adds it, `test` treats a missing value and null alike, and so on.
 */
import { PatchError } from "./errors.js";
import {
  deepEqual,
  getOwn,
  hasOwn,
  isObject,
  jsonKind,
  parseGoJSON,
  setOwn,
  type JSONObject,
  type JSONValue,
} from "./gojson.js";

export const MAX_JSON_PATCH_OPERATIONS = 10000;

/** One decoded operation: the raw members, as evanphx's map[string]*json.RawMessage (JSON null → absent value). */
export type Operation = JSONObject | null;

const MISSING = "missing value";
const INVALID_INDEX = "invalid index referenced";

class OpError extends Error {}

/** DecodePatch: json.Unmarshal into jsonpatch.Patch; errors become 400 BadRequest with Go's text. */
export function decodeJSONPatch(patchBytes: Buffer | string): Operation[] {
  let raw: JSONValue;
  try {
    raw = parseGoJSON(patchBytes);
  } catch (error) {
    throw new PatchError((error as Error).message, "bad-request");
  }
  if (raw === null) return [];
  if (!Array.isArray(raw)) {
    throw new PatchError(
      `json: cannot unmarshal ${jsonKind(raw)} into Go value of type jsonpatch.Patch`,
      "bad-request",
    );
  }
  for (const op of raw) {
    if (op !== null && !isObject(op)) {
      throw new PatchError(
        `json: cannot unmarshal ${jsonKind(op)} into Go value of type jsonpatch.Operation`,
        "bad-request",
      );
    }
  }
  return raw as Operation[];
}

/** strconv.Atoi. */
function atoi(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new OpError(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  return Number(s);
}

type Container = JSONObject | JSONValue[];

function containerGet(c: Container, key: string): JSONValue | undefined {
  if (!Array.isArray(c)) return getOwn(c, key);
  let idx = atoi(key);
  if (idx < 0) {
    if (idx < -c.length) throw new OpError(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
    idx += c.length;
  }
  if (idx >= c.length) throw new OpError(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
  return c[idx];
}

function containerSet(c: Container, key: string, v: JSONValue): void {
  if (!Array.isArray(c)) return setOwn(c, key, v);
  let idx = atoi(key);
  if (idx < 0) {
    if (idx < -c.length) throw new OpError(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
    idx += c.length;
  }
  c[idx] = v;
}

function containerAdd(c: Container, key: string, v: JSONValue): void {
  if (!Array.isArray(c)) return setOwn(c, key, v);
  if (key === "-") {
    c.push(v);
    return;
  }
  let idx: number;
  try {
    idx = atoi(key);
  } catch (error) {
    throw new OpError(`value was not a proper array index: '${key}': ${(error as Error).message}`);
  }
  const size = c.length + 1;
  if (idx >= size) throw new OpError(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
  if (idx < 0) {
    if (idx < -size) throw new OpError(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
    idx += size;
  }
  c.splice(idx, 0, v);
}

function containerRemove(c: Container, key: string): void {
  if (!Array.isArray(c)) {
    if (!hasOwn(c, key)) throw new OpError(`Unable to remove nonexistent key: ${key}: ${MISSING}`);
    delete c[key];
    return;
  }
  let idx = atoi(key);
  if (idx >= c.length) throw new OpError(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
  if (idx < 0) {
    if (idx < -c.length) throw new OpError(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
    idx += c.length;
  }
  c.splice(idx, 1);
}

const decodeKey = (k: string): string => k.replace(/~[01]/g, (m) => (m === "~1" ? "/" : "~"));

/** findObject: the container holding the path's last token, or undefined when an intermediate is missing. */
function findObject(doc: Container, path: string): { c: Container; key: string } | undefined {
  const split = path.split("/");
  if (split.length < 2) return undefined;
  let c: Container = doc;
  for (const part of split.slice(1, -1)) {
    let next: JSONValue | undefined;
    try {
      next = containerGet(c, decodeKey(part));
    } catch {
      return undefined;
    }
    if (next === undefined || next === null || (typeof next !== "object" && !Array.isArray(next))) return undefined;
    c = next;
  }
  return { c, key: decodeKey(split[split.length - 1]!) };
}

/** Operation.Path()/From(): the member as a string, or the error evanphx reports. */
function member(op: JSONObject, name: "path" | "from"): string {
  const v = getOwn(op, name);
  if (v === undefined || v === null) {
    throw new OpError(
      name === "path" ? `operation missing path field: ${MISSING}` : `operation, missing from field: ${MISSING}`,
    );
  }
  if (typeof v !== "string") throw new OpError(`json: cannot unmarshal ${jsonKind(v)} into Go value of type string`);
  return v;
}

function pathOf(op: JSONObject, verb: string, wrapMissing: boolean): string {
  try {
    return member(op, "path");
  } catch (error) {
    throw new OpError(`${verb} operation failed to decode path: ${wrapMissing ? MISSING : (error as Error).message}`);
  }
}

function fromOf(op: JSONObject, verb: string): string {
  try {
    return member(op, "from");
  } catch (error) {
    throw new OpError(`${verb} operation failed to decode from: ${(error as Error).message}`);
  }
}

/** op.value(): a JSON null or a missing "value" both become null in the document. */
const valueOf = (op: JSONObject): JSONValue => structuredClone(getOwn(op, "value") ?? null);

function wrap<T>(prefix: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof OpError) throw new OpError(`${prefix}: ${error.message}`);
    throw error;
  }
}

function applyOne(doc: { root: Container }, op: JSONObject): void {
  const kind = typeof getOwn(op, "op") === "string" ? (op["op"] as string) : "unknown";
  switch (kind) {
    case "add": {
      const path = pathOf(op, "add", true);
      const t = findObject(doc.root, path);
      if (!t) throw new OpError(`add operation does not apply: doc is missing path: "${path}": ${MISSING}`);
      return wrap(`error in add for path: '${path}'`, () => containerAdd(t.c, t.key, valueOf(op)));
    }
    case "remove": {
      const path = pathOf(op, "remove", true);
      const t = findObject(doc.root, path);
      if (!t) throw new OpError(`remove operation does not apply: doc is missing path: "${path}": ${MISSING}`);
      return wrap(`error in remove for path: '${path}'`, () => containerRemove(t.c, t.key));
    }
    case "replace": {
      const path = pathOf(op, "replace", false);
      if (path === "") {
        const v = valueOf(op);
        if (v === null || typeof v !== "object") {
          throw new OpError("replace operation value must be object or array: %!w(<nil>)");
        }
        doc.root = v;
        return;
      }
      const t = findObject(doc.root, path);
      if (!t) throw new OpError(`replace operation does not apply: doc is missing path: ${path}: ${MISSING}`);
      try {
        containerGet(t.c, t.key);
      } catch {
        throw new OpError(`replace operation does not apply: doc is missing key: ${path}: ${MISSING}`);
      }
      return wrap(`error in remove for path: '${path}'`, () => containerSet(t.c, t.key, valueOf(op)));
    }
    case "move": {
      const from = fromOf(op, "move");
      const f = findObject(doc.root, from);
      if (!f) throw new OpError(`move operation does not apply: doc is missing from path: ${from}: ${MISSING}`);
      const val = wrap(`error in move for path: '${f.key}'`, () => containerGet(f.c, f.key));
      wrap(`error in move for path: '${f.key}'`, () => containerRemove(f.c, f.key));
      const path = pathOf(op, "move", false);
      const t = findObject(doc.root, path);
      if (!t) throw new OpError(`move operation does not apply: doc is missing destination path: ${path}: ${MISSING}`);
      return wrap(`error in move for path: '${path}'`, () => containerAdd(t.c, t.key, val ?? null));
    }
    case "test": {
      const path = pathOf(op, "test", false);
      const failed = (): OpError => new OpError(`testing value ${path} failed: test failed`);
      if (path === "") {
        if (!deepEqual(doc.root, getOwn(op, "value"))) throw failed();
        return;
      }
      const t = findObject(doc.root, path);
      if (!t) throw new OpError(`test operation does not apply: is missing path: ${path}: ${MISSING}`);
      const val = wrap(`error in test for path: '${path}'`, () => containerGet(t.c, t.key));
      const want = getOwn(op, "value");
      if (val === undefined || val === null) {
        if (want === undefined || want === null) return;
        throw failed();
      }
      if (want === undefined || !deepEqual(val, want)) throw failed();
      return;
    }
    case "copy": {
      const from = fromOf(op, "copy");
      const f = findObject(doc.root, from);
      if (!f) throw new OpError(`copy operation does not apply: doc is missing from path: ${from}: ${MISSING}`);
      const val = wrap(`error in copy for from: '${from}'`, () => containerGet(f.c, f.key));
      const path = pathOf(op, "copy", true);
      const t = findObject(doc.root, path);
      if (!t) throw new OpError(`copy operation does not apply: doc is missing destination path: ${path}: ${MISSING}`);
      const copy = structuredClone(val ?? null);
      return wrap("error while adding value during copy", () => containerAdd(t.c, t.key, copy));
    }
    default:
      throw new OpError(`Unexpected kind: ${kind}`);
  }
}

/** Applies decoded operations to a copy of `doc`; a failing operation is a 422 (PatchError "unprocessable"). */
export function applyJSONPatch(doc: JSONObject, ops: readonly Operation[]): JSONValue {
  const state: { root: Container } = { root: structuredClone(doc) };
  for (const op of ops) {
    try {
      applyOne(state, op ?? {});
    } catch (error) {
      if (error instanceof OpError) throw new PatchError(error.message, "unprocessable");
      throw error;
    }
  }
  return state.root;
}
