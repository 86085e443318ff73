/**
 * Wiring of the TTL-after-finished controller (upstream ttlafterfinished_controller.go New): a Job informer whose
 * handlers enqueue finished Jobs with a TTL, and workers running sync.ts (which requeues Jobs for their expiry).
 */
import type { Job } from "kubernetes-types/batch/v1.js";
import { jobs as jobsResource } from "../../client/resources.js";
import { waitForCacheSync } from "../util/informers.js";
import { runWorkers, WorkQueue } from "../../client/workqueue.js";
import type { Controller, ControllerContext } from "../types.js";
import { keyOf } from "../util/pods.js";
import { needsCleanup, type PropagationPolicy, TtlSyncer } from "./sync.js";

export interface TtlAfterFinishedOptions {
  /** How expired Jobs are deleted (default Foreground, as upstream: the garbage collector removes the pods first). */
  readonly propagationPolicy?: PropagationPolicy;
  /** The clock (ms since epoch); tests inject one. */
  readonly now?: () => number;
}

/** Runs the TTL-after-finished controller until `context.signal` aborts. */
export async function runTtlAfterFinishedController(
  context: ControllerContext,
  options: TtlAfterFinishedOptions = {},
): Promise<void> {
  const log = context.log.child({ controller: "ttl-after-finished" });
  const informer = context.informers.informerFor(jobsResource);
  const queue = new WorkQueue<string>();
  const enqueue = (job: Job): void => {
    if (!job.metadata?.deletionTimestamp && needsCleanup(job)) queue.add(keyOf(job));
  };
  informer.addEventHandler({ onAdd: enqueue, onUpdate: (_old, job) => enqueue(job) });

  if (!(await waitForCacheSync(context, [informer]))) return;
  const syncer = new TtlSyncer({
    client: context.client,
    jobs: informer.lister,
    enqueueAfter: (key, ms) => queue.addAfter(key, ms),
    log,
    propagationPolicy: options.propagationPolicy ?? "Foreground",
    now: options.now,
  });
  await runWorkers(queue, context.options.workers, (key) => syncer.sync(key), {
    signal: context.signal,
    log,
    name: "ttl-after-finished",
  });
}

export function newTtlAfterFinishedController(options: TtlAfterFinishedOptions = {}): Controller {
  return { name: "ttl-after-finished", run: (context) => runTtlAfterFinishedController(context, options) };
}

/** The TTL-after-finished controller as the controller manager runs it. */
export const ttlAfterFinishedController: Controller = newTtlAfterFinishedController();
