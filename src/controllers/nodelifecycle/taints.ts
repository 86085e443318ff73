/**
 * Taints as upstream's helpers treat them (pkg/util/taints): which node conditions map to which of the node
 * controller's taints, and zone keys. Taint keys and toleration matching are in src/api/taints.ts.
 */
import type { Node, NodeCondition, Taint } from "kubernetes-types/core/v1.js";
import {
  TAINT_DISK_PRESSURE,
  TAINT_MEMORY_PRESSURE,
  TAINT_NETWORK_UNAVAILABLE,
  TAINT_NOT_READY,
  TAINT_PID_PRESSURE,
  TAINT_UNREACHABLE,
  TAINT_UNSCHEDULABLE,
} from "../../api/taints.js";

export const NOT_READY_NO_EXECUTE: Taint = { key: TAINT_NOT_READY, effect: "NoExecute" };
export const UNREACHABLE_NO_EXECUTE: Taint = { key: TAINT_UNREACHABLE, effect: "NoExecute" };

/** nodeConditionToTaintKeyStatusMap: condition type → status → taint key (NoSchedule). */
const CONDITION_TAINTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  Ready: { False: TAINT_NOT_READY, Unknown: TAINT_UNREACHABLE },
  MemoryPressure: { True: TAINT_MEMORY_PRESSURE },
  DiskPressure: { True: TAINT_DISK_PRESSURE },
  NetworkUnavailable: { True: TAINT_NETWORK_UNAVAILABLE },
  PIDPressure: { True: TAINT_PID_PRESSURE },
};

/** Keys of the NoSchedule taints the controller owns (taintKeyToNodeConditionMap plus unschedulable). */
const CONTROLLER_NO_SCHEDULE_KEYS = new Set([
  TAINT_NOT_READY,
  TAINT_UNREACHABLE,
  TAINT_MEMORY_PRESSURE,
  TAINT_DISK_PRESSURE,
  TAINT_PID_PRESSURE,
  TAINT_NETWORK_UNAVAILABLE,
  TAINT_UNSCHEDULABLE,
]);

/** Taints match on key and effect (upstream Taint.MatchTaint). */
export function sameTaint(a: Taint, b: Taint): boolean {
  return a.key === b.key && a.effect === b.effect;
}

export function hasTaint(node: Node, taint: Taint): boolean {
  return node.spec?.taints?.some((t) => sameTaint(t, taint)) ?? false;
}

export function readyCondition(node: Node): NodeCondition | undefined {
  return node.status?.conditions?.find((c) => c.type === "Ready");
}

/** The NoSchedule taints a node should carry for its conditions and spec.unschedulable (TaintNodesByCondition). */
export function desiredNoScheduleTaints(node: Node): Taint[] {
  const taints: Taint[] = [];
  for (const condition of node.status?.conditions ?? []) {
    const key = CONDITION_TAINTS[condition.type]?.[condition.status];
    if (key) taints.push({ key, effect: "NoSchedule" });
  }
  if (node.spec?.unschedulable) taints.push({ key: TAINT_UNSCHEDULABLE, effect: "NoSchedule" });
  return taints;
}

/** The controller-owned NoSchedule taints to add and remove so the node matches its conditions. */
export function noScheduleTaintDiff(node: Node): { add: Taint[]; remove: Taint[] } {
  const desired = desiredNoScheduleTaints(node);
  const current = (node.spec?.taints ?? []).filter(
    (t) => t.effect === "NoSchedule" && CONTROLLER_NO_SCHEDULE_KEYS.has(t.key),
  );
  return {
    add: desired.filter((d) => !current.some((c) => sameTaint(c, d))),
    remove: current.filter((c) => !desired.some((d) => sameTaint(c, d))),
  };
}

/**
 * `taints` without `remove`, plus `add` (stamped with `timeAdded`), or undefined when nothing changes
 * (upstream SwapNodeControllerTaint: AddOrUpdateTaintOnNode then RemoveTaintOffNode).
 */
export function swapTaints(
  taints: readonly Taint[],
  add: readonly Taint[],
  remove: readonly Taint[],
  timeAdded: string,
): Taint[] | undefined {
  const kept = taints.filter((t) => !remove.some((r) => sameTaint(t, r)));
  const added = add.filter((a) => !kept.some((t) => sameTaint(t, a))).map((a) => ({ ...a, timeAdded }));
  if (added.length === 0 && kept.length === taints.length) return undefined;
  return [...kept, ...added];
}

/** nodetopology.GetZoneKey: "region:\x00:zone" from the topology labels (beta labels as fallback). */
export function zoneKey(node: Node): string {
  const labels = node.metadata?.labels ?? {};
  const zone = labels["topology.kubernetes.io/zone"] ?? labels["failure-domain.beta.kubernetes.io/zone"] ?? "";
  const region = labels["topology.kubernetes.io/region"] ?? labels["failure-domain.beta.kubernetes.io/region"] ?? "";
  return region === "" && zone === "" ? "" : `${region}:\x00:${zone}`;
}
