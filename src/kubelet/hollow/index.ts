/** Hollow nodes: simulated kubelets that register, heartbeat and run pods without containers. */
export { startHollowNodes, type HollowCluster, type HollowNodesOptions } from "./cluster.js";
export { DEFAULT_CAPACITY, HOLLOW_KUBELET_VERSION, type HollowCapacity } from "./node.js";
export { EXIT_CODE_ANNOTATION, RUN_SECONDS_ANNOTATION } from "./podstatus.js";
