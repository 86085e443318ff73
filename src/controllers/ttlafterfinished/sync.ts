/**
 * The TTL-after-finished reconcile (upstream ttlafterfinished_controller.go processJob): a finished Job with
 * spec.ttlSecondsAfterFinished is deleted once that many seconds passed since its Complete/Failed condition's
 * lastTransitionTime; before deleting, the Job is read fresh from the API server and checked again, and the
 * delete carries a UID precondition so a re-created Job of the same name is never hit.
 */
import type { Job } from "kubernetes-types/batch/v1.js";
import { isStatusError } from "../../api/status.js";
import { jobs as jobsResource } from "../../client/resources.js";
import type { Client, DeleteOptions, Lister } from "../../client/types.js";
import type { Logger } from "../../util/log.js";
import { isJobFinished, jobFinishTime } from "../job/status.js";
import { splitKey } from "../util/pods.js";

export type PropagationPolicy = NonNullable<DeleteOptions["propagationPolicy"]>;

export interface TtlSyncerDeps {
  readonly client: Client;
  readonly jobs: Lister<Job>;
  readonly enqueueAfter: (key: string, ms: number) => void;
  readonly log: Logger;
  readonly propagationPolicy: PropagationPolicy;
  readonly now?: () => number;
}

/** Finished and carrying a TTL (upstream needsCleanup). */
export function needsCleanup(job: Job): boolean {
  return job.spec?.ttlSecondsAfterFinished != null && isJobFinished(job);
}

/** Milliseconds until `job` expires at `now` (≤ 0: expired), or undefined when it needs no cleanup. */
export function timeLeftMs(job: Job, now: number): number | undefined {
  if (job.metadata?.deletionTimestamp || !needsCleanup(job)) return undefined;
  const finishedAt = jobFinishTime(job);
  if (finishedAt === undefined)
    throw new Error(`unable to find the time when the Job ${job.metadata?.namespace}/${job.metadata?.name} finished`);
  return finishedAt + job.spec!.ttlSecondsAfterFinished! * 1000 - now;
}

export class TtlSyncer {
  constructor(private readonly deps: TtlSyncerDeps) {}

  /** True when the Job expired; otherwise requeues it for its expiry. */
  private expired(key: string, job: Job): boolean {
    const left = timeLeftMs(job, (this.deps.now ?? Date.now)());
    if (left === undefined) return false;
    if (left <= 0) return true;
    this.deps.enqueueAfter(key, left);
    return false;
  }

  async sync(key: string): Promise<void> {
    const cached = this.deps.jobs.get(key);
    if (!cached || !this.expired(key, cached)) return;
    const { namespace, name } = splitKey(key);
    const client = this.deps.client.resource(jobsResource);
    let fresh: Job;
    try {
      fresh = await client.get(namespace, name);
    } catch (error) {
      if (isStatusError(error) && error.code === 404) return;
      throw error;
    }
    if (!this.expired(key, fresh)) return;
    this.deps.log.debug({ job: key }, "cleaning up Job");
    try {
      await client.delete(namespace, name, {
        propagationPolicy: this.deps.propagationPolicy,
        preconditions: { uid: fresh.metadata?.uid },
      });
    } catch (error) {
      if (isStatusError(error) && error.code === 404) return;
      throw error;
    }
  }
}
