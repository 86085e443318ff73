/**
 * Typed operations over JSON values (structured-merge-diff/typed): the field set a value sets (ToFieldSet),
 * the comparison of two values (Compare: added, modified, removed), the apply merge (Merge) and the removal of
 * paths (RemoveItems).
 */
import { deepEqual, goMarshal, isObject, type JSONObject, type JSONValue } from "../patch/gojson.js";
import { FieldSet, fieldPE, indexPE, valuePE, type Path, type PathElement } from "./fieldpath.js";
import { alwaysSerialized, childType, elemType, type TypeNode } from "./types.js";

/** Key fields whose schema default upstream fills in when an item omits them (ports' protocol). */
const KEY_DEFAULTS: Readonly<Record<string, JSONValue>> = { protocol: "TCP" };

/** The path element of a list item: `k:{…}` for map-lists, `v:…` for sets, `i:n` otherwise. */
export function itemPE(t: TypeNode, item: JSONValue, index: number): PathElement {
  if (t.kind === "list" && t.rel === "map" && t.keys.length > 0 && isObject(item)) {
    // keyPE({…}) written out: the key fields in sorted order, Go-marshalled.
    let out = "k:{";
    let first = true;
    for (const k of sortedKeys(t.keys)) {
      const v = Object.prototype.hasOwnProperty.call(item, k) ? item[k] : KEY_DEFAULTS[k];
      if (v === undefined) continue;
      out += `${first ? "" : ","}${goMarshal(k)}:${goMarshal(v)}`;
      first = false;
    }
    return `${out}}`;
  }
  if (t.kind === "list" && t.rel === "set") return valuePE(item);
  return indexPE(index);
}

const sortedKeyLists = new WeakMap<readonly string[], readonly string[]>();

function sortedKeys(keys: readonly string[]): readonly string[] {
  let sorted = sortedKeyLists.get(keys);
  if (sorted === undefined) sortedKeyLists.set(keys, (sorted = [...keys].sort()));
  return sorted;
}

export type Shape = "map" | "list" | "leaf";

/** How a value is walked: granular maps/structs and non-atomic lists are descended into, the rest are leaves. */
export function shape(t: TypeNode, v: JSONValue | undefined): Shape {
  if (t.kind === "struct" || (t.kind === "map" && !t.atomic)) return v === undefined || isObject(v) ? "map" : "leaf";
  if (t.kind === "list" && t.rel !== "atomic") return v === undefined || Array.isArray(v) ? "list" : "leaf";
  if (t.kind === "untyped") return isObject(v ?? null) ? "map" : "leaf";
  return "leaf";
}

export function isEmptyOrNull(v: JSONValue | undefined): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (!isObject(v)) return false;
  for (const _ in v) return false;
  return true;
}

/** A list's items by path element (the first of duplicates wins). */
export function indexItems(t: TypeNode, list: JSONValue | undefined): Map<PathElement, JSONValue> {
  const out = new Map<PathElement, JSONValue>();
  if (!Array.isArray(list)) return out;
  list.forEach((item, i) => {
    const pe = itemPE(t, item, i);
    if (!out.has(pe)) out.set(pe, item);
  });
  return out;
}

/** ToFieldSet: the leaves, list items and empty/null fields a value sets. */
export function toFieldSet(value: JSONValue, t: TypeNode): FieldSet {
  const set = new FieldSet();
  walkSet(value, t, [], set);
  return set;
}

function walkSet(v: JSONValue, t: TypeNode, path: Path, set: FieldSet): void {
  const s = shape(t, v);
  if (s === "leaf") {
    set.insert(path);
  } else if (s === "map") {
    const obj = v as JSONObject;
    for (const [k, child] of Object.entries(obj)) {
      const cp = [...path, fieldPE(k)];
      walkSet(child, childType(t, k), cp, set);
      const declared = t.kind === "struct" && Object.prototype.hasOwnProperty.call(t.fields, k);
      if (child === null || (isObject(child) && Object.keys(child).length === 0) || !declared) set.insert(cp);
    }
  } else {
    (v as JSONValue[]).forEach((item, i) => {
      const cp = [...path, itemPE(t, item, i)];
      walkSet(item, elemType(t), cp, set);
      set.insert(cp);
    });
  }
}

export interface Comparison {
  readonly added: FieldSet;
  readonly modified: FieldSet;
  readonly removed: FieldSet;
}

/**
 * Compare(lhs → rhs): leaves, plus whole maps, lists and list items that appear or disappear. Paths at or
 * below a member of `skip` are not compared (for callers that drop them from the result anyway).
 */
export function compare(
  lhs: JSONValue | undefined,
  rhs: JSONValue | undefined,
  t: TypeNode,
  skip?: FieldSet,
): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  walkCompare(lhs, rhs, t, [], c, skip);
  return c;
}

/** `path` is one array pushed and popped along the walk (FieldSet.insert copies what it keeps). */
function walkCompare(
  l: JSONValue | undefined,
  r: JSONValue | undefined,
  t: TypeNode,
  path: PathElement[],
  c: Comparison,
  skip: FieldSet | undefined,
): void {
  const sl = l === null ? shape(t, r) : shape(t, l);
  const sr = r === null ? sl : shape(t, r);
  const leaf = sl !== sr || sl === "leaf" || (isEmptyOrNull(l) && isEmptyOrNull(r));
  if (leaf) {
    if (l === undefined && r !== undefined) c.added.insert(path);
    else if (r === undefined && l !== undefined) c.removed.insert(path);
    else if (l !== undefined && r !== undefined && !deepEqual(l, r)) c.modified.insert(path);
    return;
  }
  // A map, list or list item that appears or goes away is a member too (a null one was there already).
  if (l === undefined) c.added.insert(path);
  if (r === undefined) c.removed.insert(path);
  if (sl === "map") {
    const lo = (l ?? {}) as JSONObject;
    const ro = (r ?? {}) as JSONObject;
    const zero = (side: JSONValue | undefined, k: string): JSONValue | undefined =>
      side !== undefined && alwaysSerialized(t, k) ? null : undefined;
    const visit = (k: string): void => {
      const pe = fieldPE(k);
      if (skip?.members.has(pe)) return;
      const lc = Object.prototype.hasOwnProperty.call(lo, k) ? lo[k] : zero(l, k);
      const rc = Object.prototype.hasOwnProperty.call(ro, k) ? ro[k] : zero(r, k);
      path.push(pe);
      walkCompare(lc, rc, childType(t, k), path, c, skip?.child(pe));
      path.pop();
    };
    for (const k of Object.keys(lo)) visit(k);
    for (const k of Object.keys(ro)) if (!Object.prototype.hasOwnProperty.call(lo, k)) visit(k);
  } else {
    const li = indexItems(t, l);
    const ri = indexItems(t, r);
    const et = elemType(t);
    const visit = (pe: PathElement): void => {
      if (skip?.members.has(pe)) return;
      path.push(pe);
      walkCompare(li.get(pe), ri.get(pe), et, path, c, skip?.child(pe));
      path.pop();
    };
    for (const pe of li.keys()) visit(pe);
    for (const pe of ri.keys()) if (!li.has(pe)) visit(pe);
  }
}

/** Merge(live, config): config's values win; maps merge by key; map-lists and sets merge by item. */
export function merge(l: JSONValue | undefined, r: JSONValue | undefined, t: TypeNode): JSONValue | undefined {
  if (r === undefined) return l;
  if (l === undefined) return r;
  const sl = shape(t, l);
  const sr = shape(t, r);
  if (sl !== sr || sl === "leaf" || (isEmptyOrNull(l) && isEmptyOrNull(r))) return r;
  if (sl === "map") {
    const out: JSONObject = {};
    const lo = l as JSONObject;
    const ro = r as JSONObject;
    for (const [k, v] of Object.entries(lo)) {
      const m = Object.prototype.hasOwnProperty.call(ro, k) ? merge(v, ro[k], childType(t, k)) : v;
      if (m !== undefined) out[k] = m;
    }
    for (const [k, v] of Object.entries(ro)) if (!Object.prototype.hasOwnProperty.call(lo, k)) out[k] = v;
    return out;
  }
  return mergeList(l as JSONValue[], r as JSONValue[], t);
}

/** mergingWalker.visitListItems: live-only items keep their place, shared items follow the config's order. */
function mergeList(l: JSONValue[], r: JSONValue[], t: TypeNode): JSONValue[] {
  const lpes = l.map((v, i) => itemPE(t, v, i));
  const rpes = r.map((v, i) => itemPE(t, v, i));
  const li = indexItems(t, l);
  const ri = indexItems(t, r);
  const shared = rpes.filter((pe) => li.has(pe));
  let next = 0;
  const merged = new Set<PathElement>();
  const out: JSONValue[] = [];
  const et = elemType(t);
  const take = (pe: PathElement): void => {
    merged.add(pe);
    const m = merge(li.get(pe), ri.get(pe), et);
    if (m !== undefined) out.push(m);
    if (shared[next] === pe) next++;
  };
  let lI = 0;
  let rI = 0;
  while (lI < lpes.length || rI < rpes.length) {
    if (lI < lpes.length && rI < rpes.length) {
      const pe = lpes[lI]!;
      if (pe === rpes[rI]) {
        if (!merged.has(pe)) take(pe);
        lI++;
        rI++;
        continue;
      }
      if (ri.has(pe) && next < shared.length && shared[next] !== pe) {
        lI++;
        continue;
      }
    }
    if (lI < lpes.length) {
      const pe = lpes[lI]!;
      if (!ri.has(pe)) {
        if (!merged.has(pe)) {
          merged.add(pe);
          out.push(l[lI]!);
        }
        lI++;
        continue;
      }
      if (merged.has(pe)) {
        lI++;
        continue;
      }
    }
    if (rI < rpes.length) {
      const pe = rpes[rI]!;
      if (!merged.has(pe)) take(pe);
      rI++;
    }
  }
  return out;
}

/** RemoveItems: drops every field, map key and list item that is a member of `set` (with what is below it). */
export function removeItems(v: JSONValue, set: FieldSet, t: TypeNode): JSONValue {
  const s = shape(t, v);
  if (s === "map") {
    const out: JSONObject = {};
    for (const [k, child] of Object.entries(v as JSONObject)) {
      const pe = fieldPE(k);
      if (set.members.has(pe)) continue;
      const sub = set.child(pe);
      out[k] = sub ? removeItems(child, sub, childType(t, k)) : child;
    }
    return out;
  }
  if (s === "list") {
    const out: JSONValue[] = [];
    (v as JSONValue[]).forEach((item, i) => {
      const pe = itemPE(t, item, i);
      if (set.members.has(pe)) return;
      const sub = set.child(pe);
      out.push(sub ? removeItems(item, sub, elemType(t)) : item);
    });
    return out;
  }
  return v;
}

/** EnsureNamedFieldsAreMembers: struct fields that have children in the set become members too. */
export function ensureNamedFieldsAreMembers(set: FieldSet, t: TypeNode): FieldSet {
  const out = new FieldSet();
  for (const m of set.members) out.members.add(m);
  for (const [pe, child] of set.children) {
    const name = pe.startsWith("f:") ? pe.slice(2) : undefined;
    if (name !== undefined && t.kind === "struct" && Object.prototype.hasOwnProperty.call(t.fields, name)) {
      out.members.add(pe);
    }
    const ct = name !== undefined ? childType(t, name) : elemType(t);
    out.children.set(pe, ensureNamedFieldsAreMembers(child, ct));
  }
  return out;
}
