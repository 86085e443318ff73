/**
 * Patch metadata lookup over the structural schema, standing in for upstream's PatchMetaFromStruct (which reads
 * Go struct tags by reflection): a "Go type" per schema node, field lookup with the same errors.
 */
import { resolveNode, type Definition, type SchemaNode } from "../schema/index.js";
import { PatchError } from "./errors.js";

export type GoType =
  | { readonly kind: "struct"; readonly def: Definition }
  | { readonly kind: "map"; readonly value: SchemaNode }
  | { readonly kind: "slice"; readonly items: SchemaNode }
  | { readonly kind: "scalar"; readonly name: string };

export interface PatchMeta {
  readonly strategies: readonly string[];
  readonly mergeKey: string;
}

export function goTypeOf(node: SchemaNode): GoType {
  const resolved = resolveNode(node);
  if ("name" in resolved) return { kind: "struct", def: resolved as Definition };
  if (resolved.type === "array" || resolved.items) return { kind: "slice", items: resolved.items ?? {} };
  if (resolved.format === "byte") return { kind: "slice", items: { type: "integer" } };
  if (resolved.type === "object" || resolved.additionalProperties) {
    return { kind: "map", value: resolved.additionalProperties ?? {} };
  }
  const name =
    resolved.type === "integer"
      ? resolved.format === "int32"
        ? "int32"
        : "int64"
      : resolved.type === "number"
        ? "float64"
        : resolved.type === "boolean"
          ? "bool"
          : resolved.type === "string"
            ? "string"
            : "interface";
  return { kind: "scalar", name };
}

/** reflect.Kind(t).String(). */
export function kindName(t: GoType): string {
  return t.kind === "scalar" ? t.name : t.kind;
}

/** LookupPatchMetadataForStruct: the field's type and its patch strategy / merge key struct tags. */
export function lookupStruct(t: GoType, key: string): { sub: GoType; meta: PatchMeta } {
  if (t.kind !== "struct") {
    throw new PatchError(`merging an object in json but data type is not struct, instead is: ${kindName(t)}`);
  }
  const props = t.def.properties ?? {};
  let field = Object.prototype.hasOwnProperty.call(props, key) ? props[key] : undefined;
  if (field === undefined) {
    const folded = Object.keys(props).find((k) => k.toLowerCase() === key.toLowerCase());
    field = folded === undefined ? undefined : props[folded];
  }
  if (field === undefined) {
    throw new PatchError(
      `unable to find api field in struct ${t.def.goName} for the json field ${JSON.stringify(key)}`,
    );
  }
  return {
    sub: goTypeOf(field),
    meta: { strategies: (field.patchStrategy ?? "").split(","), mergeKey: field.patchMergeKey ?? "" },
  };
}

/** LookupPatchMetadataForSlice: the element type of a list field plus the field's patch metadata. */
export function lookupSlice(t: GoType, key: string): { sub: GoType; meta: PatchMeta } {
  const { sub, meta } = lookupStruct(t, key);
  // A pointer-to-struct field yields its struct as the element type, as Go's lookup does for pointers.
  if (sub.kind === "struct") return { sub, meta };
  if (sub.kind !== "slice") throw new PatchError(`expected slice or array type, but got: ${kindName(t)}`);
  const elem = goTypeOf(sub.items);
  if (elem.kind === "slice") throw new PatchError("unexpected slice of slice");
  return { sub: elem, meta };
}

/** extractRetainKeysPatchStrategy: [hasRetainKeys, the other strategy]. */
export function splitStrategies(strategies: readonly string[]): { retainKeys: boolean; strategy: string } {
  if (strategies.length === 0) return { retainKeys: false, strategy: "" };
  if (strategies.length === 1) {
    return strategies[0] === "retainKeys"
      ? { retainKeys: true, strategy: "" }
      : { retainKeys: false, strategy: strategies[0]! };
  }
  if (strategies.length === 2) {
    if (strategies[0] === "retainKeys") return { retainKeys: true, strategy: strategies[1]! };
    if (strategies[1] === "retainKeys") return { retainKeys: true, strategy: strategies[0]! };
  }
  throw new PatchError(`unexpected patch strategy: [${strategies.join(" ")}]`);
}
