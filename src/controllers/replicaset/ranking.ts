/**
 * Which pods a ReplicaSet deletes first when scaling down: upstream's ActivePodsWithRanks ordering
 * (pkg/controller/controller_utils.go) and getPodsToDelete (pkg/controller/replicaset/replica_set.go), with
 * LogarithmicScaleDown and PodDeletionCost on as in current releases.
 */
import type { Pod } from "kubernetes-types/core/v1.js";
import { isPodActive, isPodReady } from "../util/pods.js";

const POD_DELETION_COST_ANNOTATION = "controller.kubernetes.io/pod-deletion-cost";
const PHASE_ORDINAL: Readonly<Record<string, number>> = { Pending: 0, Unknown: 1, Running: 2 };

/** The pod's deletion cost annotation as an int32; 0 when missing or invalid. */
export function deletionCost(pod: Pod): number {
  const text = pod.metadata?.annotations?.[POD_DELETION_COST_ANNOTATION];
  if (text === undefined || !/^[+-]?\d+$/.test(text)) return 0;
  const value = Number(text);
  return value < -2147483648 || value > 2147483647 ? 0 : value;
}

function readySince(pod: Pod): number | undefined {
  if (!isPodReady(pod)) return undefined;
  const ready = pod.status?.conditions?.find((c) => c.type === "Ready");
  return timeOf(ready?.lastTransitionTime);
}

function timeOf(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}

function maxContainerRestarts(pod: Pod): number {
  let max = 0;
  for (const status of pod.status?.containerStatuses ?? []) max = Math.max(max, status.restartCount ?? 0);
  return max;
}

/** floor(log2(now - t)) in nanoseconds, -1 when t is not in the past (upstream logarithmicRankDiff's ranks). */
function logRank(t: number, now: number): number {
  const ns = (now - t) * 1e6;
  return ns > 0 ? Math.floor(Math.log2(ns)) : -1;
}

/**
 * Compares two times where "empty, then newer" sorts first (upstream afterOrZero, bucketed by powers of two
 * of their age when `now` is known). Negative: a first.
 */
function compareTimes(a: number | undefined, b: number | undefined, now: number, uidA: string, uidB: string): number {
  if (a === undefined || b === undefined) return a === undefined ? -1 : 1;
  const rankDiff = logRank(a, now) - logRank(b, now);
  if (rankDiff === 0) return uidA < uidB ? -1 : uidA > uidB ? 1 : 0;
  return rankDiff;
}

/** A pod and its rank: the number of related active pods on its node (higher ranks are deleted first). */
export interface RankedPod {
  readonly pod: Pod;
  readonly rank: number;
}

/** Negative when `a` should be deleted before `b` (upstream ActivePodsWithRanks.Less). */
export function compareForDeletion(a: RankedPod, b: RankedPod, now: number): number {
  const [p, q] = [a.pod, b.pod];
  // 1. Unassigned < assigned.
  const nodeP = p.spec?.nodeName ?? "";
  const nodeQ = q.spec?.nodeName ?? "";
  if (nodeP !== nodeQ && (nodeP === "" || nodeQ === "")) return nodeP === "" ? -1 : 1;
  // 2. Pending < Unknown < Running.
  const phaseP = PHASE_ORDINAL[p.status?.phase ?? ""] ?? 0;
  const phaseQ = PHASE_ORDINAL[q.status?.phase ?? ""] ?? 0;
  if (phaseP !== phaseQ) return phaseP - phaseQ;
  // 3. Not ready < ready.
  const readyP = isPodReady(p);
  const readyQ = isPodReady(q);
  if (readyP !== readyQ) return readyP ? 1 : -1;
  // 4. Lower deletion cost < higher.
  const costP = deletionCost(p);
  const costQ = deletionCost(q);
  if (costP !== costQ) return costP - costQ;
  // 5. Doubled up (more related pods on the node) < not doubled up.
  if (a.rank !== b.rank) return b.rank - a.rank;
  const uidP = p.metadata?.uid ?? "";
  const uidQ = q.metadata?.uid ?? "";
  // 6. Ready for a shorter time < longer (bucketed logarithmically).
  if (readyP && readyQ) {
    const sinceP = readySince(p);
    const sinceQ = readySince(q);
    if (sinceP !== sinceQ) return compareTimes(sinceP, sinceQ, now, uidP, uidQ);
  }
  // 7. More container restarts < fewer.
  const restartsP = maxContainerRestarts(p);
  const restartsQ = maxContainerRestarts(q);
  if (restartsP !== restartsQ) return restartsQ - restartsP;
  // 8. Empty creation time < newer < older (bucketed logarithmically).
  const createdP = timeOf(p.metadata?.creationTimestamp);
  const createdQ = timeOf(q.metadata?.creationTimestamp);
  if (createdP !== createdQ) return compareTimes(createdP, createdQ, now, uidP, uidQ);
  return 0;
}

/** Ranks each pod by how many active `relatedPods` share its node (getPodsRankedByRelatedPodsOnSameNode). */
export function rankByRelatedPodsOnSameNode(pods: readonly Pod[], relatedPods: readonly Pod[]): RankedPod[] {
  const perNode = new Map<string, number>();
  for (const pod of relatedPods) {
    if (!isPodActive(pod)) continue;
    const node = pod.spec?.nodeName ?? "";
    perNode.set(node, (perNode.get(node) ?? 0) + 1);
  }
  return pods.map((pod) => ({ pod, rank: perNode.get(pod.spec?.nodeName ?? "") ?? 0 }));
}

/** The `count` pods to delete first (upstream getPodsToDelete). */
export function podsToDelete(
  pods: readonly Pod[],
  relatedPods: readonly Pod[],
  count: number,
  now: number = Date.now(),
): Pod[] {
  if (count >= pods.length) return [...pods];
  const ranked = rankByRelatedPodsOnSameNode(pods, relatedPods);
  ranked.sort((a, b) => compareForDeletion(a, b, now));
  return ranked.slice(0, count).map((r) => r.pod);
}
