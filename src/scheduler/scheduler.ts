/**
 * The scheduler process (upstream pkg/scheduler/scheduler.go + schedule_one.go + eventhandlers.go): informer
 * handlers feed the cache (assigned pods, nodes) and the queue (our unassigned pods); the loop pops a pod,
 * runs the algorithm synchronously, assumes the pod on the chosen node and binds it asynchronously (bindings
 * overlap with the next cycles); a pod that fits nowhere gets PostFilter (preemption), a FailedScheduling
 * event and a PodScheduled=False condition, and waits in the queue for a cluster event or its backoff.
 */
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1.js";
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import type { PriorityClass } from "kubernetes-types/scheduling/v1.js";
import { isStatusError } from "../api/status.js";
import {
  namespaces as namespacesResource,
  nodes as nodesResource,
  pods as podsResource,
  podDisruptionBudgets,
  priorityClasses,
  replicaSets,
  replicationControllers,
  services,
  statefulSets,
} from "../client/resources.js";
import type { Informer, Lister } from "../client/types.js";
import { Algorithm, NoNodesAvailableError } from "./algorithm.js";
import { SchedulerCache } from "./cache.js";
import { defaultSpreadSelector } from "./defaultselector.js";
import { CycleState } from "./framework.js";
import { FitError } from "./fiterror.js";
import { DEFAULT_SCHEDULER_OPTIONS, type SchedulerContext, type SchedulerOptions } from "./options.js";
import { defaultPlugins } from "./plugins/index.js";
import { podKey } from "./podinfo.js";
import { Preemptor } from "./preemption.js";
import { SchedulingQueue, type QueuedPodInfo } from "./queue.js";
import { updatePodSchedulingStatus } from "./status.js";

function isAssigned(pod: Pod): boolean {
  return !!pod.spec?.nodeName;
}

function isTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === "Succeeded" || phase === "Failed";
}

/** Runs the scheduler until `context.signal` aborts. */
export async function runScheduler(context: SchedulerContext): Promise<void> {
  const scheduler = new Scheduler(context);
  await scheduler.run();
}

export class Scheduler {
  readonly options: SchedulerOptions;
  readonly cache = new SchedulerCache();
  readonly queue: SchedulingQueue;
  readonly algorithm: Algorithm;
  private readonly podInformer: Informer<Pod>;
  private readonly nodeInformer: Informer<Node>;
  private readonly priorityClassLister: Lister<PriorityClass>;
  private readonly preemptor: Preemptor;
  private readonly bindings = new Set<Promise<void>>();

  constructor(private readonly context: SchedulerContext) {
    this.options = { ...DEFAULT_SCHEDULER_OPTIONS, ...context.options };
    const { informers } = context;
    this.queue = new SchedulingQueue({
      initialBackoffMs: this.options.podInitialBackoffMs,
      maxBackoffMs: this.options.podMaxBackoffMs,
      maxInUnschedulableMs: this.options.podMaxInUnschedulablePodsDurationMs,
    });
    this.podInformer = informers.informerFor(podsResource);
    this.nodeInformer = informers.informerFor(nodesResource);
    this.priorityClassLister = informers.informerFor(priorityClasses).lister;
    const pdbLister: Lister<PodDisruptionBudget> = informers.informerFor(podDisruptionBudgets).lister;
    const spreadSelector = defaultSpreadSelector({
      services: informers.informerFor(services).lister,
      replicationControllers: informers.informerFor(replicationControllers).lister,
      replicaSets: informers.informerFor(replicaSets).lister,
      statefulSets: informers.informerFor(statefulSets).lister,
    });
    const namespaceLister = informers.informerFor(namespacesResource).lister;
    this.algorithm = new Algorithm(
      defaultPlugins(spreadSelector),
      this.cache,
      this.queue,
      this.options.percentageOfNodesToScore,
      Math.random,
      {
        namespaceLabels: (name) => namespaceLister.get(name)?.metadata?.labels,
        namespacesMatching: (selector) =>
          namespaceLister
            .list()
            .filter((ns) => selector.matches(ns.metadata?.labels))
            .map((ns) => ns.metadata!.name!),
      },
    );
    this.preemptor = new Preemptor({
      algorithm: this.algorithm,
      client: context.client,
      recorder: context.recorder,
      log: context.log,
      schedulerName: this.options.schedulerName,
      pdbs: pdbLister,
      nominator: this.queue,
    });
    this.addEventHandlers();
  }

  async run(): Promise<void> {
    const { informers, signal, log } = this.context;
    informers.start();
    try {
      await informers.waitForSync(signal);
    } catch (error) {
      if (signal.aborted) return;
      throw error;
    }
    this.queue.run();
    signal.addEventListener("abort", () => this.queue.close(), { once: true });
    log.info({ schedulerName: this.options.schedulerName }, "scheduler started");
    while (!signal.aborted) {
      const qp = await this.queue.pop();
      if (!qp) break;
      try {
        await this.scheduleOne(qp);
      } catch (error) {
        log.error({ err: error, pod: qp.key }, "scheduling cycle failed");
        this.queue.addUnschedulable(qp, this.queue.schedulingCycle, true);
      }
      // Let watch events and binding responses in between cycles.
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.queue.close();
    await Promise.allSettled([...this.bindings]);
  }

  /** A pod we should schedule: ours, unassigned, not being deleted, not finished. */
  private responsibleFor(pod: Pod): boolean {
    return (
      (pod.spec?.schedulerName ?? "default-scheduler") === this.options.schedulerName &&
      !isAssigned(pod) &&
      !pod.metadata?.deletionTimestamp &&
      !isTerminal(pod)
    );
  }

  /** spec.priority, resolved from the PriorityClass when the API server did not (no Priority admission). */
  private withPriority(pod: Pod): Pod {
    if (pod.spec?.priority !== undefined) return pod;
    const name = pod.spec?.priorityClassName;
    let pc: PriorityClass | undefined;
    if (name) pc = this.priorityClassLister.get(name);
    else pc = this.priorityClassLister.list().find((c) => c.globalDefault);
    if (!pc) return pod;
    return {
      ...pod,
      spec: { ...pod.spec!, priority: pc.value, preemptionPolicy: pod.spec?.preemptionPolicy ?? pc.preemptionPolicy },
    };
  }

  private addEventHandlers(): void {
    const onAssignedChange = () => this.queue.moveAllToActiveOrBackoff();
    this.podInformer.addEventHandler({
      onAdd: (pod) => {
        if (isAssigned(pod)) {
          if (isTerminal(pod)) return;
          this.cache.addPod(pod);
          this.queue.moveAllToActiveOrBackoff(needsPodEvents);
        } else if (this.responsibleFor(pod) && !this.cache.hasPod(podKey(pod))) {
          this.queue.add(this.withPriority(pod));
        }
      },
      onUpdate: (oldPod, pod) => {
        if (isAssigned(pod)) {
          if (!isAssigned(oldPod)) this.queue.delete(pod);
          if (isTerminal(pod)) {
            if (this.cache.hasPod(podKey(pod))) {
              this.cache.removePod(pod);
              onAssignedChange();
            }
            return;
          }
          this.cache.updatePod(pod);
          if (!isAssigned(oldPod)) this.queue.moveAllToActiveOrBackoff(needsPodEvents);
          return;
        }
        if (this.cache.hasPod(podKey(pod))) return; // assumed: its binding is in flight
        if (this.responsibleFor(pod)) this.queue.update(this.withPriority(oldPod), this.withPriority(pod));
        else this.queue.delete(pod);
      },
      onDelete: (pod) => {
        if (isAssigned(pod) || this.cache.hasPod(podKey(pod))) {
          this.cache.removePod(pod);
          onAssignedChange();
        }
        this.queue.delete(pod);
      },
    });
    this.nodeInformer.addEventHandler({
      onAdd: (node) => {
        this.cache.addNode(node);
        this.queue.moveAllToActiveOrBackoff();
      },
      onUpdate: (oldNode, node) => {
        this.cache.updateNode(node);
        if (nodeSchedulingPropertiesChanged(oldNode, node)) this.queue.moveAllToActiveOrBackoff();
      },
      onDelete: (node) => this.cache.removeNode(node.metadata!.name!),
    });
  }

  /** One scheduling cycle; the binding cycle continues in the background. */
  async scheduleOne(qp: QueuedPodInfo): Promise<void> {
    const pod = qp.podInfo.pod;
    const current = this.podInformer.lister.get(podKey(pod));
    if (!current || !this.responsibleFor(current) || this.cache.hasPod(qp.key)) {
      this.queue.done(qp.key);
      return;
    }
    const cycle = this.queue.schedulingCycle;
    const state = new CycleState();
    let result;
    try {
      result = this.algorithm.schedulePod(state, qp.podInfo);
    } catch (error) {
      await this.handleFailure(qp, cycle, error);
      return;
    }
    if (result instanceof FitError) {
      const post = await this.preemptor.postFilter(state, qp.podInfo, result.nodeToStatus);
      result.postFilterMessage = post.message;
      qp.unschedulablePlugins = result.unschedulablePlugins();
      await this.handleFailure(qp, cycle, result, post.nominatedNodeName);
      return;
    }
    const nodeName = result.nodeName;
    const assumed: Pod = { ...pod, spec: { ...pod.spec!, nodeName } };
    this.cache.assumePod(assumed);
    this.queue.nominate(qp.podInfo, undefined);
    while (this.bindings.size >= this.options.bindConcurrency) await Promise.race(this.bindings);
    const binding = this.bind(qp, cycle, nodeName).finally(() => this.bindings.delete(binding));
    this.bindings.add(binding);
  }

  private async bind(qp: QueuedPodInfo, cycle: number, nodeName: string): Promise<void> {
    const pod = qp.podInfo.pod;
    const { namespace, name, uid } = pod.metadata ?? {};
    try {
      await this.context.client.resource(podsResource).createSubresource(namespace, name!, "binding", {
        apiVersion: "v1",
        kind: "Binding",
        metadata: { name, namespace, uid },
        target: { apiVersion: "v1", kind: "Node", name: nodeName },
      });
    } catch (error) {
      this.cache.forgetPod(qp.key);
      this.queue.moveAllToActiveOrBackoff();
      this.context.log.info({ pod: qp.key, node: nodeName, err: String(error) }, "binding failed");
      await this.handleFailure(qp, cycle, error);
      return;
    }
    this.queue.done(qp.key);
    this.context.recorder.event(
      pod,
      "Normal",
      "Scheduled",
      `Successfully assigned ${namespace}/${name} to ${nodeName}`,
    );
  }

  /**
   * handleSchedulingFailure: requeue (unless the pod is gone or already bound), a FailedScheduling event, and
   * the PodScheduled=False condition (reason Unschedulable for a FitError, SchedulerError otherwise).
   */
  private async handleFailure(
    qp: QueuedPodInfo,
    cycle: number,
    error: unknown,
    nominatedNodeName?: string,
  ): Promise<void> {
    const fit = error instanceof FitError;
    const message = fit
      ? error.message
      : error instanceof NoNodesAvailableError
        ? error.message
        : isStatusError(error)
          ? error.message
          : String(error);
    const current = this.podInformer.lister.get(qp.key);
    if (!current || isAssigned(current)) {
      this.queue.done(qp.key);
      return;
    }
    this.queue.addUnschedulable(qp, cycle, !fit);
    if (nominatedNodeName !== undefined) this.queue.nominate(qp.podInfo, nominatedNodeName || undefined);
    this.context.recorder.event(current, "Warning", "FailedScheduling", message);
    await updatePodSchedulingStatus(this.context.client, current, {
      reason: fit ? "Unschedulable" : "SchedulerError",
      message,
      nominatedNodeName,
    }).catch((e: unknown) => this.context.log.info({ pod: qp.key, err: String(e) }, "updating pod status failed"));
  }
}

/** Unschedulable pods an assigned pod's arrival can help: those with inter-pod affinity or spread rules. */
function needsPodEvents(qp: QueuedPodInfo): boolean {
  const spec = qp.podInfo.pod.spec;
  return !!spec?.affinity?.podAffinity || (spec?.topologySpreadConstraints?.length ?? 0) > 0;
}

/** Upstream nodeSchedulingPropertiesChange: what a heartbeat does not change. */
function nodeSchedulingPropertiesChanged(oldNode: Node, node: Node): boolean {
  const conditions = (n: Node) => JSON.stringify((n.status?.conditions ?? []).map((c) => [c.type, c.status]));
  return (
    oldNode.spec?.unschedulable !== node.spec?.unschedulable ||
    JSON.stringify(oldNode.metadata?.labels) !== JSON.stringify(node.metadata?.labels) ||
    JSON.stringify(oldNode.spec?.taints) !== JSON.stringify(node.spec?.taints) ||
    JSON.stringify(oldNode.status?.allocatable) !== JSON.stringify(node.status?.allocatable) ||
    conditions(oldNode) !== conditions(node)
  );
}
