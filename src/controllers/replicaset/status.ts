/**
 * ReplicaSet status from the pods it controls (upstream replica_set_utils.go calculateStatus): replicas,
 * fullyLabeledReplicas, readyReplicas, availableReplicas and the ReplicaFailure condition.
 */
import type { ReplicaSetCondition, ReplicaSetStatus } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { labelSelectorFromSet } from "../../api/selectors/index.js";
import { isPodAvailable, isPodReady } from "../util/pods.js";
import type { ReplicaSetView } from "./workload.js";

export const REPLICA_FAILURE = "ReplicaFailure";

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The status a sync writes; `manageError` is what creating/deleting pods failed with, if anything. */
export function calculateStatus(
  view: ReplicaSetView,
  activePods: readonly Pod[],
  manageError: unknown,
  now: Date = new Date(),
): ReplicaSetStatus {
  const templateLabels = labelSelectorFromSet(view.template?.metadata?.labels);
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of activePods) {
    if (templateLabels.matches(pod.metadata?.labels)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, view.minReadySeconds, now)) available++;
    }
  }
  let conditions: ReplicaSetCondition[] = [...(view.status.conditions ?? [])];
  const failure = conditions.find((c) => c.type === REPLICA_FAILURE);
  if (manageError !== undefined && !failure) {
    const diff = activePods.length - view.replicas;
    const reason = diff < 0 ? "FailedCreate" : diff > 0 ? "FailedDelete" : "";
    conditions.push({
      type: REPLICA_FAILURE,
      status: "True",
      lastTransitionTime: new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString().replace(".000Z", "Z"),
      reason,
      message: errorMessage(manageError),
    });
  } else if (manageError === undefined && failure) {
    conditions = conditions.filter((c) => c.type !== REPLICA_FAILURE);
  }
  const status: ReplicaSetStatus = {
    ...view.status,
    replicas: activePods.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: available,
  };
  if (conditions.length > 0) status.conditions = conditions;
  else delete status.conditions;
  return status;
}

/** True when writing `next` would change nothing (upstream's early return in updateReplicaSetStatus). */
export function statusUnchanged(current: ReplicaSetStatus, next: ReplicaSetStatus, generation: number): boolean {
  return (
    (current.replicas ?? 0) === (next.replicas ?? 0) &&
    (current.fullyLabeledReplicas ?? 0) === (next.fullyLabeledReplicas ?? 0) &&
    (current.readyReplicas ?? 0) === (next.readyReplicas ?? 0) &&
    (current.availableReplicas ?? 0) === (next.availableReplicas ?? 0) &&
    (current.observedGeneration ?? 0) >= generation &&
    JSON.stringify(current.conditions ?? []) === JSON.stringify(next.conditions ?? [])
  );
}
