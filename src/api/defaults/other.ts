/** Defaults of the other groups kubectl users meet: networking, scheduling, RBAC, storage, autoscaling, discovery. */
import { child, defPointer, defString, items, maybe, type Obj } from "./util.js";

/** SetDefaults_NetworkPolicy and SetDefaults_NetworkPolicyPort. */
export function defaultNetworkPolicy(np: Obj): void {
  const spec = child(np, "spec");
  for (const dir of ["ingress", "egress"]) {
    for (const rule of items(spec, dir)) for (const p of items(rule, "ports")) defPointer(p, "protocol", "TCP");
  }
  if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
    spec.policyTypes = ["Ingress"];
    if (Array.isArray(spec.egress) && spec.egress.length) (spec.policyTypes as string[]).push("Egress");
  }
}

export function defaultPriorityClass(pc: Obj): void {
  defPointer(pc, "preemptionPolicy", "PreemptLowerPriority");
}

/** rbac/v1 SetDefaults_Subject (apiGroup), SetDefaults_RoleBinding/ClusterRoleBinding (roleRef.apiGroup). */
export function defaultRoleBinding(rb: Obj): void {
  const roleRef = maybe(rb, "roleRef");
  if (roleRef) defString(roleRef, "apiGroup", "rbac.authorization.k8s.io");
  for (const s of items(rb, "subjects")) {
    if (s.apiGroup !== undefined && s.apiGroup !== null && s.apiGroup !== "") continue;
    if (s.kind === "User" || s.kind === "Group") s.apiGroup = "rbac.authorization.k8s.io";
    else if (s.kind === "ServiceAccount") s.apiGroup = "";
  }
}

export function defaultStorageClass(sc: Obj): void {
  defPointer(sc, "reclaimPolicy", "Delete");
  defPointer(sc, "volumeBindingMode", "Immediate");
}

/**
 * autoscaling SetDefaults_HorizontalPodAutoscaler: minReplicas 1; in autoscaling/v2 also the CPU 80% metric when
 * none is given and, when `behavior` is set, its missing rules (SetDefaults_HorizontalPodAutoscalerBehavior).
 */
export function defaultHorizontalPodAutoscaler(hpa: Obj): void {
  const spec = child(hpa, "spec");
  defPointer(spec, "minReplicas", 1);
  if (hpa.apiVersion !== "autoscaling/v2") return;
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) {
    spec.metrics = [
      { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } },
    ];
  }
  const behavior = maybe(spec, "behavior");
  if (!behavior) return;
  behavior.scaleUp = scalingRules(maybe(behavior, "scaleUp"), 0, [
    { type: "Pods", value: 4, periodSeconds: 15 },
    { type: "Percent", value: 100, periodSeconds: 15 },
  ]);
  // Scale-down stabilization stays unset: the controller's --horizontal-pod-autoscaler-downscale-stabilization applies.
  behavior.scaleDown = scalingRules(maybe(behavior, "scaleDown"), undefined, [
    { type: "Percent", value: 100, periodSeconds: 15 },
  ]);
}

/** GenerateHPAScaleUpRules / GenerateHPAScaleDownRules: missing fields of one direction's rules. */
function scalingRules(rules: Obj | undefined, stabilizationWindowSeconds: number | undefined, policies: Obj[]): Obj {
  const out: Obj = { ...(rules ?? {}) };
  if (stabilizationWindowSeconds !== undefined)
    defPointer(out, "stabilizationWindowSeconds", stabilizationWindowSeconds);
  defPointer(out, "selectPolicy", "Max");
  if (out.policies === undefined || out.policies === null) out.policies = policies;
  return out;
}

/** discovery/v1 SetDefaults_EndpointPort. */
export function defaultEndpointSlice(es: Obj): void {
  for (const p of items(es, "ports")) {
    defPointer(p, "name", "");
    defPointer(p, "protocol", "TCP");
  }
}
