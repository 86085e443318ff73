/**
 * The node health monitor (upstream Controller.monitorNodeHealth, handleDisruption, doNoExecuteTaintingPass,
 * doNoScheduleTaintingPass): every node monitor period it checks each node's Lease and status, writes
 * Ready=Unknown for silent nodes, marks their pods not ready, queues NoExecute tainting per zone (rate
 * limited, stopped when every zone is fully disrupted) and removes the taints from nodes that are Ready again.
 */
import type { Lease } from "kubernetes-types/coordination/v1.js";
import type { Node, NodeCondition, Pod } from "kubernetes-types/core/v1.js";
import { isStatusError } from "../../api/status.js";
import { nodes } from "../../client/resources.js";
import type { Client, EventRecorder, KubeObject, Lister } from "../../client/types.js";
import type { Logger } from "../../util/log.js";
import type { NodeHealthTracker } from "./health.js";
import { RateLimitedTimedQueue } from "./taintqueue.js";
import {
  NOT_READY_NO_EXECUTE,
  UNREACHABLE_NO_EXECUTE,
  hasTaint,
  noScheduleTaintDiff,
  readyCondition,
  zoneKey,
} from "./taints.js";
import { markPodsNotReady, swapNodeTaints } from "./writes.js";

/** kube-controller-manager flags of the node lifecycle controller that ControllerOptions does not carry. */
export interface NodeLifecycleTunables {
  /** --node-startup-grace-period (60 s): grace for a node that never posted a Ready condition. */
  readonly nodeStartupGracePeriodMs: number;
  /** --node-eviction-rate (0.1 nodes/s per zone) for adding NoExecute taints. */
  readonly evictionRate: number;
  /** --secondary-node-eviction-rate (0.01) in partially disrupted large zones. */
  readonly secondaryEvictionRate: number;
  /** --large-cluster-size-threshold (50). */
  readonly largeClusterThreshold: number;
  /** --unhealthy-zone-threshold (0.55). */
  readonly unhealthyZoneThreshold: number;
  /** scheduler.NodeEvictionPeriod: how often the tainting queues are drained (100 ms). */
  readonly nodeEvictionPeriodMs: number;
  /** Nodes checked at once (nodeUpdateWorkerSize, 8). */
  readonly concurrency: number;
}

export const DEFAULT_NODE_LIFECYCLE_TUNABLES: NodeLifecycleTunables = {
  nodeStartupGracePeriodMs: 60_000,
  evictionRate: 0.1,
  secondaryEvictionRate: 0.01,
  largeClusterThreshold: 50,
  unhealthyZoneThreshold: 0.55,
  nodeEvictionPeriodMs: 100,
  concurrency: 8,
};

export type ZoneState = "Initial" | "Normal" | "FullDisruption" | "PartialDisruption";

const EXCLUDE_DISRUPTION_LABEL = "node.kubernetes.io/exclude-disruption";
const HEALTH_UPDATE_RETRIES = 5;

/** ComputeZoneState: how many Ready conditions are not True, and the zone's state. */
export function computeZoneState(
  readyConditions: readonly (NodeCondition | undefined)[],
  unhealthyZoneThreshold: number,
): { notReady: number; state: ZoneState } {
  let ready = 0;
  let notReady = 0;
  for (const c of readyConditions) {
    if (c?.status === "True") ready++;
    else notReady++;
  }
  if (ready === 0 && notReady > 0) return { notReady, state: "FullDisruption" };
  if (notReady > 2 && notReady / (notReady + ready) >= unhealthyZoneThreshold) {
    return { notReady, state: "PartialDisruption" };
  }
  return { notReady, state: "Normal" };
}

/** An object reference for events about a node (cluster-scoped, identified by name and uid). */
function nodeRef(node: Node): KubeObject {
  return { apiVersion: "v1", kind: "Node", metadata: { name: node.metadata!.name, uid: node.metadata!.uid } };
}

async function parallel<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

export interface NodeMonitorDeps {
  readonly client: Client;
  readonly nodeLister: Lister<Node>;
  readonly leaseLister: Lister<Lease>;
  readonly podsOnNode: (nodeName: string) => Pod[];
  readonly recorder: EventRecorder;
  readonly log: Logger;
  readonly health: NodeHealthTracker;
  readonly tunables: NodeLifecycleTunables;
}

export class NodeMonitor {
  readonly #known = new Map<string, Node>();
  readonly #zoneStates = new Map<string, ZoneState>();
  readonly #tainters = new Map<string, RateLimitedTimedQueue>();
  readonly #nodesToRetry = new Set<string>();

  constructor(private readonly deps: NodeMonitorDeps) {}

  zoneState(zone: string): ZoneState | undefined {
    return this.#zoneStates.get(zone);
  }

  /** monitorNodeHealth: one pass over every node. */
  async monitorNodeHealth(): Promise<void> {
    const { nodeLister, recorder, log, health, tunables } = this.deps;
    const all = nodeLister.list();
    const names = new Set(all.map((n) => n.metadata!.name!));
    for (const node of all) {
      const name = node.metadata!.name!;
      if (!this.#known.has(name)) {
        log.debug({ node: name }, "controller observed a new node");
        recorder.event(nodeRef(node), "Normal", "RegisteredNode", `Registered Node ${name} in Controller`);
        this.#known.set(name, node);
        this.#addTainterForZone(node);
        await this.markNodeAsReachable(node).catch((err: unknown) =>
          log.info({ node: name, err }, "failed to remove taints from node"),
        );
      } else if (!this.#zoneStates.has(zoneKey(node))) {
        this.#addTainterForZone(node);
      }
    }
    for (const [name, node] of this.#known) {
      if (names.has(name)) continue;
      log.debug({ node: name }, "controller observed a node deletion");
      recorder.event(nodeRef(node), "Normal", "RemovingNode", `Removing Node ${name} from Controller`);
      this.#known.delete(name);
      this.#nodesToRetry.delete(name);
      health.forget(name);
    }

    const zoneConditions = new Map<string, (NodeCondition | undefined)[]>();
    await parallel(all, tunables.concurrency, async (node) => {
      const result = await this.#updateNodeHealth(node);
      if (!result) return;
      const { observedReady, currentReady, latest } = result;
      if (latest.metadata?.labels?.[EXCLUDE_DISRUPTION_LABEL] === undefined) {
        const zone = zoneKey(latest);
        const list = zoneConditions.get(zone) ?? [];
        list.push(currentReady);
        zoneConditions.set(zone, list);
      }
      if (!currentReady) return;
      const name = latest.metadata!.name!;
      await this.#processTaintBaseEviction(latest, observedReady);
      const needsRetry = this.#nodesToRetry.has(name);
      const becameNotReady = currentReady.status !== "True" && observedReady.status === "True";
      if (becameNotReady) {
        recorder.event(nodeRef(latest), "Normal", "NodeNotReady", `Node ${name} status is now: NodeNotReady`);
      }
      if (becameNotReady || (needsRetry && observedReady.status !== "True")) {
        try {
          await markPodsNotReady(this.deps.client, recorder, this.deps.podsOnNode(name), name);
        } catch (err) {
          log.info({ node: name, err }, "unable to mark all pods NotReady; will retry");
          this.#nodesToRetry.add(name);
          return;
        }
      }
      this.#nodesToRetry.delete(name);
    });
    await this.#handleDisruption(zoneConditions, all);
  }

  /** tryUpdateNodeHealth with retries against fresh reads; undefined when the node is gone or keeps failing. */
  async #updateNodeHealth(
    node: Node,
  ): Promise<{ observedReady: NodeCondition; currentReady: NodeCondition | undefined; latest: Node } | undefined> {
    const { client, leaseLister, health, log } = this.deps;
    let current = node;
    for (let attempt = 0; attempt < HEALTH_UPDATE_RETRIES; attempt++) {
      const name = current.metadata!.name!;
      const check = health.check(current, leaseLister.get(`kube-node-lease/${name}`));
      if (!check.update)
        return { observedReady: check.observedReady, currentReady: check.currentReady, latest: current };
      try {
        const written = await client.resource(nodes).updateStatus(check.update);
        health.written(written);
        return { observedReady: check.observedReady, currentReady: check.currentReady, latest: written };
      } catch (err) {
        if (isStatusError(err) && err.code === 404) return undefined;
        log.debug({ node: name, err }, "error updating node health; retrying with a fresh read");
        try {
          current = await client.resource(nodes).get(undefined, name);
        } catch {
          return undefined;
        }
      }
    }
    log.info({ node: node.metadata?.name }, "update of node health failed; no pods will be evicted this pass");
    return undefined;
  }

  async #processTaintBaseEviction(node: Node, observedReady: NodeCondition): Promise<void> {
    const { client, nodeLister, log } = this.deps;
    const name = node.metadata!.name!;
    switch (observedReady.status) {
      case "False":
        if (hasTaint(node, UNREACHABLE_NO_EXECUTE)) {
          await swapNodeTaints(client, nodeLister, name, [NOT_READY_NO_EXECUTE], [UNREACHABLE_NO_EXECUTE]);
        } else if (this.#markNodeForTainting(node, "False")) {
          log.debug({ node: name }, "node is NotReady; adding it to the taint queue");
        }
        return;
      case "Unknown":
        if (hasTaint(node, NOT_READY_NO_EXECUTE)) {
          await swapNodeTaints(client, nodeLister, name, [UNREACHABLE_NO_EXECUTE], [NOT_READY_NO_EXECUTE]);
        } else if (this.#markNodeForTainting(node, "Unknown")) {
          log.debug({ node: name }, "node is unresponsive; adding it to the taint queue");
        }
        return;
      case "True":
        if (await this.markNodeAsReachable(node)) log.debug({ node: name }, "node is healthy again");
    }
  }

  #tainter(node: Node): RateLimitedTimedQueue {
    this.#addTainterForZone(node);
    return this.#tainters.get(zoneKey(node))!;
  }

  #addTainterForZone(node: Node): void {
    const zone = zoneKey(node);
    if (this.#zoneStates.has(zone)) return;
    this.#zoneStates.set(zone, "Initial");
    this.#tainters.set(zone, new RateLimitedTimedQueue(this.deps.tunables.evictionRate));
  }

  #markNodeForTainting(node: Node, status: "False" | "Unknown"): boolean {
    const tainter = this.#tainter(node);
    const name = node.metadata!.name!;
    if (status === "False" && !hasTaint(node, NOT_READY_NO_EXECUTE)) tainter.remove(name);
    if (status === "Unknown" && !hasTaint(node, UNREACHABLE_NO_EXECUTE)) tainter.remove(name);
    return tainter.add(name, node.metadata!.uid ?? "");
  }

  /** Removes both NoExecute taints and dequeues the node; true when it was queued. */
  async markNodeAsReachable(node: Node): Promise<boolean> {
    const name = node.metadata!.name!;
    await swapNodeTaints(
      this.deps.client,
      this.deps.nodeLister,
      name,
      [],
      [UNREACHABLE_NO_EXECUTE, NOT_READY_NO_EXECUTE],
    );
    return this.#tainter(node).remove(name);
  }

  async #handleDisruption(
    zoneConditions: Map<string, (NodeCondition | undefined)[]>,
    all: readonly Node[],
  ): Promise<void> {
    const { tunables, log, health } = this.deps;
    const newStates = new Map<string, ZoneState>();
    let allAreFullyDisrupted = true;
    for (const [zone, conditions] of zoneConditions) {
      const { state } = computeZoneState(conditions, tunables.unhealthyZoneThreshold);
      if (state !== "FullDisruption") allAreFullyDisrupted = false;
      newStates.set(zone, state);
      if (!this.#zoneStates.has(zone)) this.#zoneStates.set(zone, "Initial");
    }
    let allWasFullyDisrupted = true;
    for (const [zone, state] of [...this.#zoneStates]) {
      if (!zoneConditions.has(zone)) {
        this.#zoneStates.delete(zone);
        continue;
      }
      if (state !== "FullDisruption") {
        allWasFullyDisrupted = false;
        break;
      }
    }
    if (allAreFullyDisrupted && allWasFullyDisrupted) return;
    if (allAreFullyDisrupted) {
      log.info("controller detected that all nodes are not ready; entering master disruption mode");
      for (const node of all) {
        await this.markNodeAsReachable(node).catch((err: unknown) =>
          log.info({ node: node.metadata?.name, err }, "failed to remove taints from node"),
        );
      }
      for (const zone of this.#zoneStates.keys()) {
        this.#tainters.get(zone)?.swapLimiter(0);
        this.#zoneStates.set(zone, "FullDisruption");
      }
      return;
    }
    if (allWasFullyDisrupted) {
      log.info("controller detected that some nodes are ready; exiting master disruption mode");
      health.resetProbes();
      for (const zone of this.#zoneStates.keys()) {
        const state = newStates.get(zone) ?? "Normal";
        this.#setLimiterInZone(zone, zoneConditions.get(zone)?.length ?? 0, state);
        this.#zoneStates.set(zone, state);
      }
      return;
    }
    for (const [zone, state] of this.#zoneStates) {
      const next = newStates.get(zone);
      if (!next || next === state) continue;
      log.info({ zone, state: next }, "zone is now in a new state");
      this.#setLimiterInZone(zone, zoneConditions.get(zone)?.length ?? 0, next);
      this.#zoneStates.set(zone, next);
    }
  }

  #setLimiterInZone(zone: string, size: number, state: ZoneState): void {
    const { evictionRate, secondaryEvictionRate, largeClusterThreshold } = this.deps.tunables;
    const tainter = this.#tainters.get(zone);
    if (!tainter) return;
    if (state === "Normal" || state === "FullDisruption") tainter.swapLimiter(evictionRate);
    else if (state === "PartialDisruption")
      tainter.swapLimiter(size > largeClusterThreshold ? secondaryEvictionRate : 0);
  }

  /** doNoExecuteTaintingPass: drains each zone's queue as its limiter allows. */
  async noExecuteTaintingPass(): Promise<void> {
    const { client, nodeLister, log } = this.deps;
    for (const tainter of this.#tainters.values()) {
      await tainter.try(async (name) => {
        const node = nodeLister.get(name);
        if (!node) return { done: true };
        const ready = readyCondition(node);
        if (!ready) return { done: false, retryAfterMs: 50 };
        let add, remove;
        if (ready.status === "False") [add, remove] = [NOT_READY_NO_EXECUTE, UNREACHABLE_NO_EXECUTE];
        else if (ready.status === "Unknown") [add, remove] = [UNREACHABLE_NO_EXECUTE, NOT_READY_NO_EXECUTE];
        else return { done: true };
        try {
          return { done: await swapNodeTaints(client, nodeLister, name, [add], [remove]) };
        } catch (err) {
          log.info({ node: name, err }, "failed to taint node; retrying");
          return { done: false, retryAfterMs: 50 };
        }
      });
    }
  }

  /** doNoScheduleTaintingPass for one node (TaintNodesByCondition). */
  async noScheduleTaintingPass(name: string): Promise<void> {
    const node = this.deps.nodeLister.get(name);
    if (!node) return;
    const { add, remove } = noScheduleTaintDiff(node);
    if (add.length === 0 && remove.length === 0) return;
    if (!(await swapNodeTaints(this.deps.client, this.deps.nodeLister, name, add, remove))) {
      throw new Error(`failed to swap NoSchedule taints of node ${name}`);
    }
  }

  /** processPod: a pod newly assigned to a node that is not Ready is marked not ready. */
  async processPod(pod: Pod): Promise<void> {
    const nodeName = pod.spec?.nodeName;
    if (!nodeName || !this.deps.nodeLister.get(nodeName)) return;
    const ready = this.deps.health.readyOf(nodeName);
    if (!ready || ready.status === "True") return;
    await markPodsNotReady(this.deps.client, this.deps.recorder, [pod], nodeName);
  }
}
