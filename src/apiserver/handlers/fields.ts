/**
 * fieldValidation (Strict / Warn / Ignore; the server default is Warn): unknown fields in a written object,
 * found with src/api/schema, become a 400 or `Warning: 299` headers as upstream.
 */
import type { ServerResponse } from "node:http";
import { findUnknownFields, strictDecodingMessage, type GroupVersionKindRef } from "../../api/schema/index.js";
import { badRequest } from "../../api/status.js";

export function checkUnknownFields(
  res: ServerResponse,
  mode: "" | "Ignore" | "Warn" | "Strict",
  kind: GroupVersionKindRef,
  object: unknown,
): void {
  if (mode === "Ignore") return;
  const unknown = findUnknownFields(kind, object);
  if (unknown.length === 0) return;
  if (mode === "Strict") {
    throw badRequest(
      `${kind.kind} in version "${kind.version}" cannot be handled as a ${kind.kind}: ${strictDecodingMessage(unknown)}`,
    );
  }
  const previous = res.getHeader("Warning");
  const warnings = Array.isArray(previous) ? previous : previous === undefined ? [] : [String(previous)];
  res.setHeader("Warning", [
    ...warnings,
    ...unknown.map((f) => `299 - ${JSON.stringify(`unknown field ${JSON.stringify(f)}`)}`),
  ]);
}
