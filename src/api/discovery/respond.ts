/**
 * One call for the API server: given a GET path and its headers, the discovery response to send, or undefined
 * when the path is not a discovery document (`/api/v1/pods` …) so the caller routes it on.
 */
import { registry as defaultRegistry, type ResourceRegistry } from "../resources/registry.js";
import { aggregatedContentType, buildAggregatedDiscovery } from "./aggregated.js";
import { discoveryETag, etagMatches } from "./etag.js";
import { buildAPIGroup, buildAPIGroupList, buildAPIResourceList, buildAPIVersions } from "./legacy.js";
import { negotiateDiscovery } from "./negotiate.js";

export interface DiscoveryResponse {
  /** 200, or 304 when If-None-Match matched (then `body` is empty). */
  readonly status: 200 | 304;
  /** Content-Type, ETag and Vary (the form depends on Accept). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface DiscoveryOptions {
  /** `host:port` published in `/api`'s serverAddressByClientCIDRs. */
  readonly serverAddress: string;
  readonly registry?: ResourceRegistry;
}

interface Cached {
  readonly contentType: string;
  readonly body: string;
  readonly etag: string;
}

/** Serves discovery from documents built once (the catalog is static) per path and form. */
export class DiscoveryResponder {
  private readonly cache = new Map<string, Cached | null>();
  private readonly reg: ResourceRegistry;

  constructor(private readonly options: DiscoveryOptions) {
    this.reg = options.registry ?? defaultRegistry;
  }

  /**
   * `path` without the query string (`/api`, `/apis`, `/api/v1`, `/apis/apps`, `/apis/apps/v1`, one trailing
   * slash tolerated); `accept` and `ifNoneMatch` are the raw request headers.
   */
  respond(path: string, accept?: string, ifNoneMatch?: string): DiscoveryResponse | undefined {
    const p = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
    const form = p === "/api" || p === "/apis" ? negotiateDiscovery(accept) : undefined;
    const key = `${p} ${form?.form === "aggregated" ? form.version : "legacy"}`;
    let doc = this.cache.get(key);
    if (doc === undefined) {
      doc = this.build(p, form?.form === "aggregated" ? form.version : undefined) ?? null;
      this.cache.set(key, doc);
    }
    if (doc === null) return undefined;
    const headers = { "Content-Type": doc.contentType, ETag: doc.etag, Vary: "Accept" };
    if (etagMatches(ifNoneMatch, doc.etag)) return { status: 304, headers, body: "" };
    return { status: 200, headers, body: doc.body };
  }

  /** Forget the built documents (after the served resources change, e.g. once CRDs exist). */
  invalidate(): void {
    this.cache.clear();
  }

  private build(path: string, aggregated: "v2" | "v2beta1" | undefined): Cached | undefined {
    const value = this.document(path, aggregated);
    if (value === undefined) return undefined;
    const body = JSON.stringify(value);
    const contentType = aggregated === undefined ? "application/json" : aggregatedContentType(aggregated);
    return { contentType, body, etag: discoveryETag(body) };
  }

  private document(path: string, aggregated: "v2" | "v2beta1" | undefined): object | undefined {
    if (path === "/api") {
      return aggregated
        ? buildAggregatedDiscovery("/api", aggregated, this.reg)
        : buildAPIVersions(this.options.serverAddress, this.reg);
    }
    if (path === "/apis") {
      return aggregated ? buildAggregatedDiscovery("/apis", aggregated, this.reg) : buildAPIGroupList(this.reg);
    }
    const parts = path.split("/");
    if (parts[1] === "api" && parts.length === 3) return buildAPIResourceList("", parts[2] ?? "", this.reg);
    if (parts[1] === "apis" && parts.length === 3) return buildAPIGroup(parts[2] ?? "", this.reg);
    if (parts[1] === "apis" && parts.length === 4) {
      return buildAPIResourceList(parts[2] ?? "", parts[3] ?? "", this.reg);
    }
    return undefined;
  }
}
