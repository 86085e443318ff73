/**
 * The structural schema of every built-in type Skiff serves, generated from the upstream OpenAPI v2 reference by
 * scripts/gen-schema.mjs into definitions.json (compact keys). This module loads it once, lazily, and exposes it
 * with readable names: definitions by name or by group/version/kind, field lookup by path, and the unknown-field
 * walk behind `fieldValidation=Strict|Warn`.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export { findUnknownFields, strictDecodingMessage } from "./unknown.js";

export type SchemaType = "string" | "integer" | "number" | "boolean" | "object" | "array";

/** A property, array item or map value: either a reference to a definition or an inline type. */
export interface SchemaNode {
  readonly type?: SchemaType;
  /** int32, int64, double, byte, date-time, int-or-string, quantity, … */
  readonly format?: string;
  /** Name of another definition, e.g. "io.k8s.api.core.v1.PodSpec". */
  readonly ref?: string;
  /** Element schema of an array. */
  readonly items?: SchemaNode;
  /** Value schema of a map (`additionalProperties`); `{}` when any value is allowed. */
  readonly additionalProperties?: SchemaNode;
  readonly enum?: readonly (string | number | boolean)[];
  /** x-kubernetes-patch-strategy: "merge", "replace", "retainKeys" or "merge,retainKeys". */
  readonly patchStrategy?: string;
  /** x-kubernetes-patch-merge-key, e.g. "name" for containers. */
  readonly patchMergeKey?: string;
  /** x-kubernetes-list-type: atomic | set | map. */
  readonly listType?: string;
  readonly listMapKeys?: readonly string[];
  /** x-kubernetes-map-type: atomic | granular. */
  readonly mapType?: string;
}

export interface GroupVersionKindRef {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export interface Definition extends SchemaNode {
  /** Full name, e.g. "io.k8s.api.apps.v1.Deployment". */
  readonly name: string;
  /** Go type name, the last dotted segment: "Deployment". Upstream error messages use it. */
  readonly goName: string;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly required?: readonly string[];
  readonly groupVersionKinds?: readonly GroupVersionKindRef[];
}

/** The compact on-disk node (see scripts/gen-schema.mjs and README.md for the key legend). */
export interface CompactNode {
  t?: SchemaType;
  f?: string;
  r?: string;
  i?: CompactNode;
  a?: CompactNode;
  e?: (string | number | boolean)[];
  p?: Record<string, CompactNode>;
  q?: string[];
  ps?: string;
  pk?: string;
  lt?: string;
  lk?: string[];
  mt?: string;
  g?: [string, string, string][];
}

interface Loaded {
  readonly byName: Map<string, Definition>;
  readonly byKind: Map<string, Definition>;
}

let loaded: Loaded | undefined;

/** definitions.json sits beside this file in src/; compiled code runs from dist/src/api/schema/. */
function definitionsPath(): string {
  const candidates = [
    new URL("./definitions.json", import.meta.url),
    new URL("../../../../src/api/schema/definitions.json", import.meta.url),
  ];
  for (const url of candidates) {
    const path = fileURLToPath(url);
    if (existsSync(path)) return path;
  }
  throw new Error("src/api/schema/definitions.json not found: run `node scripts/gen-schema.mjs`");
}

function expand(c: CompactNode): SchemaNode {
  const n: {
    -readonly [K in keyof SchemaNode]: SchemaNode[K];
  } = {};
  if (c.t !== undefined) n.type = c.t;
  if (c.f !== undefined) n.format = c.f;
  if (c.r !== undefined) n.ref = c.r;
  if (c.i !== undefined) n.items = expand(c.i);
  if (c.a !== undefined) n.additionalProperties = expand(c.a);
  if (c.e !== undefined) n.enum = c.e;
  if (c.ps !== undefined) n.patchStrategy = c.ps;
  if (c.pk !== undefined) n.patchMergeKey = c.pk;
  if (c.lt !== undefined) n.listType = c.lt;
  if (c.lk !== undefined) n.listMapKeys = c.lk;
  if (c.mt !== undefined) n.mapType = c.mt;
  return n;
}

function gvkKey(gvk: GroupVersionKindRef): string {
  return `${gvk.group}/${gvk.version}/${gvk.kind}`;
}

function add(target: Loaded, name: string, c: CompactNode): void {
  const properties = c.p ? Object.fromEntries(Object.entries(c.p).map(([k, v]) => [k, expand(v)] as const)) : undefined;
  const groupVersionKinds = c.g?.map(([group, version, kind]) => ({ group, version, kind }));
  const def: Definition = {
    ...expand(c),
    name,
    goName: name.slice(name.lastIndexOf(".") + 1),
    ...(properties ? { properties } : {}),
    ...(c.q ? { required: c.q } : {}),
    ...(groupVersionKinds ? { groupVersionKinds } : {}),
  };
  target.byName.set(name, def);
  for (const gvk of groupVersionKinds ?? []) if (!target.byKind.has(gvkKey(gvk))) target.byKind.set(gvkKey(gvk), def);
}

function load(): Loaded {
  if (loaded) return loaded;
  const raw = JSON.parse(readFileSync(definitionsPath(), "utf8")) as { v: number; defs: Record<string, CompactNode> };
  const fresh: Loaded = { byName: new Map(), byKind: new Map() };
  for (const [name, c] of Object.entries(raw.defs)) add(fresh, name, c);
  loaded = fresh;
  return loaded;
}

/**
 * Adds (or replaces) definitions in the compact format, e.g. structural schemas of custom resources or test
 * types. Kinds they declare in `g` become visible to definitionForKind.
 */
export function registerDefinitions(defs: Readonly<Record<string, CompactNode>>): void {
  const target = load();
  for (const [name, c] of Object.entries(defs)) add(target, name, c);
}

/** A definition by its full name ("io.k8s.api.core.v1.Pod"), or undefined. */
export function getDefinition(name: string): Definition | undefined {
  return load().byName.get(name);
}

/** The definition of a served kind: `{group: "apps", version: "v1", kind: "Deployment"}` (core group is ""). */
export function definitionForKind(gvk: GroupVersionKindRef): Definition | undefined {
  return load().byKind.get(gvkKey(gvk));
}

/** Follows `ref` to its definition; inline nodes are returned as they are. */
export function resolveNode(node: SchemaNode): SchemaNode | Definition {
  if (node.ref === undefined) return node;
  return getDefinition(node.ref) ?? node;
}

/** True for a definition or node that decodes as a Go struct with named fields. */
export function isStruct(node: SchemaNode | Definition): node is Definition {
  return "properties" in node && node.properties !== undefined;
}

/**
 * The schema at `path` below `def`: a dotted string ("spec.template.spec.containers") or segments. Array
 * elements are stepped into by a numeric segment, `[]` or `[3]` ("spec.containers[0].ports" works too), map
 * values by any key. A field that references a definition comes back as that definition with the field's own
 * facts (patch strategy, merge key, list/map type) laid over it. Undefined when the path leaves the schema.
 */
export function fieldSchema(
  def: Definition | SchemaNode | string,
  path: string | readonly string[],
): SchemaNode | Definition | undefined {
  let field: SchemaNode | undefined = typeof def === "string" ? getDefinition(def) : def;
  const segments =
    typeof path === "string"
      ? path
          .replace(/\[(\d*)\]/g, ".[$1]")
          .split(".")
          .filter((s) => s !== "")
      : path;
  for (const segment of segments) {
    if (field === undefined) return undefined;
    const node: SchemaNode | Definition = resolveNode(field);
    if (node.type === "array" || node.items !== undefined) {
      field = /^(\[\d*\]|\d+)$/.test(segment) ? node.items : undefined;
    } else if (isStruct(node)) {
      field = Object.prototype.hasOwnProperty.call(node.properties, segment) ? node.properties?.[segment] : undefined;
    } else {
      field = node.additionalProperties;
    }
  }
  if (field === undefined || field.ref === undefined) return field;
  const target = getDefinition(field.ref);
  return target ? { ...target, ...field } : field;
}
