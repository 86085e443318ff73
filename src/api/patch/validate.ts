/**
 * PATCH with `fieldValidation`, as upstream's patch handler checks the patched object: Strict fails with 422
 * ` "" is invalid: patch: Invalid value: "<…>": strict decoding error: unknown field "spec.x"`, Warn returns
 * the warnings (`unknown field "spec.x"`) for the Warning headers, Ignore does neither. As upstream, an empty
 * directive means Warn.
 */
import { findUnknownFields, strictDecodingMessage, type GroupVersionKindRef } from "../schema/index.js";
import { invalid } from "../status.js";
import { badRequest } from "./errors.js";
import {
  goFormat,
  goMarshal,
  goQuote,
  isObject,
  jsonKind,
  parseGoJSON,
  type JSONObject,
  type JSONValue,
} from "./gojson.js";
import { runPatch, type PatchType } from "./index.js";

/** "" is the server default, Warn. */
export type FieldValidation = "Strict" | "Warn" | "Ignore" | "";

export interface ValidatedPatch {
  readonly object: JSONObject;
  /** Warning texts for `fieldValidation=Warn`, e.g. `unknown field "spec.bogus"`. */
  readonly warnings: string[];
}

/**
 * With Strict or Warn upstream first decodes JSON and merge patches strictly (sigs.k8s.io/json) into its own
 * types, which rejects with 400 `error decoding patch: …` some bodies the plain path would answer otherwise.
 */
function strictPreflight(patchType: PatchType, patch: Buffer | string): void {
  if (patchType === "strategic") return;
  let body: JSONValue;
  try {
    body = parseGoJSON(patch);
  } catch (error) {
    throw badRequest(`error decoding patch: ${(error as Error).message}`);
  }
  const fail = (what: string): never => {
    throw badRequest(`error decoding patch: json: cannot unmarshal ${what}`);
  };
  if (body === null) return;
  if (patchType === "merge") {
    if (!isObject(body)) fail(`${jsonKind(body)} into Go value of type map[string]interface {}`);
    return;
  }
  if (!Array.isArray(body)) return fail(`${jsonKind(body)} into Go value of type []handlers.jsonPatchOp`);
  for (const op of body) {
    if (op === null) continue;
    if (!isObject(op)) fail(`${jsonKind(op)} into Go value of type handlers.jsonPatchOp`);
    for (const field of ["op", "path", "from"]) {
      const v = (op as JSONObject)[field];
      if (Object.prototype.hasOwnProperty.call(op, field) && v !== null && typeof v !== "string") {
        fail(`${jsonKind(v!)} into Go struct field jsonPatchOp.${field} of type string`);
      }
    }
  }
}

/** applyPatch, then upstream's unknown-field check of the result for `fieldValidation`. */
export function applyPatchWithValidation(
  patchType: PatchType,
  original: object,
  patch: Buffer | string,
  kind: GroupVersionKindRef,
  fieldValidation: FieldValidation = "",
): ValidatedPatch {
  const mode = fieldValidation === "" ? "Warn" : fieldValidation;
  if (mode !== "Ignore") strictPreflight(patchType, patch);
  const { object, patchMap } = runPatch(patchType, original, patch, kind);
  if (mode === "Ignore") return { object, warnings: [] };
  const unknown = findUnknownFields(kind, object);
  if (unknown.length === 0) return { object, warnings: [] };
  if (mode === "Warn") return { object, warnings: unknown.map((f) => `unknown field ${JSON.stringify(f)}`) };
  // upstream prints the patched document (JSON, merge) or the consumed patch map (`%+v`, strategic)
  const value = patchMap ? goFormat(patchMap) : goMarshal(object);
  const detail = `${goQuote(value)}: ${strictDecodingMessage(unknown)}`;
  throw invalid({ group: "", kind: "" }, "", [{ type: "FieldValueInvalid", field: "patch", detail }]);
}
