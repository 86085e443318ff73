/** NodePorts filter: the pod's host ports must be free on the node (upstream plugins/nodeports). */
import { unschedulable, type Plugin } from "../framework.js";

export const ERR_REASON_PORTS = "node(s) didn't have free ports for the requested pod ports";

export const nodePorts: Plugin = {
  name: "NodePorts",
  filter(_state, pod, node) {
    for (const port of pod.hostPorts) if (node.portConflicts(port)) return unschedulable(ERR_REASON_PORTS);
    return undefined;
  },
};
