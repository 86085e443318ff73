/** The default scheduler: `runScheduler(context)` runs it until `context.signal` aborts. */
export { runScheduler, Scheduler } from "./scheduler.js";
export { DEFAULT_SCHEDULER_OPTIONS, type SchedulerContext, type SchedulerOptions } from "./options.js";
export { fitErrorMessage } from "./fiterror.js";
