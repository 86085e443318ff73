/**
 * Quota scopes (upstream podMatchesScopeFunc): Terminating / NotTerminating (activeDeadlineSeconds),
 * BestEffort / NotBestEffort (QoS), PriorityClass (scopeSelector over spec.priorityClassName) and
 * CrossNamespacePodAffinity. `spec.scopes` are Exists requirements; `spec.scopeSelector` adds operators.
 */
import type { Pod, ResourceQuota } from "kubernetes-types/core/v1.js";
import { isBestEffort } from "./pod-resources.js";

export interface ScopeRequirement {
  readonly scopeName: string;
  readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  readonly values: readonly string[];
}

export function quotaScopes(quota: ResourceQuota): ScopeRequirement[] {
  const fromScopes = (quota.spec?.scopes ?? []).map((scopeName): ScopeRequirement => ({
    scopeName,
    operator: "Exists",
    values: [],
  }));
  const fromSelector = (quota.spec?.scopeSelector?.matchExpressions ?? []).map((e): ScopeRequirement => ({
    scopeName: e.scopeName,
    operator: e.operator as ScopeRequirement["operator"],
    values: e.values ?? [],
  }));
  return [...fromScopes, ...fromSelector];
}

function hasCrossNamespaceAffinity(pod: Pod): boolean {
  const affinity = pod.spec?.affinity;
  const terms = [
    ...(affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
    ...(affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => w.podAffinityTerm),
    ...(affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
    ...(affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => w.podAffinityTerm),
  ];
  return terms.some((t) => (t.namespaces?.length ?? 0) > 0 || t.namespaceSelector !== undefined);
}

function matchesPriorityClass(pod: Pod, requirement: ScopeRequirement): boolean {
  // Upstream matches a label set {PriorityClass: spec.priorityClassName}: the key is always present.
  const value = pod.spec?.priorityClassName ?? "";
  switch (requirement.operator) {
    case "In":
      return requirement.values.includes(value);
    case "NotIn":
      return !requirement.values.includes(value);
    case "Exists":
      return true;
    case "DoesNotExist":
      return false;
  }
}

export function matchesPodScope(pod: Pod, requirement: ScopeRequirement): boolean {
  const deadline = pod.spec?.activeDeadlineSeconds;
  const terminating = deadline !== undefined && deadline !== null && deadline >= 0;
  const positive = requirement.operator !== "DoesNotExist";
  let result: boolean;
  switch (requirement.scopeName) {
    case "Terminating":
      result = terminating;
      break;
    case "NotTerminating":
      result = !terminating;
      break;
    case "BestEffort":
      result = isBestEffort(pod);
      break;
    case "NotBestEffort":
      result = !isBestEffort(pod);
      break;
    case "PriorityClass":
      return matchesPriorityClass(pod, requirement);
    case "CrossNamespacePodAffinity":
      result = hasCrossNamespaceAffinity(pod);
      break;
    default:
      return false;
  }
  return positive ? result : !result;
}

export function matchesPodScopes(pod: Pod, requirements: readonly ScopeRequirement[]): boolean {
  return requirements.every((r) => matchesPodScope(pod, r));
}
