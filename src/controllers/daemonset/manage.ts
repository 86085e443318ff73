/**
 * The DaemonSet "manage" step (upstream daemon_controller.go getNodesToDaemonPods / podsShouldBeOnNode /
 * manage): map daemon pods to their target nodes, then decide per node which pods to create (eligible node
 * without a pod) and delete (ineligible node, failed pods with backoff, duplicates, pods whose node is gone).
 */
import type { DaemonSet } from "kubernetes-types/apps/v1.js";
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import { POD_REVISION_LABEL } from "../history/revisions.js";
import type { FailedPodBackoff } from "./backoff.js";
import { nodeShouldRunDaemonPod, targetNodeName } from "./eligibility.js";

/** True when surge is configured (RollingUpdate with a non-zero maxSurge). */
export function allowsSurge(ds: DaemonSet): boolean {
  const surge = ds.spec?.updateStrategy?.type !== "OnDelete" ? ds.spec?.updateStrategy?.rollingUpdate?.maxSurge : 0;
  return surge !== undefined && surge !== 0 && surge !== "0%" && surge !== "0";
}

function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
}

/** getNodesToDaemonPods: pods by target node; deleted terminal pods are left out. */
export function nodesToDaemonPods(pods: readonly Pod[]): Map<string, Pod[]> {
  const byNode = new Map<string, Pod[]>();
  for (const pod of pods) {
    if (isTerminal(pod) && pod.metadata?.deletionTimestamp) continue;
    const node = targetNodeName(pod);
    if (node === undefined) continue;
    const list = byNode.get(node) ?? [];
    list.push(pod);
    byNode.set(node, list);
  }
  return byNode;
}

/** podByCreationTimestampAndPhase: scheduled pods first, then oldest, then by name. */
export function compareDaemonPods(a: Pod, b: Pod): number {
  const aScheduled = !!a.spec?.nodeName;
  const bScheduled = !!b.spec?.nodeName;
  if (aScheduled !== bScheduled) return aScheduled ? -1 : 1;
  const at = a.metadata?.creationTimestamp ?? "";
  const bt = b.metadata?.creationTimestamp ?? "";
  if (at !== bt) return at < bt ? -1 : 1;
  return (a.metadata?.name ?? "") < (b.metadata?.name ?? "") ? -1 : 1;
}

export interface ManagePlan {
  readonly nodesNeedingPods: string[];
  readonly podsToDelete: Pod[];
  /** Failed pods among podsToDelete, with their node (each gets a FailedDaemonPod warning). */
  readonly failedPods: { pod: Pod; node: string }[];
  /** Set when a failed pod's deletion waits for its backoff: sync again after this long. */
  readonly retryAfterMs?: number;
}

/** The backoff key of a (DaemonSet, node) pair. */
export function failedPodsBackoffKey(ds: DaemonSet, node: string): string {
  return `${ds.metadata?.uid}/${node}`;
}

/** manage's decisions for `ds` over `nodes`; `hash` is the current revision hash. */
export function planManage(
  ds: DaemonSet,
  nodes: readonly Node[],
  byNode: ReadonlyMap<string, readonly Pod[]>,
  hash: string,
  backoff: FailedPodBackoff,
): ManagePlan {
  const nodesNeedingPods: string[] = [];
  const podsToDelete: Pod[] = [];
  const failedPods: { pod: Pod; node: string }[] = [];
  let retryAfterMs: number | undefined;
  const surge = allowsSurge(ds);

  for (const node of nodes) {
    const name = node.metadata!.name!;
    const daemonPods = byNode.get(name) ?? [];
    const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
    if (shouldRun && daemonPods.length === 0) {
      nodesNeedingPods.push(name);
    } else if (shouldContinueRunning) {
      const running: Pod[] = [];
      for (const pod of daemonPods) {
        if (pod.metadata?.deletionTimestamp) continue;
        if (pod.status?.phase !== "Failed") {
          running.push(pod);
          continue;
        }
        const key = failedPodsBackoffKey(ds, name);
        if (backoff.inBackoff(key)) {
          const delay = backoff.delayMs(key);
          retryAfterMs = retryAfterMs === undefined ? delay : Math.min(retryAfterMs, delay);
          continue;
        }
        backoff.next(key);
        failedPods.push({ pod, node: name });
        podsToDelete.push(pod);
      }
      if (running.length > 1) {
        running.sort(compareDaemonPods);
        if (!surge) {
          podsToDelete.push(...running.slice(1));
        } else {
          // With surge an updated and an old pod may share a node; keep the oldest of each.
          let keptNew = false;
          let keptOld = false;
          for (const pod of running) {
            const updated = pod.metadata?.labels?.[POD_REVISION_LABEL] === hash;
            if (updated && !keptNew) keptNew = true;
            else if (!updated && !keptOld) keptOld = true;
            else podsToDelete.push(pod);
          }
        }
      }
    } else if (daemonPods.length > 0) {
      podsToDelete.push(...daemonPods.filter((pod) => !pod.metadata?.deletionTimestamp));
    }
  }

  // getUnscheduledPodsWithoutNode: unbound pods aimed at nodes that no longer exist.
  const known = new Set(nodes.map((n) => n.metadata!.name!));
  for (const [node, pods] of byNode) {
    if (known.has(node)) continue;
    podsToDelete.push(...pods.filter((p) => !p.spec?.nodeName && !p.metadata?.deletionTimestamp));
  }
  return retryAfterMs === undefined
    ? { nodesNeedingPods, podsToDelete, failedPods }
    : { nodesNeedingPods, podsToDelete, failedPods, retryAfterMs };
}
