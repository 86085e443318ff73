/**
 * Legacy discovery (what kubectl falls back to when a server does not answer aggregated discovery, and what
 * `/api/v1`, `/apis/G` and `/apis/G/V` always answer): APIVersions, APIGroupList, APIGroup, APIResourceList.
 */
import { registry as defaultRegistry, type GroupInfo, type ResourceRegistry } from "../resources/registry.js";
import type { ResourceType } from "../resources/types.js";
import type {
  APIGroup,
  APIGroupList,
  APIResource,
  APIResourceList,
  APIVersions,
  GroupVersionForDiscovery,
  ServerAddressByClientCIDR,
} from "./types.js";

function groupVersionString(group: string, version: string): string {
  return group === "" ? version : `${group}/${version}`;
}

function forDiscovery(group: string, version: string): GroupVersionForDiscovery {
  return { groupVersion: groupVersionString(group, version), version };
}

/**
 * `/api`: the core versions and the address clients should use. `serverAddress` is `host:port` as clients
 * reach the server (upstream publishes one entry for clientCIDR 0.0.0.0/0).
 */
export function buildAPIVersions(serverAddress: string, reg: ResourceRegistry = defaultRegistry): APIVersions {
  const core = reg.group("");
  const serverAddressByClientCIDRs: ServerAddressByClientCIDR[] = [{ clientCIDR: "0.0.0.0/0", serverAddress }];
  return { kind: "APIVersions", versions: [...(core?.versions ?? [])], serverAddressByClientCIDRs };
}

function groupEntry(info: GroupInfo): APIGroup {
  return {
    name: info.name,
    versions: info.versions.map((v) => forDiscovery(info.name, v)),
    preferredVersion: forDiscovery(info.name, info.preferredVersion),
  };
}

/** `/apis`: every named group in upstream's order, each with its versions and preferred version. */
export function buildAPIGroupList(reg: ResourceRegistry = defaultRegistry): APIGroupList {
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: reg
      .groups()
      .filter((g) => g.name !== "")
      .map(groupEntry),
  };
}

/** `/apis/G`: one group; undefined (answer 404) when the group is not served. */
export function buildAPIGroup(group: string, reg: ResourceRegistry = defaultRegistry): APIGroup | undefined {
  const info = group === "" ? undefined : reg.group(group);
  if (!info) return undefined;
  return { kind: "APIGroup", apiVersion: "v1", ...groupEntry(info) };
}

function resourceEntries(r: ResourceType): APIResource[] {
  const main: APIResource = {
    name: r.resource,
    singularName: r.singular,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: [...r.verbs],
  };
  if (r.shortNames.length > 0) main.shortNames = [...r.shortNames];
  if (r.categories.length > 0) main.categories = [...r.categories];
  const subs = r.subresources.map((s): APIResource => {
    const otherGroupVersion = s.responseKind.group !== r.group || s.responseKind.version !== r.version;
    return {
      name: `${r.resource}/${s.name}`,
      singularName: "",
      namespaced: r.namespaced,
      ...(otherGroupVersion ? { group: s.responseKind.group, version: s.responseKind.version } : {}),
      kind: s.responseKind.kind,
      verbs: [...s.verbs],
    };
  });
  return [main, ...subs];
}

/**
 * `/api/v1` or `/apis/G/V`: the resources of one group/version with their subresources as `name/sub` entries,
 * sorted by name like upstream; undefined (answer 404) when the group/version is not served.
 */
export function buildAPIResourceList(
  group: string,
  version: string,
  reg: ResourceRegistry = defaultRegistry,
): APIResourceList | undefined {
  const resources = reg.resourcesIn(group, version);
  if (resources.length === 0) return undefined;
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: groupVersionString(group, version),
    resources: resources.flatMap(resourceEntries).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
}
