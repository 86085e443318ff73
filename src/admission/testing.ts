/** Test helpers for admission plugins: the attributes the API server passes for a pod request. */
import type { AdmissionAttributes } from "../apiserver/admission.js";

/** Attributes of alice's CREATE of pod default/p, with `overrides`. */
export function podAttributes(overrides: Partial<AdmissionAttributes> = {}): AdmissionAttributes {
  return {
    operation: "CREATE",
    user: { username: "alice", groups: [] } as unknown as AdmissionAttributes["user"],
    group: "",
    version: "v1",
    kind: "Pod",
    resource: "pods",
    subresource: "",
    namespace: "default",
    name: "p",
    dryRun: false,
    ...overrides,
  };
}
