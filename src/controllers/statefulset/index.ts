/** The StatefulSet controller (upstream pkg/controller/statefulset). */
export { statefulSetController, syncStatefulSet, type StatefulSetSyncDeps } from "./controller.js";
export * from "./control.js";
export * from "./identity.js";
export * from "./revisions.js";
export { createStatefulPodControl } from "./podcontrol.js";
