/**
 * The pod-template-hash (upstream controller.ComputeHash): FNV-32a over the pod template, then the
 * collisionCount as 8 little-endian bytes, rendered as the decimal Sum32 mapped through rand.SafeEncodeString's
 * alphabet. Upstream hashes a spew dump of the Go struct; we hash canonical JSON (keys sorted), so names have
 * upstream's shape and stability but not upstream's exact values.
 */
import type { PodTemplateSpec } from "kubernetes-types/core/v1.js";

const SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/** rand.SafeEncodeString: each character mapped to SAFE_ALPHABET[code % 27] (no vowels, no look-alikes). */
export function safeEncodeString(text: string): string {
  let out = "";
  for (const ch of text) out += SAFE_ALPHABET[ch.codePointAt(0)! % SAFE_ALPHABET.length];
  return out;
}

/** FNV-1a, 32 bits, over bytes; `seed` continues an earlier hash. */
export function fnv32a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** JSON with object keys sorted, so equal templates hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * Drops undefined and null values, empty objects and empty arrays, recursively: what Go's decoder makes of them
 * (kubectl sends `creationTimestamp: null` in templates), so semantically equal templates compare and hash equal.
 */
export function normalize(value: unknown): unknown {
  if (value === null) return undefined;
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map((v) => normalize(v) ?? null);
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const n = normalize(v);
      if (n !== undefined) out[k] = n;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return value;
}

/** The pod-template-hash label value for `template` and the deployment's `status.collisionCount`. */
export function computeHash(template: PodTemplateSpec, collisionCount?: number): string {
  let hash = fnv32a(new TextEncoder().encode(canonicalJson(normalize(template) ?? {})));
  if (collisionCount !== undefined) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    hash = fnv32a(bytes, hash);
  }
  return safeEncodeString(String(hash));
}
