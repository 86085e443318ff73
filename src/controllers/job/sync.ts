/**
 * The Job reconcile (upstream job_controller.go syncJob): counts finished pods exactly once through
 * status.uncountedTerminatedPods and the job-tracking finalizer, decides success or failure (completions,
 * backoffLimit, backoffLimitPerIndex, activeDeadlineSeconds, podFailurePolicy), and creates or deletes pods
 * toward the wanted parallelism.
 *
 * Counting: a finished pod still holding the finalizer is first recorded in uncountedTerminatedPods (or, for
 * Indexed Jobs' successes, in completedIndexes) by a status write; only then is its finalizer removed; once the
 * finalizer is gone a later sync moves the uid from uncountedTerminatedPods into succeeded/failed. A pod is
 * therefore counted once even when a sync fails half-way.
 */
import type { Job, JobCondition, JobStatus } from "kubernetes-types/batch/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { isStatusError } from "../../api/status.js";
import { jobs as jobsResource, pods as podsResource } from "../../client/resources.js";
import type { Client, EventRecorder, Lister } from "../../client/types.js";
import type { Logger } from "../../util/log.js";
import type { Expectations } from "../util/expectations.js";
import {
  controllerRefOf,
  isControlledBy,
  isPodActive,
  isPodReady,
  isPodTerminating,
  keyOf,
  splitKey,
} from "../util/pods.js";
import { type BackoffPolicy, type BackoffStore, remainingBackoffMs } from "./backoff.js";
import * as C from "./constants.js";
import { matchPodFailurePolicy } from "./failurepolicy.js";
import type { FinalizerExpectations } from "./finalizers.js";
import { completionIndexOf, formatIndexes, parseIndexes } from "./indexes.js";
import { jobPod } from "./podtemplate.js";
import { hasTrackingFinalizer, isJobFinished, podFinishTime, rfc3339, setCondition, trueCondition } from "./status.js";

export interface JobSyncerDeps {
  readonly client: Client;
  readonly jobs: Lister<Job>;
  readonly pods: Lister<Pod>;
  readonly recorder: EventRecorder;
  readonly expectations: Expectations;
  /** Finalizer removals asked for and not yet seen by the pod informer. */
  readonly finalizers: FinalizerExpectations;
  readonly backoff: BackoffStore;
  readonly backoffPolicy: BackoffPolicy;
  readonly enqueueAfter: (key: string, ms: number) => void;
  readonly log: Logger;
  readonly now?: () => number;
}

interface Finish {
  readonly type: "Complete" | "Failed";
  readonly reason: string;
  readonly message: string;
}

/** Deletion order of active pods (upstream ActivePods ranking): unscheduled, pending, not ready, newest first. */
function deletionRank(a: Pod, b: Pod): number {
  const scheduled = (p: Pod): number => (p.spec?.nodeName ? 1 : 0);
  const phase = (p: Pod): number => ({ Pending: 0, Unknown: 1, Running: 2 })[p.status?.phase ?? "Pending"] ?? 0;
  const ready = (p: Pod): number => (isPodReady(p) ? 1 : 0);
  return (
    scheduled(a) - scheduled(b) ||
    phase(a) - phase(b) ||
    ready(a) - ready(b) ||
    Date.parse(b.metadata?.creationTimestamp ?? "") - Date.parse(a.metadata?.creationTimestamp ?? "")
  );
}

export class JobSyncer {
  /** The resourceVersion of our last status write per Job: a cache older than that is not acted on. */
  readonly #written = new Map<string, number>();

  constructor(private readonly deps: JobSyncerDeps) {}

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  async sync(key: string): Promise<void> {
    const job = this.deps.jobs.get(key);
    if (!job) {
      this.deps.expectations.delete(key);
      this.deps.backoff.delete(key);
      this.#written.delete(key);
      await this.releaseOrphans(key);
      return;
    }
    // Acting on a Job older than our own last write could lose counts: the Job's update event comes back.
    if (Number(job.metadata?.resourceVersion ?? 0) < (this.#written.get(key) ?? 0)) return;
    const uid = job.metadata!.uid!;
    await this.releaseOrphans(key, uid);
    // Expectations are read before the pods are listed, as upstream: a pod observed after this listing (during
    // this sync's writes) must not satisfy them for a decision taken on the listing, or it is created twice.
    const satisfied = this.deps.expectations.satisfied(key);
    const pods = this.deps.pods.list(job.metadata!.namespace).filter((p) => isControlledBy(p, uid));
    if (isJobFinished(job) || job.metadata?.deletionTimestamp) {
      await this.removeFinalizers(key, pods.filter(hasTrackingFinalizer));
      return;
    }
    await this.syncActiveJob(key, job, pods, satisfied);
  }

  /**
   * Pods that name a Job `key` as controller but whose Job is gone (or was re-created with another uid) keep no
   * tracking finalizer (upstream cleanupOrphanPods); the pod handlers enqueue such pods' Job keys.
   */
  private async releaseOrphans(key: string, currentUid?: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const orphans = this.deps.pods.list(namespace).filter((pod) => {
      const ref = controllerRefOf(pod);
      return ref?.kind === "Job" && ref.name === name && ref.uid !== currentUid && hasTrackingFinalizer(pod);
    });
    await this.removeFinalizers(key, orphans);
  }

  private async syncActiveJob(key: string, job: Job, pods: Pod[], satisfied: boolean): Promise<void> {
    const now = this.now();
    const nowDate = new Date(now);
    const spec = job.spec!;
    const indexed = spec.completionMode === "Indexed";
    const completions = spec.completions ?? undefined;
    const parallelism = spec.parallelism ?? 1;
    const suspended = spec.suspend === true;
    const status: JobStatus = structuredClone(job.status ?? {});
    const conditions: JobCondition[] = (status.conditions ??= []);
    const uncountedSucceeded = new Set(status.uncountedTerminatedPods?.succeeded ?? []);
    const uncountedFailed = new Set(status.uncountedTerminatedPods?.failed ?? []);
    const completedIndexes = indexed ? parseIndexes(status.completedIndexes, completions ?? 0) : new Set<number>();
    const failedIndexes = indexed
      ? parseIndexes(status.failedIndexes ?? undefined, completions ?? 0)
      : new Set<number>();
    const podsByUid = new Map(pods.map((p) => [p.metadata!.uid!, p]));
    let succeededCount = status.succeeded ?? 0;
    let failedCount = status.failed ?? 0;

    // 1. Uncounted pods whose finalizer is gone are counted for good.
    for (const uid of [...uncountedSucceeded]) {
      const pod = podsByUid.get(uid);
      if (!pod || !hasTrackingFinalizer(pod)) {
        uncountedSucceeded.delete(uid);
        succeededCount++;
      }
    }
    for (const uid of [...uncountedFailed]) {
      const pod = podsByUid.get(uid);
      if (!pod || !hasTrackingFinalizer(pod)) {
        uncountedFailed.delete(uid);
        failedCount++;
      }
    }

    // 2. Newly finished pods still holding the finalizer are recorded, then released. A pod whose release was
    //    asked for and not yet observed was handled by an earlier sync (and may be counted already).
    let finishing: Finish | undefined = this.finishingCondition(job);
    const release: Pod[] = [];
    const newSuccessTimes: number[] = [];
    const newFailureTimes: number[] = [];
    let policyFailure: string | undefined;
    const releasing = this.deps.finalizers.expected(key);
    for (const pod of pods) {
      const podUid = pod.metadata!.uid!;
      if (!hasTrackingFinalizer(pod) || releasing.has(podUid)) continue;
      if (uncountedSucceeded.has(podUid) || uncountedFailed.has(podUid)) {
        release.push(pod);
        continue;
      }
      const phase = pod.status?.phase;
      if (phase === "Succeeded") {
        if (indexed) {
          const index = completionIndexOf(pod, completions ?? 0);
          if (index !== undefined) completedIndexes.add(index);
        } else uncountedSucceeded.add(podUid);
        newSuccessTimes.push(podFinishTime(pod, now));
        release.push(pod);
      } else if (phase === "Failed" || pod.metadata?.deletionTimestamp) {
        const deletedOnly = phase !== "Failed";
        if (deletedOnly && spec.podReplacementPolicy === "Failed" && !finishing && !suspended) continue;
        if (deletedOnly && (finishing || suspended)) {
          release.push(pod);
          continue;
        }
        const match = deletedOnly ? undefined : matchPodFailurePolicy(spec.podFailurePolicy, pod);
        release.push(pod);
        if (match?.action === "Ignore") continue;
        uncountedFailed.add(podUid);
        newFailureTimes.push(podFinishTime(pod, now));
        if (match?.action === "FailJob") policyFailure ??= match.message;
        if (indexed && spec.backoffLimitPerIndex != null) {
          const index = completionIndexOf(pod, completions ?? 0);
          const failures = Number(pod.metadata?.annotations?.[C.INDEX_FAILURE_COUNT_ANNOTATION] ?? "0") || 0;
          if (index !== undefined && (match?.action === "FailIndex" || failures >= spec.backoffLimitPerIndex)) {
            failedIndexes.add(index);
          }
        }
      }
    }
    const active = pods.filter(isPodActive);
    const succeeded = indexed ? completedIndexes.size : succeededCount + uncountedSucceeded.size;
    const failed = failedCount + uncountedFailed.size;

    // 3. Start time and suspension.
    if (suspended) {
      if (setCondition(conditions, "Suspended", "True", "JobSuspended", "Job suspended", nowDate)) {
        this.deps.recorder.event(job, "Normal", "Suspended", "Job suspended");
      }
      if (active.length === 0) delete status.startTime;
    } else {
      if (setCondition(conditions, "Suspended", "False", "JobResumed", "Job resumed", nowDate)) {
        this.deps.recorder.event(job, "Normal", "Resumed", "Job resumed");
        status.startTime = rfc3339(now);
      }
      status.startTime ??= rfc3339(now);
    }

    // 4. Success or failure criteria.
    if (!finishing)
      finishing = this.decide(job, status, {
        succeeded,
        failed,
        active,
        completedIndexes,
        failedIndexes,
        policyFailure,
        now,
      });
    if (finishing) {
      const type = finishing.type === "Failed" ? "FailureTarget" : "SuccessCriteriaMet";
      setCondition(conditions, type, "True", finishing.reason, finishing.message, nowDate);
    }

    // 5. Write what was counted before releasing any finalizer.
    // Counters hold what is counted for good; uncountedTerminatedPods holds the rest.
    status.succeeded = indexed ? completedIndexes.size : succeededCount;
    status.failed = failedCount;
    status.ready = active.filter(isPodReady).length;
    status.uncountedTerminatedPods = { succeeded: [...uncountedSucceeded], failed: [...uncountedFailed] };
    if (indexed) {
      status.completedIndexes = formatIndexes(completedIndexes);
      if (spec.backoffLimitPerIndex != null) status.failedIndexes = formatIndexes(failedIndexes);
    }
    const stillActive = finishing || suspended ? [] : active;
    const terminating = pods.filter(isPodTerminating).length + (finishing || suspended ? active.length : 0);
    const allReleased =
      uncountedSucceeded.size === 0 &&
      uncountedFailed.size === 0 &&
      release.length === 0 &&
      !pods.some(hasTrackingFinalizer);
    // Unsatisfied expectations: a pod may exist that the cache does not show yet (upstream: "pods that are not in
    // the informer's cache yet"), so the terminal condition waits for the next sync.
    if (finishing && satisfied && active.length === 0 && terminating === 0 && allReleased) {
      setCondition(conditions, finishing.type, "True", finishing.reason, finishing.message, nowDate);
      if (finishing.type === "Complete") {
        status.completionTime = rfc3339(now);
        this.deps.recorder.event(job, "Normal", "Completed", "Job completed");
      } else {
        this.deps.recorder.event(job, "Warning", finishing.reason, finishing.message);
      }
    }
    status.active = stillActive.length;
    status.terminating = terminating;
    const updated = await this.writeStatus(job, status);
    this.deps.backoff.update(key, newSuccessTimes, newFailureTimes);

    // 6. Release counted pods, then converge the active pods.
    await this.removeFinalizers(key, release);
    if (finishing || suspended) {
      if (satisfied) await this.deletePods(key, updated, active);
      return;
    }
    if (satisfied) {
      await this.managePods(key, updated, active, pods, {
        succeeded,
        completedIndexes,
        failedIndexes,
        parallelism,
        now,
      });
    }
    const deadline = spec.activeDeadlineSeconds;
    if (deadline != null && status.startTime) {
      const remaining = Date.parse(status.startTime) + deadline * 1000 - now;
      this.deps.enqueueAfter(key, Math.max(remaining, 0) + 10);
    }
  }

  /** A finishing decision already recorded (FailureTarget / SuccessCriteriaMet). */
  private finishingCondition(job: Job): Finish | undefined {
    const target = trueCondition(job, "FailureTarget");
    if (target) return { type: "Failed", reason: target.reason ?? "", message: target.message ?? "" };
    const met = trueCondition(job, "SuccessCriteriaMet");
    if (met) return { type: "Complete", reason: met.reason ?? "", message: met.message ?? "" };
    return undefined;
  }

  private decide(
    job: Job,
    status: JobStatus,
    counts: {
      succeeded: number;
      failed: number;
      active: Pod[];
      completedIndexes: Set<number>;
      failedIndexes: Set<number>;
      policyFailure: string | undefined;
      now: number;
    },
  ): Finish | undefined {
    const spec = job.spec!;
    const failed = (reason: string, message: string): Finish => ({ type: "Failed", reason, message });
    if (counts.policyFailure) return failed(C.REASON_POD_FAILURE_POLICY, counts.policyFailure);
    if (spec.backoffLimit != null && counts.failed > spec.backoffLimit) {
      return failed(C.REASON_BACKOFF_LIMIT, C.MESSAGE_BACKOFF_LIMIT);
    }
    if (spec.activeDeadlineSeconds != null && status.startTime && spec.suspend !== true) {
      if (counts.now - Date.parse(status.startTime) >= spec.activeDeadlineSeconds * 1000) {
        return failed(C.REASON_DEADLINE, C.MESSAGE_DEADLINE);
      }
    }
    const completions = spec.completions ?? undefined;
    if (spec.completionMode === "Indexed" && completions !== undefined) {
      if (spec.maxFailedIndexes != null && counts.failedIndexes.size > spec.maxFailedIndexes) {
        return failed(C.REASON_MAX_FAILED_INDEXES, C.MESSAGE_MAX_FAILED_INDEXES);
      }
      if (counts.completedIndexes.size + counts.failedIndexes.size >= completions) {
        if (counts.failedIndexes.size > 0) return failed(C.REASON_FAILED_INDEXES, C.MESSAGE_FAILED_INDEXES);
        return { type: "Complete", reason: C.REASON_COMPLETIONS_REACHED, message: C.MESSAGE_COMPLETIONS_REACHED };
      }
      return undefined;
    }
    const complete =
      completions === undefined ? counts.succeeded > 0 && counts.active.length === 0 : counts.succeeded >= completions;
    return complete
      ? { type: "Complete", reason: C.REASON_COMPLETIONS_REACHED, message: C.MESSAGE_COMPLETIONS_REACHED }
      : undefined;
  }

  private async writeStatus(job: Job, status: JobStatus): Promise<Job> {
    if (JSON.stringify(status) === JSON.stringify(job.status ?? {})) return job;
    const next: Job = { ...structuredClone(job), status };
    this.deps.log.debug({ from: job.metadata?.resourceVersion, old: job.status, status }, "job status write");
    const updated = await this.deps.client.resource(jobsResource).updateStatus(next);
    this.#written.set(keyOf(job), Number(updated.metadata?.resourceVersion ?? 0));
    return updated;
  }

  private async managePods(
    key: string,
    job: Job,
    active: Pod[],
    all: Pod[],
    state: {
      succeeded: number;
      completedIndexes: Set<number>;
      failedIndexes: Set<number>;
      parallelism: number;
      now: number;
    },
  ): Promise<void> {
    const spec = job.spec!;
    const completions = spec.completions ?? undefined;
    const indexed = spec.completionMode === "Indexed" && completions !== undefined;
    const countTerminating = spec.podReplacementPolicy === "Failed";
    const terminating = countTerminating ? all.filter(isPodTerminating) : [];

    let wantActive: number;
    if (completions === undefined) wantActive = state.succeeded > 0 ? active.length : state.parallelism;
    else {
      const remaining = completions - state.succeeded - (indexed ? state.failedIndexes.size : 0);
      wantActive = Math.max(0, Math.min(remaining, state.parallelism));
    }

    const toDelete: Pod[] = [];
    let keep = active;
    if (indexed) {
      const seen = new Set<number>();
      keep = [];
      for (const pod of [...active].sort((a, b) => -deletionRank(a, b))) {
        const index = completionIndexOf(pod, completions);
        const done = index === undefined || state.completedIndexes.has(index) || state.failedIndexes.has(index);
        if (done || seen.has(index)) toDelete.push(pod);
        else {
          seen.add(index);
          keep.push(pod);
        }
      }
    }
    if (keep.length > wantActive) {
      toDelete.push(...[...keep].sort(deletionRank).slice(0, keep.length - wantActive));
    }
    if (toDelete.length > 0) {
      await this.deletePods(key, job, toDelete);
      return;
    }

    const missing = wantActive - keep.length - terminating.length;
    if (missing <= 0) return;
    const delay = remainingBackoffMs(this.deps.backoff.get(key), state.now, this.deps.backoffPolicy);
    if (delay > 0) {
      this.deps.enqueueAfter(key, delay);
      return;
    }
    let newPods: Pod[];
    if (indexed) {
      const busy = new Set([...keep, ...terminating].map((p) => completionIndexOf(p, completions)));
      const indexes: number[] = [];
      for (let i = 0; i < completions && indexes.length < missing; i++) {
        if (!busy.has(i) && !state.completedIndexes.has(i) && !state.failedIndexes.has(i)) indexes.push(i);
      }
      newPods = indexes.map((i) => jobPod(job, i, this.indexFailureCount(job, all, i)));
    } else newPods = Array.from({ length: missing }, () => jobPod(job));
    await this.createPods(key, job, newPods);
  }

  /** Failures so far of `index` (backoffLimitPerIndex): one more than the latest failed pod's count. */
  private indexFailureCount(job: Job, pods: Pod[], index: number): number | undefined {
    if (job.spec?.backoffLimitPerIndex == null) return undefined;
    let count = 0;
    for (const pod of pods) {
      if (pod.status?.phase !== "Failed" || completionIndexOf(pod, job.spec.completions ?? 0) !== index) continue;
      const previous = Number(pod.metadata?.annotations?.[C.INDEX_FAILURE_COUNT_ANNOTATION] ?? "0") || 0;
      count = Math.max(count, previous + 1);
    }
    return count;
  }

  private async createPods(key: string, job: Job, pods: Pod[]): Promise<void> {
    const client = this.deps.client.resource(podsResource);
    this.deps.expectations.expect(key, pods.length, 0);
    const errors: unknown[] = [];
    await Promise.all(
      pods.map(async (pod) => {
        try {
          const created = await client.create(pod);
          this.deps.recorder.event(job, "Normal", "SuccessfulCreate", `Created pod: ${created.metadata?.name}`);
        } catch (error) {
          this.deps.expectations.creationObserved(key);
          const message = error instanceof Error ? error.message : String(error);
          this.deps.recorder.event(job, "Warning", "FailedCreate", `Error creating: ${message}`);
          errors.push(error);
        }
      }),
    );
    if (errors.length > 0) throw errors[0];
  }

  private async deletePods(key: string, job: Job, pods: Pod[]): Promise<void> {
    if (pods.length === 0) return;
    const client = this.deps.client.resource(podsResource);
    this.deps.expectations.expect(key, 0, pods.length);
    const errors: unknown[] = [];
    await Promise.all(
      pods.map(async (pod) => {
        try {
          await client.delete(pod.metadata!.namespace, pod.metadata!.name!, {
            preconditions: { uid: pod.metadata!.uid },
          });
          this.deps.recorder.event(job, "Normal", "SuccessfulDelete", `Deleted pod: ${pod.metadata!.name}`);
        } catch (error) {
          this.deps.expectations.deletionObserved(key);
          if (isStatusError(error) && (error.code === 404 || error.code === 409)) return;
          const message = error instanceof Error ? error.message : String(error);
          this.deps.recorder.event(job, "Warning", "FailedDelete", `Error deleting: ${message}`);
          errors.push(error);
        }
      }),
    );
    if (errors.length > 0) throw errors[0];
  }

  /** Removes the tracking finalizer of `pods` of Job `key`, expecting the informer to see each removal. */
  private async removeFinalizers(key: string, pods: readonly Pod[]): Promise<void> {
    if (pods.length === 0) return;
    this.deps.finalizers.expectRemovals(
      key,
      pods.map((p) => p.metadata!.uid!),
    );
    await Promise.all(
      pods.map(async (pod) => {
        // A failed removal (the pod gone included) will never be seen: forget it now, as upstream.
        let removed = false;
        try {
          removed = await this.removeFinalizer(pod);
        } finally {
          if (!removed) this.deps.finalizers.removalObserved(key, pod.metadata!.uid!);
        }
      }),
    );
  }

  /**
   * Removes the job-tracking finalizer as upstream does: a strategic merge patch deleting it from the list. True
   * when it was removed, false when the pod is gone; throws on other errors.
   */
  private async removeFinalizer(pod: Pod): Promise<boolean> {
    try {
      await this.deps.client.resource(podsResource).patch(pod.metadata!.namespace, pod.metadata!.name!, "strategic", {
        metadata: { "$deleteFromPrimitiveList/finalizers": [C.JOB_TRACKING_FINALIZER] },
      });
      return true;
    } catch (error) {
      if (isStatusError(error) && error.code === 404) return false;
      this.deps.log.debug({ err: error, pod: keyOf(pod) }, "removing the job-tracking finalizer failed");
      throw error;
    }
  }
}
