/** The untyped shape every stored Kubernetes object has, and small helpers to read it safely. */
import type { ObjectMeta as ReadonlyObjectMeta } from "kubernetes-types/meta/v1.js";

/** ObjectMeta whose fields the registry may set. */
export type ObjectMeta = { -readonly [K in keyof ReadonlyObjectMeta]: ReadonlyObjectMeta[K] };

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

/** A KubeObject whose metadata is present (every object the registry hands out). */
export interface StoredObject extends KubeObject {
  metadata: ObjectMeta;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Deep equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** apiVersion as written in objects: "v1" for core, "apps/v1" otherwise. */
export function apiVersionOf(group: string, version: string): string {
  return group === "" ? version : `${group}/${version}`;
}

/** Reads a dotted path (`spec.nodeName`) from an object; undefined when any step is missing. */
export function fieldAt(object: unknown, path: string): unknown {
  let current: unknown = object;
  for (const step of path.split(".")) {
    if (!isPlainObject(current)) return undefined;
    current = current[step];
  }
  return current;
}
