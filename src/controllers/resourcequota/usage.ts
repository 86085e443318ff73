/**
 * What each object charges against a quota (upstream pkg/quota/v1/evaluator/core): pods (compute resources
 * and counts), services (counts, node ports, load balancers), persistent volume claims (counts and storage) and
 * plain object counts (`count/<resource>.<group>` and the legacy names configmaps, secrets, …). Pure functions
 * over objects: the controller lists, these sum.
 */
import type { PersistentVolumeClaim, Pod, ResourceQuota, Service } from "kubernetes-types/core/v1.js";
import type { KubeObject } from "../../client/types.js";
import { podLimits, podRequests } from "./pod-resources.js";
import { matchesPodScopes, quotaScopes, type ScopeRequirement } from "./scopes.js";
import {
  addQuantities,
  formatQuantity,
  quantityFromInteger,
  quantityOrZero,
  zeroQuantity,
  type Quantity,
} from "./quantity.js";

export type Usage = Map<string, Quantity>;

/** The quota resource names that count objects of a resource (group "" is core), besides `count/…`. */
const LEGACY_COUNT_NAMES: Readonly<Record<string, string>> = {
  pods: "pods",
  services: "services",
  configmaps: "configmaps",
  secrets: "secrets",
  persistentvolumeclaims: "persistentvolumeclaims",
  replicationcontrollers: "replicationcontrollers",
  resourcequotas: "resourcequotas",
};

/** "count/pods", "count/deployments.apps". */
export function objectCountName(group: string, resource: string): string {
  return group === "" ? `count/${resource}` : `count/${resource}.${group}`;
}

/** Splits "count/deployments.apps" into group and resource; undefined for other names. */
export function parseObjectCountName(name: string): { group: string; resource: string } | undefined {
  if (!name.startsWith("count/")) return undefined;
  const rest = name.slice("count/".length);
  const dot = rest.indexOf(".");
  return dot < 0 ? { group: "", resource: rest } : { group: rest.slice(dot + 1), resource: rest.slice(0, dot) };
}

/** The (group, resource) whose objects a quota resource name is computed from, if we can count it. */
export function sourceResourceOf(name: string): { group: string; resource: string } | undefined {
  const counted = parseObjectCountName(name);
  if (counted) return counted;
  if (name in LEGACY_COUNT_NAMES) return { group: "", resource: LEGACY_COUNT_NAMES[name]! };
  // Compute resources, hugepages and extended resources ("requests.example.com/gpu") come from pods.
  if (POD_COMPUTE.has(name) || name.startsWith("hugepages-")) return { group: "", resource: "pods" };
  if (name.startsWith("requests.") && name !== "requests.storage") return { group: "", resource: "pods" };
  if (name === "services.nodeports" || name === "services.loadbalancers") return { group: "", resource: "services" };
  if (name === "requests.storage" || name.includes(".storageclass.storage.k8s.io/")) {
    return { group: "", resource: "persistentvolumeclaims" };
  }
  return undefined;
}

const POD_COMPUTE = new Set([
  "cpu",
  "memory",
  "ephemeral-storage",
  "requests.cpu",
  "requests.memory",
  "requests.ephemeral-storage",
  "limits.cpu",
  "limits.memory",
  "limits.ephemeral-storage",
]);

/** Upstream QuotaV1Pod: terminal pods, and pods past their deletion grace period, use no compute quota. */
export function podChargesCompute(pod: Pod, now: number = Date.now()): boolean {
  const phase = pod.status?.phase;
  if (phase === "Failed" || phase === "Succeeded") return false;
  const deletion = pod.metadata?.deletionTimestamp;
  const grace = pod.metadata?.deletionGracePeriodSeconds;
  if (deletion && grace !== undefined && now > Date.parse(deletion) + grace * 1000) return false;
  return true;
}

function charge(usage: Usage, name: string, q: Quantity): void {
  const current = usage.get(name);
  usage.set(name, current ? addQuantities(current, q) : q);
}

const ONE = quantityFromInteger(1);

/** Everything one pod charges (pods, count/pods, requests.*, limits.*, cpu, memory, ephemeral-storage). */
export function podUsage(pod: Pod, now: number = Date.now()): Usage {
  const usage: Usage = new Map([["count/pods", ONE]]);
  if (!podChargesCompute(pod, now)) return usage;
  usage.set("pods", ONE);
  const requests = podRequests(pod);
  for (const [resource, q] of requests) {
    const bare = ["cpu", "memory", "ephemeral-storage"].includes(resource) || resource.startsWith("hugepages-");
    if (bare) usage.set(resource, q);
    usage.set(`requests.${resource}`, q);
  }
  const limits = podLimits(pod);
  for (const resource of ["cpu", "memory", "ephemeral-storage"]) {
    const q = limits.get(resource);
    if (q) usage.set(`limits.${resource}`, q);
  }
  return usage;
}

export function serviceUsage(service: Service): Usage {
  const usage: Usage = new Map([
    ["services", ONE],
    ["count/services", ONE],
  ]);
  const ports = service.spec?.ports?.length ?? 0;
  const type = service.spec?.type;
  if (type === "NodePort") usage.set("services.nodeports", quantityFromInteger(ports));
  if (type === "LoadBalancer") {
    usage.set("services.loadbalancers", ONE);
    const allocate = service.spec?.allocateLoadBalancerNodePorts ?? true;
    usage.set("services.nodeports", quantityFromInteger(allocate ? ports : 0));
  }
  return usage;
}

export function persistentVolumeClaimUsage(claim: PersistentVolumeClaim): Usage {
  const usage: Usage = new Map([
    ["persistentvolumeclaims", ONE],
    ["count/persistentvolumeclaims", ONE],
  ]);
  const storage = claim.spec?.resources?.requests?.["storage"];
  const className = claim.spec?.storageClassName;
  if (className) usage.set(`${className}.storageclass.storage.k8s.io/persistentvolumeclaims`, ONE);
  if (storage !== undefined) {
    const q = quantityOrZero(storage);
    usage.set("requests.storage", q);
    if (className) usage.set(`${className}.storageclass.storage.k8s.io/requests.storage`, q);
  }
  return usage;
}

/** Usage of any other object: one in its `count/…` name and its legacy name, if it has one. */
export function objectCountUsage(group: string, resource: string): Usage {
  const usage: Usage = new Map([[objectCountName(group, resource), ONE]]);
  if (group === "" && resource in LEGACY_COUNT_NAMES) usage.set(LEGACY_COUNT_NAMES[resource]!, ONE);
  return usage;
}

/** What an object of (group, resource) charges. */
export function usageOf(group: string, resource: string, object: KubeObject, now: number = Date.now()): Usage {
  if (group === "" && resource === "pods") return podUsage(object as Pod, now);
  if (group === "" && resource === "services") return serviceUsage(object as Service);
  if (group === "" && resource === "persistentvolumeclaims")
    return persistentVolumeClaimUsage(object as PersistentVolumeClaim);
  return objectCountUsage(group, resource);
}

/**
 * The objects of one resource in the quota's namespace: `objectsOf(group, resource)`, or undefined when that
 * resource cannot be counted here (not served, no informer): its usage then keeps its previous value.
 */
export type ObjectSource = (group: string, resource: string) => readonly KubeObject[] | undefined;

/**
 * status.used for a quota (upstream CalculateUsage + Mask): every hard resource we know how to count starts at
 * zero and sums the usage of matching objects; scoped quotas only count pods that match every scope (other
 * resources are zero under scopes). Resources we cannot count keep their previous value, if any.
 */
export function computeQuotaUsed(quota: ResourceQuota, objectsOf: ObjectSource, now: number = Date.now()): Usage {
  const hard = quota.spec?.hard ?? {};
  const scopes: ScopeRequirement[] = quotaScopes(quota);
  const used: Usage = new Map();
  const bySource = new Map<string, { group: string; resource: string; names: string[] }>();
  for (const name of Object.keys(hard)) {
    const source = sourceResourceOf(name);
    if (!source || (scopes.length === 0 && !objectsOf(source.group, source.resource))) {
      const previous = quota.status?.used?.[name];
      if (previous !== undefined) used.set(name, quantityOrZero(previous));
      continue;
    }
    used.set(name, zeroQuantity());
    const key = `${source.group}/${source.resource}`;
    const entry = bySource.get(key) ?? { ...source, names: [] };
    entry.names.push(name);
    bySource.set(key, entry);
  }
  for (const { group, resource, names } of bySource.values()) {
    const isPods = group === "" && resource === "pods";
    if (scopes.length > 0 && !isPods) continue; // only pods support scopes (upstream matchesNoScopeFunc)
    for (const object of objectsOf(group, resource) ?? []) {
      if (isPods && !matchesPodScopes(object as Pod, scopes)) continue;
      const usage = usageOf(group, resource, object, now);
      for (const name of names) {
        const q = usage.get(name);
        if (q) charge(used, name, q);
      }
    }
  }
  return used;
}

/** A usage map as a ResourceList of canonical quantity strings. */
export function usageToResourceList(usage: Usage): Record<string, string> {
  const list: Record<string, string> = {};
  for (const name of [...usage.keys()].sort()) list[name] = formatQuantity(usage.get(name)!);
  return list;
}
