/**
 * NodeUnschedulable filter: a cordoned node (spec.unschedulable) only takes pods tolerating
 * node.kubernetes.io/unschedulable:NoSchedule (upstream plugins/nodeunschedulable).
 */
import { unresolvable, type Plugin } from "../framework.js";
import { tolerationsTolerateTaint } from "../../api/taints.js";

export const ERR_REASON_UNSCHEDULABLE = "node(s) were unschedulable";
const UNSCHEDULABLE_TAINT = { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" };

export const nodeUnschedulable: Plugin = {
  name: "NodeUnschedulable",
  filter(_state, pod, node) {
    if (!node.node?.spec?.unschedulable) return undefined;
    if (tolerationsTolerateTaint(pod.pod.spec?.tolerations, UNSCHEDULABLE_TAINT)) return undefined;
    return unresolvable(ERR_REASON_UNSCHEDULABLE);
  },
};
