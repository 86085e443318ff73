/** Service validation (ValidateService, ValidateServiceUpdate; cluster IP / family rules). */
import type { Service, ServiceSpec } from "kubernetes-types/core/v1.js";
import { validateLabels } from "../selectors/validation.js";
import type { FieldError } from "../status.js";
import { duplicate, forbidden, GoRepr, invalid, notSupported, required } from "./errors.js";
import { goQuote } from "../selectors/goformat.js";
import { goStrings } from "./goformat.js";
import { dnsLabel, PROTOCOLS, validatePortNumOrName } from "./container.js";
import {
  isDNS1123Subdomain,
  isQualifiedName,
  isValidIP,
  isValidPortNum,
  nameIsDNS1035Label,
  VALID_IP_ERROR,
} from "./names.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./objectmeta.js";

const SERVICE_TYPES = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
const AFFINITIES = ["ClientIP", "None"];
const TRAFFIC_POLICIES = ["Cluster", "Local"];
const IP_FAMILIES = ["IPv4", "IPv6"];
const IP_FAMILY_POLICIES = ["PreferDualStack", "RequireDualStack", "SingleStack"];

/** spec.clusterIPs as the strategy normalizes it: [clusterIP] when only clusterIP was given. */
function clusterIPs(spec: ServiceSpec): string[] {
  if (spec.clusterIPs?.length) return [...spec.clusterIPs];
  return spec.clusterIP ? [spec.clusterIP] : [];
}

function isHeadless(spec: ServiceSpec): boolean {
  const ips = clusterIPs(spec);
  return ips.length === 1 && ips[0] === "None";
}

const externallyAccessible = (spec: ServiceSpec): boolean =>
  spec.type === "LoadBalancer" ||
  spec.type === "NodePort" ||
  (spec.type === "ClusterIP" && (spec.externalIPs?.length ?? 0) > 0);

const isIPv6 = (ip: string): boolean => ip.includes(":");

function validateClusterIPsRelated(spec: ServiceSpec): FieldError[] {
  if (spec.type === "ExternalName") return [];
  const errs: FieldError[] = [];
  const ips = clusterIPs(spec);
  const path = "spec.clusterIPs";
  if (spec.clusterIP) {
    if (ips[0] !== spec.clusterIP) errs.push(invalid(path, goStrings(ips), "first value must match `clusterIP`"));
  } else if (spec.clusterIPs?.length) {
    errs.push(invalid(path, goStrings(ips), "must be empty when `clusterIP` is not specified"));
  }
  const seen = new Set<string>();
  (spec.ipFamilies ?? []).forEach((fam, i) => {
    if (!IP_FAMILIES.includes(fam)) errs.push(notSupported(`spec.ipFamilies[${i}]`, fam, IP_FAMILIES));
    if (seen.has(fam)) errs.push(duplicate(`spec.ipFamilies[${i}]`, fam));
    seen.add(fam);
  });
  if (
    spec.ipFamilyPolicy !== undefined &&
    spec.ipFamilyPolicy !== null &&
    !IP_FAMILY_POLICIES.includes(spec.ipFamilyPolicy)
  ) {
    errs.push(notSupported("spec.ipFamilyPolicy", spec.ipFamilyPolicy, IP_FAMILY_POLICIES));
  }
  let badIPs = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === "None") {
      if (ips.length > 1) {
        badIPs = true;
        errs.push(invalid(path, goStrings(ips), "'None' must be the first and only value"));
      }
      return;
    }
    if (!isValidIP(ip)) {
      badIPs = true;
      errs.push(invalid(`${path}[${i}]`, ip, VALID_IP_ERROR));
    }
  });
  if (ips.length > 2) errs.push(invalid(path, goStrings(ips), "may only hold up to 2 values"));
  if (badIPs) return errs;
  if (ips.length > 1 && isIPv6(ips[0]!) === isIPv6(ips[1]!)) {
    errs.push(invalid(path, goStrings(ips), "may specify no more than one IP for each IP family"));
  }
  const fams = spec.ipFamilies ?? [];
  if (!isHeadless(spec) && ips.length && fams.length) {
    ips.forEach((ip, i) => {
      if (i >= fams.length) return;
      if (fams[i] === "IPv4" && isIPv6(ip))
        errs.push(invalid(`${path}[${i}]`, ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      if (fams[i] === "IPv6" && !isIPv6(ip))
        errs.push(invalid(`${path}[${i}]`, ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
    });
  }
  return errs;
}

function goServicePortKey(protocol: string, port: number): GoRepr {
  return new GoRepr(
    `core.ServicePort{Name:"", Protocol:${goQuote(protocol)}, AppProtocol:(*string)(nil), Port:${port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`,
  );
}

/** ValidateService. */
function validateServiceSpec(svc: Service): FieldError[] {
  const spec = svc.spec ?? ({} as ServiceSpec);
  const errs: FieldError[] = [];
  const ports = spec.ports ?? [];
  const headless = isHeadless(spec);
  const ips = clusterIPs(spec);
  if (ports.length === 0 && !headless && spec.type !== "ExternalName") errs.push(required("spec.ports"));
  switch (spec.type) {
    case "LoadBalancer":
      if (headless)
        errs.push(invalid("spec.clusterIPs[0]", ips[0]!, "may not be set to 'None' for LoadBalancer services"));
      break;
    case "NodePort":
      if (headless) errs.push(invalid("spec.clusterIPs[0]", ips[0]!, "may not be set to 'None' for NodePort services"));
      break;
    case "ExternalName": {
      if (ips.length) errs.push(forbidden("spec.clusterIPs", "may not be set for ExternalName services"));
      if (spec.ipFamilies?.length) errs.push(forbidden("spec.ipFamilies", "may not be set for ExternalName services"));
      if (spec.ipFamilyPolicy !== undefined && spec.ipFamilyPolicy !== null) {
        errs.push(forbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services"));
      }
      const cname = (spec.externalName ?? "").replace(/\.$/, "");
      if (cname) for (const m of isDNS1123Subdomain(cname)) errs.push(invalid("spec.externalName", cname, m));
      else errs.push(required("spec.externalName"));
      break;
    }
  }
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const at = `spec.ports[${i}]`;
    if (ports.length > 1 && !p.name) errs.push(required(`${at}.name`));
    else if (p.name) {
      errs.push(...dnsLabel(p.name, `${at}.name`));
      if (names.has(p.name)) errs.push(duplicate(`${at}.name`, p.name));
      else names.add(p.name);
    }
    for (const m of isValidPortNum(p.port ?? 0)) errs.push(invalid(`${at}.port`, p.port ?? 0, m));
    if (!p.protocol) errs.push(required(`${at}.protocol`));
    else if (!PROTOCOLS.includes(p.protocol)) errs.push(notSupported(`${at}.protocol`, p.protocol, PROTOCOLS));
    errs.push(...validatePortNumOrName(p.targetPort ?? 0, `${at}.targetPort`));
    if (p.appProtocol !== undefined && p.appProtocol !== null) {
      for (const m of isQualifiedName(p.appProtocol)) errs.push(invalid(`${at}.appProtocol`, p.appProtocol, m));
    }
  });
  if (spec.selector) errs.push(...validateLabels(spec.selector, "spec.selector"));
  const sa = spec.sessionAffinity ?? "";
  if (!sa) errs.push(required("spec.sessionAffinity"));
  else if (!AFFINITIES.includes(sa)) errs.push(notSupported("spec.sessionAffinity", sa, AFFINITIES));
  if (sa === "ClientIP") {
    const cfg = spec.sessionAffinityConfig;
    const p = "spec.sessionAffinityConfig";
    if (!cfg) errs.push(required(p, "when session affinity type is ClientIP"));
    else if (!cfg.clientIP) errs.push(required(`${p}.clientIP`, "when session affinity type is ClientIP"));
    else if (cfg.clientIP.timeoutSeconds === undefined || cfg.clientIP.timeoutSeconds === null) {
      errs.push(required(`${p}.clientIP.timeoutSeconds`, "when session affinity type is ClientIP"));
    } else if (cfg.clientIP.timeoutSeconds <= 0 || cfg.clientIP.timeoutSeconds > 86400) {
      errs.push(
        invalid(
          `${p}.clientIP.timeoutSeconds`,
          cfg.clientIP.timeoutSeconds,
          "must be greater than 0 and less than 86400",
        ),
      );
    }
  } else if (sa === "None" && spec.sessionAffinityConfig) {
    errs.push(forbidden("spec.sessionAffinityConfig", "must not be set when session affinity is None"));
  }
  errs.push(...validateClusterIPsRelated(spec));
  (spec.externalIPs ?? []).forEach((ip, i) => {
    if (!isValidIP(ip)) errs.push(invalid(`spec.externalIPs[${i}]`, ip, VALID_IP_ERROR));
  });
  const type = spec.type ?? "";
  if (!type) errs.push(required("spec.type"));
  else if (!SERVICE_TYPES.includes(type)) errs.push(notSupported("spec.type", type, SERVICE_TYPES));
  if (type === "ClusterIP") {
    ports.forEach((p, i) => {
      if (p.nodePort) errs.push(forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    if (!p.nodePort) return;
    const key = `${p.protocol ?? ""}/${p.nodePort}`;
    if (nodePorts.has(key)) errs.push(duplicate(`spec.ports[${i}].nodePort`, p.nodePort));
    nodePorts.add(key);
  });
  const seenPorts = new Set<string>();
  ports.forEach((p, i) => {
    const key = `${p.protocol ?? ""}/${p.port ?? 0}`;
    if (seenPorts.has(key)) {
      // Upstream prints the core.ServicePort key struct; status.ts can only quote it.
      errs.push(duplicate(`spec.ports[${i}]`, goServicePortKey(p.protocol ?? "", p.port ?? 0).text));
    }
    seenPorts.add(key);
  });
  if (spec.loadBalancerSourceRanges?.length && type !== "LoadBalancer") {
    errs.push(forbidden("spec.LoadBalancerSourceRanges", "may only be used when `type` is 'LoadBalancer'"));
  }
  if (
    spec.allocateLoadBalancerNodePorts !== undefined &&
    spec.allocateLoadBalancerNodePorts !== null &&
    type !== "LoadBalancer"
  ) {
    errs.push(forbidden("spec.allocateLoadBalancerNodePorts", "may only be used when `type` is 'LoadBalancer'"));
  }
  if (
    type === "LoadBalancer" &&
    (spec.allocateLoadBalancerNodePorts === undefined || spec.allocateLoadBalancerNodePorts === null)
  ) {
    errs.push(required("allocateLoadBalancerNodePorts"));
  }
  const etp = spec.externalTrafficPolicy ?? "";
  if (!externallyAccessible(spec)) {
    if (etp)
      errs.push(invalid("spec.externalTrafficPolicy", etp, "may only be set for externally-accessible services"));
  } else if (!etp) errs.push(required("spec.externalTrafficPolicy"));
  else if (!TRAFFIC_POLICIES.includes(etp))
    errs.push(notSupported("spec.externalTrafficPolicy", etp, TRAFFIC_POLICIES));
  const needsHealthCheck = type === "LoadBalancer" && etp === "Local";
  const hc = spec.healthCheckNodePort ?? 0;
  if (!needsHealthCheck) {
    if (hc)
      errs.push(
        invalid(
          "spec.healthCheckNodePort",
          hc,
          "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
        ),
      );
  } else if (!hc) errs.push(required("spec.healthCheckNodePort"));
  else for (const m of isValidPortNum(hc)) errs.push(invalid("spec.healthCheckNodePort", hc, m));
  const itp = spec.internalTrafficPolicy;
  if (itp === undefined || itp === null) {
    if (type === "NodePort" || type === "LoadBalancer" || type === "ClusterIP")
      errs.push(required("spec.internalTrafficPolicy"));
  } else if (!TRAFFIC_POLICIES.includes(itp))
    errs.push(notSupported("spec.internalTrafficPolicy", itp, TRAFFIC_POLICIES));
  const td = spec.trafficDistribution;
  if (td !== undefined && td !== null && td !== "PreferClose") {
    errs.push(notSupported("spec.trafficDistribution", td, ["PreferClose"]));
  }
  return errs;
}

function validateClusterIPUpdate(spec: ServiceSpec, old: ServiceSpec): FieldError[] {
  if (spec.type === "ExternalName" || old.type === "ExternalName") return [];
  if (isHeadless(spec) && isHeadless(old)) return [];
  const errs: FieldError[] = [];
  const ips = clusterIPs(spec);
  const oldIPs = clusterIPs(old);
  const at0 = "spec.clusterIPs[0]";
  if (oldIPs.length === ips.length) {
    oldIPs.forEach((ip, i) => {
      if (ip !== ips[i]) errs.push(invalid(`spec.clusterIPs[${i}]`, goStrings(ips), "may not change once set"));
    });
  } else if (oldIPs.length > ips.length) {
    if (ips.length === 0) errs.push(invalid(at0, goStrings(ips), "primary clusterIP can not be unset"));
    if (oldIPs.length && ips.length && ips[0] !== oldIPs[0])
      errs.push(invalid(at0, goStrings(ips), "may not change once set"));
    if (ips.length === 1 && spec.ipFamilyPolicy !== "SingleStack") {
      errs.push(
        invalid(
          at0,
          goStrings(ips),
          "`ipFamilyPolicy` must be set to 'SingleStack' when releasing the secondary clusterIP",
        ),
      );
    }
  } else if (oldIPs.length && ips[0] !== oldIPs[0]) {
    errs.push(invalid(at0, goStrings(ips), "may not change once set"));
  }
  return errs;
}

function validateIPFamiliesUpdate(spec: ServiceSpec, old: ServiceSpec): FieldError[] {
  if (spec.type === "ExternalName" || old.type === "ExternalName") return [];
  if (isHeadless(spec) || isHeadless(old)) return [];
  const fams = spec.ipFamilies ?? [];
  const oldFams = old.ipFamilies ?? [];
  const errs: FieldError[] = [];
  const at0 = "spec.ipFamilies[0]";
  if (oldFams.length === fams.length) {
    oldFams.forEach((f, i) => {
      if (f !== fams[i]) errs.push(invalid(at0, goStrings(fams), "may not change once set"));
    });
  } else if (oldFams.length > fams.length) {
    if (clusterIPs(spec).length === 0) errs.push(invalid(at0, goStrings(fams), "primary ipFamily can not be unset"));
    if (oldFams.length && fams.length && fams[0] !== oldFams[0])
      errs.push(invalid(at0, goStrings(fams), "may not change once set"));
    if (fams.length === 1 && spec.ipFamilyPolicy !== "SingleStack") {
      errs.push(
        invalid(
          at0,
          goStrings(fams),
          "`ipFamilyPolicy` must be set to 'SingleStack' when releasing the secondary ipFamily",
        ),
      );
    }
  } else if (oldFams.length && fams[0] !== oldFams[0]) {
    errs.push(invalid(at0, goStrings(fams), "may not change once set"));
  }
  return errs;
}

export function validateService(svc: Service, old?: Service): FieldError[] {
  if (!old) {
    const errs = validateObjectMeta(svc.metadata, { namespaced: true, nameFn: nameIsDNS1035Label });
    errs.push(...validateServiceSpec(svc));
    return errs;
  }
  const spec = svc.spec ?? ({} as ServiceSpec);
  const oldSpec = old.spec ?? ({} as ServiceSpec);
  const errs = validateObjectMetaUpdate(svc.metadata, old.metadata);
  errs.push(...validateClusterIPUpdate(spec, oldSpec));
  errs.push(...validateIPFamiliesUpdate(spec, oldSpec));
  const oldNeeds = oldSpec.type === "LoadBalancer" && oldSpec.externalTrafficPolicy === "Local";
  const newNeeds = spec.type === "LoadBalancer" && spec.externalTrafficPolicy === "Local";
  if (oldNeeds && newNeeds && (spec.healthCheckNodePort ?? 0) !== (oldSpec.healthCheckNodePort ?? 0)) {
    errs.push(forbidden("spec.healthCheckNodePort", "field is immutable"));
  }
  errs.push(...validateObjectMeta(svc.metadata, { namespaced: true, nameFn: nameIsDNS1035Label }));
  errs.push(...validateServiceSpec(svc));
  return errs;
}

/**
 * The node-port allocator's range check (upstream runs it before validation and answers its own 422):
 * `spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767`.
 */
export function validateNodePortRange(svc: Service, min = 30000, max = 32767): FieldError[] {
  const errs: FieldError[] = [];
  (svc.spec?.ports ?? []).forEach((p, i) => {
    if (p.nodePort && (p.nodePort < min || p.nodePort > max)) {
      errs.push(
        invalid(
          `spec.ports[${i}].nodePort`,
          p.nodePort,
          `provided port is not in the valid range. The range of valid ports is ${min}-${max}`,
        ),
      );
    }
  });
  return errs;
}
