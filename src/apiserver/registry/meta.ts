/** Object metadata helpers shared by the registry's write paths. */
import { randomUUID } from "node:crypto";
import type { StoredObject } from "../object.js";

/** RFC 3339 with seconds precision, as metav1.Time serializes. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

const GENERATE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/** upstream's names.SimpleNameGenerator: base (truncated to 58 chars) plus 5 random characters. */
export function generateName(base: string): string {
  let suffix = "";
  for (let i = 0; i < 5; i++) suffix += GENERATE_ALPHABET[Math.floor(Math.random() * GENERATE_ALPHABET.length)];
  return base.slice(0, 58) + suffix;
}

export function newUid(): string {
  return randomUUID();
}

const NON_SPEC = new Set(["metadata", "status", "apiVersion", "kind"]);

/** The fields whose change bumps metadata.generation: everything but metadata and status. */
export function specOf(object: StoredObject): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(object)) if (!NON_SPEC.has(k)) out[k] = v;
  return out;
}

/** The object as stored: no resourceVersion (it is the key's modRevision) and no selfLink. */
export function forStorage(object: StoredObject): StoredObject {
  const { resourceVersion: _rv, selfLink: _sl, ...metadata } = object.metadata;
  return { ...object, metadata };
}
