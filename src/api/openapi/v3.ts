/** The OpenAPI v3 index (`/openapi/v3`) and per-group-version documents (`/openapi/v3/apis/apps/v1`). */
import { createHash } from "node:crypto";
import { registry as defaultRegistry, type ResourceRegistry } from "../resources/registry.js";
import { gvPathOf, parseGvPath, type JsonObject } from "./json.js";
import { pathsOf, type Body, type Operation } from "./operations.js";
import { PATCH_CONTENT_TYPES, RESPONSE_CONTENT_TYPES, WATCH_CONTENT_TYPES, type Param } from "./params.js";
import { V3_REF_PREFIX, v3Schemas } from "./schemas.js";

function v3Param(p: Param): JsonObject {
  const schema: JsonObject = { type: p.type, uniqueItems: true };
  return { name: p.name, in: p.in, description: p.description, ...(p.required ? { required: true } : {}), schema };
}

function content(types: readonly string[], schema: JsonObject): JsonObject {
  return Object.fromEntries(types.map((t) => [t, { schema }]));
}

function bodySchema(body: Body, refs: Set<string>): JsonObject {
  if ("string" in body) return { type: "string" };
  refs.add(body.schema);
  return { $ref: V3_REF_PREFIX + body.schema };
}

function v3Operation(op: Operation, tag: string, refs: Set<string>): JsonObject {
  const out: JsonObject = { tags: [tag], description: op.description, operationId: op.operationId };
  if (op.params.length > 0) out["parameters"] = op.params.map(v3Param);
  if (op.request) {
    refs.add(op.request.schema);
    const schema = { $ref: V3_REF_PREFIX + op.request.schema };
    const types = op.request.form === "patch" ? PATCH_CONTENT_TYPES : ["*/*"];
    out["requestBody"] = {
      content: content(types, schema),
      ...(op.request.form === "delete" ? {} : { required: true }),
    };
  }
  const watch = op.action === "watch" || op.action === "watchlist" || op.action === "list";
  const responses: JsonObject = {};
  for (const r of op.responses) {
    const description =
      r.code === "401" ? "Unauthorized" : { "200": "OK", "201": "Created", "202": "Accepted" }[r.code];
    const entry: JsonObject = { description: description ?? "" };
    if (r.body) {
      const types = "string" in r.body ? ["*/*"] : watch ? WATCH_CONTENT_TYPES : RESPONSE_CONTENT_TYPES;
      entry["content"] = content(types, bodySchema(r.body, refs));
    }
    responses[r.code] = entry;
  }
  out["responses"] = responses;
  out["x-kubernetes-action"] = op.action;
  out["x-kubernetes-group-version-kind"] = { group: op.gvk.group, kind: op.gvk.kind, version: op.gvk.version };
  return out;
}

/** The v3 document of one group/version ("api/v1", "apis/apps/v1"), or undefined when it is not served. */
export function buildOpenApiV3Document(
  gvPath: string,
  reg: ResourceRegistry = defaultRegistry,
): JsonObject | undefined {
  const gv = parseGvPath(gvPath);
  if (!gv) return undefined;
  const resources = reg.resourcesIn(gv.group, gv.version);
  if (resources.length === 0) return undefined;
  const tag = `${gv.group === "" ? "core" : gv.group.replace(/\.k8s\.io$/, "").replace(/\./g, "_")}_${gv.version}`;
  const refs = new Set<string>();
  const paths: JsonObject = {};
  for (const entry of pathsOf(resources)) {
    const item: JsonObject = {};
    for (const op of entry.operations) item[op.method] = v3Operation(op, tag, refs);
    item["parameters"] = entry.params.map(v3Param);
    paths[entry.path] = item;
  }
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: "unversioned" },
    paths,
    components: {
      schemas: v3Schemas(refs),
      securitySchemes: {
        BearerToken: {
          type: "apiKey",
          description: "Bearer token authentication",
          name: "authorization",
          in: "header",
        },
      },
    },
    security: [{ BearerToken: [] }],
  };
}

/** A content hash for a serialized document, as the index's `?hash=` and the ETag use it. */
export function documentHash(body: string): string {
  return createHash("sha512").update(body).digest("hex").slice(0, 128).toUpperCase();
}

/**
 * The `/openapi/v3` index. `hashes` maps a gvPath to its document's hash; without it, hashes are computed from
 * freshly built documents.
 */
export function buildOpenApiV3Index(
  reg: ResourceRegistry = defaultRegistry,
  hashes?: ReadonlyMap<string, string>,
): JsonObject {
  const paths: JsonObject = {};
  for (const gv of reg.groupVersions()) {
    const gvPath = gvPathOf(gv.group, gv.version);
    const hash = hashes?.get(gvPath) ?? documentHash(JSON.stringify(buildOpenApiV3Document(gvPath, reg)));
    paths[gvPath] = { serverRelativeURL: `/openapi/v3/${gvPath}?hash=${hash}` };
  }
  return { paths };
}
