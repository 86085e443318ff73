/**
 * Status writes (upstream sync.go syncDeploymentStatus and progress.go syncRolloutStatus): counts and the
 * Available condition, the Progressing condition (complete, progressing, timed out), ReplicaFailure copied from
 * the ReplicaSets, and a requeue when the progress deadline could pass.
 */
import type { DeploymentStatus, ReplicaSet } from "kubernetes-types/apps/v1.js";
import {
  NEW_RS_AVAILABLE_REASON,
  PROGRESSING,
  REPLICA_FAILURE,
  RS_UPDATED_REASON,
  TIMED_OUT_REASON,
  calculateStatus,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  getCondition,
  hasProgressDeadline,
  newCondition,
  removeCondition,
  setCondition,
  statusEqual,
} from "./conditions.js";
import type { DeploymentSyncer, SyncState } from "./sync.js";

/** syncDeploymentStatus: counts and Available, without touching Progressing. */
export async function syncDeploymentStatus(
  syncer: DeploymentSyncer,
  state: SyncState,
  allRSs: readonly (ReplicaSet | undefined)[],
  newRS: ReplicaSet | undefined,
): Promise<void> {
  const status = calculateStatus(state.d, allRSs, newRS, syncer.now());
  if (statusEqual(state.d.status, status)) return;
  await syncer.writeStatus(state, status);
}

/** syncRolloutStatus (progress.go): status plus the Progressing condition, and a requeue at the deadline. */
export async function syncRolloutStatus(
  syncer: DeploymentSyncer,
  state: SyncState,
  allRSs: readonly (ReplicaSet | undefined)[],
  newRS: ReplicaSet | undefined,
): Promise<void> {
  const d = state.d;
  const now = syncer.now();
  let status = calculateStatus(d, allRSs, newRS, now);
  if (!hasProgressDeadline(d)) status = removeCondition(status, PROGRESSING);
  const current = getCondition(d.status, PROGRESSING);
  const isComplete = status.replicas === status.updatedReplicas && current?.reason === NEW_RS_AVAILABLE_REASON;
  const subject = newRS ? `ReplicaSet "${newRS.metadata?.name}"` : `Deployment "${d.metadata?.name}"`;
  if (hasProgressDeadline(d) && !isComplete) {
    if (deploymentComplete(d, status)) {
      const message = `${subject} has successfully progressed.`;
      status = setCondition(status, newCondition(PROGRESSING, "True", NEW_RS_AVAILABLE_REASON, message, now));
    } else if (deploymentProgressing(d, status)) {
      const message = `${subject} is progressing.`;
      let condition = newCondition(PROGRESSING, "True", RS_UPDATED_REASON, message, now);
      if (current) {
        if (current.status === "True") condition = { ...condition, lastTransitionTime: current.lastTransitionTime };
        status = removeCondition(status, PROGRESSING);
      }
      status = setCondition(status, condition);
    } else if (deploymentTimedOut(d, status, now)) {
      const message = `${subject} has timed out progressing.`;
      status = setCondition(status, newCondition(PROGRESSING, "False", TIMED_OUT_REASON, message, now));
    }
  }
  const failure = replicaFailure(allRSs, newRS);
  status = failure ? setCondition(status, failure) : removeCondition(status, REPLICA_FAILURE);
  if (statusEqual(d.status, status)) {
    requeueStuckDeployment(syncer, state, status, now);
    return;
  }
  await syncer.writeStatus(state, status);
}

/** requeueStuckDeployment: look again once the progress deadline could have passed. */
export function requeueStuckDeployment(
  syncer: DeploymentSyncer,
  state: SyncState,
  status: DeploymentStatus,
  now: Date,
): void {
  const d = state.d;
  const current = getCondition(d.status, PROGRESSING);
  if (!hasProgressDeadline(d) || !current) return;
  if (deploymentComplete(d, status) || current.reason === TIMED_OUT_REASON) return;
  const lastUpdate = Date.parse(current.lastUpdateTime ?? "");
  if (Number.isNaN(lastUpdate)) return;
  const after = lastUpdate + d.spec!.progressDeadlineSeconds! * 1000 - now.getTime();
  if (after < 1000) syncer.options.enqueueRateLimited(state.key);
  else syncer.options.enqueueAfter(state.key, after + 1000);
}

/** getReplicaFailures: the new ReplicaSet's ReplicaFailure condition, else any old one's, as a deployment condition. */
function replicaFailure(
  allRSs: readonly (ReplicaSet | undefined)[],
  newRS: ReplicaSet | undefined,
): ReturnType<typeof newCondition> | undefined {
  for (const rs of [newRS, ...allRSs]) {
    const c = rs?.status?.conditions?.find((x) => x.type === REPLICA_FAILURE);
    if (c) {
      return {
        type: c.type,
        status: c.status,
        lastTransitionTime: c.lastTransitionTime,
        lastUpdateTime: c.lastTransitionTime,
        reason: c.reason,
        message: c.message,
      };
    }
  }
  return undefined;
}
