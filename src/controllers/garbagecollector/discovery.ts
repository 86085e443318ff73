/**
 * API discovery for the namespace and garbage-collector controllers (upstream client-go discovery's
 * ServerPreferredResources + restmapper): every resource the server serves, in its group's preferred version
 * (resources only in other versions are added from those), with verbs and scope; partial failures are reported
 * like upstream's ErrGroupDiscoveryFailed and the rest is still returned.
 */
import type { Client, Resource } from "../../client/types.js";

/** A discovered resource (top-level only; subresources such as pods/status are dropped). */
export interface DiscoveredResource extends Resource {
  readonly verbs: readonly string[];
}

export interface DiscoveryResult {
  readonly resources: readonly DiscoveredResource[];
  /** Group versions whose discovery failed, with the error (upstream ErrGroupDiscoveryFailed.Groups). */
  readonly failedGroups: ReadonlyMap<string, Error>;
  /** Group version strings that do not parse (upstream GroupVersionResources' parse errors). */
  readonly unparsableGroupVersions: readonly string[];
}

interface APIResource {
  name: string;
  namespaced: boolean;
  kind: string;
  verbs?: string[];
  group?: string;
  version?: string;
}

interface APIResourceList {
  groupVersion: string;
  resources?: APIResource[];
}

interface APIGroup {
  name: string;
  versions?: { groupVersion: string; version: string }[];
  preferredVersion?: { groupVersion: string; version: string };
}

/** Upstream schema.ParseGroupVersion: "" and "v1" are core, "g/v" a group, anything else fails. */
export function parseGroupVersion(groupVersion: string): { group: string; version: string } | undefined {
  if (groupVersion === "") return { group: "", version: "" };
  const parts = groupVersion.split("/");
  if (parts.length === 1) return { group: "", version: parts[0]! };
  if (parts.length === 2) return { group: parts[0]!, version: parts[1]! };
  return undefined;
}

/** The message of upstream's ErrGroupDiscoveryFailed. */
export function discoveryFailureMessage(failed: ReadonlyMap<string, Error>): string {
  const parts = [...failed].sort(([a], [b]) => a.localeCompare(b)).map(([gv, e]) => `${gv}: ${e.message}`);
  return `unable to retrieve the complete list of server APIs: ${parts.join(", ")}`;
}

/** Discovers every resource, preferred versions first (upstream ServerPreferredResources). */
export async function discoverPreferredResources(client: Client): Promise<DiscoveryResult> {
  const failedGroups = new Map<string, Error>();
  const unparsableGroupVersions: string[] = [];
  const ordered: string[][] = []; // per group: its group versions, preferred first
  const [core, groups] = await Promise.all([
    client.request<{ versions?: string[] }>("GET", "/api"),
    client.request<{ groups?: APIGroup[] }>("GET", "/apis"),
  ]);
  ordered.push((core.versions ?? []).map((v) => v));
  for (const group of groups.groups ?? []) {
    const versions = (group.versions ?? []).map((v) => v.groupVersion);
    const preferred = group.preferredVersion?.groupVersion;
    ordered.push(preferred ? [preferred, ...versions.filter((v) => v !== preferred)] : versions);
  }
  const lists = new Map<string, APIResourceList>();
  await Promise.all(
    ordered.flat().map(async (gv) => {
      const path = parseGroupVersion(gv)?.group === "" ? `/api/${gv}` : `/apis/${gv}`;
      try {
        lists.set(gv, await client.request<APIResourceList>("GET", path));
      } catch (error) {
        failedGroups.set(gv, error instanceof Error ? error : new Error(String(error)));
      }
    }),
  );
  const resources: DiscoveredResource[] = [];
  for (const versions of ordered) {
    const seen = new Set<string>();
    for (const gv of versions) {
      const list = lists.get(gv);
      if (!list) continue;
      const parsed = parseGroupVersion(list.groupVersion ?? gv);
      if (!parsed) {
        unparsableGroupVersions.push(list.groupVersion);
        continue;
      }
      for (const r of list.resources ?? []) {
        if (r.name.includes("/") || seen.has(r.name)) continue;
        seen.add(r.name);
        resources.push({
          group: r.group ?? parsed.group,
          version: r.version ?? parsed.version,
          resource: r.name,
          kind: r.kind,
          namespaced: r.namespaced,
          verbs: r.verbs ?? [],
        });
      }
    }
  }
  return { resources, failedGroups, unparsableGroupVersions };
}

/** True when the resource supports every one of `verbs` (upstream discovery.SupportsAllVerbs). */
export function supportsAll(resource: DiscoveredResource, verbs: readonly string[]): boolean {
  return verbs.every((v) => resource.verbs.includes(v));
}

/** "pods" or "deployments.apps": a resource as upstream's GroupResource.String() prints it. */
export function groupResourceString(resource: Resource): string {
  return resource.group === "" ? resource.resource : `${resource.resource}.${resource.group}`;
}
