/** The DaemonSet controller (upstream pkg/controller/daemon). */
export { daemonSetController, syncDaemonSet, type DaemonSetSyncDeps } from "./controller.js";
export * from "./eligibility.js";
export * from "./manage.js";
export * from "./revisions.js";
export * from "./status.js";
export * from "./template.js";
export * from "./update.js";
export { FailedPodBackoff } from "./backoff.js";
