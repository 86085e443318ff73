/** Shared fixtures for the apply tests. */
import { isStatusError, type StatusError } from "../status.js";
import type { GroupVersionKind } from "./context.js";

export const DEPLOY: GroupVersionKind = { group: "apps", version: "v1", kind: "Deployment" };
export const CONFIGMAP: GroupVersionKind = { group: "", version: "v1", kind: "ConfigMap" };
export const T0 = new Date("2026-01-01T00:00:00.000Z");
export const T1 = new Date("2026-01-01T00:01:00.000Z");
export const T2 = new Date("2026-01-01T00:02:00.000Z");

export type Obj = Record<string, unknown>;

/** The manifest of `kubectl apply --server-side -f deploy.yaml` (kubectl sends it as JSON). */
export function deployConfig(replicas = 3, image = "nginx:1.25", extra: Obj = {}): Obj {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "default", labels: { app: "web" } },
    spec: {
      replicas,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "nginx", image }] },
      },
      ...extra,
    },
  };
}

/** What the API server would store after creating: identity and server-set fields added. */
export function stored(o: object, extra: Obj = {}): Obj {
  const c = structuredClone(o) as Obj;
  const meta = (c["metadata"] ?? {}) as Obj;
  c["metadata"] = { ...meta, uid: "u-1", resourceVersion: "1", creationTimestamp: "2026-01-01T00:00:00Z", ...extra };
  return c;
}

export function get(o: unknown, path: string): unknown {
  let cur: unknown = o;
  for (const seg of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

export interface Entry {
  manager: string;
  operation: string;
  apiVersion: string;
  time?: string;
  fieldsType: string;
  fieldsV1: Obj;
  subresource?: string;
}

export function managedFields(o: unknown): Entry[] {
  return (get(o, "metadata.managedFields") ?? []) as Entry[];
}

export function entry(o: unknown, manager: string): Entry | undefined {
  return managedFields(o).find((e) => e.manager === manager);
}

export function statusOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (isStatusError(e)) return e;
    throw e;
  }
  throw new Error("expected a StatusError");
}
