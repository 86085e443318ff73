/**
 * The DaemonSet RollingUpdate step (upstream pkg/controller/daemon/update.go rollingUpdate): with maxSurge 0,
 * delete old pods (unavailable ones at once, available ones only while fewer than maxUnavailable nodes are
 * unavailable) and let manage recreate them; with maxSurge, create the new pod next to the old one and delete
 * the old once the new is available.
 */
import type { DaemonSet } from "kubernetes-types/apps/v1.js";
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import { isPodAvailable } from "../util/pods.js";
import { nodeShouldRunDaemonPod } from "./eligibility.js";
import { isPodUpdated } from "./template.js";

/** intstr.IntOrString as kubernetes-types spells it. */
type IntOrString = number | string;

/** intstr.GetScaledValueFromIntOrPercent with roundUp. */
export function scaledValue(value: IntOrString | undefined, total: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === "number") return value;
  const match = /^(\d+)%$/.exec(value);
  if (!match) {
    const asInt = Number(value);
    if (Number.isInteger(asInt)) return asInt;
    throw new Error(`invalid value for IntOrString: invalid value ${JSON.stringify(value)}`);
  }
  return Math.ceil((Number(match[1]) * total) / 100);
}

/** updatedDesiredNodeCounts: (maxSurge, maxUnavailable) over the nodes that should run the pod. */
export function desiredNodeCounts(
  ds: DaemonSet,
  nodes: readonly Node[],
  byNode: Map<string, Pod[]>,
): { maxSurge: number; maxUnavailable: number } {
  let desired = 0;
  for (const node of nodes) {
    if (!nodeShouldRunDaemonPod(node, ds).shouldRun) continue;
    desired++;
    if (!byNode.has(node.metadata!.name!)) byNode.set(node.metadata!.name!, []);
  }
  const rolling = ds.spec?.updateStrategy?.type !== "OnDelete";
  const params = ds.spec?.updateStrategy?.rollingUpdate;
  let maxUnavailable = rolling ? scaledValue(params?.maxUnavailable, desired, 1) : 0;
  const maxSurge = rolling ? scaledValue(params?.maxSurge, desired, 0) : 0;
  if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

/** findUpdatedPodsOnNode: the node's (non-terminating) updated and old pod; ok false when either is duplicated. */
export function findUpdatedPodsOnNode(
  ds: DaemonSet,
  pods: readonly Pod[],
  hash: string,
): { ok: boolean; newPod?: Pod; oldPod?: Pod } {
  let newPod: Pod | undefined;
  let oldPod: Pod | undefined;
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    if (isPodUpdated(pod, hash, ds)) {
      if (newPod) return { ok: false };
      newPod = pod;
    } else {
      if (oldPod) return { ok: false };
      oldPod = pod;
    }
  }
  return { ok: true, ...(newPod ? { newPod } : {}), ...(oldPod ? { oldPod } : {}) };
}

export interface RollingUpdatePlan {
  readonly podsToDelete: Pod[];
  readonly nodesToCreate: string[];
}

/** rollingUpdate's decisions; `byNode` is getNodesToDaemonPods' map (nodes are visited in name order). */
export function planRollingUpdate(
  ds: DaemonSet,
  nodes: readonly Node[],
  pods: ReadonlyMap<string, readonly Pod[]>,
  hash: string,
  now: Date = new Date(),
): RollingUpdatePlan {
  const byNode = new Map<string, Pod[]>([...pods].map(([n, p]) => [n, [...p]]));
  const { maxSurge, maxUnavailable } = desiredNodeCounts(ds, nodes, byNode);
  const minReadySeconds = ds.spec?.minReadySeconds ?? 0;
  const available = (pod: Pod): boolean => isPodAvailable(pod, minReadySeconds, now);
  const entries = [...byNode].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

  if (maxSurge === 0) {
    let numUnavailable = 0;
    const allowedReplacements: Pod[] = [];
    const candidates: Pod[] = [];
    for (const [, nodePods] of entries) {
      const { ok, newPod, oldPod } = findUpdatedPodsOnNode(ds, nodePods, hash);
      if (!ok) {
        numUnavailable++;
        continue;
      }
      if ((!oldPod && !newPod) || (oldPod && newPod)) {
        numUnavailable++;
      } else if (newPod) {
        if (!available(newPod)) numUnavailable++;
      } else if (!available(oldPod!)) {
        allowedReplacements.push(oldPod!);
      } else if (numUnavailable < maxUnavailable) {
        candidates.push(oldPod!);
      }
    }
    const remaining = Math.min(Math.max(0, maxUnavailable - numUnavailable), candidates.length);
    return { podsToDelete: [...allowedReplacements, ...candidates.slice(0, remaining)], nodesToCreate: [] };
  }

  const nodeByName = new Map(nodes.map((n) => [n.metadata!.name!, n] as const));
  const podsToDelete: Pod[] = [];
  const allowedNewNodes: string[] = [];
  const candidateNewNodes: string[] = [];
  let numSurge = 0;
  for (const [nodeName, nodePods] of entries) {
    const { ok, newPod, oldPod } = findUpdatedPodsOnNode(ds, nodePods, hash);
    if (!ok) {
      numSurge++;
      continue;
    }
    const node = nodeByName.get(nodeName);
    const shouldRun = node ? nodeShouldRunDaemonPod(node, ds).shouldRun : false;
    if (!oldPod) continue;
    if (!newPod) {
      if (!shouldRun) continue;
      if (!available(oldPod)) allowedNewNodes.push(nodeName);
      else if (numSurge < maxSurge) candidateNewNodes.push(nodeName);
    } else if (!available(newPod)) {
      numSurge++;
    } else {
      podsToDelete.push(oldPod);
    }
  }
  const remaining = Math.min(Math.max(0, maxSurge - numSurge), candidateNewNodes.length);
  return { podsToDelete, nodesToCreate: [...allowedNewNodes, ...candidateNewNodes.slice(0, remaining)] };
}
