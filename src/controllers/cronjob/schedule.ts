/**
 * CronJob schedule arithmetic (upstream pkg/controller/cronjob/utils.go): the most recent missed schedule time,
 * the delay until the next one, the Job name `<cronjob>-<minutes since epoch>` and the Job built from the
 * template with the scheduled-timestamp annotation.
 */
import type { CronJob, Job } from "kubernetes-types/batch/v1.js";
import { cronJobs } from "../../client/resources.js";
import { newControllerRef } from "../util/pods.js";
import type { CronSchedule } from "./cron.js";

export const SCHEDULED_TIMESTAMP_ANNOTATION = "batch.kubernetes.io/cronjob-scheduled-timestamp";
/** Upstream requeues this long after the next schedule time, so the sync sees it as passed. */
export const NEXT_SCHEDULE_DELTA_MS = 100;
const MANY_MISSED = 100;

export type MissedSchedules = "none" | "few" | "many";

export interface MostRecent {
  /** lastScheduleTime, else the creation time (moved up to now − startingDeadlineSeconds when included). */
  readonly earliest: Date;
  /** The latest schedule time in (earliest, now], if any. */
  readonly time: Date | undefined;
  readonly missed: MissedSchedules;
}

function earliestTime(cronJob: CronJob): number {
  const last = cronJob.status?.lastScheduleTime;
  return Date.parse(last ?? cronJob.metadata?.creationTimestamp ?? "") || 0;
}

/**
 * upstream mostRecentScheduleTime: the latest schedule time after lastScheduleTime (or creation) and not after
 * `now`; with `includeDeadline`, never earlier than now − startingDeadlineSeconds. The number of missed times is
 * estimated from the interval between the next two activations, as upstream. Throws for schedules whose
 * activations are less than a second apart (or that never fire).
 */
export function mostRecentScheduleTime(
  cronJob: CronJob,
  now: Date,
  schedule: CronSchedule,
  includeDeadline: boolean,
): MostRecent {
  let earliestMs = earliestTime(cronJob);
  const deadline = cronJob.spec?.startingDeadlineSeconds;
  if (includeDeadline && deadline != null) earliestMs = Math.max(earliestMs, now.getTime() - deadline * 1000);
  const earliest = new Date(earliestMs);
  const t1 = schedule.next(earliest);
  const t2 = t1 && schedule.next(t1);
  if (!t1 || !t2) throw new Error("the schedule has no activation in the next five years");
  if (now < t1) return { earliest, time: undefined, missed: "none" };
  if (now < t2) return { earliest, time: t1, missed: "none" };
  const between = Math.round((t2.getTime() - t1.getTime()) / 1000);
  if (between < 1) throw new Error("time difference between two schedules is less than 1 second");
  const elapsed = Math.trunc((now.getTime() - t1.getTime()) / 1000);
  const missedCount = Math.floor(elapsed / between) + 1;
  // Start one interval before the estimate and let the schedule walk to the exact time (irregular schedules).
  const potentialEarliest = new Date(t1.getTime() + (missedCount - 2) * between * 1000);
  let time: Date | undefined;
  for (let t = schedule.next(potentialEarliest); t && t <= now; t = schedule.next(t)) time = t;
  return { earliest, time, missed: missedCount > MANY_MISSED ? "many" : "few" };
}

/** upstream nextScheduleTimeDuration: how long until the schedule after the most recent one (plus 100 ms). */
export function nextScheduleDelayMs(cronJob: CronJob, now: Date, schedule: CronSchedule): number | undefined {
  let from: Date;
  try {
    const recent = mostRecentScheduleTime(cronJob, now, schedule, false);
    from = recent.time ?? (recent.missed === "none" ? recent.earliest : now);
  } catch {
    from = now;
  }
  const next = schedule.next(from);
  if (!next) return undefined;
  return next.getTime() + NEXT_SCHEDULE_DELTA_MS - now.getTime();
}

/** `<cronjob>-<scheduled time in minutes since the epoch>` (upstream getJobName). */
export function jobNameFor(cronJob: CronJob, scheduledTime: Date): string {
  return `${cronJob.metadata!.name}-${Math.floor(scheduledTime.getTime() / 60_000)}`;
}

/** RFC 3339 of `time` in `timeZone` with its offset ("Z" for UTC), as Go's Format(time.RFC3339). */
export function rfc3339In(time: Date, timeZone: string | undefined): string {
  const utc = time.toISOString().replace(/\.\d{3}Z$/, "Z");
  if (!timeZone || timeZone === "UTC" || timeZone === "Etc/UTC") return utc;
  const parts: Record<string, string> = {};
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  for (const p of format.formatToParts(time)) parts[p.type] = p.value;
  const wall = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!);
  const offsetMinutes = Math.round((wall - Math.floor(time.getTime() / 1000) * 1000) / 60_000);
  if (offsetMinutes === 0)
    return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}Z`;
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
}

/** The Job for `scheduledTime` (upstream getJobFromTemplate2). */
export function jobFromTemplate(cronJob: CronJob, scheduledTime: Date): Job {
  const template = cronJob.spec!.jobTemplate;
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name: jobNameFor(cronJob, scheduledTime),
      namespace: cronJob.metadata!.namespace,
      labels: { ...(template.metadata?.labels ?? {}) },
      annotations: {
        ...(template.metadata?.annotations ?? {}),
        [SCHEDULED_TIMESTAMP_ANNOTATION]: rfc3339In(scheduledTime, cronJob.spec!.timeZone),
      },
      ownerReferences: [newControllerRef(cronJob, cronJobs)],
    },
    spec: structuredClone(template.spec!),
  };
}
