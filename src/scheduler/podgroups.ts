/**
 * Indexes over assigned pods, so spreading and inter-pod affinity need not visit every pod for every pod:
 * - PodGroups: pods by (namespace, label set, terminating). Pods of one ReplicaSet share a label set, so a
 *   namespace has few groups; each keeps its pods per node and, per topology key (built on first use, then
 *   kept up to date), per domain. Node label changes drop the per-domain sums (rebuilt lazily).
 * - AntiAffinityTerms: the distinct required anti-affinity terms of existing pods, with how many pods on each
 *   node carry them (pods of one template share their terms).
 */
import type { LabelSelector } from "../api/selectors/labels.js";
import type { NodeInfo } from "./nodeinfo.js";
import { termMatches, type AffinityTerm, type PodInfo } from "./podinfo.js";

interface PodGroup {
  readonly labels: Readonly<Record<string, string>>;
  readonly terminating: boolean;
  /** node name → pods of this group on it. */
  readonly perNode: Map<string, number>;
  /** topology key → domain value → pods. */
  readonly perDomain: Map<string, Map<string, number>>;
}

type NodeLabels = (nodeName: string) => Readonly<Record<string, string>> | undefined;

function bumpMap(map: Map<string, number>, key: string, delta: number): void {
  const n = (map.get(key) ?? 0) + delta;
  if (n <= 0) map.delete(key);
  else map.set(key, n);
}

export class PodGroups {
  private readonly byNamespace = new Map<string, Map<string, PodGroup>>();

  constructor(private readonly nodeLabels: NodeLabels) {}

  add(info: PodInfo, nodeName: string, delta: 1 | -1): void {
    const namespace = info.pod.metadata?.namespace ?? "";
    const labels = info.pod.metadata?.labels ?? {};
    const terminating = !!info.pod.metadata?.deletionTimestamp;
    const key = `${terminating ? "T" : "L"}${labelsKey(labels)}`;
    let groups = this.byNamespace.get(namespace);
    if (!groups) this.byNamespace.set(namespace, (groups = new Map()));
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { labels, terminating, perNode: new Map(), perDomain: new Map() }));
    bumpMap(group.perNode, nodeName, delta);
    const nodeLabels = this.nodeLabels(nodeName);
    for (const [topologyKey, domains] of group.perDomain) {
      const value = nodeLabels?.[topologyKey];
      if (value !== undefined) bumpMap(domains, value, delta);
    }
    if (group.perNode.size === 0) groups.delete(key);
    if (groups.size === 0) this.byNamespace.delete(namespace);
  }

  /** The per-node pod counts of every group in `namespaces` (undefined: all) whose labels match `selector`. */
  matchingPerNode(
    namespaces: ReadonlySet<string> | undefined,
    selector: LabelSelector,
    includeTerminating: boolean,
  ): ReadonlyMap<string, number>[] {
    const out: ReadonlyMap<string, number>[] = [];
    for (const groups of this.groupSets(namespaces)) {
      for (const group of groups.values()) {
        if (group.terminating && !includeTerminating) continue;
        if (selector.matches(group.labels)) out.push(group.perNode);
      }
    }
    return out;
  }

  private groupSets(namespaces: ReadonlySet<string> | undefined): Map<string, PodGroup>[] {
    return namespaces
      ? [...namespaces].map((ns) => this.byNamespace.get(ns)).filter((g) => g !== undefined)
      : [...this.byNamespace.values()];
  }

  /** A node's labels changed (or it came or went): per-domain sums are rebuilt on next use. */
  nodeChanged(): void {
    for (const groups of this.byNamespace.values()) for (const g of groups.values()) g.perDomain.clear();
  }

  /**
   * Pods in `namespaces` (undefined: all) matching `selector`, summed per value of `topologyKey` on their node;
   * terminating pods only with `includeTerminating` (spreading skips them, inter-pod affinity does not).
   */
  countByDomain(
    namespaces: ReadonlySet<string> | undefined,
    selector: LabelSelector,
    topologyKey: string,
    includeTerminating: boolean,
  ): Map<string, number> {
    const out = new Map<string, number>();
    for (const groups of this.groupSets(namespaces)) {
      for (const group of groups.values()) {
        if (group.terminating && !includeTerminating) continue;
        if (!selector.matches(group.labels)) continue;
        let domains = group.perDomain.get(topologyKey);
        if (!domains) {
          domains = new Map();
          for (const [nodeName, n] of group.perNode) {
            const value = this.nodeLabels(nodeName)?.[topologyKey];
            if (value !== undefined) domains.set(value, (domains.get(value) ?? 0) + n);
          }
          group.perDomain.set(topologyKey, domains);
        }
        for (const [value, n] of domains) out.set(value, (out.get(value) ?? 0) + n);
      }
    }
    return out;
  }
}

export interface TermOnNodes {
  readonly term: AffinityTerm;
  /** node name → pods carrying the term there. */
  readonly perNode: ReadonlyMap<string, number>;
}

export class AntiAffinityTerms {
  private readonly terms = new Map<string, { term: AffinityTerm; perNode: Map<string, number> }>();

  add(info: PodInfo, nodeName: string, delta: 1 | -1): void {
    for (const term of info.requiredAntiAffinityTerms) {
      const key = termKey(term);
      let entry = this.terms.get(key);
      if (!entry) this.terms.set(key, (entry = { term, perNode: new Map() }));
      bumpMap(entry.perNode, nodeName, delta);
      if (entry.perNode.size === 0) this.terms.delete(key);
    }
  }

  list(): Iterable<TermOnNodes> {
    return this.terms.values();
  }
}

function termKey(term: AffinityTerm): string {
  const namespaces = term.namespaces ? [...term.namespaces].sort() : null;
  return JSON.stringify([
    namespaces,
    term.namespaceSelector?.toString() ?? null,
    term.selector.toString(),
    term.selector.matchesNothing,
    term.topologyKey,
  ]);
}

function labelsKey(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  );
}

/** The same counts by brute force over NodeInfos (snapshots built in tests). */
export function countByDomainOver(
  nodeInfos: readonly NodeInfo[],
  namespaces: ReadonlySet<string> | undefined,
  selector: LabelSelector,
  topologyKey: string,
  includeTerminating: boolean,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const node of nodeInfos) {
    const value = node.labels[topologyKey];
    if (value === undefined) continue;
    for (const p of node.pods) {
      if (p.pod.metadata?.deletionTimestamp && !includeTerminating) continue;
      if (namespaces && !namespaces.has(p.pod.metadata?.namespace ?? "")) continue;
      if (selector.matches(p.pod.metadata?.labels)) out.set(value, (out.get(value) ?? 0) + 1);
    }
  }
  return out;
}

/** Matching pods per node by brute force, as one map (snapshots built in tests). */
export function matchingPerNodeOver(
  nodeInfos: readonly NodeInfo[],
  namespaces: ReadonlySet<string> | undefined,
  selector: LabelSelector,
  includeTerminating: boolean,
): ReadonlyMap<string, number>[] {
  const perNode = new Map<string, number>();
  for (const node of nodeInfos) {
    for (const p of node.pods) {
      if (p.pod.metadata?.deletionTimestamp && !includeTerminating) continue;
      if (namespaces && !namespaces.has(p.pod.metadata?.namespace ?? "")) continue;
      if (selector.matches(p.pod.metadata?.labels)) perNode.set(node.name, (perNode.get(node.name) ?? 0) + 1);
    }
  }
  return [perNode];
}

/** The distinct anti-affinity terms by brute force (snapshots built in tests). */
export function antiAffinityTermsOver(nodeInfos: readonly NodeInfo[]): TermOnNodes[] {
  const index = new AntiAffinityTerms();
  for (const node of nodeInfos) for (const p of node.podsWithRequiredAntiAffinity) index.add(p, node.name, 1);
  return [...index.list()];
}

/** Whether an existing pod's term rejects `pod` (used by InterPodAffinity with the index above). */
export function termRejects(entry: TermOnNodes, pod: PodInfo): boolean {
  return termMatches(entry.term, pod.pod);
}
