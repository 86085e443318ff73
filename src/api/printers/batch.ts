// Jobs and cronjobs.
import type { CronJob, Job, JobCondition } from "kubernetes-types/batch/v1.js";
import { DESCRIPTIONS } from "./descriptions.js";
import { humanDuration, parseTime, translateTimestampSince } from "./duration.js";
import { column, type TablePrinter } from "./types.js";
import {
  AGE_COLUMN,
  CONTAINERS_COLUMN,
  IMAGES_COLUMN,
  NAME_COLUMN,
  ageOf,
  formatLabelSelector,
  layoutContainerCells,
  nameOf,
  printBoolPtr,
  printer,
} from "./util.js";

/** hasJobCondition: the first condition of the type decides. */
function hasJobCondition(conditions: readonly JobCondition[] | undefined, type: string): boolean {
  const condition = (conditions ?? []).find((c) => c.type === type);
  return condition?.status === "True";
}

/** The STATUS cell of a job. */
export function jobStatus(job: Job): string {
  const conditions = job.status?.conditions;
  if (hasJobCondition(conditions, "Complete")) return "Complete";
  if (hasJobCondition(conditions, "Failed")) return "Failed";
  if (job.metadata?.deletionTimestamp) return "Terminating";
  if (hasJobCondition(conditions, "Suspended")) return "Suspended";
  if (hasJobCondition(conditions, "FailureTarget")) return "FailureTarget";
  if (hasJobCondition(conditions, "SuccessCriteriaMet")) return "SuccessCriteriaMet";
  return "Running";
}

export const jobPrinter: TablePrinter = printer<Job>(
  [
    NAME_COLUMN,
    column({ name: "Status", description: "Status of the job." }),
    column({ name: "Completions", description: DESCRIPTIONS["JobStatus.succeeded"] }),
    column({ name: "Duration", description: "Time required to complete the job." }),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    column({ name: "Selector", priority: 1, description: DESCRIPTIONS["JobSpec.selector"] }),
  ],
  (obj, now) => {
    const succeeded = obj.status?.succeeded ?? 0;
    let completions: string;
    if (obj.spec?.completions !== undefined && obj.spec?.completions !== null) {
      completions = `${succeeded}/${obj.spec.completions}`;
    } else {
      const parallelism = obj.spec?.parallelism ?? 0;
      completions = parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
    }
    const start = parseTime(obj.status?.startTime);
    const end = parseTime(obj.status?.completionTime);
    let duration = "";
    if (start !== undefined) duration = humanDuration((end ?? now.getTime()) - start);
    const [names, images] = layoutContainerCells(obj.spec?.template?.spec?.containers);
    return [
      nameOf(obj),
      jobStatus(obj),
      completions,
      duration,
      ageOf(obj, now),
      names,
      images,
      formatLabelSelector(obj.spec?.selector),
    ];
  },
);

export const cronJobPrinter: TablePrinter = printer<CronJob>(
  [
    NAME_COLUMN,
    column({ name: "Schedule", description: DESCRIPTIONS["CronJobSpec.schedule"] }),
    column({ name: "Timezone", description: DESCRIPTIONS["CronJobSpec.timeZone"] }),
    column({ name: "Suspend", type: "boolean", description: DESCRIPTIONS["CronJobSpec.suspend"] }),
    column({ name: "Active", type: "integer", description: DESCRIPTIONS["CronJobStatus.active"] }),
    column({ name: "Last Schedule", description: DESCRIPTIONS["CronJobStatus.lastScheduleTime"] }),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    column({ name: "Selector", priority: 1, description: DESCRIPTIONS["JobSpec.selector"] }),
  ],
  (obj, now) => {
    const last = obj.status?.lastScheduleTime;
    const lastSchedule = last ? translateTimestampSince(last, now) : "<none>";
    const jobSpec = obj.spec?.jobTemplate?.spec;
    const [names, images] = layoutContainerCells(jobSpec?.template?.spec?.containers);
    return [
      nameOf(obj),
      obj.spec?.schedule ?? "",
      obj.spec?.timeZone ?? "<none>",
      // spec.suspend defaults to false in batch/v1.
      printBoolPtr(obj.spec?.suspend ?? false),
      (obj.status?.active ?? []).length,
      lastSchedule,
      ageOf(obj, now),
      names,
      images,
      formatLabelSelector(jobSpec?.selector),
    ];
  },
);
