/**
 * One scheduling cycle's algorithm (upstream schedule_one.go schedulePod): PreFilter, then Filter over nodes
 * round-robin from where the last cycle stopped until enough feasible nodes are found
 * (percentageOfNodesToScore, adaptive by default), then PreScore/Score/NormalizeScore with the plugins'
 * weights, and the best node (ties broken at random). Nominated pods of equal or higher priority count on
 * their node while filtering. Synchronous: the cache cannot change under it. A plugin that throws aborts the
 * cycle (the pod is retried after its backoff, as upstream's Error status).
 */
import type { CycleState, Plugin, PluginContext, Status } from "./framework.js";
import { FitError } from "./fiterror.js";
import type { NodeInfo } from "./nodeinfo.js";
import { podPriority, type PodInfo } from "./podinfo.js";
import type { Snapshot } from "./snapshot.js";

const MIN_FEASIBLE_NODES_TO_FIND = 100;
const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

export interface Nominator {
  nominatedPodsForNode(nodeName: string): PodInfo[];
}

export interface ScheduleResult {
  readonly nodeName: string;
  readonly evaluatedNodes: number;
  readonly feasibleNodes: number;
}

export class NoNodesAvailableError extends Error {
  constructor() {
    super("no nodes available to schedule pods");
  }
}

/** numFeasibleNodesToFind: all below 100 nodes, else percentage (0 → 50 − nodes/125, ≥ 5%), at least 100. */
export function numFeasibleNodesToFind(percentageOfNodesToScore: number, numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let percentage = percentageOfNodesToScore;
  if (percentage <= 0) {
    percentage = Math.max(MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND, 50 - Math.trunc(numAllNodes / 125));
  }
  if (percentage >= 100) return numAllNodes;
  const numNodes = Math.trunc((numAllNodes * percentage) / 100);
  return Math.max(numNodes, MIN_FEASIBLE_NODES_TO_FIND);
}

export class Algorithm {
  private nextStartNodeIndex = 0;
  private readonly filterPlugins: Plugin[];
  private readonly ctx: PluginContext;

  constructor(
    readonly plugins: readonly Plugin[],
    readonly snapshot: Snapshot,
    private readonly nominator: Nominator,
    private readonly percentageOfNodesToScore: number,
    private readonly random: () => number = Math.random,
    namespaces: Omit<PluginContext, "snapshot"> = {},
  ) {
    this.filterPlugins = plugins.filter((p) => p.filter);
    this.ctx = { snapshot, ...namespaces };
  }

  /** The node for `pod`, or a FitError when none fits. Throws NoNodesAvailableError on an empty cluster. */
  schedulePod(state: CycleState, pod: PodInfo): ScheduleResult | FitError {
    const allNodes = this.snapshot.nodes();
    if (allNodes.length === 0) throw new NoNodesAvailableError();
    const nodeToStatus = new Map<string, Status>();
    const preFilterStatus = this.runPreFilter(state, pod);
    if (preFilterStatus) {
      for (const n of allNodes) nodeToStatus.set(n.name, preFilterStatus);
      return new FitError(allNodes.length, nodeToStatus, preFilterStatus.reasons.join(", "));
    }
    const feasible = this.findFeasibleNodes(state, pod, allNodes, nodeToStatus);
    if (feasible.length === 0) return new FitError(allNodes.length, nodeToStatus);
    const evaluatedNodes = feasible.length + nodeToStatus.size;
    if (feasible.length === 1) return { nodeName: feasible[0]!.name, evaluatedNodes, feasibleNodes: 1 };
    const scores = this.prioritize(state, pod, feasible);
    return { nodeName: this.selectHost(feasible, scores), evaluatedNodes, feasibleNodes: feasible.length };
  }

  runPreFilter(state: CycleState, pod: PodInfo): Status | undefined {
    for (const p of this.plugins) {
      if (!p.preFilter) continue;
      const status = p.preFilter(state, pod, this.ctx);
      if (status) return { ...status, plugin: p.name };
    }
    return undefined;
  }

  private findFeasibleNodes(
    state: CycleState,
    pod: PodInfo,
    allNodes: readonly NodeInfo[],
    nodeToStatus: Map<string, Status>,
  ): NodeInfo[] {
    // A preemptor tries its nominated node first.
    const nominated = pod.pod.status?.nominatedNodeName;
    if (nominated) {
      const node = this.snapshot.get(nominated);
      if (node && !this.filterWithNominatedPods(state, pod, node)) return [node];
    }
    const toFind = numFeasibleNodesToFind(this.percentageOfNodesToScore, allNodes.length);
    const feasible: NodeInfo[] = [];
    const n = allNodes.length;
    const start = this.nextStartNodeIndex % n;
    let processed = 0;
    for (let i = 0; i < n && feasible.length < toFind; i++) {
      const node = allNodes[(start + i) % n]!;
      processed++;
      const status = this.filterWithNominatedPods(state, pod, node);
      if (status) nodeToStatus.set(node.name, status);
      else feasible.push(node);
    }
    this.nextStartNodeIndex = (start + processed) % n;
    return feasible;
  }

  /** RunFilterPlugins: the first failing plugin's status, or undefined when the node fits. */
  runFilters(state: CycleState, pod: PodInfo, node: NodeInfo): Status | undefined {
    for (const p of this.filterPlugins) {
      const status = p.filter!(state, pod, node);
      if (status) {
        status.plugin = p.name;
        return status;
      }
    }
    return undefined;
  }

  /**
   * RunFilterPluginsWithNominatedPods: the node must fit both with the nominated pods of equal or higher
   * priority added (as if they were already there) and without them.
   */
  filterWithNominatedPods(state: CycleState, pod: PodInfo, node: NodeInfo): Status | undefined {
    const onNode = this.nominator.nominatedPodsForNode(node.name);
    const nominated =
      onNode.length === 0
        ? onNode
        : onNode.filter((p) => p.key !== pod.key && podPriority(p.pod) >= podPriority(pod.pod));
    if (nominated.length > 0) {
      const stateCopy = state.clone(this.plugins);
      const nodeCopy = node.clone();
      for (const p of nominated) {
        nodeCopy.addPod(p);
        for (const plugin of this.plugins) plugin.addPod?.(stateCopy, pod, p, nodeCopy);
      }
      const status = this.runFilters(stateCopy, pod, nodeCopy);
      if (status) return status;
    }
    return this.runFilters(state, pod, node);
  }

  private prioritize(state: CycleState, pod: PodInfo, nodes: NodeInfo[]): number[] {
    const totals = new Array<number>(nodes.length).fill(0);
    for (const p of this.plugins) {
      if (!p.score) continue;
      if (p.preScore && !p.preScore(state, pod, nodes, this.ctx)) continue;
      const scores = nodes.map((n) => p.score!(state, pod, n, this.ctx));
      p.normalizeScore?.(state, pod, nodes, scores);
      const weight = p.weight ?? 1;
      for (let i = 0; i < nodes.length; i++) totals[i]! += scores[i]! * weight;
    }
    return totals;
  }

  /** The highest total; among equals each is equally likely (reservoir sampling, as upstream). */
  private selectHost(nodes: NodeInfo[], scores: number[]): string {
    let best = 0;
    let ties = 1;
    for (let i = 1; i < nodes.length; i++) {
      if (scores[i]! > scores[best]!) {
        best = i;
        ties = 1;
      } else if (scores[i] === scores[best]) {
        ties++;
        if (this.random() * ties < 1) best = i;
      }
    }
    return nodes[best]!.name;
  }
}
