/**
 * Unknown-field detection for `fieldValidation=Strict|Warn`, matching what upstream's strict JSON decoder
 * (sigs.k8s.io/json UnmarshalStrict) reports: one path per unknown key, fields joined by ".", list elements as
 * "[i]", in document order, de-duplicated, at most 100.
 */
import { definitionForKind, isStruct, resolveNode, type GroupVersionKindRef, type SchemaNode } from "./index.js";

const MAX_ERRORS = 100;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Scalars have nothing unknown inside them: only objects and arrays are walked (and get a path string). */
function walkable(value: unknown): boolean {
  return typeof value === "object" && value !== null;
}

function walk(node: SchemaNode, value: unknown, path: string, out: string[], seen: Set<string>): void {
  if (out.length >= MAX_ERRORS) return;
  const resolved = resolveNode(node);
  if (Array.isArray(value)) {
    if (!resolved.items) return;
    for (let i = 0; i < value.length; i++) {
      if (walkable(value[i])) walk(resolved.items, value[i], `${path}[${i}]`, out, seen);
    }
    return;
  }
  if (!isPlainObject(value)) return;
  if (isStruct(resolved)) {
    for (const key in value) {
      const child = value[key];
      const field =
        resolved.properties && Object.hasOwn(resolved.properties, key) ? resolved.properties[key] : undefined;
      if (field === undefined) {
        const childPath = path === "" ? key : `${path}.${key}`;
        if (!seen.has(childPath) && out.length < MAX_ERRORS) {
          seen.add(childPath);
          out.push(childPath);
        }
        continue;
      }
      if (walkable(child)) walk(field, child, path === "" ? key : `${path}.${key}`, out, seen);
    }
    return;
  }
  const values = resolved.additionalProperties;
  if (values === undefined) return; // RawExtension, FieldsV1 and other free-form objects
  for (const key in value) {
    const child = value[key];
    if (walkable(child)) walk(values, child, path === "" ? key : `${path}.${key}`, out, seen);
  }
}

/**
 * Paths of the fields in `object` that the kind's schema does not know, e.g. `["spec.bogusField",
 * "spec.template.spec.containers[0].foo"]`. Empty when all fields are known, or when the kind is not a built-in
 * type in the schema (custom resources are validated against their own schema elsewhere).
 */
export function findUnknownFields(kindRef: GroupVersionKindRef, object: unknown): string[] {
  const def = definitionForKind(kindRef);
  if (def === undefined) return [];
  const out: string[] = [];
  walk(def, object, "", out, new Set());
  return out;
}

/**
 * Upstream's runtime.NewStrictDecodingError text for these paths:
 * `strict decoding error: unknown field "spec.bogusField", unknown field "spec.x"`.
 * Create/update wrap it as 400 BadRequest `<Kind> in version "<v>" cannot be handled as a <Kind>: <this>`.
 */
export function strictDecodingMessage(unknownFields: readonly string[]): string {
  return `strict decoding error: ${unknownFields.map((f) => `unknown field ${JSON.stringify(f)}`).join(", ")}`;
}
