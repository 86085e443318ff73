/**
 * The REST operations of a group/version, derived from the resource catalog: a neutral model rendered as OpenAPI
 * v3 (v3.ts) and as the v2 protobuf (v2.ts). Paths, operationIds and actions follow upstream's conventions.
 */
import type { GroupVersionKind, ResourceType, SubresourceType, Verb } from "../resources/types.js";
import { definitionForKind } from "../schema/index.js";
import {
  DELETE_COLLECTION_PARAMS,
  DELETE_PARAMS,
  LIST_PARAMS,
  PATCH_PARAMS,
  PRETTY,
  WRITE_PARAMS,
  pathParam,
  type Param,
} from "./params.js";

export type Method = "get" | "put" | "post" | "patch" | "delete";
export type Action =
  "get" | "list" | "watch" | "watchlist" | "post" | "put" | "patch" | "delete" | "deletecollection" | "connect";

export const STATUS = "io.k8s.apimachinery.pkg.apis.meta.v1.Status";
export const DELETE_OPTIONS = "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions";
export const PATCH = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";
export const WATCH_EVENT = "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent";

/** A response body: a definition name, or a plain string (logs, connect subresources). */
export type Body = { readonly schema: string } | { readonly string: true };

export interface Operation {
  readonly method: Method;
  readonly operationId: string;
  readonly action: Action;
  readonly description: string;
  readonly gvk: GroupVersionKind;
  readonly params: readonly Param[];
  /** "object": the kind's schema; "patch": the patch types; "delete": DeleteOptions. */
  readonly request?: { readonly form: "object" | "patch" | "delete"; readonly schema: string };
  readonly responses: readonly { readonly code: string; readonly body?: Body }[];
}

export interface PathEntry {
  readonly path: string;
  readonly params: readonly Param[];
  readonly operations: readonly Operation[];
}

const CONNECT_SUBRESOURCES = new Set(["attach", "exec", "portforward", "proxy"]);
const METHOD_OF_VERB: Partial<Record<Verb, Method>> = {
  get: "get",
  create: "post",
  update: "put",
  patch: "patch",
  delete: "delete",
};
const CONNECT_NAME: Record<Method, string> = { get: "Get", post: "Post", put: "Put", patch: "Patch", delete: "Delete" };

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** "" → "Core", "rbac.authorization.k8s.io" → "RbacAuthorization", "apps" → "Apps". */
export function groupPart(group: string): string {
  if (group === "") return "Core";
  return group
    .replace(/\.k8s\.io$/, "")
    .split(".")
    .map(cap)
    .join("");
}

/** The definition name of a kind, or undefined when the schema graph lacks it. */
export function schemaNameOf(gvk: GroupVersionKind): string | undefined {
  return definitionForKind(gvk)?.name;
}

const NAMESPACE = pathParam("namespace", "object name and auth scope, such as for teams and projects");

function objectResponses(schema: string | undefined, codes: readonly string[]): Operation["responses"] {
  return [...codes.map((code) => ({ code, ...(schema ? { body: { schema } } : {}) })), { code: "401" }];
}

interface Ctx {
  readonly r: ResourceType;
  readonly gv: string;
  readonly scope: string;
  readonly kindSchema: string | undefined;
}

function resourcePaths(c: Ctx): PathEntry[] {
  const { r, gv, scope, kindSchema } = c;
  const gvk: GroupVersionKind = { group: r.group, version: r.version, kind: r.kind };
  const prefix = r.group === "" ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  const ns = r.namespaced ? "/namespaces/{namespace}" : "";
  const nsParams = r.namespaced ? [NAMESPACE] : [];
  const name = pathParam("name", `name of the ${r.kind}`);
  const listSchema = schemaNameOf({ ...gvk, kind: `${r.kind}List` });
  const has = (v: Verb): boolean => r.verbs.includes(v);
  const op = (method: Method, verb: string, action: Action, extra: Partial<Operation>): Operation => ({
    method,
    operationId: `${verb}${gv}${verb === "delete" && action === "deletecollection" ? "Collection" : ""}${scope}${r.kind}`,
    action,
    description: `${action} ${r.kind}`,
    gvk,
    params: [],
    responses: [],
    ...extra,
  });
  const out: PathEntry[] = [];

  const collectionOps: Operation[] = [];
  if (has("list"))
    collectionOps.push(
      op("get", "list", "list", { params: LIST_PARAMS, responses: objectResponses(listSchema, ["200"]) }),
    );
  if (has("create") && kindSchema)
    collectionOps.push(
      op("post", "create", "post", {
        params: WRITE_PARAMS,
        request: { form: "object", schema: kindSchema },
        responses: objectResponses(kindSchema, ["200", "201", "202"]),
      }),
    );
  if (has("deletecollection"))
    collectionOps.push(
      op("delete", "delete", "deletecollection", {
        params: DELETE_COLLECTION_PARAMS,
        request: { form: "delete", schema: DELETE_OPTIONS },
        responses: objectResponses(STATUS, ["200"]),
      }),
    );
  if (collectionOps.length > 0)
    out.push({ path: `${prefix}${ns}/${r.resource}`, params: [...nsParams, PRETTY], operations: collectionOps });

  const itemOps: Operation[] = [];
  if (has("get")) itemOps.push(op("get", "read", "get", { responses: objectResponses(kindSchema, ["200"]) }));
  if (has("update") && kindSchema)
    itemOps.push(
      op("put", "replace", "put", {
        params: WRITE_PARAMS,
        request: { form: "object", schema: kindSchema },
        responses: objectResponses(kindSchema, ["200", "201"]),
      }),
    );
  if (has("patch"))
    itemOps.push(
      op("patch", "patch", "patch", {
        params: PATCH_PARAMS,
        request: { form: "patch", schema: PATCH },
        responses: objectResponses(kindSchema, ["200", "201"]),
      }),
    );
  if (has("delete"))
    itemOps.push(
      op("delete", "delete", "delete", {
        params: DELETE_PARAMS,
        request: { form: "delete", schema: DELETE_OPTIONS },
        responses: objectResponses(STATUS, ["200", "202"]),
      }),
    );
  const itemParams = [name, ...nsParams, PRETTY];
  if (itemOps.length > 0)
    out.push({ path: `${prefix}${ns}/${r.resource}/{name}`, params: itemParams, operations: itemOps });

  if (has("watch")) {
    const watchParams = [...nsParams, PRETTY, ...LIST_PARAMS];
    const watchResponses = objectResponses(WATCH_EVENT, ["200"]);
    out.push({
      path: `${prefix}/watch${ns}/${r.resource}`,
      params: watchParams,
      operations: [
        op("get", "watch", "watchlist", { operationId: `watch${gv}${scope}${r.kind}List`, responses: watchResponses }),
      ],
    });
    out.push({
      path: `${prefix}/watch${ns}/${r.resource}/{name}`,
      params: [name, ...watchParams],
      operations: [op("get", "watch", "watch", { responses: watchResponses })],
    });
  }
  if (r.namespaced && has("list")) {
    out.push({
      path: `${prefix}/${r.resource}`,
      params: [PRETTY, ...LIST_PARAMS],
      operations: [
        op("get", "list", "list", {
          operationId: `list${gv}${r.kind}ForAllNamespaces`,
          responses: objectResponses(listSchema, ["200"]),
        }),
      ],
    });
    if (has("watch"))
      out.push({
        path: `${prefix}/watch/${r.resource}`,
        params: [PRETTY, ...LIST_PARAMS],
        operations: [
          op("get", "watch", "watchlist", {
            operationId: `watch${gv}${r.kind}ListForAllNamespaces`,
            responses: objectResponses(WATCH_EVENT, ["200"]),
          }),
        ],
      });
  }
  for (const s of r.subresources) out.push(subresourcePath(c, s, `${prefix}${ns}/${r.resource}/{name}`, itemParams));
  return out;
}

function subresourcePath(c: Ctx, s: SubresourceType, item: string, itemParams: readonly Param[]): PathEntry {
  const { r, gv, scope } = c;
  const suffix = cap(s.name);
  const connect = CONNECT_SUBRESOURCES.has(s.name);
  const schema = s.name === "log" ? undefined : schemaNameOf(s.responseKind);
  const operations: Operation[] = [];
  for (const verb of s.verbs) {
    const method = METHOD_OF_VERB[verb];
    if (!method) continue;
    const base = { method, gvk: s.responseKind, description: `${verb} ${s.name} of ${r.kind}` };
    if (connect) {
      operations.push({
        ...base,
        operationId: `connect${gv}${CONNECT_NAME[method]}${scope}${r.kind}${suffix}`,
        action: "connect",
        params: [],
        responses: [{ code: "200", body: { string: true } }, { code: "401" }],
      });
      continue;
    }
    const verbName = { get: "read", post: "create", put: "replace", patch: "patch", delete: "delete" }[method];
    const operationId = `${verbName}${gv}${scope}${r.kind}${suffix}`;
    if (method === "get")
      operations.push({
        ...base,
        operationId,
        action: "get",
        params: [],
        responses:
          s.name === "log"
            ? [{ code: "200", body: { string: true } }, { code: "401" }]
            : objectResponses(schema, ["200"]),
      });
    else if (method === "patch")
      operations.push({
        ...base,
        operationId,
        action: "patch",
        params: PATCH_PARAMS,
        request: { form: "patch", schema: PATCH },
        responses: objectResponses(schema, ["200", "201"]),
      });
    else if (schema && (method === "put" || method === "post"))
      operations.push({
        ...base,
        operationId,
        action: method,
        params: WRITE_PARAMS,
        request: { form: "object", schema },
        responses: objectResponses(schema, method === "put" ? ["200", "201"] : ["200", "201", "202"]),
      });
  }
  return { path: `${item}/${s.name}`, params: itemParams, operations };
}

/** Every path of the given resources (one group/version), sorted by path as upstream's documents are. */
export function pathsOf(resources: readonly ResourceType[]): PathEntry[] {
  const out: PathEntry[] = [];
  for (const r of resources) {
    const gv = `${groupPart(r.group)}${cap(r.version)}`;
    const kindSchema = schemaNameOf({ group: r.group, version: r.version, kind: r.kind });
    out.push(...resourcePaths({ r, gv, scope: r.namespaced ? "Namespaced" : "", kindSchema }));
  }
  return out.filter((p) => p.operations.length > 0).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
