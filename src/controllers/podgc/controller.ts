/**
 * Wiring of the pod garbage collector (upstream podgc gc_controller.go): pod and node informers and one work
 * queue key that runs a GC pass every gcPeriod (20 s as upstream) and when a quarantined node comes due.
 */
import { nodes as nodesResource, pods as podsResource } from "../../client/resources.js";
import { waitForCacheSync } from "../util/informers.js";
import { runWorkers, WorkQueue } from "../../client/workqueue.js";
import type { Controller, ControllerContext } from "../types.js";
import { PodGc } from "./gc.js";

const GC_KEY = "gc";

export interface PodGcOptions {
  /** Time between passes (upstream gcCheckPeriod, 20 s). */
  readonly gcPeriodMs?: number;
  /** How long a node must be missing before its pods are collected (upstream quarantineTime, 40 s). */
  readonly quarantineMs?: number;
  readonly now?: () => number;
}

/** Runs the pod GC until `context.signal` aborts. */
export async function runPodGcController(context: ControllerContext, options: PodGcOptions = {}): Promise<void> {
  const log = context.log.child({ controller: "pod-garbage-collector" });
  const podInformer = context.informers.informerFor(podsResource);
  const nodeInformer = context.informers.informerFor(nodesResource);
  const queue = new WorkQueue<string>();
  const period = options.gcPeriodMs ?? 20_000;

  if (!(await waitForCacheSync(context, [podInformer, nodeInformer]))) return;
  const gc = new PodGc({
    client: context.client,
    pods: podInformer.lister,
    nodes: nodeInformer.lister,
    log,
    terminatedPodThreshold: context.options.terminatedPodGcThreshold,
    quarantineMs: options.quarantineMs ?? 40_000,
    now: options.now,
  });
  const pass = async (): Promise<void> => {
    try {
      const due = await gc.gc();
      queue.addAfter(GC_KEY, Math.min(period, due ?? period));
    } catch (error) {
      queue.addAfter(GC_KEY, period);
      throw error;
    }
  };
  queue.add(GC_KEY);
  await runWorkers(queue, 1, pass, { signal: context.signal, log, name: "pod-garbage-collector" });
}

export function newPodGcController(options: PodGcOptions = {}): Controller {
  return { name: "pod-garbage-collector", run: (context) => runPodGcController(context, options) };
}

/** The pod GC as the controller manager runs it. */
export const podGcController: Controller = newPodGcController();
