/**
 * One call for the API server: `/openapi/v3`, `/openapi/v3/<gv>` (ETag, If-None-Match → 304, `?hash=`) and
 * `/openapi/v2` (gnostic protobuf). Documents are built once, on first request, and cached.
 */
import { createHash } from "node:crypto";
import { registry as defaultRegistry, type ResourceRegistry } from "../resources/registry.js";
import { gvPathOf } from "./json.js";
import { buildOpenApiV2Protobuf, V2_PROTOBUF_CONTENT_TYPE_DOTTED } from "./v2.js";
import { buildOpenApiV3Document, buildOpenApiV3Index, documentHash } from "./v3.js";

export interface OpenApiResponse {
  /** 200, or 304 when If-None-Match matched (then `body` is empty). */
  readonly status: 200 | 304 | 404 | 406;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array;
}

/** Request headers as node's IncomingMessage has them (lower-case names). */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface OpenApiResponder {
  /** Undefined when `path` is not an OpenAPI document path, so the caller routes it on. */
  respond(path: string, query: URLSearchParams, headers: RequestHeaders): OpenApiResponse | undefined;
  /** Forget the built documents (after the served resources change). */
  invalidate(): void;
}

interface Cached {
  readonly body: string | Uint8Array;
  readonly contentType: string;
  readonly etag: string;
  readonly hash?: string;
}

function header(headers: RequestHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(",") : (v as string | undefined);
}

function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(",").some((t) => {
    const tag = t.trim().replace(/^W\//, "");
    return tag === "*" || tag === etag;
  });
}

function etagOf(body: string | Uint8Array): string {
  return `"${createHash("sha512").update(body).digest("hex").slice(0, 128).toUpperCase()}"`;
}

function failure(code: 404 | 406, reason: string, message: string): OpenApiResponse {
  const body = {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    details: {},
    code,
  };
  return { status: code, headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
}

const NOT_FOUND = failure(404, "NotFound", "the server could not find the requested resource");
const NOT_ACCEPTABLE = failure(406, "NotAcceptable", "only the protobuf form of /openapi/v2 is served");

export function openApiResponder(reg: ResourceRegistry = defaultRegistry): OpenApiResponder {
  const docs = new Map<string, Cached | null>();
  let index: Cached | undefined;
  let v2: Cached | undefined;

  const gvDoc = (gvPath: string): Cached | null => {
    let doc = docs.get(gvPath);
    if (doc === undefined) {
      const built = buildOpenApiV3Document(gvPath, reg);
      if (built) {
        const body = JSON.stringify(built);
        const hash = documentHash(body);
        doc = { body, contentType: "application/json", etag: `"${hash}"`, hash };
      } else doc = null;
      docs.set(gvPath, doc);
    }
    return doc;
  };

  const answer = (doc: Cached, headers: RequestHeaders, cacheControl: string): OpenApiResponse => {
    const h = { "Content-Type": doc.contentType, ETag: doc.etag, "Cache-Control": cacheControl, Vary: "Accept" };
    if (etagMatches(header(headers, "if-none-match"), doc.etag)) return { status: 304, headers: h, body: "" };
    return { status: 200, headers: h, body: doc.body };
  };

  return {
    respond(rawPath, query, headers) {
      const path = rawPath.length > 1 && rawPath.endsWith("/") ? rawPath.slice(0, -1) : rawPath;
      if (path === "/openapi/v3") {
        if (!index) {
          const hashes = new Map<string, string>();
          for (const gv of reg.groupVersions()) {
            const p = gvPathOf(gv.group, gv.version);
            const doc = gvDoc(p);
            if (doc?.hash) hashes.set(p, doc.hash);
          }
          const body = JSON.stringify(buildOpenApiV3Index(reg, hashes));
          index = { body, contentType: "application/json", etag: etagOf(body) };
        }
        return answer(index, headers, "no-cache, private");
      }
      if (path.startsWith("/openapi/v3/")) {
        const doc = gvDoc(path.slice("/openapi/v3/".length));
        if (!doc) return NOT_FOUND;
        const immutable = query.get("hash") === doc.hash;
        return answer(doc, headers, immutable ? "public, immutable" : "no-cache, private");
      }
      if (path === "/openapi/v2" || path === "/swagger-2.0.0.pb-v1") {
        const accept = header(headers, "accept") ?? "";
        // Only the protobuf form exists; a client asking for JSON alone gets a clean 406.
        if (path === "/openapi/v2" && accept !== "" && !/protobuf|\*\/\*/.test(accept)) return NOT_ACCEPTABLE;
        if (!v2) {
          const body = buildOpenApiV2Protobuf(reg);
          v2 = { body, contentType: "application/octet-stream", etag: etagOf(body) };
        }
        const dotted = accept.includes(V2_PROTOBUF_CONTENT_TYPE_DOTTED);
        return answer(
          dotted ? { ...v2, contentType: V2_PROTOBUF_CONTENT_TYPE_DOTTED } : v2,
          headers,
          "no-cache, private",
        );
      }
      return undefined;
    },
    invalidate() {
      docs.clear();
      index = undefined;
      v2 = undefined;
    },
  };
}
