/**
 * What plugins read about the whole cluster during one scheduling cycle (upstream's SharedLister). The
 * scheduler's cycle is synchronous, so the cache itself serves as the snapshot: nothing changes under a
 * cycle, and nothing is copied per pod.
 */
import type { LabelSelector } from "../api/selectors/labels.js";
import type { NodeInfo } from "./nodeinfo.js";
import { antiAffinityTermsOver, countByDomainOver, matchingPerNodeOver, type TermOnNodes } from "./podgroups.js";

export interface Snapshot {
  /** Every node that has a Node object, in the cache's round-robin order. */
  nodes(): readonly NodeInfo[];
  get(name: string): NodeInfo | undefined;
  /** Nodes with at least one pod whose affinity terms score other pods (required affinity or preferred terms). */
  havePodsWithAffinity(): readonly NodeInfo[];
  /** Nodes with at least one pod carrying a required anti-affinity term. */
  havePodsWithRequiredAntiAffinity(): readonly NodeInfo[];
  /** How many nodes have an image with this name. */
  imageNumNodes(name: string): number;
  /**
   * Pods in `namespaces` (undefined: every namespace) matching `selector`, per value of `topologyKey` on their
   * node; terminating pods count only with `includeTerminating`.
   */
  podCountsByDomain(
    namespaces: ReadonlySet<string> | undefined,
    selector: LabelSelector,
    topologyKey: string,
    includeTerminating: boolean,
  ): Map<string, number>;
  /**
   * Matching pods per node name, as a few maps to sum (one per group of identically labelled pods): a node's
   * count is the sum of `map.get(node)` over them.
   */
  matchingPodsPerNode(
    namespaces: ReadonlySet<string> | undefined,
    selector: LabelSelector,
    includeTerminating: boolean,
  ): ReadonlyMap<string, number>[];
  /** The values of `topologyKey` over all nodes that have it. */
  topologyDomains(topologyKey: string): ReadonlySet<string>;
  /** Existing pods' distinct required anti-affinity terms, with their pod counts per node. */
  existingAntiAffinityTerms(): Iterable<TermOnNodes>;
}

/** A snapshot over a fixed list of NodeInfos (tests and preemption what-ifs). */
export function snapshotOf(nodeInfos: readonly NodeInfo[]): Snapshot {
  const byName = new Map(nodeInfos.map((n) => [n.name, n]));
  const imageCounts = new Map<string, number>();
  for (const n of nodeInfos)
    for (const name of n.imageSizes.keys()) imageCounts.set(name, (imageCounts.get(name) ?? 0) + 1);
  return {
    nodes: () => nodeInfos,
    get: (name) => byName.get(name),
    havePodsWithAffinity: () => nodeInfos.filter((n) => n.podsWithAffinity.length > 0),
    havePodsWithRequiredAntiAffinity: () => nodeInfos.filter((n) => n.podsWithRequiredAntiAffinity.length > 0),
    imageNumNodes: (name) => imageCounts.get(name) ?? 0,
    podCountsByDomain: (namespaces, selector, key, terminating) =>
      countByDomainOver(nodeInfos, namespaces, selector, key, terminating),
    matchingPodsPerNode: (namespaces, selector, terminating) =>
      matchingPerNodeOver(nodeInfos, namespaces, selector, terminating),
    topologyDomains: (key) => new Set(nodeInfos.map((n) => n.labels[key]).filter((v): v is string => v !== undefined)),
    existingAntiAffinityTerms: () => antiAffinityTermsOver(nodeInfos),
  };
}
