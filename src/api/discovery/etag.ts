/** Entity tags for discovery documents: kubectl caches discovery and revalidates with If-None-Match. */
import { createHash } from "node:crypto";

/** A strong, quoted ETag for a body (a serialized document, or a value to serialize as JSON). */
export function discoveryETag(body: string | Uint8Array | object): string {
  const bytes = typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body);
  return `"${createHash("sha256").update(bytes).digest("hex").slice(0, 32)}"`;
}

/** Whether an If-None-Match header value matches `etag` (a list of tags, weak tags, or `*`). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(",")
    .map((t) => t.trim().replace(/^W\//, ""))
    .some((t) => t === "*" || t === etag);
}
