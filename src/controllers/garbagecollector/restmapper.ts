/**
 * apiVersion + kind → resource (upstream's RESTMapper over discovery): owner references name kinds, the API
 * names resources. The requested version wins when served; otherwise the group's preferred version is used
 * (the object is the same whichever version reads it).
 */
import type { DiscoveredResource } from "./discovery.js";
import { parseGroupVersion } from "./discovery.js";

export class RestMapper {
  /** "group/version/Kind" and "group/Kind" → resource (the first, i.e. preferred, wins for the latter). */
  readonly #byKind = new Map<string, DiscoveredResource>();

  constructor(resources: readonly DiscoveredResource[] = []) {
    this.add(resources);
  }

  add(resources: readonly DiscoveredResource[]): void {
    for (const r of resources) {
      const exact = `${r.group}/${r.version}/${r.kind}`;
      if (!this.#byKind.has(exact)) this.#byKind.set(exact, r);
      const any = `${r.group}/${r.kind}`;
      if (!this.#byKind.has(any)) this.#byKind.set(any, r);
    }
  }

  /** The resource serving `kind` in `apiVersion`'s group, or undefined when the server does not serve it. */
  resourceFor(apiVersion: string, kind: string): DiscoveredResource | undefined {
    const gv = parseGroupVersion(apiVersion);
    if (!gv) return undefined;
    return this.#byKind.get(`${gv.group}/${gv.version}/${kind}`) ?? this.#byKind.get(`${gv.group}/${kind}`);
  }
}
