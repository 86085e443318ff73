/**
 * PodTopologySpread (upstream plugins/podtopologyspread): Filter enforces DoNotSchedule constraints (matching
 * pods in the node's domain + 1 if the pod matches itself − the minimum over domains ≤ maxSkew); Score
 * prefers domains with fewer matching pods for ScheduleAnyway constraints, or for the system default
 * constraints (hostname maxSkew 3, zone maxSkew 5) when the pod has none and belongs to a Service/controller.
 */
import type { Node, Pod, TopologySpreadConstraint } from "kubernetes-types/core/v1.js";
import { labelSelectorFromObject, type LabelSelector } from "../../api/selectors/labels.js";
import { MAX_NODE_SCORE, unresolvable, unschedulable, type CycleState, type Plugin } from "../framework.js";
import type { NodeInfo } from "../nodeinfo.js";
import { matchesRequiredNodeAffinity } from "../nodeselector.js";
import type { PodInfo } from "../podinfo.js";
import type { Snapshot } from "../snapshot.js";
import { findUntoleratedTaint } from "../../api/taints.js";

export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = `${ERR_REASON_CONSTRAINTS_NOT_MATCH} (missing required label)`;

const HOSTNAME = "kubernetes.io/hostname";
const ZONE = "topology.kubernetes.io/zone";

interface Constraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly selector: LabelSelector;
  readonly minDomains: number;
  readonly honorNodeAffinity: boolean;
  readonly honorTaints: boolean;
}

/** The selector a pod's default spreading uses (Services and controllers selecting it); undefined = none. */
export type DefaultSelectorFn = (pod: Pod) => LabelSelector | undefined;

function buildConstraints(pod: Pod, whenUnsatisfiable: string): Constraint[] {
  const out: Constraint[] = [];
  for (const c of pod.spec?.topologySpreadConstraints ?? []) {
    if (c.whenUnsatisfiable !== whenUnsatisfiable) continue;
    out.push({
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      selector: constraintSelector(c, pod),
      minDomains: c.minDomains ?? 1,
      honorNodeAffinity: (c.nodeAffinityPolicy ?? "Honor") === "Honor",
      honorTaints: c.nodeTaintsPolicy === "Honor",
    });
  }
  return out;
}

function constraintSelector(c: TopologySpreadConstraint, pod: Pod): LabelSelector {
  const labels = pod.metadata?.labels ?? {};
  const keys = (c.matchLabelKeys ?? []).filter((k) => labels[k] !== undefined);
  const base = c.labelSelector;
  const object = base
    ? {
        ...base,
        matchExpressions: [
          ...(base.matchExpressions ?? []),
          ...keys.map((key) => ({ key, operator: "In", values: [labels[key]!] })),
        ],
      }
    : undefined;
  try {
    return labelSelectorFromObject(object);
  } catch {
    return labelSelectorFromObject(undefined);
  }
}

function nodeHasAllKeys(node: Node, constraints: readonly Constraint[]): boolean {
  const labels = node.metadata?.labels ?? {};
  return constraints.every((c) => labels[c.topologyKey] !== undefined);
}

function includesNode(c: Constraint, pod: Pod, node: Node): boolean {
  if (c.honorNodeAffinity && !matchesRequiredNodeAffinity(pod, node)) return false;
  if (
    c.honorTaints &&
    findUntoleratedTaint(
      node.spec?.taints,
      pod.spec?.tolerations,
      (t) => t.effect === "NoSchedule" || t.effect === "NoExecute",
    )
  ) {
    return false;
  }
  return true;
}

/** countPodsMatchSelector: non-terminating pods in `namespace` matching `selector`. */
export function countMatching(
  pods: readonly PodInfo[],
  selector: LabelSelector,
  namespace: string | undefined,
): number {
  if (selector.matchesNothing) return 0;
  let n = 0;
  for (const p of pods) {
    const m = p.pod.metadata;
    if (m?.deletionTimestamp || m?.namespace !== namespace) continue;
    if (selector.matches(m?.labels)) n++;
  }
  return n;
}

/**
 * Whether every node counts for these constraints, so pods can be counted per domain from the cache's index:
 * no node affinity to honour, no taints policy, and no node skipped for lacking another constraint's key.
 */
function canUseDomainIndex(pod: Pod, constraints: readonly Constraint[], requireAllTopologies: boolean): boolean {
  if (requireAllTopologies && constraints.length > 1) return false;
  if (constraints.some((c) => c.honorTaints)) return false;
  const spec = pod.spec;
  const hasNodeSelector = Object.keys(spec?.nodeSelector ?? {}).length > 0;
  return !hasNodeSelector && !spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
}

interface FilterState {
  readonly constraints: readonly Constraint[];
  /** Per constraint: domain value → matching pods. */
  readonly counts: Map<string, number>[];
  readonly mins: number[];
}

interface ScoreState {
  readonly constraints: readonly Constraint[];
  /** Per constraint on hostname: the pods matching its selector per node (maps to sum), from the cache. */
  readonly perNode: (ReadonlyMap<string, number>[] | undefined)[];
  readonly ignored: Set<string>;
  /** Per constraint (non-hostname keys): domain value → matching pods. */
  readonly counts: Map<string, number>[];
  readonly weights: number[];
}

function minOf(counts: Map<string, number>): number {
  let min = Infinity;
  for (const v of counts.values()) if (v < min) min = v;
  return min === Infinity ? 0 : min;
}

function updateWithPod(state: FilterState, pod: PodInfo, other: PodInfo, node: NodeInfo, delta: number): void {
  if (!node.node || !nodeHasAllKeys(node.node, state.constraints)) return;
  if (other.pod.metadata?.namespace !== pod.pod.metadata?.namespace) return;
  state.constraints.forEach((c, i) => {
    if (!includesNode(c, pod.pod, node.node!)) return;
    if (!c.selector.matches(other.pod.metadata?.labels)) return;
    const value = node.labels[c.topologyKey]!;
    const counts = state.counts[i]!;
    counts.set(value, (counts.get(value) ?? 0) + delta);
    state.mins[i] = minOf(counts);
  });
}

export function podTopologySpread(defaultSelector: DefaultSelectorFn = () => undefined): Plugin {
  return {
    name: "PodTopologySpread",
    weight: 2,
    preFilter(state, pod, ctx) {
      const constraints = buildConstraints(pod.pod, "DoNotSchedule");
      if (constraints.length === 0) return undefined;
      const counts = constraints.map(() => new Map<string, number>());
      const namespace = pod.pod.metadata?.namespace;
      if (constraints.length === 1 && canUseDomainIndex(pod.pod, constraints, true)) {
        // Every node with the key is eligible: count per domain from the cache's index.
        const c = constraints[0]!;
        const byDomain = ctx.snapshot.podCountsByDomain(new Set([namespace ?? ""]), c.selector, c.topologyKey, false);
        for (const value of ctx.snapshot.topologyDomains(c.topologyKey))
          counts[0]!.set(value, byDomain.get(value) ?? 0);
        state.write("PodTopologySpread", { constraints, counts, mins: counts.map(minOf) } satisfies FilterState);
        return undefined;
      }
      for (const nodeInfo of ctx.snapshot.nodes()) {
        const node = nodeInfo.node!;
        if (!nodeHasAllKeys(node, constraints)) continue;
        constraints.forEach((c, i) => {
          if (!includesNode(c, pod.pod, node)) return;
          const value = node.metadata!.labels![c.topologyKey]!;
          const map = counts[i]!;
          map.set(value, (map.get(value) ?? 0) + countMatching(nodeInfo.pods, c.selector, namespace));
        });
      }
      const filterState: FilterState = { constraints, counts, mins: counts.map(minOf) };
      state.write("PodTopologySpread", filterState);
      return undefined;
    },
    cloneState(value) {
      const s = value as FilterState;
      return { constraints: s.constraints, counts: s.counts.map((m) => new Map(m)), mins: [...s.mins] };
    },
    addPod(state, pod, added, node) {
      const s = state.read<FilterState>("PodTopologySpread");
      if (s) updateWithPod(s, pod, added, node, 1);
    },
    removePod(state, pod, removed, node) {
      const s = state.read<FilterState>("PodTopologySpread");
      if (s) updateWithPod(s, pod, removed, node, -1);
    },
    filter(state, pod, node) {
      const s = state.read<FilterState>("PodTopologySpread");
      if (!s || s.constraints.length === 0) return undefined;
      const labels = node.labels;
      for (let i = 0; i < s.constraints.length; i++) {
        const c = s.constraints[i]!;
        const value = labels[c.topologyKey];
        if (value === undefined) return unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH);
        const counts = s.counts[i]!;
        const minMatch = counts.size < c.minDomains ? 0 : s.mins[i]!;
        const selfMatch = c.selector.matches(pod.pod.metadata?.labels) ? 1 : 0;
        const skew = (counts.get(value) ?? 0) + selfMatch - minMatch;
        if (skew > c.maxSkew) return unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH);
      }
      return undefined;
    },
    preScore(state, pod, filteredNodes, ctx) {
      return preScore(state, pod, filteredNodes, ctx.snapshot, defaultSelector);
    },
    score(state, pod, node) {
      const s = state.read<ScoreState>("PodTopologySpread/score");
      if (!s || s.ignored.has(node.name)) return 0;
      let score = 0;
      const labels = node.labels;
      s.constraints.forEach((c, i) => {
        const value = labels[c.topologyKey];
        if (value === undefined) return;
        let count: number;
        if (c.topologyKey !== HOSTNAME) count = s.counts[i]!.get(value) ?? 0;
        else if (s.perNode[i]) count = s.perNode[i]!.reduce((sum, m) => sum + (m.get(node.name) ?? 0), 0);
        else count = countMatching(node.pods, c.selector, pod.pod.metadata?.namespace);
        score += count * s.weights[i]! + (c.maxSkew - 1);
      });
      return Math.round(score);
    },
    normalizeScore(state, _pod, nodes, scores) {
      const s = state.read<ScoreState>("PodTopologySpread/score");
      if (!s) return;
      let min = Infinity;
      let max = 0;
      nodes.forEach((n, i) => {
        if (s.ignored.has(n.name)) return;
        min = Math.min(min, scores[i]!);
        max = Math.max(max, scores[i]!);
      });
      nodes.forEach((n, i) => {
        if (s.ignored.has(n.name)) scores[i] = 0;
        else if (max === 0) scores[i] = MAX_NODE_SCORE;
        else scores[i] = Math.trunc((MAX_NODE_SCORE * (max + min - scores[i]!)) / max);
      });
    },
  };
}

function preScore(
  state: CycleState,
  pod: PodInfo,
  filteredNodes: readonly NodeInfo[],
  snapshot: Snapshot,
  defaultSelector: DefaultSelectorFn,
): boolean {
  if (filteredNodes.length === 0) return false;
  const explicit = (pod.pod.spec?.topologySpreadConstraints ?? []).length > 0;
  let constraints: Constraint[];
  if (explicit) {
    constraints = buildConstraints(pod.pod, "ScheduleAnyway");
  } else {
    const selector = defaultSelector(pod.pod);
    if (!selector || selector.empty || selector.matchesNothing) return false;
    const base = { selector, minDomains: 1, honorNodeAffinity: true, honorTaints: false };
    constraints = [
      { ...base, topologyKey: HOSTNAME, maxSkew: 3 },
      { ...base, topologyKey: ZONE, maxSkew: 5 },
    ];
  }
  if (constraints.length === 0) return false;
  const requireAllTopologies = explicit;
  const ignored = new Set<string>();
  const counts = constraints.map(() => new Map<string, number>());
  const sizes = constraints.map(() => 0);
  for (const nodeInfo of filteredNodes) {
    const node = nodeInfo.node!;
    if (requireAllTopologies && !nodeHasAllKeys(node, constraints)) {
      ignored.add(nodeInfo.name);
      continue;
    }
    constraints.forEach((c, i) => {
      if (c.topologyKey === HOSTNAME) return;
      const value = nodeInfo.labels[c.topologyKey] ?? "";
      if (!counts[i]!.has(value)) {
        counts[i]!.set(value, 0);
        sizes[i]!++;
      }
    });
  }
  const weights = constraints.map((c, i) =>
    Math.log((c.topologyKey === HOSTNAME ? filteredNodes.length - ignored.size : sizes[i]!) + 2),
  );
  const namespace = pod.pod.metadata?.namespace ?? "";
  // Domains only nodes without the key belong to ("") are never read by Score.
  const needsCounting = constraints.map(
    (c, i) => c.topologyKey !== HOSTNAME && [...counts[i]!.keys()].some((v) => v !== ""),
  );
  if (!needsCounting.some(Boolean)) {
    // Nothing to count beyond the per-node (hostname) counts Score does itself.
  } else if (canUseDomainIndex(pod.pod, constraints, requireAllTopologies)) {
    // Every node is eligible: the cache's per-domain counts equal the sum over all nodes.
    constraints.forEach((c, i) => {
      if (!needsCounting[i]) return;
      const byDomain = snapshot.podCountsByDomain(new Set([namespace]), c.selector, c.topologyKey, false);
      for (const value of counts[i]!.keys()) counts[i]!.set(value, byDomain.get(value) ?? 0);
    });
  } else {
    for (const nodeInfo of snapshot.nodes()) {
      const node = nodeInfo.node!;
      if (requireAllTopologies && !nodeHasAllKeys(node, constraints)) continue;
      constraints.forEach((c, i) => {
        if (!needsCounting[i]) return;
        const value = node.metadata?.labels?.[c.topologyKey];
        if (value === undefined) return; // never read: Score skips nodes without the key
        const current = counts[i]!.get(value);
        if (current === undefined || !includesNode(c, pod.pod, node)) return;
        counts[i]!.set(value, current + countMatching(nodeInfo.pods, c.selector, namespace));
      });
    }
  }
  const namespaces = new Set([namespace]);
  const perNode = constraints.map((c) =>
    c.topologyKey === HOSTNAME ? snapshot.matchingPodsPerNode(namespaces, c.selector, false) : undefined,
  );
  const scoreState: ScoreState = { constraints, ignored, counts, weights, perNode };
  state.write("PodTopologySpread/score", scoreState);
  return true;
}
