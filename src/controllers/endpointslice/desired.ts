/**
 * The endpoints a Service's EndpointSlices should hold (upstream staging/src/k8s.io/endpointslice utils.go
 * podToEndpoint / getEndpointPorts): one endpoint per pod with an IP of the slice's address type, with
 * ready/serving/terminating conditions, nodeName, zone, hostname and targetRef, grouped by the set of ports the
 * pod resolves (pods with different named-port numbers land in different slices).
 */
import type { Node, Pod, Service } from "kubernetes-types/core/v1.js";
import type { Endpoint, EndpointPort } from "kubernetes-types/discovery/v1.js";
import {
  findPort,
  ipFamilyOf,
  podIPOfFamily,
  shouldPodBeInEndpoints,
  shouldSetHostname,
  type IPFamily,
} from "../endpoints/pod-endpoints.js";
import { isPodReady } from "../util/pods.js";

export const ZONE_LABEL = "topology.kubernetes.io/zone";

/** The address types a Service's slices use: its ipFamilies, else its ClusterIP's family, else IPv4. */
export function addressTypesOf(service: Service): IPFamily[] {
  const families = (service.spec?.ipFamilies ?? []).filter((f): f is IPFamily => f === "IPv4" || f === "IPv6");
  if (families.length > 0) return families;
  const clusterIP = service.spec?.clusterIP;
  if (clusterIP && clusterIP !== "None") return [ipFamilyOf(clusterIP)];
  return ["IPv4"];
}

/** The slice ports a pod offers for a Service (ports whose target cannot be resolved are left out). */
export function endpointPortsFor(service: Service, pod: Pod): EndpointPort[] {
  const ports: EndpointPort[] = [];
  for (const servicePort of service.spec?.ports ?? []) {
    const port = findPort(pod, servicePort);
    if (port === undefined) continue;
    const endpointPort: EndpointPort = { name: servicePort.name ?? "", port, protocol: servicePort.protocol ?? "TCP" };
    if (servicePort.appProtocol) endpointPort.appProtocol = servicePort.appProtocol;
    ports.push(endpointPort);
  }
  return ports;
}

/** A stable key for a set of slice ports (upstream's endpointMeta hash). */
export function portsKey(ports: readonly EndpointPort[] | undefined): string {
  return JSON.stringify(
    (ports ?? []).map((p) => [p.name ?? "", p.port ?? 0, p.protocol ?? "TCP", p.appProtocol ?? ""]).sort(),
  );
}

/** Identifies one endpoint across syncs (upstream hashEndpoint): addresses, hostname and the pod it stands for. */
export function endpointKey(endpoint: Endpoint): string {
  const ref = endpoint.targetRef;
  return JSON.stringify([
    [...endpoint.addresses].sort(),
    endpoint.hostname ?? "",
    ref?.namespace ?? "",
    ref?.name ?? "",
  ]);
}

/** Upstream podToEndpoint. */
export function podToEndpoint(pod: Pod, service: Service, ip: string, node: Node | undefined): Endpoint {
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata?.deletionTimestamp;
  const ready = service.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const endpoint: Endpoint = {
    addresses: [ip],
    conditions: { ready, serving, terminating },
    targetRef: { kind: "Pod", namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid },
  };
  if (pod.spec?.nodeName) endpoint.nodeName = pod.spec.nodeName;
  const zone = node?.metadata?.labels?.[ZONE_LABEL];
  if (zone) endpoint.zone = zone;
  if (shouldSetHostname(pod, service)) endpoint.hostname = pod.spec!.hostname!;
  return endpoint;
}

export interface DesiredGroup {
  readonly ports: EndpointPort[];
  readonly endpoints: Map<string, Endpoint>;
}

export interface DesiredEndpoints {
  /** portsKey → ports and endpoints. */
  readonly groups: Map<string, DesiredGroup>;
  /** Pods skipped because their node is not known yet (upstream retries the Service later). */
  readonly podsOnUnknownNodes: { readonly pod: string; readonly node: string }[];
}

/** Everything one address type of a Service should publish. */
export function desiredEndpoints(
  service: Service,
  pods: readonly Pod[],
  addressType: IPFamily,
  nodeByName: (name: string) => Node | undefined,
): DesiredEndpoints {
  const groups = new Map<string, DesiredGroup>();
  const podsOnUnknownNodes: { pod: string; node: string }[] = [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ip = podIPOfFamily(pod, addressType);
    if (!ip) continue;
    const nodeName = pod.spec?.nodeName;
    const node = nodeName ? nodeByName(nodeName) : undefined;
    if (nodeName && !node && service.spec?.publishNotReadyAddresses !== true) {
      podsOnUnknownNodes.push({ pod: pod.metadata?.name ?? "", node: nodeName });
      continue;
    }
    const ports = endpointPortsFor(service, pod);
    const key = portsKey(ports);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { ports, endpoints: new Map() }));
    const endpoint = podToEndpoint(pod, service, ip, node);
    group.endpoints.set(endpointKey(endpoint), endpoint);
  }
  return { groups, podsOnUnknownNodes };
}
