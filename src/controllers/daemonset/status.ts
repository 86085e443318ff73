/**
 * DaemonSet status (upstream updateDaemonSetStatus): per eligible node whether a pod is scheduled there and
 * whether the oldest one is ready, available and updated; pods on ineligible nodes are misscheduled.
 */
import type { DaemonSet, DaemonSetStatus } from "kubernetes-types/apps/v1.js";
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import { isPodAvailable, isPodReady } from "../util/pods.js";
import { nodeShouldRunDaemonPod } from "./eligibility.js";
import { compareDaemonPods } from "./manage.js";
import { isPodUpdated } from "./template.js";

export function computeDaemonSetStatus(
  ds: DaemonSet,
  nodes: readonly Node[],
  byNode: ReadonlyMap<string, readonly Pod[]>,
  hash: string,
  now: Date = new Date(),
): DaemonSetStatus {
  const status = {
    desiredNumberScheduled: 0,
    currentNumberScheduled: 0,
    numberMisscheduled: 0,
    numberReady: 0,
    numberAvailable: 0,
    updatedNumberScheduled: 0,
    numberUnavailable: 0,
  };
  for (const node of nodes) {
    const pods = byNode.get(node.metadata!.name!) ?? [];
    const scheduled = pods.length > 0;
    if (!nodeShouldRunDaemonPod(node, ds).shouldRun) {
      if (scheduled) status.numberMisscheduled++;
      continue;
    }
    status.desiredNumberScheduled++;
    if (!scheduled) continue;
    status.currentNumberScheduled++;
    const pod = [...pods].sort(compareDaemonPods)[0]!;
    if (isPodReady(pod)) {
      status.numberReady++;
      if (isPodAvailable(pod, ds.spec?.minReadySeconds ?? 0, now)) status.numberAvailable++;
    }
    if (isPodUpdated(pod, hash, ds)) status.updatedNumberScheduled++;
  }
  status.numberUnavailable = status.desiredNumberScheduled - status.numberAvailable;
  return { ...(ds.status ?? {}), ...status, observedGeneration: ds.metadata?.generation };
}

/** True when the counted fields differ from what the DaemonSet shows (storeDaemonSetStatus's check). */
export function daemonSetStatusChanged(ds: DaemonSet, status: DaemonSetStatus): boolean {
  const old: DaemonSetStatus = ds.status ?? {
    currentNumberScheduled: 0,
    desiredNumberScheduled: 0,
    numberMisscheduled: 0,
    numberReady: 0,
  };
  const fields: (keyof DaemonSetStatus)[] = [
    "desiredNumberScheduled",
    "currentNumberScheduled",
    "numberMisscheduled",
    "numberReady",
    "numberAvailable",
    "updatedNumberScheduled",
    "numberUnavailable",
    "observedGeneration",
    "collisionCount",
  ];
  return fields.some((f) => (old[f] ?? 0) !== (status[f] ?? 0));
}
