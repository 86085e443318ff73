/** The Job controller (upstream pkg/controller/job). */
export { jobController, newJobController, runJobController, type JobControllerOptions } from "./controller.js";
export { formatIndexes, parseIndexes } from "./indexes.js";
export { backoffDelayMs } from "./backoff.js";
export { matchPodFailurePolicy } from "./failurepolicy.js";
export { isJobFinished, jobFinishTime } from "./status.js";
