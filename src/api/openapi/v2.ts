/**
 * OpenAPI v2 as the gnostic `openapi.v2.Document` protobuf (github.com/google/gnostic-models
 * openapiv2/OpenAPIv2.proto), for kubectl 1.27/1.28: the whole schema graph as `definitions` (GVK and patch
 * vendor extensions as YAML `Any` values) and every path's operations with their parameters and GVK, which is
 * what kubectl's `openapi.Resources` and its v2 field-validation check read.
 */
import { stringify } from "yaml";
import { registry as defaultRegistry, type ResourceRegistry } from "../resources/registry.js";
import { getDefinition, type Definition, type SchemaNode } from "../schema/index.js";
import { operationRefs, reachableDefinitions } from "./graph.js";
import type { JsonValue } from "./json.js";
import { pathsOf, type Operation, type PathEntry } from "./operations.js";
import { PATCH_CONTENT_TYPES, RESPONSE_CONTENT_TYPES, type Param } from "./params.js";
import { bool, message, msg, msgs, str, strs, type Fields } from "./proto.js";
import { fieldDescription, gvkExtension, kindDescription, nodeExtensions } from "./schemas.js";

/** What kubectl asks for. Go's mime parser rejects the "@", so the answer is labelled application/octet-stream. */
export const V2_PROTOBUF_CONTENT_TYPE = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
/** The parseable spelling newer clients may ask for; answered under its own name. */
export const V2_PROTOBUF_CONTENT_TYPE_DOTTED = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
const REF = "#/definitions/";

/** openapi.v2.NamedAny{name, value: Any{yaml}} for a vendor extension. */
function namedAny(name: string, value: JsonValue): Fields {
  return [str(1, name), msg(2, [str(2, stringify(value))])];
}

function extensions(values: Readonly<Record<string, JsonValue>>): Fields[] {
  return Object.entries(values)
    .filter(([k]) => k.startsWith("x-"))
    .map(([k, v]) => namedAny(k, v));
}

/** openapi.v2.Schema of a property (with its description), item or map value. */
function schemaNode(node: SchemaNode, description?: string): Fields {
  const ext = nodeExtensions(node);
  const enumValues = node.enum?.map((e) => [str(2, stringify(e))]) ?? [];
  if (node.ref !== undefined) return [str(1, REF + node.ref), str(4, description), msgs(31, extensions(ext))];
  return [
    str(2, node.format),
    str(4, description),
    msgs(20, enumValues),
    node.additionalProperties ? msg(21, [msg(1, schemaNode(node.additionalProperties))]) : undefined,
    node.type ? msg(22, [str(1, node.type)]) : undefined,
    node.items ? msg(23, [msg(1, schemaNode(node.items))]) : undefined,
    msgs(31, extensions(ext)),
  ];
}

function definitionSchema(def: Definition): Fields {
  const props = Object.entries(def.properties ?? {}).map(([name, node]) => [
    str(1, name),
    msg(2, schemaNode(node, fieldDescription(def, name))),
  ]);
  const gvks = gvkExtension(def);
  const ext = { ...nodeExtensions(def), ...(gvks ? { "x-kubernetes-group-version-kind": gvks } : {}) };
  return [
    str(2, def.format),
    str(4, kindDescription(def)),
    strs(19, def.required),
    def.additionalProperties ? msg(21, [msg(1, schemaNode(def.additionalProperties))]) : undefined,
    def.type ? msg(22, [str(1, def.type)]) : undefined,
    def.items ? msg(23, [msg(1, schemaNode(def.items))]) : undefined,
    props.length > 0 ? msg(25, [msgs(1, props)]) : undefined,
    msgs(31, extensions(ext)),
  ];
}

/** ParametersItem{parameter: Parameter{non_body_parameter: NonBodyParameter{query|path sub-schema}}}. */
function parameter(p: Param): Fields {
  const sub =
    p.in === "query"
      ? msg(3, [
          bool(1, p.required),
          str(2, "query"),
          str(3, p.description),
          str(4, p.name),
          str(6, p.type),
          bool(20, true),
        ])
      : msg(4, [bool(1, true), str(2, "path"), str(3, p.description), str(4, p.name), str(5, p.type), bool(19, true)]);
  return [msg(1, [msg(2, [sub])])];
}

function bodyParameter(schema: string, required: boolean): Fields {
  return [msg(1, [msg(1, [str(2, "body"), str(3, "body"), bool(4, required), msg(5, [str(1, REF + schema)])])])];
}

function operation(op: Operation, tag: string): Fields {
  const params: Fields[] = [];
  if (op.request) params.push(bodyParameter(op.request.schema, op.request.form !== "delete"));
  params.push(...op.params.map(parameter));
  const responses = op.responses.map((r) => {
    const description = r.code === "401" ? "Unauthorized" : "OK";
    const schema =
      r.body === undefined
        ? undefined
        : msg(2, [msg(1, "string" in r.body ? [msg(22, [str(1, "string")])] : [str(1, REF + r.body.schema)])]);
    return [str(1, r.code), msg(2, [msg(1, [str(1, description), schema])])];
  });
  const gvk = { group: op.gvk.group, kind: op.gvk.kind, version: op.gvk.version };
  return [
    strs(1, [tag]),
    str(3, op.description),
    str(5, op.operationId),
    strs(6, RESPONSE_CONTENT_TYPES),
    strs(7, op.request?.form === "patch" ? PATCH_CONTENT_TYPES : ["*/*"]),
    msgs(8, params),
    msg(9, [msgs(1, responses)]),
    strs(10, ["https"]),
    msgs(13, [namedAny("x-kubernetes-action", op.action), namedAny("x-kubernetes-group-version-kind", gvk)]),
  ];
}

const METHOD_FIELD = { get: 2, put: 3, post: 4, delete: 5, patch: 8 } as const;

function pathItem(entry: PathEntry, tag: string): Fields {
  return [
    ...entry.operations.map((op) => msg(METHOD_FIELD[op.method], operation(op, tag))),
    msgs(9, entry.params.map(parameter)),
  ];
}

/** The serialized openapi.v2.Document of everything served. */
export function buildOpenApiV2Protobuf(reg: ResourceRegistry = defaultRegistry): Uint8Array {
  const paths: Fields[] = [];
  const roots = new Set<string>();
  for (const gv of reg.groupVersions()) {
    const tag = `${gv.group === "" ? "core" : gv.group.replace(/\.k8s\.io$/, "").replace(/\./g, "_")}_${gv.version}`;
    for (const entry of pathsOf(reg.resourcesIn(gv.group, gv.version))) {
      paths.push([str(1, entry.path), msg(2, pathItem(entry, tag))]);
      for (const op of entry.operations) for (const r of operationRefs(op)) roots.add(r);
    }
  }
  const definitions = reachableDefinitions(roots).flatMap((name) => {
    const def = getDefinition(name);
    return def ? [[str(1, name), msg(2, definitionSchema(def))]] : [];
  });
  return message([
    str(1, "2.0"),
    msg(2, [str(1, "Kubernetes"), str(2, "unversioned")]),
    msg(8, [msgs(2, paths)]),
    msg(9, [msgs(1, definitions)]),
  ]);
}
