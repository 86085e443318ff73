/**
 * ControllerRevision hashing as upstream pkg/controller/history: FNV-1 32-bit (Go's fnv.New32) over the
 * revision's raw patch data plus the decimal collision count, printed in decimal and passed through
 * SafeEncodeString (k8s.io/apimachinery/pkg/util/rand) so names never spell words.
 */

const FNV32_OFFSET = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;
const SAFE_ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

/** Go's hash/fnv New32 (FNV-1: multiply, then xor) over UTF-8 bytes. */
export function fnv32(data: string | Uint8Array, seed: number = FNV32_OFFSET): number {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  let hash = seed >>> 0;
  for (const byte of bytes) {
    hash = Math.imul(hash, FNV32_PRIME) >>> 0;
    hash = (hash ^ byte) >>> 0;
  }
  return hash;
}

/** rand.SafeEncodeString: every byte maps to a consonant or a digit that cannot form words. */
export function safeEncodeString(text: string): string {
  let out = "";
  for (const byte of new TextEncoder().encode(text)) out += SAFE_ALPHANUMS[byte % SAFE_ALPHANUMS.length];
  return out;
}

/** HashControllerRevision: hash of `raw` (the revision's data), salted by `collisionCount` when given. */
export function hashRevisionData(raw: string, collisionCount?: number): string {
  let hash = fnv32(raw);
  if (collisionCount !== undefined) hash = fnv32(String(collisionCount), hash);
  return safeEncodeString(String(hash));
}

/** ControllerRevisionName: `<prefix>-<hash>`, the prefix cut to 223 characters to stay within 253. */
export function controllerRevisionName(prefix: string, hash: string): string {
  return `${prefix.length > 223 ? prefix.slice(0, 223) : prefix}-${hash}`;
}
