/**
 * PATCH bodies as upstream's apiserver applies them (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go):
 * JSON patch, JSON merge patch and strategic merge patch, failing with the same Status codes and messages.
 */
import { definitionForKind, type GroupVersionKindRef } from "../schema/index.js";
import { invalid, type StatusError } from "../status.js";
import { PatchError, strategicUnsupported, toStatus, tooManyOperations } from "./errors.js";
import {
  GoJSONSyntaxError,
  goMarshal,
  goQuote,
  isObject,
  jsonKind,
  parseGoJSON,
  type JSONObject,
  type JSONValue,
} from "./gojson.js";
import { applyJSONPatch, decodeJSONPatch, MAX_JSON_PATCH_OPERATIONS } from "./jsonpatch.js";
import { applyMergePatch } from "./mergepatch.js";
import { goTypeOf } from "./lookup.js";
import { mergeMap } from "./strategic.js";

export type PatchType = "json" | "merge" | "strategic";

export type { JSONObject, JSONValue } from "./gojson.js";

/**
 * The patch type named by a request's Content-Type, if any. As upstream: parameters (`; charset=utf-8`) are cut
 * off, the rest must match exactly.
 */
export function patchTypeForContentType(contentType: string | undefined): PatchType | undefined {
  const base = (contentType ?? "").split(";")[0]!;
  switch (base) {
    case "application/json-patch+json":
      return "json";
    case "application/merge-patch+json":
      return "merge";
    case "application/strategic-merge-patch+json":
      return "strategic";
    default:
      return undefined;
  }
}

/** Whether strategic merge patch is possible for a kind (built-in types only; custom resources answer 415). */
export function supportsStrategicMergePatch(kind: GroupVersionKindRef): boolean {
  return definitionForKind(kind) !== undefined;
}

/**
 * What upstream answers when the patched document does not decode into the kind (a merge patch that is a JSON
 * array, a JSON patch replacing the root with an array): 422 ` "" is invalid: patch: Invalid value: "…": …`.
 */
function notAnObject(result: JSONValue): StatusError {
  const json = goMarshal(result);
  const why = `json: cannot unmarshal ${jsonKind(result)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`;
  return invalid({ group: "", kind: "" }, "", [
    { type: "FieldValueInvalid", field: "patch", detail: `${goQuote(json)}: ${why}` },
  ]);
}

/** The strategic merge; `patchMap` is the patch as the merge left it (upstream prints it in strict errors). */
function strategic(
  original: JSONObject,
  patchBytes: Buffer | string,
  kind: GroupVersionKindRef,
): { result: JSONValue; patchMap: JSONObject } {
  const def = definitionForKind(kind);
  if (def === undefined) throw strategicUnsupported();
  let patch: JSONValue;
  try {
    patch = parseGoJSON(patchBytes);
  } catch (error) {
    if (error instanceof GoJSONSyntaxError) throw new PatchError(error.message, "bad-request");
    throw error;
  }
  if (patch === null) return { result: structuredClone(original), patchMap: {} };
  if (!isObject(patch)) {
    throw new PatchError(
      `json: cannot unmarshal ${jsonKind(patch)} into Go value of type map[string]interface {}`,
      "bad-request",
    );
  }
  return { result: mergeMap(structuredClone(original), patch, goTypeOf({ ref: def.name })), patchMap: patch };
}

/** applyPatch plus, for strategic merge patches, the patch map as the merge left it (shares values with object). */
export function runPatch(
  patchType: PatchType,
  original: object,
  patch: Buffer | string,
  kind: GroupVersionKindRef,
): { object: JSONObject; patchMap?: JSONObject } {
  const doc = original as JSONObject;
  let result: JSONValue;
  let patchMap: JSONObject | undefined;
  try {
    if (patchType === "json") {
      const ops = decodeJSONPatch(patch);
      if (ops.length > MAX_JSON_PATCH_OPERATIONS) throw tooManyOperations(MAX_JSON_PATCH_OPERATIONS, ops.length);
      result = applyJSONPatch(doc, ops);
    } else if (patchType === "merge") {
      result = applyMergePatch(doc, patch);
    } else {
      ({ result, patchMap } = strategic(doc, patch, kind));
    }
  } catch (error) {
    if (error instanceof PatchError) throw toStatus(error);
    throw error;
  }
  if (!isObject(result)) throw notAnObject(result);
  return patchMap ? { object: result, patchMap } : { object: result };
}

/**
 * Applies a PATCH body to `original` (never mutated) and returns the new object.
 *
 * `kind` picks the schema for strategic merge patch. Failures throw a StatusError as upstream answers them:
 * malformed bodies 400, JSON patch operations that do not apply 422 (reason Invalid, cause
 * UnexpectedServerResponse), too many operations 413, strategic patch on a type without schema 415, and
 * strategic-patch internal errors 500 with the bare Go error text.
 */
export function applyPatch(
  patchType: PatchType,
  original: object,
  patch: Buffer | string,
  kind: GroupVersionKindRef,
): JSONObject {
  return runPatch(patchType, original, patch, kind).object;
}

export { applyPatchWithValidation, type FieldValidation, type ValidatedPatch } from "./validate.js";
