/**
 * The garbage-collector controller (upstream pkg/controller/garbagecollector: garbagecollector.go's Run and
 * graph_builder.go's monitors): discovers every resource that supports delete, list and watch (events excepted,
 * as upstream ignores them), puts an informer on each that feeds the dependency graph, and once the caches synced
 * runs the attemptToDelete and attemptToOrphan workers. Discovery is repeated periodically so resources that
 * appear later (new API groups) are monitored too.
 */
import { setMaxListeners } from "node:events";
import { WorkQueue } from "../../client/workqueue.js";
import type { KubeObject } from "../../client/types.js";
import type { Logger } from "../../util/log.js";
import type { Controller, ControllerContext } from "../types.js";
import { GarbageCollector, type AttemptResult } from "./collector.js";
import { discoverPreferredResources, supportsAll, type DiscoveredResource } from "./discovery.js";
import { DependencyGraph } from "./graph.js";
import { RestMapper } from "./restmapper.js";

/** Upstream DefaultIgnoredResources: events are never owners nor collected. */
const IGNORED_RESOURCES = new Set(["/events", "events.k8s.io/events"]);

export interface GarbageCollectorOptions {
  /** attemptToDelete and attemptToOrphan workers each (upstream --concurrent-gc-syncs, default 20). */
  readonly workers?: number;
  /** How often discovery is repeated to monitor new resources (upstream: 30 s). */
  readonly rediscoveryPeriodMs?: number;
}

/** Runs `workers` loops over `queue`; "requeue" and failures come back with backoff, "done" forgets the key. */
async function work(
  queue: WorkQueue<string>,
  workers: number,
  attempt: (uid: string) => Promise<AttemptResult | void>,
  log: Logger,
  name: string,
): Promise<void> {
  const worker = async (): Promise<void> => {
    for (;;) {
      const uid = await queue.get();
      if (uid === undefined) return;
      try {
        if ((await attempt(uid)) === "requeue") queue.addRateLimited(uid);
        else queue.forget(uid);
      } catch (error) {
        log.info({ queue: name, uid, err: error }, "garbage collection attempt failed; requeuing");
        queue.addRateLimited(uid);
      } finally {
        queue.done(uid);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, workers) }, worker));
}

export function createGarbageCollectorController(options: GarbageCollectorOptions = {}): Controller {
  return {
    name: "garbage-collector",
    async run(context: ControllerContext): Promise<void> {
      const { client, informers, signal } = context;
      const log = context.log.child({ controller: "garbage-collector" });
      const deleteQueue = new WorkQueue<string>();
      const orphanQueue = new WorkQueue<string>();
      let mapper = new RestMapper();
      const graph = new DependencyGraph({
        attemptToDelete: (node) => deleteQueue.add(node.identity.uid),
        attemptToOrphan: (node) => orphanQueue.add(node.identity.uid),
        ownerAbsent: (identity) => collector.ownerAbsent(identity),
        invalidOwnerNamespace: (dependent, ref) => collector.invalidOwnerNamespace(dependent, ref),
      });
      const collector = new GarbageCollector(
        client,
        graph,
        () => mapper,
        context.recorder("garbage-collector-controller"),
        log,
      );
      collector.onAttemptToDelete = (node) => deleteQueue.add(node.identity.uid);

      const monitored = new Set<string>();
      const monitor = (resource: DiscoveredResource): void => {
        const id = `${resource.group}/${resource.resource}`;
        if (monitored.has(id) || IGNORED_RESOURCES.has(id)) return;
        if (!supportsAll(resource, ["delete", "list", "watch"])) return;
        monitored.add(id);
        const apiVersion = resource.group === "" ? resource.version : `${resource.group}/${resource.version}`;
        const informer = informers.informerFor<KubeObject>(resource);
        informer.addEventHandler({
          onAdd: (object) => graph.observe(object, undefined, apiVersion, resource.kind),
          onUpdate: (old, object) => graph.observe(object, old, apiVersion, resource.kind),
          onDelete: (object) => graph.forget(object),
        });
      };
      const discover = async (): Promise<boolean> => {
        try {
          const found = await discoverPreferredResources(client);
          if (found.failedGroups.size > 0) log.info({ groups: [...found.failedGroups.keys()] }, "partial discovery");
          mapper = new RestMapper(found.resources);
          for (const resource of found.resources) monitor(resource);
          return true;
        } catch (error) {
          log.info({ err: error }, "discovery failed");
          return false;
        }
      };

      while (!(await discover())) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        if (signal.aborted) return;
      }
      informers.start();
      // One abort listener per informer: a child signal allowed that many keeps Node from warning.
      const syncAbort = new AbortController();
      setMaxListeners(0, syncAbort.signal);
      const relay = (): void => syncAbort.abort();
      signal.addEventListener("abort", relay, { once: true });
      if (signal.aborted) relay();
      try {
        await informers.waitForSync(syncAbort.signal);
      } catch {
        return; // stopped before the caches synced
      } finally {
        signal.removeEventListener("abort", relay);
      }
      log.info({ resources: monitored.size, nodes: graph.size }, "garbage collector synced");

      const rediscovery = setInterval(() => void discover(), options.rediscoveryPeriodMs ?? 30_000);
      const stop = (): void => {
        clearInterval(rediscovery);
        deleteQueue.shutDown();
        orphanQueue.shutDown();
      };
      if (signal.aborted) stop();
      else signal.addEventListener("abort", stop, { once: true });
      const workers = options.workers ?? 20;
      await Promise.all([
        work(deleteQueue, workers, (uid) => collector.attemptToDelete(uid), log, "attemptToDelete"),
        work(orphanQueue, workers, (uid) => collector.attemptToOrphan(uid), log, "attemptToOrphan"),
      ]);
    },
  };
}

/** The controller as the controller manager runs it. */
export const garbageCollectorController: Controller = createGarbageCollectorController();
