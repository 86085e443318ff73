/**
 * The structured-merge-diff view of a schema node, derived from src/api/schema the way kube-openapi's schemaconv
 * does: structs are granular, `additionalProperties` maps are granular unless `x-kubernetes-map-type: atomic`,
 * lists follow `x-kubernetes-list-type` (atomic | set | map with `x-kubernetes-list-map-keys`), else a
 * `merge` patch strategy (keyed by the patch merge key, or a set without one), else atomic.
 */
import { getDefinition, type SchemaNode } from "../schema/index.js";

export type TypeNode =
  | {
      readonly kind: "struct";
      readonly fields: Readonly<Record<string, SchemaNode>>;
      readonly required: readonly string[];
    }
  | { readonly kind: "map"; readonly elem: SchemaNode | undefined; readonly atomic: boolean }
  | {
      readonly kind: "list";
      readonly elem: SchemaNode | undefined;
      readonly rel: "atomic" | "set" | "map";
      readonly keys: readonly string[];
    }
  | { readonly kind: "scalar" }
  /** No schema: deduced from the value (objects are granular maps, arrays atomic, the rest scalars). */
  | { readonly kind: "untyped" };

const UNTYPED: TypeNode = { kind: "untyped" };
const SCALAR: TypeNode = { kind: "scalar" };

/** The node with its referenced definition's facts, the field's own facts laid over them. */
function expandRef(
  node: SchemaNode,
): SchemaNode & { properties?: Readonly<Record<string, SchemaNode>>; required?: readonly string[] } {
  if (node.ref === undefined) return node;
  const def = getDefinition(node.ref);
  if (!def) return {};
  const { ref: _ref, ...own } = node;
  return { ...def, ...own };
}

/** Schema nodes are static: each gets its TypeNode once (the apply and update walks ask for it per field). */
const typeCache = new WeakMap<SchemaNode, TypeNode>();

export function typeOf(node: SchemaNode | undefined): TypeNode {
  if (node === undefined) return UNTYPED;
  let t = typeCache.get(node);
  if (t === undefined) {
    t = computeType(node);
    typeCache.set(node, t);
  }
  return t;
}

function computeType(node: SchemaNode): TypeNode {
  const n = expandRef(node);
  if (n.properties !== undefined) {
    if (n.mapType === "atomic") return { kind: "map", elem: undefined, atomic: true };
    return { kind: "struct", fields: n.properties, required: n.required ?? [] };
  }
  if (n.type === "array" || n.items !== undefined) {
    let rel: "atomic" | "set" | "map" = "atomic";
    let keys: readonly string[] = [];
    if (n.listType === "set") rel = "set";
    else if (n.listType === "map") {
      rel = "map";
      keys = n.listMapKeys ?? [];
    } else if (n.listType === undefined && (n.patchStrategy === "merge" || n.patchStrategy === "merge,retainKeys")) {
      if (n.patchMergeKey) {
        rel = "map";
        keys = [n.patchMergeKey];
      } else rel = "set";
    }
    return { kind: "list", elem: n.items, rel, keys };
  }
  if (n.additionalProperties !== undefined) {
    return { kind: "map", elem: n.additionalProperties, atomic: n.mapType === "atomic" };
  }
  if (n.type === "object") return SCALAR; // RawExtension, FieldsV1, …: opaque values
  if (n.type === undefined && n.format === undefined) return UNTYPED;
  return SCALAR;
}

/** Non-pointer struct fields: Go always serializes them, so they are never "added" as a whole. */
const ALWAYS_SERIALIZED = new Set([
  "metadata",
  "spec",
  "status",
  "template",
  "jobTemplate",
  "strategy",
  "updateStrategy",
  "resources",
]);

/**
 * True when a Go object of this struct type always carries the field (required fields have no omitempty, and
 * non-pointer structs are always encoded): upstream compares against such a typed object, where the field is
 * present (null or `{}`) even if the client never sent it.
 */
export function alwaysSerialized(t: TypeNode, name: string): boolean {
  return t.kind === "struct" && (t.required.includes(name) || ALWAYS_SERIALIZED.has(name));
}

/** The type of field/key `name` below a struct or map node. */
export function childType(t: TypeNode, name: string): TypeNode {
  if (t.kind === "struct") {
    return Object.prototype.hasOwnProperty.call(t.fields, name) ? typeOf(t.fields[name]) : UNTYPED;
  }
  if (t.kind === "map") return typeOf(t.elem);
  return UNTYPED;
}

export function elemType(t: TypeNode): TypeNode {
  return t.kind === "list" ? typeOf(t.elem) : UNTYPED;
}

/** The root type of a kind, or untyped when the schema does not know it (e.g. a CRD without a schema). */
export function rootType(node: SchemaNode | undefined): TypeNode {
  return typeOf(node);
}
