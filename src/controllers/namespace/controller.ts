/**
 * The namespace controller (upstream pkg/controller/namespace/namespace_controller.go): watches namespaces and
 * queues every one with a deletionTimestamp; a worker runs one deletion pass (deleter.ts). While content remains
 * the namespace is looked at again after upstream's estimate (half the longest grace period + 1 s), capped by
 * `recheckCapMs` so a namespace whose pods are gone goes within seconds; other failures back off.
 */
import type { Namespace } from "kubernetes-types/core/v1.js";
import { namespaces } from "../../client/resources.js";
import { waitForCacheSync } from "../util/informers.js";
import { WorkQueue, runWorkers } from "../../client/workqueue.js";
import type { Controller, ControllerContext } from "../types.js";
import { NamespacedResourcesDeleter, ResourcesRemainingError } from "./deleter.js";

export interface NamespaceControllerOptions {
  /** Longest wait before re-checking a namespace whose content is still going (default 1 s). */
  readonly recheckCapMs?: number;
  /** Workers (upstream --concurrent-namespace-syncs, default 10). */
  readonly workers?: number;
}

export function createNamespaceController(options: NamespaceControllerOptions = {}): Controller {
  const recheckCapMs = options.recheckCapMs ?? 1_000;
  return {
    name: "namespace",
    async run(context: ControllerContext): Promise<void> {
      const { client, informers, signal } = context;
      const log = context.log.child({ controller: "namespace" });
      // Upstream: exponential failure backoff from 5 ms to 60 s.
      const queue = new WorkQueue<string>({ baseDelayMs: 5, maxDelayMs: 60_000 });
      const deleter = new NamespacedResourcesDeleter(client);
      const enqueue = (ns: Namespace): void => {
        if (ns.metadata?.deletionTimestamp) queue.add(ns.metadata.name!);
      };
      const informer = informers.informerFor(namespaces);
      informer.addEventHandler({ onAdd: enqueue, onUpdate: (_old, ns) => enqueue(ns) });
      if (!(await waitForCacheSync(context, [informer]))) return; // stopped before the caches synced
      const sync = async (name: string): Promise<void> => {
        try {
          await deleter.delete(name);
        } catch (error) {
          if (!(error instanceof ResourcesRemainingError)) throw error;
          const upstreamMs = (Math.floor(error.estimateSeconds / 2) + 1) * 1000;
          log.debug({ namespace: name, estimate: error.estimateSeconds }, "content remains");
          queue.addAfter(name, Math.min(upstreamMs, recheckCapMs));
        }
      };
      await runWorkers(queue, options.workers ?? 10, sync, { signal, log, name: "namespace" });
    },
  };
}

/** The controller as the controller manager runs it. */
export const namespaceController: Controller = createNamespaceController();
