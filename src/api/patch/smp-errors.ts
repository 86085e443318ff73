/**
 * The errors of upstream's mergepatch/strategicpatch packages, with the HTTP mapping the patch handler gives
 * them (interpretStrategicMergePatchError): format errors are 400, lists of lists and retainKeys mismatches
 * 422, and every other error reaches the client as a 500 with the bare Go error text.
 */
import { PatchError } from "./errors.js";
import { goFormat, goTypeName, type JSONObject, type JSONValue } from "./gojson.js";

export const errBadJSONDoc = (): PatchError => new PatchError("invalid JSON document", "bad-request");
export const errNoListOfLists = (): PatchError => new PatchError("lists of lists are not supported", "unprocessable");
export const errBadPatchFormatForPrimitiveList = (): PatchError =>
  new PatchError("invalid patch format of primitive list", "bad-request");
export const errBadPatchFormatForRetainKeys = (): PatchError =>
  new PatchError("invalid patch format of retainKeys", "bad-request");
export const errBadPatchFormatForSetElementOrderList = (): PatchError =>
  new PatchError("invalid patch format of setElementOrder list", "bad-request");

/** `%s` of a value in Go: strings as they are, other kinds with fmt's `%!s(type=value)` marker. */
function goS(v: JSONValue | undefined): string {
  if (typeof v === "string") return v;
  if (v === null || v === undefined) return "%!s(<nil>)";
  if (typeof v === "number" || typeof v === "boolean") return `%!s(${goTypeName(v)}=${goFormat(v)})`;
  return goFormat(v);
}

export function errBadArgType(expected: "map" | "slice", actual: JSONValue | undefined): PatchError {
  const want = expected === "map" ? "map[string]interface {}" : "[]interface {}";
  return new PatchError(`expected a ${want}, but received a ${goTypeName(actual)}`);
}

export function errNoMergeKey(m: JSONObject, key: string): PatchError {
  return new PatchError(`map: ${goFormat(m)} does not contain declared merge key: ${key}`);
}

export function errBadPatchType(t: JSONValue | undefined, m: JSONObject): PatchError {
  return new PatchError(`unknown patch type: ${goS(t)} in map: ${goFormat(m)}`);
}
