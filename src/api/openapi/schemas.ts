/**
 * OpenAPI v3 `components.schemas` from the structural schema graph (src/api/schema): upstream's names and shape
 * (references wrapped as `allOf: [{$ref}]`, Kubernetes vendor extensions). Descriptions are upstream's, read at
 * runtime from the installed `kubernetes-types` package (./descriptions.ts); none are stored in this repository.
 */
import { getDefinition, type Definition, type SchemaNode } from "../schema/index.js";
import { definitionDescription, propertyDescription } from "./descriptions.js";
import { reachableDefinitions } from "./graph.js";
import type { JsonObject } from "./json.js";

export const V3_REF_PREFIX = "#/components/schemas/";

/** Vendor extensions and enum of a node, shared by the v3 and v2 forms. */
export function nodeExtensions(node: SchemaNode): JsonObject {
  const out: JsonObject = {};
  if (node.enum) out["enum"] = [...node.enum];
  if (node.listType) out["x-kubernetes-list-type"] = node.listType;
  if (node.listMapKeys) out["x-kubernetes-list-map-keys"] = [...node.listMapKeys];
  if (node.mapType) out["x-kubernetes-map-type"] = node.mapType;
  if (node.patchMergeKey) out["x-kubernetes-patch-merge-key"] = node.patchMergeKey;
  if (node.patchStrategy) out["x-kubernetes-patch-strategy"] = node.patchStrategy;
  return out;
}

/** The upstream GVK extension value: an array of {group, kind, version}. */
export function gvkExtension(def: Definition): JsonObject[] | undefined {
  return def.groupVersionKinds?.map((g) => ({ group: g.group, kind: g.kind, version: g.version }));
}

/** Upstream's description of a definition, when the installed `kubernetes-types` package has it. */
export function kindDescription(def: Definition): string | undefined {
  return definitionDescription(def.name);
}

/** Upstream's description of a definition's property, when known. */
export function fieldDescription(def: Definition, property: string): string | undefined {
  return propertyDescription(def.name, property);
}

function isObjectDef(name: string): boolean {
  const def = getDefinition(name);
  return def !== undefined && def.type === "object" && def.properties !== undefined;
}

/**
 * A property, item or map value. `required` adds upstream's `default: {}` to references to structs; a property's
 * `description` comes first, as upstream writes it.
 */
export function v3Node(node: SchemaNode, required: boolean, refs: Set<string>, description?: string): JsonObject {
  const out: JsonObject = {};
  if (description) out["description"] = description;
  if (node.ref !== undefined) {
    refs.add(node.ref);
    if (required && isObjectDef(node.ref)) out["default"] = {};
    out["allOf"] = [{ $ref: V3_REF_PREFIX + node.ref }];
    return { ...out, ...nodeExtensions(node) };
  }
  if (node.type) out["type"] = node.type;
  if (node.format) out["format"] = node.format;
  if (node.items) out["items"] = v3Node(node.items, true, refs);
  if (node.additionalProperties) out["additionalProperties"] = v3Node(node.additionalProperties, true, refs);
  return { ...out, ...nodeExtensions(node) };
}

/** A whole definition as a v3 component schema. References it makes are added to `refs`. */
export function v3Definition(def: Definition, refs: Set<string>): JsonObject {
  const out: JsonObject = {};
  const description = kindDescription(def);
  if (description) out["description"] = description;
  if (def.type) out["type"] = def.type;
  if (def.format) out["format"] = def.format;
  if (def.format === "int-or-string") out["x-kubernetes-int-or-string"] = true;
  if (def.properties) {
    const required = new Set(def.required ?? []);
    const props: JsonObject = {};
    for (const [name, node] of Object.entries(def.properties))
      props[name] = v3Node(node, required.has(name), refs, fieldDescription(def, name));
    out["properties"] = props;
  }
  if (def.required && def.required.length > 0) out["required"] = [...def.required];
  if (def.items) out["items"] = v3Node(def.items, true, refs);
  if (def.additionalProperties) out["additionalProperties"] = v3Node(def.additionalProperties, true, refs);
  Object.assign(out, nodeExtensions(def));
  const gvks = gvkExtension(def);
  if (gvks) out["x-kubernetes-group-version-kind"] = gvks;
  return out;
}

/** Every definition reachable from `roots`, converted, sorted by name as upstream's documents list them. */
export function v3Schemas(roots: Iterable<string>): JsonObject {
  const out: JsonObject = {};
  for (const name of reachableDefinitions(roots)) {
    const def = getDefinition(name);
    if (def) out[name] = v3Definition(def, new Set());
  }
  return out;
}
