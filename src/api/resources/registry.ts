/**
 * Lookups over the resource catalog: by group/version/resource, by group/version/kind, by the names a kubectl
 * user types (plural, singular, short name, optionally `name.group`), and the group/version lists discovery
 * publishes in upstream's order.
 */
import { GROUP_ORDER, RESOURCES } from "./catalog.js";
import type { ResourceType, SubresourceType } from "./types.js";

export interface GroupVersion {
  readonly group: string;
  readonly version: string;
}

export interface GroupInfo {
  /** "" for the core group. */
  readonly name: string;
  /** Highest priority first; the first is the preferred version. */
  readonly versions: readonly string[];
  readonly preferredVersion: string;
}

const VERSION_RE = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

/**
 * Upstream's version priority (k8s.io/apimachinery version.CompareKubeAwareVersionStrings): GA before beta
 * before alpha, higher numbers first; names that are not Kubernetes versions last, alphabetically.
 * Negative when `a` sorts before `b`.
 */
export function compareVersions(a: string, b: string): number {
  const ma = VERSION_RE.exec(a);
  const mb = VERSION_RE.exec(b);
  if (!ma || !mb) {
    if (ma) return -1;
    if (mb) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const stability = (m: RegExpExecArray): number => (m[2] === undefined ? 2 : m[2] === "beta" ? 1 : 0);
  const bySt = stability(mb) - stability(ma);
  if (bySt !== 0) return bySt;
  const byMajor = Number(mb[1]) - Number(ma[1]);
  if (byMajor !== 0) return byMajor;
  return Number(mb[3] ?? 0) - Number(ma[3] ?? 0);
}

/** Upstream's group order: core first, then by APIService group priority, then by name. */
export function compareGroups(a: string, b: string): number {
  const rank = (g: string): number => {
    const i = GROUP_ORDER.indexOf(g);
    return i < 0 ? GROUP_ORDER.length : i;
  };
  const byRank = rank(a) - rank(b);
  if (byRank !== 0) return byRank;
  return a < b ? -1 : a > b ? 1 : 0;
}

function gvKey(group: string, version: string): string {
  return `${group}/${version}`;
}

export class ResourceRegistry {
  readonly resources: readonly ResourceType[];
  private readonly byResource = new Map<string, ResourceType>();
  private readonly byKindMap = new Map<string, ResourceType>();
  private readonly byGroupVersion = new Map<string, ResourceType[]>();
  private readonly groupList: readonly GroupInfo[];

  constructor(resources: readonly ResourceType[] = RESOURCES) {
    this.resources = resources;
    const versionsByGroup = new Map<string, Set<string>>();
    for (const r of resources) {
      const key = gvKey(r.group, r.version);
      if (this.byResource.has(`${key}/${r.resource}`)) throw new Error(`duplicate resource ${key}/${r.resource}`);
      this.byResource.set(`${key}/${r.resource}`, r);
      // A kind served by two resources in one group/version keeps the first (upstream has none such).
      if (!this.byKindMap.has(`${key}/${r.kind}`)) this.byKindMap.set(`${key}/${r.kind}`, r);
      const inGv = this.byGroupVersion.get(key) ?? [];
      inGv.push(r);
      this.byGroupVersion.set(key, inGv);
      const versions = versionsByGroup.get(r.group) ?? new Set<string>();
      versions.add(r.version);
      versionsByGroup.set(r.group, versions);
    }
    for (const list of this.byGroupVersion.values()) list.sort((a, b) => (a.resource < b.resource ? -1 : 1));
    this.groupList = [...versionsByGroup.entries()]
      .sort(([a], [b]) => compareGroups(a, b))
      .map(([name, set]) => {
        const versions = [...set].sort(compareVersions);
        return { name, versions, preferredVersion: versions[0] ?? "" };
      });
  }

  /** By group, version and plural resource name ("", "v1", "pods"). */
  get(group: string, version: string, resource: string): ResourceType | undefined {
    return this.byResource.get(`${gvKey(group, version)}/${resource}`);
  }

  /** A subresource of a resource ("", "v1", "pods", "status"). */
  subresource(group: string, version: string, resource: string, name: string): SubresourceType | undefined {
    return this.get(group, version, resource)?.subresources.find((s) => s.name === name);
  }

  /** By group, version and kind ("apps", "v1", "Deployment"). */
  byKind(group: string, version: string, kind: string): ResourceType | undefined {
    return this.byKindMap.get(`${gvKey(group, version)}/${kind}`);
  }

  /** By an `apiVersion` string ("v1", "apps/v1") and kind, as objects carry them. */
  byApiVersionKind(apiVersion: string, kind: string): ResourceType | undefined {
    const slash = apiVersion.indexOf("/");
    if (slash < 0) return this.byKind("", apiVersion, kind);
    return this.byKind(apiVersion.slice(0, slash), apiVersion.slice(slash + 1), kind);
  }

  /**
   * What a kubectl user may type: plural, singular or short name, case-insensitively, optionally qualified
   * as `name.group` or `name.version.group`. Matches in every group come back in discovery order (core first,
   * preferred version first), so the first entry is what kubectl would pick.
   */
  find(name: string): ResourceType[] {
    const lower = name.toLowerCase();
    const out: ResourceType[] = [];
    for (const r of this.ordered()) {
      for (const candidate of [r.resource, r.singular, ...r.shortNames]) {
        if (
          lower === candidate ||
          (r.group !== "" && lower === `${candidate}.${r.group}`) ||
          lower === `${candidate}.${r.version}.${r.group}`.replace(/\.$/, "")
        ) {
          out.push(r);
          break;
        }
      }
    }
    return out;
  }

  /** Groups in upstream's `/apis` order (the core group "" first), versions in priority order. */
  groups(): readonly GroupInfo[] {
    return this.groupList;
  }

  group(name: string): GroupInfo | undefined {
    return this.groupList.find((g) => g.name === name);
  }

  preferredVersion(group: string): string | undefined {
    return this.group(group)?.preferredVersion;
  }

  /** Every served group/version, core first, in upstream's order. */
  groupVersions(): GroupVersion[] {
    return this.groupList.flatMap((g) => g.versions.map((version) => ({ group: g.name, version })));
  }

  /** The resources of one group/version, sorted by plural name; empty when it is not served. */
  resourcesIn(group: string, version: string): readonly ResourceType[] {
    return this.byGroupVersion.get(gvKey(group, version)) ?? [];
  }

  /** Every resource, groups in discovery order, preferred version first, resources by name. */
  ordered(): ResourceType[] {
    return this.groupVersions().flatMap((gv) => this.resourcesIn(gv.group, gv.version));
  }
}

/** The registry of Skiff's built-in resources. */
export const registry = new ResourceRegistry();
