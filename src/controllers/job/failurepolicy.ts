/**
 * spec.podFailurePolicy matching (upstream pod_failure_policy.go): the first rule whose onExitCodes or
 * onPodConditions requirement matches a Failed pod decides its action, with upstream's messages.
 */
import type { Pod, ContainerStatus } from "kubernetes-types/core/v1.js";
import type { PodFailurePolicy, PodFailurePolicyOnExitCodesRequirement } from "kubernetes-types/batch/v1.js";

export type FailurePolicyAction = "FailJob" | "FailIndex" | "Ignore" | "Count";

export interface FailurePolicyMatch {
  readonly action: FailurePolicyAction;
  /** Set for FailJob: the Job's failure message. */
  readonly message: string;
}

function matchingContainer(
  statuses: readonly ContainerStatus[] | undefined,
  requirement: PodFailurePolicyOnExitCodesRequirement,
): ContainerStatus | undefined {
  for (const status of statuses ?? []) {
    const terminated = status.state?.terminated;
    if (!terminated) continue;
    if (requirement.containerName && requirement.containerName !== status.name) continue;
    if (terminated.exitCode === 0) continue;
    const listed = requirement.values.includes(terminated.exitCode);
    if (requirement.operator === "In" ? listed : !listed) return status;
  }
  return undefined;
}

/** The action of the first rule matching `pod` (a Failed pod), or undefined when none matches. */
export function matchPodFailurePolicy(policy: PodFailurePolicy | undefined, pod: Pod): FailurePolicyMatch | undefined {
  if (!policy) return undefined;
  const podName = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
  for (const [index, rule] of (policy.rules ?? []).entries()) {
    const action = rule.action as FailurePolicyAction;
    if (rule.onExitCodes) {
      const container =
        matchingContainer(pod.status?.initContainerStatuses, rule.onExitCodes) ??
        matchingContainer(pod.status?.containerStatuses, rule.onExitCodes);
      if (container) {
        const code = container.state!.terminated!.exitCode;
        return {
          action,
          message: `Container ${container.name} for pod ${podName} failed with exit code ${code} matching ${action} rule at index ${index}`,
        };
      }
    }
    for (const pattern of rule.onPodConditions ?? []) {
      const wanted = pattern.status ?? "True";
      if (pod.status?.conditions?.some((c) => c.type === pattern.type && c.status === wanted)) {
        return {
          action,
          message: `Pod ${podName} has condition ${pattern.type} matching ${action} rule at index ${index}`,
        };
      }
    }
  }
  return undefined;
}
