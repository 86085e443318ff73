/**
 * One StatefulSet sync step (upstream stateful_set_control.go updateStatefulSet): sort pods into replicas
 * (ordinals in [start, start+replicas)) and condemned (the rest), then — in order — recreate failed
 * replicas, create missing ones (PVCs first), wait for each to be Running+Ready(+available) under
 * OrderedReady, delete condemned pods from the highest ordinal one at a time, and finally roll the update:
 * delete the highest-ordinal pod not at the update revision down to the partition, one at a time, waiting
 * for each to come back healthy. Parallel does all creations and deletions at once. Returns the new status.
 */
import type { StatefulSet, StatefulSetStatus } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import {
  endOrdinal,
  identityMatches,
  isCreated,
  isFailed,
  isHealthy,
  isRunningAndAvailable,
  isRunningAndReady,
  isSucceeded,
  isTerminating,
  newStatefulSetPod,
  ordinalOf,
  podRevision,
  replicasOf,
  startOrdinal,
} from "./identity.js";

/** The writes a sync makes; the controller's implementation goes through the client and records events. */
export interface StatefulPodControl {
  /** Creates the pod's missing PVCs, then the pod. */
  createPod(set: StatefulSet, pod: Pod): Promise<void>;
  deletePod(set: StatefulSet, pod: Pod): Promise<void>;
  /** Restores the identity labels of a pod that lost them. */
  updatePodIdentity(set: StatefulSet, pod: Pod): Promise<void>;
}

/** A revision as the sync sees it: its name and the set with that revision's template applied. */
export interface AppliedRevision {
  readonly name: string;
  readonly set: StatefulSet;
}

export interface SyncResult {
  readonly status: StatefulSetStatus;
  /** Set when a pod is ready but not yet available for minReadySeconds. */
  readonly requeueAfterMs?: number;
}

/** True for Parallel: pods are created and deleted without waiting for their predecessors. */
export function allowsBurst(set: StatefulSet): boolean {
  return set.spec?.podManagementPolicy === "Parallel";
}

/** The partition of a RollingUpdate strategy (0 when unset). */
export function partitionOf(set: StatefulSet): number {
  return set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
}

function isRollingUpdate(set: StatefulSet): boolean {
  return (set.spec?.updateStrategy?.type ?? "RollingUpdate") === "RollingUpdate";
}

/**
 * newVersionedStatefulSetPod: ordinals below the partition (or, without a partition, below the current
 * replica count) are created at the current revision, the rest at the update revision.
 */
export function newVersionedPod(current: AppliedRevision, update: AppliedRevision, ordinal: number): Pod {
  const set = current.set;
  const partition = set.spec?.updateStrategy?.rollingUpdate?.partition;
  const belowPartition =
    partition === undefined
      ? ordinal < startOrdinal(set) + (set.status?.currentReplicas ?? 0)
      : ordinal < startOrdinal(set) + partition;
  if (isRollingUpdate(set) && belowPartition) return newStatefulSetPod(set, ordinal, current.name);
  return newStatefulSetPod(update.set, ordinal, update.name);
}

/** The sync step itself; see the header. `pods` are the set's pods from the informer cache. */
export async function updateStatefulSet(
  set: StatefulSet,
  current: AppliedRevision,
  update: AppliedRevision,
  collisionCount: number,
  pods: readonly Pod[],
  control: StatefulPodControl,
  now: Date = new Date(),
): Promise<SyncResult> {
  const minReadySeconds = set.spec?.minReadySeconds ?? 0;
  const status: StatefulSetStatus = {
    observedGeneration: set.metadata?.generation,
    replicas: 0,
    readyReplicas: 0,
    availableReplicas: 0,
    currentReplicas: 0,
    updatedReplicas: 0,
    currentRevision: current.name,
    updateRevision: update.name,
    collisionCount,
  };
  const count = (pod: Pod, sign: 1 | -1): void => {
    status.replicas! += sign;
    if (isRunningAndReady(pod)) status.readyReplicas! += sign;
    if (isRunningAndAvailable(pod, minReadySeconds, now)) status.availableReplicas! += sign;
    if (isCreated(pod) && !isTerminating(pod)) {
      if (podRevision(pod) === current.name) status.currentReplicas! += sign;
      if (podRevision(pod) === update.name) status.updatedReplicas! += sign;
    }
  };

  const start = startOrdinal(set);
  const end = endOrdinal(set);
  const replicas: (Pod | undefined)[] = new Array<Pod | undefined>(replicasOf(set)).fill(undefined);
  const condemned: Pod[] = [];
  for (const pod of pods) {
    count(pod, 1);
    const ordinal = ordinalOf(pod);
    if (ordinal >= start && ordinal <= end) replicas[ordinal - start] = pod;
    else if (ordinal >= 0) condemned.push(pod);
  }
  for (let i = 0; i < replicas.length; i++) replicas[i] ??= newVersionedPod(current, update, start + i);
  condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));

  const result = (requeueAfterMs?: number): SyncResult =>
    requeueAfterMs === undefined ? { status } : { status, requeueAfterMs };
  if (set.metadata?.deletionTimestamp) return result();

  const firstUnhealthy = [...(replicas as Pod[]), ...condemned].find((pod) => !isHealthy(pod));
  const monotonic = !allowsBurst(set);
  let requeueAfterMs: number | undefined;

  for (let i = 0; i < replicas.length; i++) {
    let replica = replicas[i]!;
    if (isFailed(replica) || isSucceeded(replica)) {
      await control.deletePod(set, replica);
      count(replica, -1);
      replica = replicas[i] = newVersionedPod(current, update, start + i);
    }
    if (!isCreated(replica)) {
      await control.createPod(set, replica);
      status.replicas!++;
      if (podRevision(replica) === current.name) status.currentReplicas!++;
      if (podRevision(replica) === update.name) status.updatedReplicas!++;
      if (monotonic) return result();
      continue;
    }
    if (isTerminating(replica) && monotonic) return result();
    if (!isRunningAndReady(replica) && monotonic) return result();
    if (isRunningAndReady(replica) && !isRunningAndAvailable(replica, minReadySeconds, now)) {
      // Ready but not yet for minReadySeconds: look again once it may be available.
      requeueAfterMs = minReadySeconds * 1000;
      if (monotonic) return result(requeueAfterMs);
    }
    if (!identityMatches(set, replica)) await control.updatePodIdentity(set, replica);
  }

  for (const pod of condemned) {
    if (isTerminating(pod)) {
      if (monotonic) return result(requeueAfterMs);
      continue;
    }
    // Under OrderedReady an unhealthy pod blocks scale down unless it is the one being removed.
    if (!isRunningAndReady(pod) && monotonic && pod !== firstUnhealthy) return result(requeueAfterMs);
    await control.deletePod(set, pod);
    count(pod, -1);
    if (monotonic) return result(requeueAfterMs);
  }

  if (!isRollingUpdate(set)) return result(requeueAfterMs);
  const updateMin = Math.max(0, partitionOf(set));
  for (let target = replicas.length - 1; target >= updateMin; target--) {
    const replica = replicas[target]!;
    if (podRevision(replica) !== update.name && !isTerminating(replica)) {
      await control.deletePod(set, replica);
      status.currentReplicas!--;
      return result(requeueAfterMs);
    }
    if (!isHealthy(replica)) return result(requeueAfterMs);
  }
  return result(requeueAfterMs);
}

/**
 * completeRollingUpdate: once every replica is updated and ready, the update revision becomes current.
 */
export function completeRollingUpdate(set: StatefulSet, status: StatefulSetStatus): void {
  if (
    isRollingUpdate(set) &&
    status.updatedReplicas === status.replicas &&
    status.readyReplicas === status.replicas &&
    status.replicas === replicasOf(set)
  ) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = status.updateRevision;
  }
}
