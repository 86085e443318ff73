/**
 * The node lifecycle controller's wiring (upstream pkg/controller/nodelifecycle with the taint eviction
 * controller running inside it, as when SeparateTaintEvictionController is off): informers on nodes, pods and
 * node Leases; a periodic health monitor (monitor.ts); a 100 ms NoExecute tainting loop; a node queue for
 * NoSchedule taints; a pod queue marking newly assigned pods on unready nodes not ready; and the taint
 * manager's pod queue (taintmanager.ts).
 */
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import { leases, nodes, pods } from "../../client/resources.js";
import type { Informer } from "../../client/types.js";
import { waitForCacheSync } from "../util/informers.js";
import { WorkQueue, runWorkers } from "../../client/workqueue.js";
import type { Controller, ControllerContext } from "../types.js";
import { keyOf } from "../util/pods.js";
import { NodeHealthTracker } from "./health.js";
import { DEFAULT_NODE_LIFECYCLE_TUNABLES, NodeMonitor, type NodeLifecycleTunables } from "./monitor.js";
import { TaintEvictionTracker, noExecuteTaints } from "./taintmanager.js";
import { sleep } from "../../client/time.js";

export const NODE_NAME_INDEX = "spec.nodeName";

/** Adds the pods-by-node index unless another controller sharing the informer already did. */
function indexPodsByNode(informer: Informer<Pod>): void {
  try {
    informer.addIndex(NODE_NAME_INDEX, (pod) => (pod.spec?.nodeName ? [pod.spec.nodeName] : []));
  } catch {
    // Already indexed under the same name, by the same rule.
  }
}

/** Runs `fn` every `periodMs` (after it finishes) until `signal` aborts; errors are logged. */
async function every(periodMs: number, signal: AbortSignal, fn: () => Promise<void>, onError: (e: unknown) => void) {
  while (!signal.aborted) {
    try {
      await fn();
    } catch (error) {
      onError(error);
    }
    await sleep(periodMs, signal);
  }
}

export function newNodeLifecycleController(overrides: Partial<NodeLifecycleTunables> = {}): Controller {
  const tunables = { ...DEFAULT_NODE_LIFECYCLE_TUNABLES, ...overrides };
  return {
    name: "node-lifecycle",
    async run(context: ControllerContext): Promise<void> {
      const { client, informers, log, signal, options } = context;
      const nodeInformer = informers.informerFor(nodes);
      const podInformer = informers.informerFor(pods);
      const leaseInformer = informers.informerFor(leases, { namespace: "kube-node-lease" });
      indexPodsByNode(podInformer);
      const podsOnNode = (name: string): Pod[] => podInformer.lister.byIndex(NODE_NAME_INDEX, name);

      const health = new NodeHealthTracker(options.nodeMonitorGracePeriodMs, tunables.nodeStartupGracePeriodMs);
      const monitor = new NodeMonitor({
        client,
        nodeLister: nodeInformer.lister,
        leaseLister: leaseInformer.lister,
        podsOnNode,
        recorder: context.recorder("node-controller"),
        log,
        health,
        tunables,
      });

      const nodeQueue = new WorkQueue<string>();
      const podQueue = new WorkQueue<string>();
      const evictionQueue = new WorkQueue<string>();
      const evictions = new TaintEvictionTracker(
        client,
        context.recorder("taint-eviction-controller"),
        podInformer.lister,
        nodeInformer.lister,
        (key, delayMs) => evictionQueue.addAfter(key, delayMs),
      );

      nodeInformer.addEventHandler({
        onAdd: (node) => {
          nodeQueue.add(node.metadata!.name!);
          queuePodsOfTaintedNode(node);
        },
        onUpdate: (old, node) => {
          nodeQueue.add(node.metadata!.name!);
          evictions.nodeChanged(node);
          if (JSON.stringify(noExecuteTaints(old)) !== JSON.stringify(noExecuteTaints(node))) {
            for (const pod of podsOnNode(node.metadata!.name!)) evictionQueue.add(keyOf(pod));
          }
        },
      });
      function queuePodsOfTaintedNode(node: Node): void {
        if (noExecuteTaints(node).length === 0) return;
        for (const pod of podsOnNode(node.metadata!.name!)) evictionQueue.add(keyOf(pod));
      }
      podInformer.addEventHandler({
        onAdd: (pod) => {
          if (pod.spec?.nodeName) {
            podQueue.add(keyOf(pod));
            evictionQueue.add(keyOf(pod));
          }
        },
        onUpdate: (old, pod) => {
          if (pod.spec?.nodeName && pod.spec.nodeName !== old.spec?.nodeName) podQueue.add(keyOf(pod));
          if (
            pod.spec?.nodeName &&
            (pod.spec.nodeName !== old.spec?.nodeName ||
              JSON.stringify(pod.spec.tolerations) !== JSON.stringify(old.spec?.tolerations))
          ) {
            evictionQueue.add(keyOf(pod));
          }
        },
        onDelete: (pod) => evictionQueue.add(keyOf(pod)),
      });

      if (!(await waitForCacheSync(context, [nodeInformer, podInformer, leaseInformer]))) return;
      log.info("starting node lifecycle controller");
      const workerOptions = (name: string) => ({ signal, log, name });
      await Promise.all([
        runWorkers(nodeQueue, 8, (name) => monitor.noScheduleTaintingPass(name), workerOptions("node-lifecycle-nodes")),
        runWorkers(
          podQueue,
          4,
          async (key) => {
            const pod = podInformer.lister.get(key);
            if (pod) await monitor.processPod(pod);
          },
          workerOptions("node-lifecycle-pods"),
        ),
        runWorkers(evictionQueue, options.workers, (key) => evictions.reconcile(key), workerOptions("taint-eviction")),
        every(
          tunables.nodeEvictionPeriodMs,
          signal,
          () => monitor.noExecuteTaintingPass(),
          (err) => log.info({ err }, "NoExecute tainting pass failed"),
        ),
        every(
          options.nodeMonitorPeriodMs,
          signal,
          () => monitor.monitorNodeHealth(),
          (err) => log.info({ err }, "error monitoring node health"),
        ),
      ]);
    },
  };
}

/** The node lifecycle controller with upstream's default tunables (ControllerOptions give the grace periods). */
export const nodeLifecycleController: Controller = newNodeLifecycleController();
