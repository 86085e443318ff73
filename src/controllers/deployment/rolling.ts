/**
 * The RollingUpdate strategy (upstream rolling.go): grow the new ReplicaSet within maxSurge, shrink old ones
 * within maxUnavailable (unhealthy replicas first), clean up old revisions once complete.
 */
import type { ReplicaSet } from "kubernetes-types/apps/v1.js";
import { deploymentComplete } from "./conditions.js";
import {
  activeReplicaSets,
  availableReplicaCount,
  byCreation,
  maxUnavailable,
  newRSNewReplicas,
  replicasOf,
  specReplicaCount,
} from "./replicas.js";
import { syncRolloutStatus } from "./progress.js";
import { cleanupDeployment } from "./scale.js";
import type { DeploymentSyncer, SyncState } from "./sync.js";

export async function rolloutRolling(
  syncer: DeploymentSyncer,
  state: SyncState,
  rsList: readonly ReplicaSet[],
): Promise<void> {
  const { newRS, oldRSs } = await syncer.getAllReplicaSetsAndSyncRevision(state, rsList, true);
  const allRSs = [...oldRSs, newRS!];
  if (await reconcileNewReplicaSet(syncer, state, allRSs, newRS!)) {
    return syncRolloutStatus(syncer, state, allRSs, newRS);
  }
  if (await reconcileOldReplicaSets(syncer, state, allRSs, activeReplicaSets(oldRSs), newRS!)) {
    return syncRolloutStatus(syncer, state, allRSs, newRS);
  }
  if (deploymentComplete(state.d, state.d.status ?? {})) await cleanupDeployment(syncer, state, oldRSs);
  return syncRolloutStatus(syncer, state, allRSs, newRS);
}

async function reconcileNewReplicaSet(
  syncer: DeploymentSyncer,
  state: SyncState,
  allRSs: readonly ReplicaSet[],
  newRS: ReplicaSet,
): Promise<boolean> {
  const desired = replicasOf(state.d);
  if (replicasOf(newRS) === desired) return false;
  if (replicasOf(newRS) > desired) return (await syncer.scaleReplicaSetAndRecordEvent(state, newRS, desired)).scaled;
  const count = newRSNewReplicas(state.d, allRSs, newRS);
  return (await syncer.scaleReplicaSetAndRecordEvent(state, newRS, count)).scaled;
}

/** How many old replicas may go now without breaking maxUnavailable, given the new RS's unavailable pods. */
export function maxScaledDown(
  desired: number,
  maxUnavailableCount: number,
  allRSs: readonly ReplicaSet[],
  newRS: ReplicaSet,
): number {
  const minAvailable = desired - maxUnavailableCount;
  const newRSUnavailable = replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0);
  return specReplicaCount(allRSs) - minAvailable - newRSUnavailable;
}

async function reconcileOldReplicaSets(
  syncer: DeploymentSyncer,
  state: SyncState,
  allRSs: readonly ReplicaSet[],
  oldRSs: ReplicaSet[],
  newRS: ReplicaSet,
): Promise<boolean> {
  if (specReplicaCount(oldRSs) === 0) return false;
  const limit = maxScaledDown(replicasOf(state.d), maxUnavailable(state.d), allRSs, newRS);
  if (limit <= 0) return false;
  const { oldRSs: cleaned, scaledDown: cleanupCount } = await cleanupUnhealthyReplicas(syncer, state, oldRSs, limit);
  const scaledDown = await scaleDownOldReplicaSetsForRollingUpdate(syncer, state, [...cleaned, newRS], cleaned);
  return cleanupCount + scaledDown > 0;
}

/** Scales old ReplicaSets down by their unavailable replicas first, oldest first, up to `limit`. */
async function cleanupUnhealthyReplicas(
  syncer: DeploymentSyncer,
  state: SyncState,
  oldRSs: ReplicaSet[],
  limit: number,
): Promise<{ oldRSs: ReplicaSet[]; scaledDown: number }> {
  const sorted = [...oldRSs].sort(byCreation);
  let total = 0;
  for (const [i, rs] of sorted.entries()) {
    if (total >= limit) break;
    const replicas = replicasOf(rs);
    const available = rs.status?.availableReplicas ?? 0;
    if (replicas === 0 || replicas === available) continue;
    const count = Math.min(limit - total, replicas - available);
    const { rs: updated } = await syncer.scaleReplicaSetAndRecordEvent(state, rs, replicas - count);
    total += count;
    sorted[i] = updated;
  }
  return { oldRSs: sorted, scaledDown: total };
}

/** Scales old ReplicaSets down as far as the available pods above minAvailable allow, oldest first. */
async function scaleDownOldReplicaSetsForRollingUpdate(
  syncer: DeploymentSyncer,
  state: SyncState,
  allRSs: readonly ReplicaSet[],
  oldRSs: readonly ReplicaSet[],
): Promise<number> {
  const minAvailable = replicasOf(state.d) - maxUnavailable(state.d);
  const available = availableReplicaCount(allRSs);
  if (available <= minAvailable) return 0;
  const totalToScaleDown = available - minAvailable;
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= totalToScaleDown) break;
    if (replicasOf(rs) === 0) continue;
    const count = Math.min(replicasOf(rs), totalToScaleDown - total);
    await syncer.scaleReplicaSetAndRecordEvent(state, rs, replicasOf(rs) - count);
    total += count;
  }
  return total;
}
