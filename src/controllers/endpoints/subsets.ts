/**
 * The Endpoints subsets a Service should have (upstream endpoints_controller.go syncService, RepackSubsets,
 * truncateEndpoints): one address per matching pod and per resolved port, ready or not ready, then repacked so
 * addresses sharing the same ports share one subset, sorted, and truncated to 1000 addresses.
 */
import type { EndpointAddress, EndpointPort, EndpointSubset, Pod, Service } from "kubernetes-types/core/v1.js";
import { isPodReady } from "../util/pods.js";
import {
  findPort,
  podIPOfFamily,
  serviceIPFamily,
  shouldPodBeInEndpoints,
  shouldSetHostname,
} from "./pod-endpoints.js";

/** Upstream maxCapacity: Endpoints objects hold at most this many addresses. */
export const MAX_ENDPOINTS_CAPACITY = 1000;
export const OVER_CAPACITY_ANNOTATION = "endpoints.kubernetes.io/over-capacity";

/** The address of a pod for a Service, or undefined when the pod has no IP of the Service's family. */
export function podEndpointAddress(service: Service, pod: Pod): EndpointAddress | undefined {
  const ip = podIPOfFamily(pod, serviceIPFamily(service, pod));
  if (!ip) return undefined;
  const address: EndpointAddress = {
    ip,
    targetRef: { kind: "Pod", namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid },
  };
  if (pod.spec?.nodeName) address.nodeName = pod.spec.nodeName;
  if (shouldSetHostname(pod, service)) address.hostname = pod.spec!.hostname!;
  return address;
}

/** Unpacked subsets: one per (pod, port), before repacking. */
export function desiredSubsets(service: Service, pods: readonly Pod[]): EndpointSubset[] {
  const publishNotReady = service.spec?.publishNotReadyAddresses === true;
  const subsets: EndpointSubset[] = [];
  const servicePorts = service.spec?.ports ?? [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const address = podEndpointAddress(service, pod);
    if (!address) continue;
    const ready = publishNotReady || isPodReady(pod);
    const add = (ports: EndpointPort[]): void => {
      subsets.push(ready ? { addresses: [address], ports } : { notReadyAddresses: [address], ports });
    };
    if (servicePorts.length === 0) {
      if (service.spec?.clusterIP === "None") add([]);
      continue;
    }
    for (const servicePort of servicePorts) {
      const port = findPort(pod, servicePort);
      if (port === undefined) continue;
      const endpointPort: EndpointPort = { port, protocol: servicePort.protocol ?? "TCP" };
      if (servicePort.name) endpointPort.name = servicePort.name;
      if (servicePort.appProtocol) endpointPort.appProtocol = servicePort.appProtocol;
      add([endpointPort]);
    }
  }
  return subsets;
}

function portKey(port: EndpointPort): string {
  return JSON.stringify([port.name ?? "", port.port, port.protocol ?? "TCP", port.appProtocol ?? ""]);
}

function addressKey(address: EndpointAddress): string {
  return `${address.ip}\u0000${address.targetRef?.uid ?? ""}`;
}

function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  if (a.ip !== b.ip) return a.ip < b.ip ? -1 : 1;
  const ua = a.targetRef?.uid ?? "";
  const ub = b.targetRef?.uid ?? "";
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

function comparePorts(a: EndpointPort, b: EndpointPort): number {
  const ka = portKey(a);
  const kb = portKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * Upstream RepackSubsets: maps every port to the addresses offering it (ready wins over not ready for the
 * same address), groups ports offered by the same address set into one subset, and sorts everything
 * (addresses by IP then UID, ports and subsets by a stable key).
 */
export function repackSubsets(subsets: readonly EndpointSubset[]): EndpointSubset[] {
  const addressesByKey = new Map<string, EndpointAddress>();
  const portsByKey = new Map<string, EndpointPort | undefined>(); // undefined: the "no ports" sentinel
  const readinessByPort = new Map<string, Map<string, boolean>>();
  const record = (subset: EndpointSubset, port: EndpointPort | undefined): void => {
    const key = port ? portKey(port) : "";
    portsByKey.set(key, port);
    let readiness = readinessByPort.get(key);
    if (!readiness) readinessByPort.set(key, (readiness = new Map()));
    for (const address of subset.addresses ?? []) {
      addressesByKey.set(addressKey(address), address);
      readiness.set(addressKey(address), true);
    }
    for (const address of subset.notReadyAddresses ?? []) {
      const key2 = addressKey(address);
      if (!addressesByKey.has(key2)) addressesByKey.set(key2, address);
      if (!readiness.has(key2)) readiness.set(key2, false);
    }
  };
  for (const subset of subsets) {
    if ((subset.ports ?? []).length === 0) record(subset, undefined);
    else for (const port of subset.ports!) record(subset, port);
  }
  const groups = new Map<string, { readiness: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const [key, readiness] of readinessByPort) {
    const setKey = JSON.stringify([...readiness.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    let group = groups.get(setKey);
    if (!group) groups.set(setKey, (group = { readiness, ports: [] }));
    const port = portsByKey.get(key);
    if (port) group.ports.push(port);
  }
  const result: EndpointSubset[] = [];
  for (const { readiness, ports } of groups.values()) {
    const ready: EndpointAddress[] = [];
    const notReady: EndpointAddress[] = [];
    for (const [key, isReady] of readiness) (isReady ? ready : notReady).push(addressesByKey.get(key)!);
    const subset: EndpointSubset = {};
    if (ready.length > 0) subset.addresses = ready.sort(compareAddresses);
    if (notReady.length > 0) subset.notReadyAddresses = notReady.sort(compareAddresses);
    if (ports.length > 0) subset.ports = ports.sort(comparePorts);
    result.push(subset);
  }
  return result.sort((a, b) => {
    const ka = subsetSortKey(a);
    const kb = subsetSortKey(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

function subsetSortKey(subset: EndpointSubset): string {
  const first = subset.addresses?.[0] ?? subset.notReadyAddresses?.[0];
  return JSON.stringify([first?.ip ?? "", (subset.ports ?? []).map(portKey)]);
}

/** Addresses in all subsets (ready and not ready). */
export function countAddresses(subsets: readonly EndpointSubset[]): { ready: number; notReady: number } {
  let ready = 0;
  let notReady = 0;
  for (const s of subsets) {
    ready += s.addresses?.length ?? 0;
    notReady += s.notReadyAddresses?.length ?? 0;
  }
  return { ready, notReady };
}

/**
 * Upstream truncateEndpoints: keeps at most `capacity` addresses, ready ones first, spread over the subsets in
 * proportion to their size. Returns the truncated subsets, or undefined when nothing had to go.
 */
export function truncateSubsets(
  subsets: readonly EndpointSubset[],
  capacity: number = MAX_ENDPOINTS_CAPACITY,
): EndpointSubset[] | undefined {
  const { ready, notReady } = countAddresses(subsets);
  if (ready + notReady <= capacity) return undefined;
  const truncateReady = ready > capacity;
  const max = truncateReady ? capacity : capacity - ready;
  const total = truncateReady ? ready : notReady;
  let canBeAdded = max;
  return subsets.map((original) => {
    const subset = { ...original };
    const inSubset = (truncateReady ? subset.addresses?.length : subset.notReadyAddresses?.length) ?? 0;
    const toBeAdded = Math.min(Math.ceil((inSubset / total) * max), canBeAdded);
    if (truncateReady) {
      subset.addresses = (subset.addresses ?? []).slice(0, toBeAdded);
      delete subset.notReadyAddresses;
      canBeAdded -= subset.addresses.length;
    } else {
      subset.notReadyAddresses = (subset.notReadyAddresses ?? []).slice(0, toBeAdded);
      canBeAdded -= subset.notReadyAddresses.length;
    }
    return subset;
  });
}

/** Deep equality of subsets, ignoring targetRef.resourceVersion (upstream endpointSubsetsEqualIgnoreResourceVersion). */
export function subsetsEqual(
  a: readonly EndpointSubset[] | undefined,
  b: readonly EndpointSubset[] | undefined,
): boolean {
  return equalIgnoringResourceVersion(a ?? [], b ?? []);
}

/** Semantic deep equality of API values: key order, empty arrays and `resourceVersion` fields do not count. */
export function equalIgnoringResourceVersion(a: unknown, b: unknown): boolean {
  return canonicalJSON(a) === canonicalJSON(b);
}

function canonicalJSON(value: unknown): string {
  return JSON.stringify(value, (key, v: unknown) => {
    if (key === "resourceVersion") return undefined;
    if (Array.isArray(v) && v.length === 0) return undefined;
    if (v && typeof v === "object" && !Array.isArray(v)) {
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
      return sorted;
    }
    return v;
  });
}
