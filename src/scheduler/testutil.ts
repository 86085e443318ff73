/** Builders for scheduler tests: nodes, pods and NodeInfos with the fields the plugins read. */
import type { Node, Pod, Taint } from "kubernetes-types/core/v1.js";
import { CycleState, type Plugin, type PluginContext } from "./framework.js";
import { NodeInfo } from "./nodeinfo.js";
import { snapshotOf } from "./snapshot.js";
import { newPodInfo, type PodInfo } from "./podinfo.js";

export function makeNode(
  name: string,
  options: {
    cpu?: string;
    memory?: string;
    pods?: string;
    labels?: Record<string, string>;
    taints?: Taint[];
    unschedulable?: boolean;
    images?: { names: string[]; sizeBytes: number }[];
  } = {},
): Node {
  const allocatable = { cpu: options.cpu ?? "4", memory: options.memory ?? "8Gi", pods: options.pods ?? "110" };
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name, ...options.labels } },
    spec: {
      ...(options.taints ? { taints: options.taints } : {}),
      ...(options.unschedulable ? { unschedulable: true } : {}),
    },
    status: {
      capacity: allocatable,
      allocatable,
      conditions: [{ type: "Ready", status: "True" }],
      ...(options.images ? { images: options.images } : {}),
    },
  };
}

export function makePod(
  name: string,
  options: {
    cpu?: string;
    memory?: string;
    namespace?: string;
    nodeName?: string;
    labels?: Record<string, string>;
    priority?: number;
  } = {},
  spec: Partial<NonNullable<Pod["spec"]>> = {},
): Pod {
  const requests: Record<string, string> = {};
  if (options.cpu) requests.cpu = options.cpu;
  if (options.memory) requests.memory = options.memory;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: options.namespace ?? "default",
      uid: `uid-${name}`,
      ...(options.labels ? { labels: options.labels } : {}),
    },
    spec: {
      containers: [{ name: "c", image: "busybox", resources: { requests } }],
      ...(options.nodeName ? { nodeName: options.nodeName } : {}),
      ...(options.priority !== undefined ? { priority: options.priority } : {}),
      ...spec,
    },
  };
}

export function nodeInfoOf(node: Node, pods: Pod[] = []): NodeInfo {
  const info = new NodeInfo(node.metadata!.name!, node);
  for (const p of pods) info.addPod(newPodInfo(p));
  return info;
}

export function podInfo(pod: Pod): PodInfo {
  return newPodInfo(pod);
}

/** Runs one plugin's PreFilter + Filter for `pod` on every node: the reasons per node ("" = fits). */
export function filterAll(
  plugin: Plugin,
  pod: Pod,
  nodeInfos: NodeInfo[],
  namespaces: Omit<PluginContext, "snapshot"> = {},
): string[] {
  const state = new CycleState();
  const info = newPodInfo(pod);
  const pre = plugin.preFilter?.(state, info, { snapshot: snapshotOf(nodeInfos), ...namespaces });
  if (pre) return nodeInfos.map(() => `prefilter: ${pre.reasons.join(", ")}`);
  return nodeInfos.map((n) => plugin.filter?.(state, info, n)?.reasons.join(", ") ?? "");
}

/** Runs one plugin's PreScore + Score + NormalizeScore for `pod` over `nodeInfos` (all feasible). */
export function scoreAll(plugin: Plugin, pod: Pod, nodeInfos: NodeInfo[], all: NodeInfo[] = nodeInfos): number[] {
  const state = new CycleState();
  const info = newPodInfo(pod);
  const ctx = { snapshot: snapshotOf(all) };
  if (plugin.preScore && !plugin.preScore(state, info, nodeInfos, ctx)) return nodeInfos.map(() => 0);
  const scores = nodeInfos.map((n) => plugin.score!(state, info, n, ctx));
  plugin.normalizeScore?.(state, info, nodeInfos, scores);
  return scores;
}
