/** The CronJob controller (upstream pkg/controller/cronjob) and its cron parser. */
export {
  cronJobController,
  newCronJobController,
  runCronJobController,
  type CronJobControllerOptions,
} from "./controller.js";
export { parseCronSchedule, type CronSchedule } from "./cron.js";
export { jobFromTemplate, jobNameFor, SCHEDULED_TIMESTAMP_ANNOTATION } from "./schedule.js";
