/**
 * Wiring of the Job controller (upstream job_controller.go NewController): Job and pod informers, handlers that
 * turn changes into Job keys (observing expectations on the way), and workers running the reconcile in sync.ts.
 */
import type { Job } from "kubernetes-types/batch/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { jobs as jobsResource, pods as podsResource } from "../../client/resources.js";
import { waitForCacheSync } from "../util/informers.js";
import { runWorkers, WorkQueue } from "../../client/workqueue.js";
import type { Controller, ControllerContext } from "../types.js";
import { Expectations } from "../util/expectations.js";
import { controllerRefOf, keyOf } from "../util/pods.js";
import { type BackoffPolicy, BackoffStore, DEFAULT_BACKOFF } from "./backoff.js";
import { COMPONENT } from "./constants.js";
import { FinalizerExpectations } from "./finalizers.js";
import { hasTrackingFinalizer } from "./status.js";
import { JobSyncer } from "./sync.js";

export interface JobControllerOptions {
  /** Pod recreation backoff after failures (upstream 10 s doubling, capped at 6 min); tests shorten it. */
  readonly backoff?: BackoffPolicy;
  /** The clock (ms since epoch); tests inject one. */
  readonly now?: () => number;
}

/** Runs the Job controller until `context.signal` aborts. */
export async function runJobController(context: ControllerContext, options: JobControllerOptions = {}): Promise<void> {
  const log = context.log.child({ controller: "job" });
  const jobInformer = context.informers.informerFor(jobsResource);
  const podInformer = context.informers.informerFor(podsResource);
  const queue = new WorkQueue<string>();
  const expectations = new Expectations();
  const finalizers = new FinalizerExpectations();
  /** The key (namespace/name) of the Job named as `pod`'s controller, whether or not that Job is cached. */
  const jobKeyOf = (pod: Pod): string | undefined => {
    const ref = controllerRefOf(pod);
    return ref?.kind === "Job" ? `${pod.metadata?.namespace}/${ref.name}` : undefined;
  };
  /** The pod's finalizer is gone (or the pod is): a removal the syncer asked for has been observed. */
  const finalizerGone = (pod: Pod): void => {
    const key = jobKeyOf(pod);
    if (key) finalizers.removalObserved(key, pod.metadata!.uid!);
  };
  /**
   * The key of the Job controlling `pod`, when that Job is in the cache. A pod whose Job is gone but which still
   * holds the tracking finalizer has its Job key enqueued, so the sync releases it.
   */
  const ownerKey = (pod: Pod): string | undefined => {
    const key = jobKeyOf(pod);
    if (!key) return undefined;
    const owner = jobInformer.lister.get(key);
    if (owner?.metadata?.uid === controllerRefOf(pod)!.uid) return key;
    if (hasTrackingFinalizer(pod)) queue.add(key);
    return undefined;
  };
  const podGone = (pod: Pod): void => {
    const key = ownerKey(pod);
    if (!key) return;
    expectations.deletionObserved(key);
    queue.add(key);
  };

  jobInformer.addEventHandler({
    onAdd: (job: Job) => queue.add(keyOf(job)),
    onUpdate: (_old, job) => queue.add(keyOf(job)),
    onDelete: (job) => {
      expectations.delete(keyOf(job));
      queue.add(keyOf(job));
    },
  });
  podInformer.addEventHandler({
    onAdd: (pod) => {
      const key = ownerKey(pod);
      if (!key) return;
      if (pod.metadata?.deletionTimestamp) expectations.deletionObserved(key);
      else expectations.creationObserved(key);
      queue.add(key);
    },
    onUpdate: (oldPod, pod) => {
      if (hasTrackingFinalizer(oldPod) && !hasTrackingFinalizer(pod)) finalizerGone(pod);
      if (!oldPod.metadata?.deletionTimestamp && pod.metadata?.deletionTimestamp) return podGone(pod);
      const key = ownerKey(pod);
      if (key) queue.add(key);
    },
    onDelete: (pod) => {
      finalizerGone(pod);
      if (pod.metadata?.deletionTimestamp) {
        const key = ownerKey(pod);
        if (key) queue.add(key);
        return;
      }
      podGone(pod);
    },
  });

  if (!(await waitForCacheSync(context, [jobInformer, podInformer]))) return;
  const syncer = new JobSyncer({
    client: context.client,
    jobs: jobInformer.lister,
    pods: podInformer.lister,
    recorder: context.recorder(COMPONENT),
    expectations,
    finalizers,
    backoff: new BackoffStore(),
    backoffPolicy: options.backoff ?? DEFAULT_BACKOFF,
    enqueueAfter: (key, ms) => queue.addAfter(key, ms),
    log,
    now: options.now,
  });
  await runWorkers(queue, context.options.workers, (key) => syncer.sync(key), {
    signal: context.signal,
    log,
    name: "job",
  });
}

/** A Job controller with non-default options (tests: a short backoff). */
export function newJobController(options: JobControllerOptions = {}): Controller {
  return { name: "job", run: (context) => runJobController(context, options) };
}

/** The Job controller as the controller manager runs it. */
export const jobController: Controller = newJobController();
