/**
 * JSON merge patch (RFC 7386, application/merge-patch+json) with the exact behaviour of
 * gopkg.in/evanphx/json-patch.v4 MergePatch, which upstream's patch handler calls.
 */
import { PatchError } from "./errors.js";
import { GoJSONSyntaxError, hasOwn, isObject, parseGoJSON, setOwn, type JSONObject, type JSONValue } from "./gojson.js";

/** ErrBadJSONPatch: answered as 400 BadRequest. */
const badPatch = (): PatchError => new PatchError("Invalid JSON Patch", "bad-request");

function pruneNulls(v: JSONValue): void {
  if (isObject(v)) pruneDocNulls(v);
  else if (Array.isArray(v)) for (const item of v) if (item !== null) pruneNulls(item);
}

function pruneDocNulls(doc: JSONObject): void {
  for (const k of Object.keys(doc)) {
    if (doc[k] === null) delete doc[k];
    else pruneNulls(doc[k]!);
  }
}

function merge(cur: JSONValue, patch: JSONValue): JSONValue {
  if (!isObject(cur)) {
    pruneNulls(patch);
    return patch;
  }
  if (!isObject(patch)) return patch;
  mergeDocs(cur, patch);
  return cur;
}

function mergeDocs(doc: JSONObject, patch: JSONObject): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      delete doc[k];
      continue;
    }
    const cur = hasOwn(doc, k) ? doc[k]! : null;
    if (cur === null) {
      pruneNulls(v);
      setOwn(doc, k, v);
    } else setOwn(doc, k, merge(cur, v));
  }
}

/**
 * Applies a merge patch to a copy of `doc`. A patch that is a JSON array replaces the document (as upstream
 * does; decoding that into an object then fails); `null`, scalars and malformed JSON are "Invalid JSON Patch".
 */
export function applyMergePatch(doc: JSONObject, patchBytes: Buffer | string): JSONValue {
  let patch: JSONValue;
  try {
    patch = parseGoJSON(patchBytes);
  } catch (error) {
    if (error instanceof GoJSONSyntaxError) throw badPatch();
    throw error;
  }
  if (Array.isArray(patch)) {
    pruneNulls(patch);
    return patch;
  }
  if (!isObject(patch)) throw badPatch();
  const out = structuredClone(doc);
  mergeDocs(out, patch);
  return out;
}
