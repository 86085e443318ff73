/**
 * The FieldsV1 a create records for its manager, in one walk of the new object. It is exactly what the general
 * Update path computes for an object that did not exist — compare({} → object), changed = added ∪ modified,
 * minus the reset fields (recursively) and stripMeta's fields, encoded as FieldsV1 — without building the
 * comparison's field sets first. Creates are the hottest write, so this is worth its own walk; update.test.ts
 * checks it against the general path.
 */
import type { JSONObject, JSONValue } from "../patch/gojson.js";
import { sortPEs, type FieldSet, type PathElement } from "./fieldpath.js";
import { indexItems, isEmptyOrNull, shape } from "./typed.js";
import { alwaysSerialized, childType, elemType, type TypeNode } from "./types.js";

/** A changed path: whether it is a member itself, and its changed children. */
interface Changed {
  readonly member: boolean;
  readonly children: Map<PathElement, Changed> | undefined;
}

const LEAF: Changed = { member: true, children: undefined };

/**
 * The FieldsV1 of everything `object` sets, as a create records it; undefined when that is nothing. `skip`:
 * reset fields (never owned, not even walked); `strip`: exact paths dropped from the result (stripMeta).
 */
export function createdFieldsV1(
  object: JSONObject,
  t: TypeNode,
  skip: FieldSet | undefined,
  strip: FieldSet | undefined,
): Record<string, unknown> | undefined {
  // The live side is `{}`: present, so fields Go always serializes compare against their zero value (null).
  if (isEmptyOrNull(object)) return undefined;
  const children = mapChildren(true, object, t, skip);
  return children && encode(children, strip);
}

/** walkCompare(l, r) where l is absent (undefined) or a zero value (null), and only added/modified count. */
function walkAdded(
  l: null | undefined,
  r: JSONValue | undefined,
  t: TypeNode,
  skip: FieldSet | undefined,
): Changed | undefined {
  if (r === undefined) return undefined;
  const sl = l === null ? shape(t, r) : shape(t, undefined);
  const sr = r === null ? sl : shape(t, r);
  if (sl !== sr || sl === "leaf" || isEmptyOrNull(r)) {
    // Added when it was absent; modified when it was null and is now something else.
    return l === null && r === null ? undefined : LEAF;
  }
  const children =
    sl === "map" ? mapChildren(l !== undefined, r as JSONObject, t, skip) : listChildren(r as JSONValue[], t, skip);
  // A map or list that appears is a member itself; one that was null was there already.
  if (l !== undefined) return children && { member: false, children };
  return { member: true, children };
}

function mapChildren(
  liveSideExists: boolean,
  r: JSONObject,
  t: TypeNode,
  skip: FieldSet | undefined,
): Map<PathElement, Changed> | undefined {
  let out: Map<PathElement, Changed> | undefined;
  for (const k of Object.keys(r)) {
    const pe = `f:${k}`;
    if (skip?.members.has(pe)) continue;
    const l = liveSideExists && alwaysSerialized(t, k) ? null : undefined;
    const c = walkAdded(l, r[k], childType(t, k), skip?.child(pe));
    if (c !== undefined) (out ??= new Map()).set(pe, c);
  }
  return out;
}

function listChildren(r: JSONValue[], t: TypeNode, skip: FieldSet | undefined): Map<PathElement, Changed> | undefined {
  let out: Map<PathElement, Changed> | undefined;
  const et = elemType(t);
  for (const [pe, item] of indexItems(t, r)) {
    if (skip?.members.has(pe)) continue;
    const c = walkAdded(undefined, item, et, skip?.child(pe));
    if (c !== undefined) (out ??= new Map()).set(pe, c);
  }
  return out;
}

/** FieldSet's FieldsV1 encoding of the changed paths less `strip`'s members; undefined when nothing is left. */
function encode(children: Map<PathElement, Changed>, strip: FieldSet | undefined): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  for (const pe of sortPEs([...children.keys()])) {
    const c = children.get(pe)!;
    const member = c.member && !strip?.members.has(pe);
    const below = c.children && encode(c.children, strip?.child(pe));
    if (below !== undefined) (out ??= {})[pe] = member ? { ".": {}, ...below } : below;
    else if (member) (out ??= {})[pe] = {};
  }
  return out;
}
