/**
 * Request attributes derived from the URL and method, ported from upstream's RequestInfoFactory
 * (staging/src/k8s.io/apiserver/pkg/endpoints/request/requestinfo.go): the same verbs, namespace, resource,
 * subresource and name, so authorization and routing see what kube-apiserver would.
 */
import { badRequest } from "../api/status.js";

export interface RequestInfo {
  readonly isResourceRequest: boolean;
  /** The URL path (always set; the only attribute of a non-resource request besides `verb`). */
  readonly path: string;
  /** get list watch create update patch delete deletecollection, or the lower-case method for non-resource. */
  readonly verb: string;
  readonly apiPrefix: string;
  readonly apiGroup: string;
  readonly apiVersion: string;
  readonly namespace: string;
  readonly resource: string;
  readonly subresource: string;
  /** The object name: from the path, or (for list/watch) from a `metadata.name=` field selector, as upstream. */
  readonly name: string;
  /** The path segments from the resource on: resource[/name[/subresource[/…]]]. */
  readonly parts: readonly string[];
}

const API_PREFIXES = new Set(["api", "apis"]);
const GROUPLESS_PREFIXES = new Set(["api"]);
const SPECIAL_VERBS = new Set(["proxy", "watch"]);
const SPECIAL_VERBS_NO_SUBRESOURCES = new Set(["proxy"]);
const NAMESPACE_SUBRESOURCES = new Set(["status", "finalize"]);

function methodVerb(method: string): string {
  switch (method) {
    case "POST":
      return "create";
    case "GET":
    case "HEAD":
      return "get";
    case "PUT":
      return "update";
    case "PATCH":
      return "patch";
    case "DELETE":
      return "delete";
    default:
      return "";
  }
}

/** Parses a request; throws a 400 StatusError only where upstream errors (`/api/v1/watch` with nothing after). */
export function parseRequestInfo(method: string, url: URL): RequestInfo {
  let path: string;
  try {
    // Go's URL.Path is the decoded path; so is ours.
    path = decodeURIComponent(url.pathname);
  } catch {
    throw badRequest(`invalid URL escape in ${JSON.stringify(url.pathname)}`);
  }
  const nonResource: RequestInfo = {
    isResourceRequest: false,
    path,
    verb: method.toLowerCase(),
    apiPrefix: "",
    apiGroup: "",
    apiVersion: "",
    namespace: "",
    resource: "",
    subresource: "",
    name: "",
    parts: [],
  };
  let parts = path.replace(/^\/+|\/+$/g, "").split("/");
  if (parts.length < 3 || !API_PREFIXES.has(parts[0]!)) return nonResource;
  const apiPrefix = parts[0]!;
  parts = parts.slice(1);
  let apiGroup = "";
  if (!GROUPLESS_PREFIXES.has(apiPrefix)) {
    if (parts.length < 3) return nonResource;
    apiGroup = parts[0]!;
    parts = parts.slice(1);
  }
  const apiVersion = parts[0]!;
  parts = parts.slice(1);

  let verb: string;
  if (SPECIAL_VERBS.has(parts[0]!)) {
    if (parts.length < 2) throw badRequest(`unable to determine kind and namespace from url, ${url.pathname}`);
    verb = parts[0]!;
    parts = parts.slice(1);
  } else {
    verb = methodVerb(method);
  }

  let namespace = "";
  if (parts[0] === "namespaces") {
    if (parts.length > 1) {
      namespace = parts[1]!;
      // /namespaces/NS/RESOURCE/…: the resource is the thing after the namespace, unless it is a namespace
      // subresource (/namespaces/NS/status, /namespaces/NS/finalize).
      if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2]!)) parts = parts.slice(2);
    }
  }

  let resource = "";
  let name = "";
  let subresource = "";
  if (parts.length >= 3 && !SPECIAL_VERBS_NO_SUBRESOURCES.has(verb)) subresource = parts[2]!;
  if (parts.length >= 2) name = parts[1]!;
  if (parts.length >= 1) resource = parts[0]!;

  if (name === "" && verb === "get") {
    const watch = url.searchParams.get("watch");
    verb = watch !== null && !["false", "0"].includes(watch.toLowerCase()) ? "watch" : "list";
    const exact = exactNameFromFieldSelector(url.searchParams.get("fieldSelector"));
    if (exact !== undefined && isValidPathSegmentName(exact)) name = exact;
  }
  if (name === "" && verb === "delete") verb = "deletecollection";

  return {
    isResourceRequest: true,
    path,
    verb,
    apiPrefix,
    apiGroup,
    apiVersion,
    namespace,
    resource,
    subresource,
    name,
    parts,
  };
}

/** `metadata.name=x` (or `==`) as the selector's only requirement on metadata.name; undefined otherwise. */
function exactNameFromFieldSelector(selector: string | null): string | undefined {
  if (!selector) return undefined;
  for (const term of selector.split(",")) {
    const m = /^\s*metadata\.name\s*(==|=)\s*(.*?)\s*$/.exec(term);
    if (m) return m[2];
  }
  return undefined;
}

/** Upstream's path.IsValidPathSegmentName: not "." or "..", no "/" or "%". */
export function isValidPathSegmentName(name: string): boolean {
  return name !== "." && name !== ".." && !name.includes("/") && !name.includes("%");
}
