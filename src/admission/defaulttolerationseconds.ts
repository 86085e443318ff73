/**
 * The DefaultTolerationSeconds admission plugin (upstream plugin/pkg/admission/defaulttolerationseconds): on pod
 * creation, a pod that does not already tolerate the node controller's `not-ready` / `unreachable` NoExecute
 * taints gets tolerations for them with `tolerationSeconds` (default 300), so the taint manager evicts it five
 * minutes after its node fails instead of at once.
 */
import type { Pod, Toleration } from "kubernetes-types/core/v1.js";
import type { AdmissionAttributes, AdmissionPlugin } from "../apiserver/admission.js";
import type { StoredObject } from "../apiserver/object.js";
import { TAINT_NOT_READY, TAINT_UNREACHABLE } from "../api/taints.js";

/** True when `toleration` covers the NoExecute taint `key` (an empty key or effect matches any, as upstream). */
function toleratesNoExecute(toleration: Toleration, key: string): boolean {
  const keyMatches = toleration.key === key || !toleration.key;
  const effectMatches = toleration.effect === "NoExecute" || !toleration.effect;
  return keyMatches && effectMatches;
}

/** tolerationSeconds for each taint (upstream --default-not-ready/unreachable-toleration-seconds). */
export interface DefaultTolerationSeconds {
  readonly notReady: number;
  readonly unreachable: number;
}

/** Adds the two default tolerations to `pod` (in place) where it has none covering them. */
export function addDefaultTolerations(pod: Pod, seconds: number | DefaultTolerationSeconds): void {
  const each = typeof seconds === "number" ? { notReady: seconds, unreachable: seconds } : seconds;
  const spec = pod.spec;
  if (!spec) return;
  const tolerations = spec.tolerations ?? [];
  const added: Toleration[] = [];
  for (const [key, tolerationSeconds] of [
    [TAINT_NOT_READY, each.notReady],
    [TAINT_UNREACHABLE, each.unreachable],
  ] as const) {
    if (tolerations.some((t) => toleratesNoExecute(t, key))) continue;
    added.push({ key, operator: "Exists", effect: "NoExecute", tolerationSeconds });
  }
  if (added.length > 0) (spec as { tolerations?: Toleration[] }).tolerations = [...tolerations, ...added];
}

export function defaultTolerationSecondsAdmission(seconds: number | DefaultTolerationSeconds = 300): AdmissionPlugin {
  return {
    name: "DefaultTolerationSeconds",
    admit(attributes: AdmissionAttributes, object: StoredObject): void {
      if (attributes.operation !== "CREATE") return;
      if (attributes.group !== "" || attributes.resource !== "pods" || attributes.subresource !== "") return;
      addDefaultTolerations(object as Pod, seconds);
    },
  };
}
