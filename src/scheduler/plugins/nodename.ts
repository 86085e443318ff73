/** NodeName filter: a pod with spec.nodeName only fits that node (upstream plugins/nodename). */
import { unresolvable, type Plugin } from "../framework.js";

export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";

export const nodeName: Plugin = {
  name: "NodeName",
  filter(_state, pod, node) {
    const wanted = pod.pod.spec?.nodeName;
    if (!wanted || wanted === node.name) return undefined;
    return unresolvable(ERR_REASON_NODE_NAME);
  },
};
