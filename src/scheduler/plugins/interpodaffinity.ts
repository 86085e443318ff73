/**
 * InterPodAffinity (upstream plugins/interpodaffinity). Filter: the pod's required affinity terms must be
 * met in the node's topology domain (or the pod is the first of a self-affine group), its required
 * anti-affinity terms must match no pod there, and no existing pod's required anti-affinity may reject it.
 * Score: preferred (anti-)affinity in both directions plus existing pods' required affinity (weight 1),
 * summed per topology domain and normalized min–max to 0–100.
 */
import { MAX_NODE_SCORE, unresolvable, unschedulable, type CycleState, type Plugin } from "../framework.js";
import type { NodeInfo } from "../nodeinfo.js";
import {
  podMatchesAllTerms,
  resolveNamespaceSelectors,
  termMatches,
  type AffinityTerm,
  type PodInfo,
} from "../podinfo.js";

export const ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
export const ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";

const HARD_POD_AFFINITY_WEIGHT = 1;

/** "key\0value" → count. */
type Counts = Map<string, number>;

interface FilterState {
  /** The incoming pod with its terms' namespaceSelectors resolved. */
  readonly pod: PodInfo;
  /** Labels of the incoming pod's namespace, for existing pods' namespaceSelectors. */
  readonly nsLabels: Readonly<Record<string, string>> | undefined;
  existingAntiAffinity: Counts;
  affinity: Counts;
  antiAffinity: Counts;
}

function bump(counts: Counts, node: NodeInfo, key: string, delta: number): void {
  const value = node.labels[key];
  if (value === undefined) return;
  const pair = `${key}\0${value}`;
  const n = (counts.get(pair) ?? 0) + delta;
  if (n === 0) counts.delete(pair);
  else counts.set(pair, n);
}

function addPair(counts: Counts, key: string, value: string, n: number): void {
  const pair = `${key}\0${value}`;
  counts.set(pair, (counts.get(pair) ?? 0) + n);
}

function countPod(state: FilterState, pod: PodInfo, existing: PodInfo, node: NodeInfo, delta: number): void {
  // Existing pod's anti-affinity against the incoming pod.
  for (const term of existing.requiredAntiAffinityTerms) {
    if (termMatches(term, pod.pod, state.nsLabels)) bump(state.existingAntiAffinity, node, term.topologyKey, delta);
  }
  // Incoming pod's terms against the existing pod.
  if (pod.requiredAffinityTerms.length > 0 && podMatchesAllTerms(pod.requiredAffinityTerms, existing.pod)) {
    for (const term of pod.requiredAffinityTerms) bump(state.affinity, node, term.topologyKey, delta);
  }
  for (const term of pod.requiredAntiAffinityTerms) {
    if (termMatches(term, existing.pod)) bump(state.antiAffinity, node, term.topologyKey, delta);
  }
}

function hasPositive(counts: Counts, key: string, node: NodeInfo): boolean | undefined {
  const value = node.labels[key];
  if (value === undefined) return undefined;
  return (counts.get(`${key}\0${value}`) ?? 0) > 0;
}

function satisfiesAffinity(state: FilterState, pod: PodInfo, node: NodeInfo): boolean {
  let podsExist = true;
  for (const term of pod.requiredAffinityTerms) {
    const found = hasPositive(state.affinity, term.topologyKey, node);
    if (found === undefined) return false; // every topology key must be on the node
    if (!found) podsExist = false;
  }
  if (podsExist) return true;
  // The first pod of a group with affinity to itself may go anywhere with the topology keys.
  return state.affinity.size === 0 && podMatchesAllTerms(pod.requiredAffinityTerms, pod.pod);
}

function satisfiesAntiAffinity(state: FilterState, pod: PodInfo, node: NodeInfo): boolean {
  if (state.antiAffinity.size === 0) return true;
  return !pod.requiredAntiAffinityTerms.some((t) => hasPositive(state.antiAffinity, t.topologyKey, node) === true);
}

function satisfiesExistingAntiAffinity(state: FilterState, node: NodeInfo): boolean {
  if (state.existingAntiAffinity.size === 0) return true;
  for (const [key, value] of Object.entries(node.labels)) {
    if ((state.existingAntiAffinity.get(`${key}\0${value}`) ?? 0) > 0) return false;
  }
  return true;
}

/** topologyKey → value → score. */
type TopologyScore = Map<string, Map<string, number>>;

function addScore(scores: TopologyScore, node: NodeInfo, key: string, weight: number): void {
  const value = node.labels[key];
  if (value === undefined) return;
  let byValue = scores.get(key);
  if (!byValue) scores.set(key, (byValue = new Map()));
  byValue.set(value, (byValue.get(value) ?? 0) + weight);
}

function processTerms(
  scores: TopologyScore,
  terms: readonly AffinityTerm[],
  target: PodInfo,
  node: NodeInfo,
  sign: number,
  nsLabels?: Readonly<Record<string, string>>,
): void {
  for (const term of terms) {
    if (termMatches(term, target.pod, nsLabels)) addScore(scores, node, term.topologyKey, term.weight * sign);
  }
}

export const interPodAffinity: Plugin = {
  name: "InterPodAffinity",
  weight: 2,
  preFilter(state, pod, ctx) {
    pod = resolveNamespaceSelectors(pod, ctx.namespacesMatching);
    const nsLabels = ctx.namespaceLabels?.(pod.pod.metadata?.namespace ?? "");
    const s: FilterState = {
      pod,
      nsLabels,
      existingAntiAffinity: new Map(),
      affinity: new Map(),
      antiAffinity: new Map(),
    };
    const snapshot = ctx.snapshot;
    // Existing pods' anti-affinity: each distinct term once, with its pods per node.
    for (const { term, perNode } of snapshot.existingAntiAffinityTerms()) {
      if (!termMatches(term, pod.pod, nsLabels)) continue;
      for (const [nodeName, n] of perNode) {
        const node = snapshot.get(nodeName);
        if (node) bump(s.existingAntiAffinity, node, term.topologyKey, n);
      }
    }
    // The pod's own anti-affinity terms: matching pods per domain, from the cache's index.
    for (const term of pod.requiredAntiAffinityTerms) {
      for (const [value, n] of snapshot.podCountsByDomain(term.namespaces, term.selector, term.topologyKey, true)) {
        addPair(s.antiAffinity, term.topologyKey, value, n);
      }
    }
    // The pod's affinity terms: pods matching all of them (one term: the index; several: a full pass).
    const affinity = pod.requiredAffinityTerms;
    if (affinity.length === 1) {
      const term = affinity[0]!;
      for (const [value, n] of snapshot.podCountsByDomain(term.namespaces, term.selector, term.topologyKey, true)) {
        addPair(s.affinity, term.topologyKey, value, n);
      }
    } else if (affinity.length > 1) {
      for (const node of snapshot.nodes()) {
        for (const existing of node.pods) {
          if (!podMatchesAllTerms(affinity, existing.pod)) continue;
          for (const term of affinity) bump(s.affinity, node, term.topologyKey, 1);
        }
      }
    }
    state.write("InterPodAffinity", s);
    return undefined;
  },
  cloneState(value) {
    const s = value as FilterState;
    return {
      ...s,
      existingAntiAffinity: new Map(s.existingAntiAffinity),
      affinity: new Map(s.affinity),
      antiAffinity: new Map(s.antiAffinity),
    };
  },
  addPod(state, _pod, added, node) {
    const s = state.read<FilterState>("InterPodAffinity");
    if (s) countPod(s, s.pod, added, node, 1);
  },
  removePod(state, _pod, removed, node) {
    const s = state.read<FilterState>("InterPodAffinity");
    if (s) countPod(s, s.pod, removed, node, -1);
  },
  filter(state, _pod, node) {
    const s = state.read<FilterState>("InterPodAffinity");
    if (!s) return undefined;
    if (!satisfiesAffinity(s, s.pod, node)) return unresolvable(ERR_REASON_AFFINITY);
    if (!satisfiesAntiAffinity(s, s.pod, node)) return unschedulable(ERR_REASON_ANTI_AFFINITY);
    if (!satisfiesExistingAntiAffinity(s, node)) return unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY);
    return undefined;
  },
  preScore(state, pod, _nodes, ctx) {
    pod = resolveNamespaceSelectors(pod, ctx.namespacesMatching);
    const nsLabels = ctx.namespaceLabels?.(pod.pod.metadata?.namespace ?? "");
    const hasConstraints = pod.preferredAffinityTerms.length + pod.preferredAntiAffinityTerms.length > 0;
    const nodes = hasConstraints ? ctx.snapshot.nodes() : ctx.snapshot.havePodsWithAffinity();
    const scores: TopologyScore = new Map();
    for (const node of nodes) {
      if (Object.keys(node.labels).length === 0) continue;
      for (const existing of hasConstraints ? node.pods : node.podsWithAffinity) {
        processTerms(scores, pod.preferredAffinityTerms, existing, node, 1);
        processTerms(scores, pod.preferredAntiAffinityTerms, existing, node, -1);
        for (const term of existing.requiredAffinityTerms) {
          if (termMatches(term, pod.pod, nsLabels)) addScore(scores, node, term.topologyKey, HARD_POD_AFFINITY_WEIGHT);
        }
        processTerms(scores, existing.preferredAffinityTerms, pod, node, 1, nsLabels);
        processTerms(scores, existing.preferredAntiAffinityTerms, pod, node, -1, nsLabels);
      }
    }
    if (scores.size === 0) return false;
    state.write("InterPodAffinity/score", scores);
    return true;
  },
  score(state: CycleState, _pod, node) {
    const scores = state.read<TopologyScore>("InterPodAffinity/score");
    if (!scores) return 0;
    let score = 0;
    for (const [key, byValue] of scores) {
      const value = node.labels[key];
      if (value !== undefined) score += byValue.get(value) ?? 0;
    }
    return score;
  },
  normalizeScore(_state, _pod, _nodes, scores) {
    let min = Infinity;
    let max = -Infinity;
    for (const s of scores) {
      min = Math.min(min, s);
      max = Math.max(max, s);
    }
    const diff = max - min;
    for (let i = 0; i < scores.length; i++) {
      scores[i] = diff > 0 ? Math.trunc(MAX_NODE_SCORE * ((scores[i]! - min) / diff)) : 0;
    }
  },
};
