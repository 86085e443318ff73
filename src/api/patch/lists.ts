/**
 * List handling of the strategic merge patch: merging by merge key, `$patch` elements inside lists, primitive
 * lists, and the ordering rules (patch order, then live order) of upstream's strategicpatch package.
 */
import { PatchError } from "./errors.js";
import {
  getOwn,
  goFormat,
  goTypeName,
  hasOwn,
  isObject,
  scalarEqual,
  type JSONObject,
  type JSONValue,
} from "./gojson.js";
import type { GoType } from "./lookup.js";
import { errBadArgType, errBadPatchType, errNoListOfLists, errNoMergeKey } from "./smp-errors.js";
import { mergeMap } from "./strategic.js";

export type ElementKind = "map" | "other";

/** sliceElementType: every element of every slice has one Go type, and it is not a slice. */
export function sliceElementKind(...slices: readonly (readonly JSONValue[])[]): ElementKind {
  let prev: string | undefined;
  for (const s of slices) {
    for (const v of s) {
      const t = goTypeName(v);
      if (prev === undefined) {
        prev = t;
        if (t === "[]interface {}") throw errNoListOfLists();
      } else if (prev !== t) {
        throw new PatchError(
          `list element types are not identical: [${slices.map((x) => goFormat([...x])).join(" ")}]`,
        );
      }
    }
  }
  if (prev === undefined) throw new PatchError("no elements in any of the given slices");
  return prev === "map[string]interface {}" ? "map" : "other";
}

/** The value an element is matched by: its merge key for maps, itself otherwise (Go `==`). */
function matchValue(item: JSONValue, mergeKey: string, kind: ElementKind): JSONValue {
  if (kind !== "map") return item;
  return isObject(item) ? (getOwn(item, mergeKey) ?? null) : null;
}

function indexOf(list: readonly JSONValue[], item: JSONValue, mergeKey: string, kind: ElementKind): number {
  const want = matchValue(item, mergeKey, kind);
  return list.findIndex((v) => scalarEqual(want, matchValue(v, mergeKey, kind)));
}

/** findMapInSliceBasedOnKeyValue. */
export function findByKey(list: readonly JSONValue[], key: string, value: JSONValue): number {
  for (let i = 0; i < list.length; i++) {
    const v = list[i]!;
    if (!isObject(v)) throw new PatchError(`value for key ${i} is not a map`);
    if (hasOwn(v, key) && scalarEqual(v[key], value)) return i;
  }
  return -1;
}

function validateMergeKeyInLists(mergeKey: string, ...lists: readonly (readonly JSONValue[])[]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isObject(item)) throw errBadArgType("map", item);
      if (!hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
    }
  }
}

function isDeleteItem(v: JSONValue): boolean {
  return isObject(v) && getOwn(v, "$patch") === "delete";
}

/** normalizeSliceOrder: sort `toSort` by `order` as Go's sort.SliceStable does with upstream's less function. */
function normalizeSliceOrder(toSort: JSONValue[], order: readonly JSONValue[], mergeKey: string, kind: ElementKind) {
  let items = toSort;
  let toDelete: JSONValue[] = [];
  if (kind === "map") {
    validateMergeKeyInLists(mergeKey, toSort, order);
    toDelete = toSort.filter(isDeleteItem);
    items = toSort.filter((v) => !isDeleteItem(v));
  }
  const less = (a: JSONValue, b: JSONValue): boolean => {
    const ia = indexOf(order, a, mergeKey, kind);
    if (ia < 0) return true;
    const ib = indexOf(order, b, mergeKey, kind);
    return ib < 0 ? true : ia < ib;
  };
  const out = [...items];
  for (let i = 1; i < out.length; i++) {
    for (let j = i; j > 0 && less(out[j]!, out[j - 1]!); j--) [out[j], out[j - 1]] = [out[j - 1]!, out[j]!];
  }
  return [...out, ...toDelete];
}

/** mergeSortedSlice: interleave server-only items (left) into patch items (right) by live order. */
function mergeSorted(
  left: JSONValue[],
  right: JSONValue[],
  serverOrder: readonly JSONValue[],
  key: string,
  kind: ElementKind,
) {
  const out: JSONValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]!);
    else if (j >= right.length) out.push(left[i++]!);
    else {
      const li = indexOf(serverOrder, left[i]!, key, kind);
      const ri = indexOf(serverOrder, right[j]!, key, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]!);
      else out.push(right[j++]!);
    }
  }
  return out;
}

export function normalizeElementOrder(
  patch: JSONValue[],
  serverOnly: JSONValue[],
  patchOrder: readonly JSONValue[],
  serverOrder: readonly JSONValue[],
  mergeKey: string,
  kind: ElementKind,
): JSONValue[] {
  const p = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSorted(s, p, serverOrder, mergeKey, kind);
}

/** Splits `list` into [items present in `by`, the rest], matching maps by merge key and scalars by value. */
export function partition(
  list: readonly JSONValue[],
  by: readonly JSONValue[],
  mergeKey: string,
): [JSONValue[], JSONValue[]] {
  const inPatch: JSONValue[] = [];
  const serverOnly: JSONValue[] = [];
  for (const v of list) {
    let found: boolean;
    if (mergeKey === "") found = by.some((b) => scalarEqual(b, v));
    else {
      if (!isObject(v)) throw errBadArgType("map", v);
      if (!hasOwn(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
      found = findByKey(by, mergeKey, v[mergeKey]!) >= 0;
    }
    (found ? inPatch : serverOnly).push(v);
  }
  return [inPatch, serverOnly];
}

/**
 * deduplicateScalars on the first `len` items of `s`, in place, including its order-shuffling swap with the
 * last element; returns the new length. `s` keeps its size (Go reslices; the backing array keeps the tail).
 */
function deduplicateInPlace(s: JSONValue[], len: number): number {
  let length = len - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (scalarEqual(s[i], s[j])) {
        s[j] = s[length]!;
        length--;
        j--;
      }
    }
  }
  return Math.max(length + 1, 0);
}

/**
 * A Go slice over a shared backing array. Upstream's list merging deletes and appends in place, so the live
 * list it was given (which mergePatchIntoOriginal keeps using to order the result) sees those writes; the
 * results kubectl gets depend on it. A live list decoded by the apiserver has capacity == length.
 */
class GoSlice {
  private shared = true;
  constructor(
    public arr: JSONValue[],
    public len: number = arr.length,
  ) {}

  view(): JSONValue[] {
    return this.arr.slice(0, this.len);
  }

  deleteAt(i: number): void {
    for (let k = i; k < this.len - 1; k++) this.arr[k] = this.arr[k + 1]!;
    this.len--;
  }

  append(v: JSONValue): void {
    if (this.shared && this.len < this.arr.length) this.arr[this.len] = v;
    else {
      this.arr = [...this.arr.slice(0, this.len), v];
      this.shared = false;
    }
    this.len++;
  }
}

/** mergeSliceWithSpecialElements: applies `$patch: delete|replace` elements; returns the patch without them. */
function applySpecialElements(original: GoSlice, patch: JSONValue[], mergeKey: string): [GoSlice, JSONValue[]] {
  const rest: JSONValue[] = [];
  let replace = false;
  for (const v of patch) {
    const m = v as JSONObject;
    if (!hasOwn(m, "$patch")) {
      rest.push(v);
      continue;
    }
    const directive = m["$patch"];
    if (directive === "delete") {
      if (!hasOwn(m, mergeKey)) throw errNoMergeKey(m, mergeKey);
      const value = m[mergeKey]!;
      for (
        let i = findByKey(original.view(), mergeKey, value);
        i >= 0;
        i = findByKey(original.view(), mergeKey, value)
      ) {
        original.deleteAt(i);
      }
    } else if (directive === "replace") replace = true;
    else if (directive === "merge") throw new PatchError("merging lists cannot yet be specified in the patch");
    else throw errBadPatchType(directive, m);
  }
  return replace ? [new GoSlice([...rest]), []] : [original, rest];
}

/**
 * mergeSlice: a list with the merge strategy, or a `$deleteFromPrimitiveList` parallel list. `original` is the
 * live list and is written to the way upstream writes to it (see GoSlice).
 */
export function mergeSlice(
  original: JSONValue[],
  patch: JSONValue[],
  elem: GoType,
  mergeKey: string,
  isDeleteList: boolean,
): JSONValue[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementKind(original, patch);
  let merged: JSONValue[];
  let base = original;
  let patchItems = patch;
  if (kind !== "map") {
    if (isDeleteList) return original.filter((v) => !patch.some((d) => scalarEqual(d, v)));
    if (patch.length === 0) merged = original.slice(0, deduplicateInPlace(original, original.length));
    else {
      const both = [...original, ...patch];
      merged = both.slice(0, deduplicateInPlace(both, both.length));
    }
  } else {
    if (mergeKey === "") throw new PatchError(`cannot merge lists without merge key for ${elem.kind}`);
    const [slice, rest] = applySpecialElements(new GoSlice(original), patch, mergeKey);
    base = slice.view();
    patchItems = rest;
    for (const v of patchItems) {
      const m = v as JSONObject;
      if (!hasOwn(m, mergeKey)) throw errNoMergeKey(m, mergeKey);
      const at = findByKey(slice.view(), mergeKey, m[mergeKey]!);
      if (at >= 0) slice.arr[at] = mergeMap(slice.arr[at] as JSONObject, m, elem);
      else slice.append(v);
    }
    merged = slice.view();
  }
  const [inPatch, serverOnly] = partition(merged, patchItems, mergeKey);
  return normalizeElementOrder(inPatch, serverOnly, patchItems, base, mergeKey, kind);
}
