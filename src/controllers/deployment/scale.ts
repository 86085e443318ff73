/**
 * Resizing outside a rollout (upstream sync.go scale and cleanupDeployment): proportional scaling of the active
 * ReplicaSets during a rollout, and deletion of old zero-sized ReplicaSets beyond revisionHistoryLimit.
 */
import type { ReplicaSet } from "kubernetes-types/apps/v1.js";
import { isStatusError } from "../../api/status.js";
import { replicaSets } from "../../client/resources.js";
import {
  activeReplicaSets,
  byRevision,
  bySizeNewer,
  bySizeOlder,
  findActiveOrLatest,
  isRollingUpdate,
  isSaturated,
  maxSurge,
  proportion,
  replicasOf,
  specReplicaCount,
} from "./replicas.js";
import type { DeploymentSyncer, SyncState } from "./sync.js";

/** scale: resizes during a rollout are spread over active ReplicaSets in proportion to their size. */
export async function scale(
  syncer: DeploymentSyncer,
  state: SyncState,
  newRS: ReplicaSet | undefined,
  oldRSs: readonly ReplicaSet[],
): Promise<void> {
  const d = state.d;
  const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
  if (activeOrLatest) {
    if (replicasOf(activeOrLatest) === replicasOf(d)) return;
    await syncer.scaleReplicaSetAndRecordEvent(state, activeOrLatest, replicasOf(d));
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const old of activeReplicaSets(oldRSs)) await syncer.scaleReplicaSetAndRecordEvent(state, old, 0);
    return;
  }
  if (!isRollingUpdate(d)) return;
  const allRSs = activeReplicaSets([...oldRSs, newRS]);
  const allowedSize = replicasOf(d) > 0 ? replicasOf(d) + maxSurge(d) : 0;
  const toAdd = allowedSize - specReplicaCount(allRSs);
  let operation = "";
  if (toAdd > 0) {
    allRSs.sort(bySizeNewer);
    operation = "up";
  } else if (toAdd < 0) {
    allRSs.sort(bySizeOlder);
    operation = "down";
  }
  let added = 0;
  const sizes = new Map<string, number>();
  for (const rs of allRSs) {
    if (toAdd !== 0) {
      const share = proportion(rs, d, toAdd, added);
      sizes.set(rs.metadata!.name!, replicasOf(rs) + share);
      added += share;
    } else {
      sizes.set(rs.metadata!.name!, replicasOf(rs));
    }
  }
  for (const [i, rs] of allRSs.entries()) {
    const name = rs.metadata!.name!;
    if (i === 0 && toAdd !== 0) sizes.set(name, Math.max(0, sizes.get(name)! + toAdd - added));
    await syncer.scaleReplicaSet(state, rs, sizes.get(name)!, operation);
  }
}

/** cleanupDeployment: deletes the oldest zero-sized ReplicaSets beyond revisionHistoryLimit. */
export async function cleanupDeployment(
  syncer: DeploymentSyncer,
  state: SyncState,
  oldRSs: readonly ReplicaSet[],
): Promise<void> {
  const limit = state.d.spec?.revisionHistoryLimit;
  if (limit === undefined || limit === 2147483647) return;
  const cleanable = oldRSs.filter((rs) => !rs.metadata?.deletionTimestamp);
  const diff = cleanable.length - limit;
  if (diff <= 0) return;
  cleanable.sort(byRevision);
  for (const rs of cleanable.slice(0, diff)) {
    if (
      (rs.status?.replicas ?? 0) !== 0 ||
      replicasOf(rs) !== 0 ||
      (rs.metadata?.generation ?? 0) > (rs.status?.observedGeneration ?? 0) ||
      rs.metadata?.deletionTimestamp
    ) {
      continue;
    }
    try {
      await syncer.options.client.resource(replicaSets).delete(rs.metadata?.namespace, rs.metadata!.name!);
    } catch (error) {
      if (!(isStatusError(error) && error.code === 404)) throw error;
    }
  }
}
