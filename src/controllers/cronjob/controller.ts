/**
 * Wiring of the CronJob controller (upstream cronjob_controllerv2.go NewControllerV2): CronJob and Job informers,
 * handlers that enqueue the owning CronJob, and workers that run sync.ts and requeue each CronJob for its next
 * schedule time.
 */
import type { Job } from "kubernetes-types/batch/v1.js";
import { cronJobs as cronJobsResource, jobs as jobsResource } from "../../client/resources.js";
import { waitForCacheSync } from "../util/informers.js";
import { runWorkers, WorkQueue } from "../../client/workqueue.js";
import type { Controller, ControllerContext } from "../types.js";
import { controllerRefOf, keyOf } from "../util/pods.js";
import { CronJobSyncer } from "./sync.js";

export interface CronJobControllerOptions {
  /** The clock; tests inject one. */
  readonly now?: () => Date;
}

/** Runs the CronJob controller until `context.signal` aborts. */
export async function runCronJobController(
  context: ControllerContext,
  options: CronJobControllerOptions = {},
): Promise<void> {
  const log = context.log.child({ controller: "cronjob" });
  const cronJobInformer = context.informers.informerFor(cronJobsResource);
  const jobInformer = context.informers.informerFor(jobsResource);
  const queue = new WorkQueue<string>();

  const enqueueOwner = (job: Job): void => {
    const ref = controllerRefOf(job);
    if (!ref || ref.kind !== "CronJob") return;
    const key = `${job.metadata?.namespace}/${ref.name}`;
    if (cronJobInformer.lister.get(key)?.metadata?.uid === ref.uid) queue.add(key);
  };
  cronJobInformer.addEventHandler({
    onAdd: (cronJob) => queue.add(keyOf(cronJob)),
    onUpdate: (_old, cronJob) => queue.add(keyOf(cronJob)),
  });
  jobInformer.addEventHandler({
    onAdd: enqueueOwner,
    onUpdate: (oldJob, job) => {
      if (controllerRefOf(oldJob)?.uid !== controllerRefOf(job)?.uid) enqueueOwner(oldJob);
      enqueueOwner(job);
    },
    onDelete: enqueueOwner,
  });

  if (!(await waitForCacheSync(context, [cronJobInformer, jobInformer]))) return;
  const syncer = new CronJobSyncer({
    client: context.client,
    cronJobs: cronJobInformer.lister,
    jobs: jobInformer.lister,
    recorder: context.recorder("cronjob-controller"),
    log,
    now: options.now,
  });
  const reconcile = async (key: string): Promise<void> => {
    const delay = await syncer.sync(key);
    if (delay !== undefined) queue.addAfter(key, Math.max(0, delay));
  };
  await runWorkers(queue, context.options.workers, reconcile, { signal: context.signal, log, name: "cronjob" });
}

/** A CronJob controller with non-default options (tests: an injected clock). */
export function newCronJobController(options: CronJobControllerOptions = {}): Controller {
  return { name: "cronjob", run: (context) => runCronJobController(context, options) };
}

/** The CronJob controller as the controller manager runs it. */
export const cronJobController: Controller = newCronJobController();
