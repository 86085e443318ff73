/** The node lifecycle controller (node health, taints by condition, NoExecute taint eviction). */
export { NODE_NAME_INDEX, newNodeLifecycleController, nodeLifecycleController } from "./controller.js";
export { DEFAULT_NODE_LIFECYCLE_TUNABLES, type NodeLifecycleTunables } from "./monitor.js";
