/**
 * The scheduler cache (upstream pkg/scheduler/backend/cache): NodeInfos for every node, fed by the node
 * informer and by assigned pods, plus "assumed" pods — placed on their node the moment the scheduler picks
 * it, before the binding returns, so the next cycle sees the usage. The informer's copy of the pod confirms
 * an assumed pod; a failed binding forgets it. Every change is incremental (no per-cycle rebuild), and the
 * cache is itself the Snapshot plugins read.
 */
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import type { LabelSelector } from "../api/selectors/labels.js";
import { NodeInfo } from "./nodeinfo.js";
import { AntiAffinityTerms, PodGroups, type TermOnNodes } from "./podgroups.js";
import { newPodInfo, podKey, type PodInfo } from "./podinfo.js";
import type { Snapshot } from "./snapshot.js";

interface PodState {
  info: PodInfo;
  nodeName: string;
  assumed: boolean;
}

export class SchedulerCache implements Snapshot {
  private readonly nodeInfos = new Map<string, NodeInfo>();
  /** Nodes with a Node object, grouped by zone in order of arrival (upstream NodeTree). */
  private readonly zones = new Map<string, NodeInfo[]>();
  private readonly zoneOf = new Map<NodeInfo, string>();
  /** The zones interleaved (one node per zone per round), rebuilt after changes. */
  private list: NodeInfo[] | undefined = [];
  private readonly podStates = new Map<string, PodState>();
  private readonly withAffinity = new Set<NodeInfo>();
  private readonly withAntiAffinity = new Set<NodeInfo>();
  private readonly imageCounts = new Map<string, number>();
  private readonly podGroups = new PodGroups((name) => this.nodeInfos.get(name)?.node?.metadata?.labels);
  private readonly antiAffinityTerms = new AntiAffinityTerms();
  /** topology key → value → nodes with it; built on first use, dropped when node labels change. */
  private readonly domains = new Map<string, Set<string>>();

  // ---- Snapshot

  nodes(): readonly NodeInfo[] {
    if (!this.list) {
      const list: NodeInfo[] = [];
      const zones = [...this.zones.values()];
      for (let round = 0; list.length < this.zoneOf.size; round++) {
        for (const zone of zones) if (round < zone.length) list.push(zone[round]!);
      }
      this.list = list;
    }
    return this.list;
  }

  get(name: string): NodeInfo | undefined {
    const info = this.nodeInfos.get(name);
    return info?.node ? info : undefined;
  }

  havePodsWithAffinity(): readonly NodeInfo[] {
    return [...this.withAffinity].filter((n) => n.node);
  }

  havePodsWithRequiredAntiAffinity(): readonly NodeInfo[] {
    return [...this.withAntiAffinity].filter((n) => n.node);
  }

  imageNumNodes(name: string): number {
    return this.imageCounts.get(name) ?? 0;
  }

  podCountsByDomain(
    namespaces: ReadonlySet<string> | undefined,
    selector: LabelSelector,
    topologyKey: string,
    includeTerminating: boolean,
  ): Map<string, number> {
    return this.podGroups.countByDomain(namespaces, selector, topologyKey, includeTerminating);
  }

  matchingPodsPerNode(
    namespaces: ReadonlySet<string> | undefined,
    selector: LabelSelector,
    includeTerminating: boolean,
  ): ReadonlyMap<string, number>[] {
    return this.podGroups.matchingPerNode(namespaces, selector, includeTerminating);
  }

  topologyDomains(topologyKey: string): ReadonlySet<string> {
    let values = this.domains.get(topologyKey);
    if (!values) {
      values = new Set();
      for (const n of this.nodes()) {
        const v = n.labels[topologyKey];
        if (v !== undefined) values.add(v);
      }
      this.domains.set(topologyKey, values);
    }
    return values;
  }

  existingAntiAffinityTerms(): Iterable<TermOnNodes> {
    return this.antiAffinityTerms.list();
  }

  // ---- Nodes

  addNode(node: Node): void {
    const name = node.metadata!.name!;
    let info = this.nodeInfos.get(name);
    if (!info) this.nodeInfos.set(name, (info = new NodeInfo(name)));
    const isNew = !info.node;
    if (!isNew) this.countImages(info, -1);
    if (isNew || JSON.stringify(info.node?.metadata?.labels) !== JSON.stringify(node.metadata?.labels)) {
      this.podGroups.nodeChanged();
      this.domains.clear();
    }
    info.setNode(node);
    this.countImages(info, 1);
    const zone = zoneKey(node);
    if (this.zoneOf.get(info) !== zone) {
      this.leaveZone(info);
      let members = this.zones.get(zone);
      if (!members) this.zones.set(zone, (members = []));
      members.push(info);
      this.zoneOf.set(info, zone);
      this.list = undefined;
    }
  }

  private leaveZone(info: NodeInfo): void {
    const zone = this.zoneOf.get(info);
    if (zone === undefined) return;
    this.zoneOf.delete(info);
    const members = this.zones.get(zone)!.filter((n) => n !== info);
    if (members.length === 0) this.zones.delete(zone);
    else this.zones.set(zone, members);
    this.list = undefined;
  }

  updateNode(node: Node): void {
    this.addNode(node);
  }

  removeNode(name: string): void {
    const info = this.nodeInfos.get(name);
    if (!info?.node) return;
    this.countImages(info, -1);
    info.node = undefined;
    info.generation++;
    this.podGroups.nodeChanged();
    this.domains.clear();
    this.leaveZone(info);
    // Pods still bound to a deleted node stay accounted until they are deleted (as upstream).
    if (info.pods.length === 0) this.nodeInfos.delete(name);
  }

  private countImages(info: NodeInfo, sign: number): void {
    for (const name of info.imageSizes.keys()) {
      const n = (this.imageCounts.get(name) ?? 0) + sign;
      if (n <= 0) this.imageCounts.delete(name);
      else this.imageCounts.set(name, n);
    }
  }

  nodeCount(): number {
    return this.zoneOf.size;
  }

  // ---- Pods

  /** Places `pod` (whose spec.nodeName is set) on its node before the binding is confirmed. */
  assumePod(pod: Pod): void {
    const key = podKey(pod);
    if (this.podStates.has(key)) throw new Error(`pod ${key} is already in the cache`);
    this.place(key, newPodInfo(pod), pod.spec!.nodeName!, true);
  }

  isAssumed(key: string): boolean {
    return this.podStates.get(key)?.assumed ?? false;
  }

  /** Drops an assumed pod whose binding failed. */
  forgetPod(key: string): void {
    const state = this.podStates.get(key);
    if (state?.assumed) this.unplace(key, state);
  }

  /** An assigned pod from the informer: confirms an assumed pod, or adds it. */
  addPod(pod: Pod): void {
    const key = podKey(pod);
    const state = this.podStates.get(key);
    if (state) this.unplace(key, state);
    this.place(key, newPodInfo(pod), pod.spec!.nodeName!, false);
  }

  updatePod(pod: Pod): void {
    this.addPod(pod);
  }

  removePod(pod: Pod): void {
    const key = podKey(pod);
    const state = this.podStates.get(key);
    if (state) this.unplace(key, state);
  }

  hasPod(key: string): boolean {
    return this.podStates.has(key);
  }

  private place(key: string, info: PodInfo, nodeName: string, assumed: boolean): void {
    let nodeInfo = this.nodeInfos.get(nodeName);
    if (!nodeInfo) this.nodeInfos.set(nodeName, (nodeInfo = new NodeInfo(nodeName)));
    nodeInfo.addPod(info);
    this.podGroups.add(info, nodeName, 1);
    this.antiAffinityTerms.add(info, nodeName, 1);
    this.podStates.set(key, { info, nodeName, assumed });
    this.trackAffinity(nodeInfo);
  }

  private unplace(key: string, state: PodState): void {
    this.podStates.delete(key);
    this.podGroups.add(state.info, state.nodeName, -1);
    this.antiAffinityTerms.add(state.info, state.nodeName, -1);
    const nodeInfo = this.nodeInfos.get(state.nodeName);
    if (!nodeInfo) return;
    nodeInfo.removePod(key);
    this.trackAffinity(nodeInfo);
    if (!nodeInfo.node && nodeInfo.pods.length === 0) this.nodeInfos.delete(state.nodeName);
  }

  private trackAffinity(nodeInfo: NodeInfo): void {
    if (nodeInfo.podsWithAffinity.length > 0) this.withAffinity.add(nodeInfo);
    else this.withAffinity.delete(nodeInfo);
    if (nodeInfo.podsWithRequiredAntiAffinity.length > 0) this.withAntiAffinity.add(nodeInfo);
    else this.withAntiAffinity.delete(nodeInfo);
  }
}

/** utilnode.GetZoneKey: region and zone labels ("" when the node has neither). */
function zoneKey(node: Node): string {
  const labels = node.metadata?.labels ?? {};
  const region = labels["topology.kubernetes.io/region"] ?? labels["failure-domain.beta.kubernetes.io/region"] ?? "";
  const zone = labels["topology.kubernetes.io/zone"] ?? labels["failure-domain.beta.kubernetes.io/zone"] ?? "";
  return region === "" && zone === "" ? "" : `${region}:\x00:${zone}`;
}
