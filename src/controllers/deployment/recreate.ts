/**
 * The Recreate strategy (upstream recreate.go): scale every old ReplicaSet to zero, wait until none of their
 * pods runs, then create/scale up the new ReplicaSet.
 */
import type { ReplicaSet } from "kubernetes-types/apps/v1.js";
import { deploymentComplete } from "./conditions.js";
import { activeReplicaSets, actualReplicaCount, replicasOf } from "./replicas.js";
import { syncRolloutStatus } from "./progress.js";
import { cleanupDeployment } from "./scale.js";
import type { DeploymentSyncer, PodMap, SyncState } from "./sync.js";

export async function rolloutRecreate(
  syncer: DeploymentSyncer,
  state: SyncState,
  rsList: readonly ReplicaSet[],
  podMap: PodMap,
): Promise<void> {
  let { newRS, oldRSs } = await syncer.getAllReplicaSetsAndSyncRevision(state, rsList, false);
  let allRSs: (ReplicaSet | undefined)[] = [...oldRSs, newRS];
  let scaledDown = false;
  for (const rs of activeReplicaSets(oldRSs)) {
    if ((await syncer.scaleReplicaSetAndRecordEvent(state, rs, 0)).scaled) scaledDown = true;
  }
  if (scaledDown) return syncRolloutStatus(syncer, state, allRSs, newRS);
  if (oldPodsRunning(newRS, oldRSs, podMap)) return syncRolloutStatus(syncer, state, allRSs, newRS);
  if (!newRS) {
    ({ newRS, oldRSs } = await syncer.getAllReplicaSetsAndSyncRevision(state, rsList, true));
    allRSs = [...oldRSs, newRS];
  }
  if (newRS) await syncer.scaleReplicaSetAndRecordEvent(state, newRS, replicasOf(state.d));
  if (deploymentComplete(state.d, state.d.status ?? {})) await cleanupDeployment(syncer, state, oldRSs);
  return syncRolloutStatus(syncer, state, allRSs, newRS);
}

/** oldPodsRunning: old ReplicaSets still report replicas, or any of their pods is not finished. */
export function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[], podMap: PodMap): boolean {
  if (actualReplicaCount(oldRSs) > 0) return true;
  for (const [uid, pods] of podMap) {
    if (newRS && newRS.metadata?.uid === uid) continue;
    for (const pod of pods) {
      const phase = pod.status?.phase;
      if (phase !== "Failed" && phase !== "Succeeded") return true;
    }
  }
  return false;
}
