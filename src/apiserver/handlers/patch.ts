/**
 * PATCH bodies through src/api/patch (JSON patch, merge patch, schema-aware strategic merge patch), by the
 * request's Content-Type.
 */
import { applyPatch, type PatchType } from "../../api/patch/index.js";
import type { GroupVersionKindRef } from "../../api/schema/index.js";
import { unsupportedMediaType } from "../../api/status.js";

export const PATCH_TYPES = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
  "application/apply-patch+yaml",
] as const;

const TYPES: Readonly<Record<string, PatchType>> = {
  "application/json-patch+json": "json",
  "application/merge-patch+json": "merge",
  "application/strategic-merge-patch+json": "strategic",
};

/** Applies a PATCH body of the given media type to the current object (which is not modified). */
export function applyPatchBody(
  contentType: string,
  current: object,
  body: Buffer | string,
  kind: GroupVersionKindRef,
): Record<string, unknown> {
  const type = TYPES[contentType];
  if (type === undefined) throw unsupportedMediaType(contentType);
  return applyPatch(type, current, body, kind);
}
