/**
 * The CronJob reconcile (upstream cronjob_controllerv2.go sync/syncCronJob/cleanupFinishedJobs): reconciles
 * status.active with the Jobs it owns, creates the Job of the most recent unmet schedule time (honouring suspend,
 * startingDeadlineSeconds and concurrencyPolicy), trims finished Jobs to the history limits, and says when to
 * sync again.
 */
import type { CronJob, CronJobStatus, Job } from "kubernetes-types/batch/v1.js";
import type { ObjectReference } from "kubernetes-types/core/v1.js";
import { isStatusError } from "../../api/status.js";
import { isTimeZone } from "../../api/validation/cron.js";
import { cronJobs as cronJobsResource, jobs as jobsResource } from "../../client/resources.js";
import type { Client, EventRecorder, Lister } from "../../client/types.js";
import type { Logger } from "../../util/log.js";
import { isControlledBy } from "../util/pods.js";
import { trueCondition } from "../job/status.js";
import { parseCronSchedule, type CronSchedule } from "./cron.js";
import { jobFromTemplate, jobNameFor, mostRecentScheduleTime, nextScheduleDelayMs } from "./schedule.js";

export interface CronJobSyncerDeps {
  readonly client: Client;
  readonly cronJobs: Lister<CronJob>;
  readonly jobs: Lister<Job>;
  readonly recorder: EventRecorder;
  readonly log: Logger;
  readonly now?: () => Date;
}

/** "Complete" or "Failed" when the Job finished. */
function finishedType(job: Job): "Complete" | "Failed" | undefined {
  if (trueCondition(job, "Complete")) return "Complete";
  if (trueCondition(job, "Failed")) return "Failed";
  return undefined;
}

function rfc1123z(time: Date): string {
  // Go's time.RFC1123Z: "Mon, 02 Jan 2006 15:04:05 -0700" (in UTC).
  const s = time.toUTCString(); // "Mon, 02 Jan 2006 15:04:05 GMT"
  return s.replace(/GMT$/, "+0000");
}

function refTo(job: Job): ObjectReference {
  return {
    kind: "Job",
    namespace: job.metadata?.namespace,
    name: job.metadata?.name,
    uid: job.metadata?.uid,
    apiVersion: "batch/v1",
    resourceVersion: job.metadata?.resourceVersion,
  };
}

function toTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export class CronJobSyncer {
  constructor(private readonly deps: CronJobSyncerDeps) {}

  /** Reconciles `key`; resolves with the delay until it should be synced again (undefined: only on changes). */
  async sync(key: string): Promise<number | undefined> {
    const cached = this.deps.cronJobs.get(key);
    if (!cached) return undefined;
    let cronJob = structuredClone(cached);
    const uid = cronJob.metadata!.uid!;
    const children = this.deps.jobs.list(cronJob.metadata!.namespace).filter((j) => isControlledBy(j, uid));
    // A running child missing from status.active may only mean our cache lags our own status write: re-read.
    const known = new Set((cronJob.status?.active ?? []).map((ref) => ref.uid));
    if (children.some((j) => !finishedType(j) && !known.has(j.metadata?.uid))) {
      try {
        const fresh = await this.deps.client
          .resource(cronJobsResource)
          .get(cronJob.metadata?.namespace, cronJob.metadata!.name!);
        if (fresh.metadata?.uid === uid) cronJob = fresh;
      } catch (error) {
        if (isStatusError(error) && error.code === 404) return undefined;
        throw error;
      }
    }
    const now = (this.deps.now ?? (() => new Date()))();
    const before = JSON.stringify(cronJob.status ?? {});
    const requeue = await this.syncCronJob(cronJob, children, now);
    await this.cleanupFinishedJobs(cronJob, children);
    if (JSON.stringify(cronJob.status ?? {}) !== before) await this.writeStatus(cronJob);
    return requeue;
  }

  /**
   * Writes the status; on a conflict (a spec or metadata change raced us: only this controller writes the
   * status) it is written once more onto the fresh object, so a Job just created is never left out of
   * status.active.
   */
  private async writeStatus(cronJob: CronJob): Promise<void> {
    const client = this.deps.client.resource(cronJobsResource);
    try {
      await client.updateStatus(cronJob);
    } catch (error) {
      if (!(isStatusError(error) && error.code === 409)) throw error;
      const fresh = await client.get(cronJob.metadata?.namespace, cronJob.metadata!.name!);
      if (fresh.metadata?.uid !== cronJob.metadata?.uid) return;
      await client.updateStatus({ ...fresh, status: cronJob.status });
    }
  }

  private event(cronJob: CronJob, type: "Normal" | "Warning", reason: string, message: string): void {
    this.deps.recorder.event(cronJob, type, reason, message);
  }

  private async syncCronJob(cronJob: CronJob, children: Job[], now: Date): Promise<number | undefined> {
    const status: CronJobStatus = (cronJob.status ??= {});
    const active = (status.active ??= []);
    const inActive = (jobUid: string | undefined): boolean => active.some((ref) => ref.uid === jobUid);
    const removeActive = (jobUid: string | undefined): void => {
      status.active = (status.active ?? []).filter((ref) => ref.uid !== jobUid);
    };
    const childUids = new Set(children.map((j) => j.metadata?.uid));

    for (const job of children) {
      const finished = finishedType(job);
      const found = inActive(job.metadata?.uid);
      if (!found && !finished) {
        this.event(
          cronJob,
          "Warning",
          "UnexpectedJob",
          `Saw a job that the controller did not create or forgot: ${job.metadata?.name}`,
        );
      } else if (found && finished) {
        removeActive(job.metadata?.uid);
        this.event(
          cronJob,
          "Normal",
          "SawCompletedJob",
          `Saw completed job: ${job.metadata?.name}, condition: ${finished}`,
        );
      }
      if (finished === "Complete" && job.status?.completionTime) {
        const last = status.lastSuccessfulTime;
        if (!last || Date.parse(job.status.completionTime) > Date.parse(last)) {
          status.lastSuccessfulTime = job.status.completionTime;
        }
      }
    }
    // Active Jobs that are gone (checked with the API server, the cache may lag).
    for (const ref of [...(status.active ?? [])]) {
      if (childUids.has(ref.uid)) continue;
      try {
        await this.deps.client.resource(jobsResource).get(ref.namespace, ref.name!);
      } catch (error) {
        if (!(isStatusError(error) && error.code === 404)) throw error;
        this.event(cronJob, "Normal", "MissingJob", `Active job went missing: ${ref.name}`);
        removeActive(ref.uid);
      }
    }
    if (status.active?.length === 0) delete status.active;

    if (cronJob.metadata?.deletionTimestamp) return undefined;
    const timeZone = cronJob.spec?.timeZone ?? undefined;
    if (timeZone !== undefined && !isTimeZone(timeZone)) {
      this.event(
        cronJob,
        "Warning",
        "UnknownTimeZone",
        `invalid timeZone: "${timeZone}": unknown time zone ${timeZone}`,
      );
      return undefined;
    }
    if (cronJob.spec?.suspend === true) return undefined;

    let schedule: CronSchedule;
    try {
      schedule = parseCronSchedule(cronJob.spec!.schedule, timeZone);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.event(
        cronJob,
        "Warning",
        "UnparseableSchedule",
        `unparseable schedule: "${cronJob.spec!.schedule}" : ${message}`,
      );
      return undefined;
    }
    const nextDelay = (): number | undefined => nextScheduleDelayMs(cronJob, now, schedule);

    let scheduledTime: Date | undefined;
    try {
      const recent = mostRecentScheduleTime(cronJob, now, schedule, true);
      scheduledTime = recent.time && recent.time <= now ? recent.time : undefined;
      if (scheduledTime && recent.missed === "many") {
        this.event(
          cronJob,
          "Warning",
          "TooManyMissedTimes",
          "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew",
        );
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.event(cronJob, "Warning", "InvalidSchedule", `invalid schedule: ${cronJob.spec!.schedule} : ${message}`);
      return undefined;
    }
    if (!scheduledTime) return nextDelay();

    const deadline = cronJob.spec?.startingDeadlineSeconds;
    if (deadline != null && scheduledTime.getTime() + deadline * 1000 < now.getTime()) {
      this.event(
        cronJob,
        "Warning",
        "MissSchedule",
        `Missed scheduled time to start a job: ${rfc1123z(scheduledTime)}`,
      );
      return nextDelay();
    }
    const name = jobNameFor(cronJob, scheduledTime);
    const alreadyProcessed =
      (status.active ?? []).some((ref) => ref.name === name && ref.namespace === cronJob.metadata?.namespace) ||
      (status.lastScheduleTime !== undefined && Date.parse(status.lastScheduleTime) === scheduledTime.getTime());
    if (alreadyProcessed) return nextDelay();

    const policy = cronJob.spec?.concurrencyPolicy ?? "Allow";
    if (policy === "Forbid" && (status.active?.length ?? 0) > 0) {
      this.event(
        cronJob,
        "Normal",
        "JobAlreadyActive",
        "Not starting job because prior execution is running and concurrency policy is Forbid",
      );
      return nextDelay();
    }
    if (policy === "Replace") {
      for (const ref of [...(status.active ?? [])]) {
        const job = await this.deps.client.resource(jobsResource).get(ref.namespace, ref.name!);
        await this.deleteJob(cronJob, job);
      }
    }

    let created: Job;
    try {
      created = await this.deps.client.resource(jobsResource).create(jobFromTemplate(cronJob, scheduledTime));
      this.event(cronJob, "Normal", "SuccessfulCreate", `Created job ${created.metadata?.name}`);
    } catch (error) {
      if (!(isStatusError(error) && error.code === 409 && error.status.reason === "AlreadyExists")) {
        const message = error instanceof Error ? error.message : String(error);
        this.event(cronJob, "Warning", "FailedCreate", `Error creating job: ${message}`);
        throw error;
      }
      // Created earlier but the status update was lost: adopt it into the active list if it is ours.
      created = await this.deps.client.resource(jobsResource).get(cronJob.metadata?.namespace, name);
      if (!isControlledBy(created, cronJob.metadata!.uid!) || inActive(created.metadata?.uid)) return undefined;
    }
    (status.active ??= []).push(refTo(created));
    status.lastScheduleTime = toTime(scheduledTime);
    return nextDelay();
  }

  /** Deletes finished Jobs beyond the history limits, oldest start time first (upstream removeOldestJobs). */
  private async cleanupFinishedJobs(cronJob: CronJob, children: Job[]): Promise<void> {
    const spec = cronJob.spec!;
    if (spec.successfulJobsHistoryLimit == null && spec.failedJobsHistoryLimit == null) return;
    const successful = children.filter((j) => finishedType(j) === "Complete");
    const failed = children.filter((j) => finishedType(j) === "Failed");
    if (spec.successfulJobsHistoryLimit != null)
      await this.removeOldest(cronJob, successful, spec.successfulJobsHistoryLimit);
    if (spec.failedJobsHistoryLimit != null) await this.removeOldest(cronJob, failed, spec.failedJobsHistoryLimit);
  }

  private async removeOldest(cronJob: CronJob, jobs: Job[], keep: number): Promise<void> {
    const excess = jobs.length - keep;
    if (excess <= 0) return;
    const byStartTime = [...jobs].sort((a, b) => {
      const sa = a.status?.startTime;
      const sb = b.status?.startTime;
      if (!sa && sb) return 1;
      if (sa && !sb) return -1;
      if (!sa || !sb || sa === sb) return (a.metadata?.name ?? "") < (b.metadata?.name ?? "") ? -1 : 1;
      return Date.parse(sa) - Date.parse(sb);
    });
    for (const job of byStartTime.slice(0, excess)) await this.deleteJob(cronJob, job);
  }

  /** Deletes a Job in the background and drops it from status.active (upstream deleteJob). */
  private async deleteJob(cronJob: CronJob, job: Job): Promise<void> {
    try {
      await this.deps.client
        .resource(jobsResource)
        .delete(job.metadata?.namespace, job.metadata!.name!, { propagationPolicy: "Background" });
    } catch (error) {
      if (!(isStatusError(error) && error.code === 404)) {
        this.event(
          cronJob,
          "Warning",
          "FailedDelete",
          `Deleted job: ${error instanceof Error ? error.message : String(error)}`,
        );
        throw error;
      }
    }
    const status = (cronJob.status ??= {});
    status.active = (status.active ?? []).filter((ref) => ref.uid !== job.metadata?.uid);
    if (status.active.length === 0) delete status.active;
    this.event(cronJob, "Normal", "SuccessfulDelete", `Deleted job ${job.metadata?.name}`);
  }
}
