// Services and networking: services, endpoints, endpointslices, ingresses, ingressclasses, networkpolicies.
import type { Endpoints, Service, ServicePort } from "kubernetes-types/core/v1.js";
import type { EndpointSlice } from "kubernetes-types/discovery/v1.js";
import type { Ingress, IngressClass, IngressRule, NetworkPolicy } from "kubernetes-types/networking/v1.js";
import { DESCRIPTIONS } from "./descriptions.js";
import { column, type TablePrinter } from "./types.js";
import {
  AGE_COLUMN,
  NAME_COLUMN,
  ageOf,
  formatLabelSelector,
  formatLabels,
  listWithMore,
  nameOf,
  printer,
  sortedUnique,
} from "./util.js";

/** loadBalancerStatusStringer (wide, so never clipped): unique IPs or hostnames, sorted, joined by ",". */
function loadBalancerIngress(ingress: readonly { ip?: string; hostname?: string }[] | undefined): string {
  const result: string[] = [];
  for (const i of ingress ?? []) {
    if (i.ip) result.push(i.ip);
    else if (i.hostname) result.push(i.hostname);
  }
  return sortedUnique(result).join(",");
}

/** getServiceExternalIP. */
export function serviceExternalIP(svc: Service): string {
  const externalIPs = svc.spec?.externalIPs ?? [];
  switch (svc.spec?.type ?? "ClusterIP") {
    case "ClusterIP":
    case "NodePort":
      return externalIPs.length > 0 ? externalIPs.join(",") : "<none>";
    case "LoadBalancer": {
      const lbIps = loadBalancerIngress(svc.status?.loadBalancer?.ingress);
      if (externalIPs.length > 0) {
        const results = lbIps.length > 0 ? lbIps.split(",") : [];
        return [...results, ...externalIPs].join(",");
      }
      return lbIps.length > 0 ? lbIps : "<pending>";
    }
    case "ExternalName":
      return svc.spec?.externalName ?? "";
  }
  return "<unknown>";
}

/** makePortString: "80/TCP", "80:30080/TCP", joined by ",". */
export function servicePorts(ports: readonly ServicePort[] | undefined): string {
  return (ports ?? [])
    .map((p) => {
      const protocol = p.protocol ?? "TCP"; // defaulted by the API server
      return p.nodePort && p.nodePort > 0 ? `${p.port}:${p.nodePort}/${protocol}` : `${p.port}/${protocol}`;
    })
    .join(",");
}

export const servicePrinter: TablePrinter = printer<Service>(
  [
    NAME_COLUMN,
    column({ name: "Type", description: DESCRIPTIONS["ServiceSpec.type"] }),
    column({ name: "Cluster-IP", description: DESCRIPTIONS["ServiceSpec.clusterIP"] }),
    column({ name: "External-IP", description: DESCRIPTIONS["ServiceSpec.externalIPs"] }),
    column({ name: "Port(s)", description: DESCRIPTIONS["ServiceSpec.ports"] }),
    AGE_COLUMN,
    column({ name: "Selector", priority: 1, description: DESCRIPTIONS["ServiceSpec.selector"] }),
  ],
  (obj, now) => {
    // The internal ServiceSpec always has clusterIPs: conversion from v1 fills it from clusterIP.
    const internalIP = obj.spec?.clusterIPs?.[0] || obj.spec?.clusterIP || "<none>";
    const ports = servicePorts(obj.spec?.ports);
    return [
      nameOf(obj),
      obj.spec?.type ?? "ClusterIP", // defaulted by the API server
      internalIP,
      serviceExternalIP(obj),
      ports.length === 0 ? "<none>" : ports,
      ageOf(obj, now),
      formatLabels(obj.spec?.selector),
    ];
  },
);

/** formatEndpoints(endpoints, nil): up to three "ip:port" (or bare IPs for port-less subsets), then "+ N more...". */
export function formatEndpoints(endpoints: Endpoints): string {
  const subsets = endpoints.subsets ?? [];
  if (subsets.length === 0) return "<none>";
  const max = 3;
  const list: string[] = [];
  let count = 0;
  for (const ss of subsets) {
    const addresses = ss.addresses ?? [];
    const ports = ss.ports ?? [];
    if (ports.length === 0) {
      count += addresses.length;
      for (const a of addresses) if (list.length < max) list.push(a.ip);
      continue;
    }
    for (const port of ports) {
      count += addresses.length;
      for (const a of addresses) {
        // net.JoinHostPort brackets IPv6 addresses.
        if (list.length < max) list.push(a.ip.includes(":") ? `[${a.ip}]:${port.port}` : `${a.ip}:${port.port}`);
      }
    }
  }
  return listWithMore(list, count, max, "");
}

export const endpointsPrinter: TablePrinter = printer<Endpoints>(
  [NAME_COLUMN, column({ name: "Endpoints", description: DESCRIPTIONS["Endpoints.subsets"] }), AGE_COLUMN],
  (obj, now) => [nameOf(obj), formatEndpoints(obj), ageOf(obj, now)],
);

export const endpointSlicePrinter: TablePrinter = printer<EndpointSlice>(
  [
    NAME_COLUMN,
    column({ name: "AddressType", description: DESCRIPTIONS["EndpointSlice.addressType"] }),
    column({ name: "Ports", description: DESCRIPTIONS["EndpointSlice.ports"] }),
    column({ name: "Endpoints", description: DESCRIPTIONS["EndpointSlice.endpoints"] }),
    AGE_COLUMN,
  ],
  (obj, now) => {
    const ports = (obj.ports ?? []).map((p) =>
      p.port !== undefined && p.port !== null ? String(p.port) : (p.name ?? "*"),
    );
    const addresses = (obj.endpoints ?? []).flatMap((e) => e.addresses ?? []);
    return [
      nameOf(obj),
      obj.addressType ?? "",
      listWithMore(ports, ports.length, 3, "<unset>"),
      listWithMore(addresses, addresses.length, 3, "<unset>"),
      ageOf(obj, now),
    ];
  },
);

/** formatHosts: up to three rule hosts, "*" when none. */
function formatHosts(rules: readonly IngressRule[] | undefined): string {
  const list: string[] = [];
  const max = 3;
  let more = false;
  for (const rule of rules ?? []) {
    if (list.length === max) more = true;
    if (!more && rule.host) list.push(rule.host);
  }
  if (list.length === 0) return "*";
  const ret = list.join(",");
  return more ? `${ret} + ${(rules ?? []).length - max} more...` : ret;
}

export const ingressPrinter: TablePrinter = printer<Ingress>(
  [
    NAME_COLUMN,
    column({
      name: "Class",
      description: "The name of the IngressClass resource that should be used for additional configuration",
    }),
    column({ name: "Hosts", description: "Hosts that incoming requests are matched against before the ingress rule" }),
    column({ name: "Address", description: "Address is a list containing ingress points for the load-balancer" }),
    column({ name: "Ports", description: "Ports of TLS configurations that open" }),
    AGE_COLUMN,
  ],
  (obj, now) => [
    nameOf(obj),
    obj.spec?.ingressClassName ?? "<none>",
    formatHosts(obj.spec?.rules),
    loadBalancerIngress(obj.status?.loadBalancer?.ingress),
    (obj.spec?.tls ?? []).length !== 0 ? "80, 443" : "80",
    ageOf(obj, now),
  ],
);

export const ingressClassPrinter: TablePrinter = printer<IngressClass>(
  [
    NAME_COLUMN,
    column({ name: "Controller", description: "Controller that is responsible for handling this class" }),
    column({ name: "Parameters", description: "A reference to a resource with additional parameters" }),
    AGE_COLUMN,
  ],
  (obj, now) => {
    const p = obj.spec?.parameters;
    let parameters = "<none>";
    if (p) {
      parameters = p.kind;
      if (p.apiGroup !== undefined && p.apiGroup !== null) parameters += `.${p.apiGroup}`;
      parameters += `/${p.name}`;
    }
    return [nameOf(obj), obj.spec?.controller ?? "", parameters, ageOf(obj, now)];
  },
);

export const networkPolicyPrinter: TablePrinter = printer<NetworkPolicy>(
  [
    NAME_COLUMN,
    column({ name: "Pod-Selector", description: DESCRIPTIONS["NetworkPolicySpec.podSelector"] }),
    AGE_COLUMN,
  ],
  (obj, now) => [nameOf(obj), formatLabelSelector(obj.spec?.podSelector ?? {}), ageOf(obj, now)],
);

/** A ServiceCIDR (networking.k8s.io/v1beta1+), reduced to what the printer reads. */
interface ServiceCIDR {
  metadata?: { name?: string; creationTimestamp?: string };
  spec?: { cidrs?: string[] };
}

export const serviceCIDRPrinter: TablePrinter = printer<ServiceCIDR>(
  [
    NAME_COLUMN,
    column({
      name: "CIDRs",
      description:
        'CIDRs defines the IP blocks in CIDR notation (e.g. "192.168.0.0/24" or "2001:db8::/64") from which to assign service cluster IPs. Max of two CIDRs is allowed, one of each IP family. This field is immutable.',
    }),
    AGE_COLUMN,
  ],
  (obj, now) => [nameOf(obj), (obj.spec?.cidrs ?? []).join(","), ageOf(obj, now)],
);

/** An IPAddress (networking.k8s.io/v1beta1+), reduced to what the printer reads. */
interface IPAddress {
  metadata?: { name?: string; creationTimestamp?: string };
  spec?: { parentRef?: { group?: string; resource?: string; namespace?: string; name?: string } };
}

/**
 * IPAddress. Upstream declares only NAME and PARENTREF but sends an Age cell too (kubectl ignores the extra
 * cell); this reproduces the row as upstream sends it.
 */
export const ipAddressPrinter: TablePrinter = printer<IPAddress>(
  [
    NAME_COLUMN,
    column({
      name: "ParentRef",
      description:
        "ParentRef references the resource that an IPAddress is attached to. An IPAddress must reference a parent object.",
    }),
  ],
  (obj, now) => {
    const ref = obj.spec?.parentRef;
    let parent = "<none>";
    if (ref) {
      // schema.GroupResource.String(): "resource" or "resource.group", lower-cased.
      const gr = ref.group ? `${ref.resource ?? ""}.${ref.group}` : (ref.resource ?? "");
      parent = gr.toLowerCase();
      if (ref.namespace) parent += `/${ref.namespace}`;
      parent += `/${ref.name ?? ""}`;
    }
    return [nameOf(obj), parent, ageOf(obj, now)];
  },
);
