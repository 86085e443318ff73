/**
 * List continue tokens, encoded exactly as upstream's storage.EncodeContinue: base64url-less standard base64
 * of `{"v":"meta.k8s.io/v1","rv":N,"start":"<key after the prefix>\u0000"}`.
 */
import { badRequest } from "../../api/status.js";

export interface ContinuePosition {
  readonly revision: number;
  /** The last key returned (absolute); the next page starts strictly after it. */
  readonly after: string;
}

export function encodeContinue(lastKey: string, prefix: string, revision: number): string {
  const start = `${lastKey.slice(prefix.length)}\u0000`;
  return Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv: revision, start })).toString("base64");
}

export function decodeContinue(token: string, prefix: string): ContinuePosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64").toString("utf8"));
  } catch {
    throw badRequest("continue key is not valid: illegal base64 data or invalid JSON");
  }
  if (typeof parsed !== "object" || parsed === null) throw badRequest("continue key is not valid: not an object");
  const { v, rv, start } = parsed as { v?: unknown; rv?: unknown; start?: unknown };
  if (v !== "meta.k8s.io/v1") throw badRequest("continue key is not valid: server does not recognize this encoding");
  if (typeof rv !== "number" || !Number.isInteger(rv) || rv <= 0) {
    throw badRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
  }
  if (typeof start !== "string" || start === "") {
    throw badRequest("continue key is not valid: encoded start key empty (version meta.k8s.io/v1)");
  }
  const key = start.endsWith("\u0000") ? start.slice(0, -1) : start;
  // Upstream refuses keys that could escape the listed prefix.
  if (key.startsWith("/") || key.split("/").includes("..")) {
    throw badRequest(`continue key is not valid: the encoded start key is not a valid path`);
  }
  return { revision: rv, after: prefix + key };
}
