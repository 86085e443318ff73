/**
 * NodeInfo: one node as the scheduler sees it (upstream framework.NodeInfo): the Node, the pods on it
 * (assumed ones included), the sums of their requests, the host ports in use and the node's images. Kept
 * up to date incrementally by the cache; plugins only read it. `clone` is for preemption's what-if runs.
 */
import type { Node } from "kubernetes-types/core/v1.js";
import { hasAffinityTerms, type HostPort, type PodInfo } from "./podinfo.js";
import { addResources, emptyResources, resourcesFromList, type Resources } from "./resources.js";

export class NodeInfo {
  node: Node | undefined;
  name: string;
  pods: PodInfo[] = [];
  /** Pods whose terms score other pods (see hasAffinityTerms). */
  podsWithAffinity: PodInfo[] = [];
  podsWithRequiredAntiAffinity: PodInfo[] = [];
  allocatable: Resources = emptyResources();
  requested: Resources = emptyResources();
  nonZeroRequested: Resources = emptyResources();
  /** "protocol/port" → host IPs using it. */
  usedPorts = new Map<string, Set<string>>();
  /** Image name (every name of every image in node.status.images) → size in bytes. */
  imageSizes = new Map<string, number>();
  /** Bumped on every change. */
  generation = 0;

  constructor(name: string, node?: Node) {
    this.name = name;
    if (node) this.setNode(node);
  }

  get labels(): Readonly<Record<string, string>> {
    return this.node?.metadata?.labels ?? {};
  }

  setNode(node: Node): void {
    this.node = node;
    this.allocatable = resourcesFromList(node.status?.allocatable as Record<string, unknown> | undefined);
    this.imageSizes = new Map();
    for (const image of node.status?.images ?? []) {
      for (const name of image.names ?? []) this.imageSizes.set(name, image.sizeBytes ?? 0);
    }
    this.generation++;
  }

  addPod(info: PodInfo): void {
    this.pods.push(info);
    if (hasAffinityTerms(info)) this.podsWithAffinity.push(info);
    if (info.requiredAntiAffinityTerms.length > 0) this.podsWithRequiredAntiAffinity.push(info);
    this.update(info, 1);
  }

  /** Removes the pod with this key; false when it is not here. */
  removePod(key: string): boolean {
    const index = this.pods.findIndex((p) => p.key === key);
    if (index < 0) return false;
    const info = this.pods[index]!;
    this.pods[index] = this.pods[this.pods.length - 1]!;
    this.pods.pop();
    this.podsWithAffinity = removeKey(this.podsWithAffinity, key);
    this.podsWithRequiredAntiAffinity = removeKey(this.podsWithRequiredAntiAffinity, key);
    this.update(info, -1);
    return true;
  }

  private update(info: PodInfo, sign: number): void {
    addResources(this.requested, info.requests, sign);
    this.nonZeroRequested.milliCPU += sign * info.nonZeroRequests.milliCPU;
    this.nonZeroRequested.memory += sign * info.nonZeroRequests.memory;
    for (const port of info.hostPorts) {
      const key = `${port.protocol}/${port.port}`;
      if (sign > 0) {
        let ips = this.usedPorts.get(key);
        if (!ips) this.usedPorts.set(key, (ips = new Set()));
        ips.add(port.ip);
      } else {
        const ips = this.usedPorts.get(key);
        ips?.delete(port.ip);
        if (ips?.size === 0) this.usedPorts.delete(key);
      }
    }
    this.generation++;
  }

  /** HostPortInfo.CheckConflict: the same protocol/port on the same IP, or either side on 0.0.0.0. */
  portConflicts(port: HostPort): boolean {
    const ips = this.usedPorts.get(`${port.protocol}/${port.port}`);
    if (!ips || ips.size === 0) return false;
    if (port.ip === "0.0.0.0") return true;
    return ips.has(port.ip) || ips.has("0.0.0.0");
  }

  /** A copy whose pod lists and sums can change without touching this one (the Node is shared). */
  clone(): NodeInfo {
    const copy = new NodeInfo(this.name);
    copy.node = this.node;
    copy.allocatable = this.allocatable;
    copy.pods = [...this.pods];
    copy.podsWithAffinity = [...this.podsWithAffinity];
    copy.podsWithRequiredAntiAffinity = [...this.podsWithRequiredAntiAffinity];
    copy.requested = { ...this.requested, scalar: new Map(this.requested.scalar) };
    copy.nonZeroRequested = { ...this.nonZeroRequested, scalar: new Map() };
    copy.usedPorts = new Map([...this.usedPorts].map(([k, v]) => [k, new Set(v)]));
    copy.imageSizes = this.imageSizes;
    copy.generation = this.generation;
    return copy;
  }
}

function removeKey(list: PodInfo[], key: string): PodInfo[] {
  return list.some((p) => p.key === key) ? list.filter((p) => p.key !== key) : list;
}
