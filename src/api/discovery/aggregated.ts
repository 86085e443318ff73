/**
 * Aggregated discovery: the `APIGroupDiscoveryList` kubectl 1.27+ asks `/api` and `/apis` for, carrying every
 * resource of every group/version in one document.
 */
import { registry as defaultRegistry, type ResourceRegistry } from "../resources/registry.js";
import type { GroupVersionKind, ResourceType, SubresourceType } from "../resources/types.js";
import type {
  APIGroupDiscovery,
  APIGroupDiscoveryList,
  APIResourceDiscovery,
  APISubresourceDiscovery,
  GroupVersionKindJSON,
} from "./types.js";

/** apidiscovery.k8s.io versions: v2 (kubectl 1.30+) and v2beta1 (kubectl 1.27–1.29; same shape). */
export type AggregatedVersion = "v2" | "v2beta1";

/** Which document: `/api` (the core group only) or `/apis` (every named group). */
export type DiscoveryRoot = "/api" | "/apis";

function gvk(k: GroupVersionKind): GroupVersionKindJSON {
  return { group: k.group, version: k.version, kind: k.kind };
}

function subresourceEntry(s: SubresourceType): APISubresourceDiscovery {
  return { subresource: s.name, responseKind: gvk(s.responseKind), verbs: [...s.verbs] };
}

/** One resource as aggregated discovery lists it; empty lists are omitted, as upstream omits them. */
export function resourceDiscovery(r: ResourceType): APIResourceDiscovery {
  const entry: APIResourceDiscovery = {
    resource: r.resource,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? "Namespaced" : "Cluster",
    singularResource: r.singular,
    verbs: [...r.verbs],
  };
  if (r.shortNames.length > 0) entry.shortNames = [...r.shortNames];
  if (r.categories.length > 0) entry.categories = [...r.categories];
  if (r.subresources.length > 0) {
    entry.subresources = [...r.subresources].sort((a, b) => (a.name < b.name ? -1 : 1)).map(subresourceEntry);
  }
  return entry;
}

/** One group with its versions in priority order (preferred first), resources sorted by name. */
export function groupDiscovery(name: string, reg: ResourceRegistry = defaultRegistry): APIGroupDiscovery | undefined {
  const info = reg.group(name);
  if (!info) return undefined;
  return {
    metadata: name === "" ? {} : { name },
    versions: info.versions.map((version) => ({
      version,
      resources: reg.resourcesIn(name, version).map(resourceDiscovery),
      freshness: "Current",
    })),
  };
}

/**
 * The body for `/api` (root "/api": the core group alone) or `/apis` (every other group, upstream's order).
 * Serve it with `aggregatedContentType(version)` as Content-Type.
 */
export function buildAggregatedDiscovery(
  root: DiscoveryRoot,
  version: AggregatedVersion = "v2",
  reg: ResourceRegistry = defaultRegistry,
): APIGroupDiscoveryList {
  const names = reg
    .groups()
    .map((g) => g.name)
    .filter((n) => (root === "/api" ? n === "" : n !== ""));
  return {
    kind: "APIGroupDiscoveryList",
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: names.flatMap((n) => groupDiscovery(n, reg) ?? []),
  };
}

/** The exact Content-Type kubectl needs to read the body as aggregated discovery. */
export function aggregatedContentType(version: AggregatedVersion): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}
