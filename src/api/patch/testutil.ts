/** Helpers shared by the patch tests. */
import assert from "node:assert/strict";
import { isStatusError, type StatusError } from "../status.js";

export const POD = { group: "", version: "v1", kind: "Pod" };
export const DEPLOYMENT = { group: "apps", version: "v1", kind: "Deployment" };
export const SERVICE = { group: "", version: "v1", kind: "Service" };
export const NODE = { group: "", version: "v1", kind: "Node" };

/** Asserts `fn` throws a StatusError with this code and reason (and message, when given) and returns it. */
export function throwsStatus(fn: () => unknown, code: number, reason: string, message?: string | RegExp): StatusError {
  try {
    fn();
  } catch (error) {
    assert.ok(isStatusError(error), `threw ${String(error)}, not a StatusError`);
    assert.equal(error.status.code, code, error.status.message);
    assert.equal(error.status.reason, reason);
    if (typeof message === "string") assert.equal(error.status.message, message);
    else if (message) assert.match(error.status.message ?? "", message);
    return error;
  }
  assert.fail("did not throw");
}

/** The cause message of upstream's generic 422 ("the server rejected our request …"). */
export function causeOf(error: StatusError): string | undefined {
  return error.status.details?.causes?.[0]?.message;
}

export function deepFreeze<T>(o: T): T {
  if (typeof o === "object" && o !== null) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

export function deployment(): Record<string, unknown> {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: "web",
      namespace: "default",
      labels: { app: "web" },
      annotations: { "deployment.kubernetes.io/revision": "2" },
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: "web" } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: {
          containers: [
            {
              name: "nginx",
              image: "nginx:1.25",
              ports: [{ containerPort: 80, protocol: "TCP" }],
              env: [
                { name: "A", value: "1" },
                { name: "B", value: "2" },
              ],
            },
            { name: "sidecar", image: "busybox", args: ["sleep", "3600"] },
          ],
          volumes: [{ name: "data", emptyDir: {} }],
        },
      },
    },
  };
}

/** The value at a dotted path ("spec.template.spec.containers.0.name"). */
export function get(o: unknown, path: string): unknown {
  let v: unknown = o;
  for (const k of path.split("."))
    v = v === null || typeof v !== "object" ? undefined : (v as Record<string, unknown>)[k];
  return v;
}

/** The given field of every element of the list at `path`. */
export function pluck(o: unknown, path: string, field = "name"): unknown[] {
  return (get(o, path) as Record<string, unknown>[]).map((e) => e[field]);
}
