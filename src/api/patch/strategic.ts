/**
 * Strategic merge patch (application/strategic-merge-patch+json), the server half of upstream's
 * k8s.io/apimachinery/pkg/util/strategicpatch (StrategicMergeMapPatch with MergeParallelList and
 * IgnoreUnmatchedNulls), driven by the structural schema instead of Go struct tags.
 */
import { PatchError } from "./errors.js";
import { goFormat, goTypeName, hasOwn, isObject, setOwn, type JSONObject, type JSONValue } from "./gojson.js";
import { mergeSlice, normalizeElementOrder, partition, sliceElementKind } from "./lists.js";
import { lookupSlice, lookupStruct, splitStrategies, type GoType } from "./lookup.js";
import {
  errBadArgType,
  errBadPatchFormatForPrimitiveList,
  errBadPatchFormatForRetainKeys,
  errBadPatchFormatForSetElementOrderList,
  errBadPatchType,
  errNoMergeKey,
} from "./smp-errors.js";

const DIRECTIVE = "$patch";
const RETAIN_KEYS = "$retainKeys";
const DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList";
const SET_ELEMENT_ORDER = "$setElementOrder";

/** extractKey: "$setElementOrder/containers" → "containers". */
function extractKey(s: string, prefix: string): string {
  const slash = s.indexOf("/");
  if (slash < 0 || s.slice(0, slash) !== prefix) {
    throw prefix === DELETE_FROM_PRIMITIVE_LIST
      ? errBadPatchFormatForPrimitiveList()
      : errBadPatchFormatForSetElementOrderList();
  }
  return s.slice(slash + 1);
}

/** removeDirectives: drops maps carrying `$patch` (and list elements that are such maps); [value, keep]. */
function removeDirectives(v: JSONValue): [JSONValue, boolean] {
  if (Array.isArray(v)) {
    const out: JSONValue[] = [];
    for (const item of v) {
      const [nv, keep] = removeDirectives(item);
      if (keep) out.push(nv);
    }
    return [out, true];
  }
  if (isObject(v)) {
    if (hasOwn(v, DIRECTIVE)) return [null, false];
    for (const k of Object.keys(v)) {
      const [nv, keep] = removeDirectives(v[k]!);
      if (keep) setOwn(v, k, nv);
      else delete v[k];
    }
  }
  return [v, true];
}

function discardNullValues(v: JSONValue): void {
  if (Array.isArray(v)) v.forEach(discardNullValues);
  else if (isObject(v)) {
    for (const k of Object.keys(v)) {
      if (v[k] === null) delete v[k];
      else discardNullValues(v[k]!);
    }
  }
}

function applyRetainKeys(original: JSONObject, patch: JSONObject): void {
  if (!hasOwn(patch, RETAIN_KEYS)) return;
  const list = patch[RETAIN_KEYS]!;
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw errBadPatchFormatForRetainKeys();
  const retained = new Set(list.filter((x): x is string => typeof x === "string"));
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!retained.has(k)) throw errBadPatchFormatForRetainKeys();
  }
  for (const k of Object.keys(original)) if (!retained.has(k)) delete original[k];
}

/** validatePatchWithSetOrderList: the patch list's (non-deleted) items appear in `$setElementOrder` order. */
function validateSetOrder(patchList: JSONValue[], order: JSONValue[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  let items = patchList;
  if (mergeKey !== "") {
    for (const v of patchList) if (!isObject(v)) throw errBadArgType("map", v);
    items = patchList.filter((v) => !(isObject(v) && v[DIRECTIVE] === "delete"));
  }
  const keyOf = (v: JSONValue): JSONValue => {
    if (mergeKey === "") return v;
    if (!isObject(v)) throw errBadArgType("map", v);
    if (!hasOwn(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
    return v[mergeKey]!;
  };
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    const item = items[p]!;
    if (isObject(item) && hasOwn(item, DIRECTIVE)) {
      p++;
      continue;
    }
    const a = keyOf(item);
    const b = keyOf(order[o]!);
    if (a === b && (typeof a !== "object" || a === null)) p++;
    o++;
  }
  if (p < items.length && o >= order.length) {
    throw new PatchError(
      `The order in patch list:\n${goFormat(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goFormat(order)}\n`,
    );
  }
}

/** mergePatchIntoOriginal: lists that come with a `$setElementOrder/<field>` directive. */
function mergeOrderedLists(original: JSONObject, patch: JSONObject, t: GoType): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[key]!;
    delete patch[key];
    if (!Array.isArray(order)) throw errBadArgType("slice", order);
    const field = extractKey(key, SET_ELEMENT_ORDER);
    const foundOriginal = hasOwn(original, field);
    const foundPatch = hasOwn(patch, field);
    const originalList = foundOriginal ? original[field]! : [];
    const patchList = foundPatch ? patch[field]! : [];
    if (!Array.isArray(originalList)) throw errBadArgType("slice", originalList);
    if (!Array.isArray(patchList)) throw errBadArgType("slice", patchList);
    const { sub, meta } = lookupSlice(t, field);
    const { strategy } = splitStrategies(meta.strategies);
    validateSetOrder(patchList, order, meta.mergeKey);
    let merged: JSONValue[];
    if (foundOriginal && !foundPatch) merged = originalList;
    else if (!foundOriginal && foundPatch) merged = removeDirectives(patchList)[0] as JSONValue[];
    else if (foundOriginal && foundPatch)
      merged = mergeSliceHandler(originalList, patchList, sub, strategy, meta.mergeKey, false);
    else continue;
    const [inPatch, serverOnly] = partition(merged, order, meta.mergeKey);
    // originalList is read after the merge on purpose: upstream orders by the live list as the merge left it
    const kind = sliceElementKind(originalList, patchList);
    setOwn(original, field, normalizeElementOrder(inPatch, serverOnly, order, originalList, meta.mergeKey, kind));
    delete patch[field];
  }
}

function mergeSliceHandler(
  original: JSONValue[],
  patch: JSONValue[],
  elem: GoType,
  strategy: string,
  mergeKey: string,
  isDeleteList: boolean,
): JSONValue[] {
  if (strategy === "merge" || isDeleteList) return mergeSlice(original, patch, elem, mergeKey, isDeleteList);
  return patch;
}

function takePatchValue(original: JSONObject, k: string, patchV: JSONValue): void {
  discardNullValues(patchV);
  const [v, keep] = removeDirectives(patchV);
  if (keep) setOwn(original, k, v);
  else delete original[k];
}

/** mergeMap: merges `patch` into `original` (both are mutated) for a value of Go type `t`. */
export function mergeMap(original: JSONObject, patch: JSONObject, t: GoType): JSONObject {
  if (hasOwn(patch, DIRECTIVE)) {
    const directive = patch[DIRECTIVE];
    if (directive === "replace") {
      delete patch[DIRECTIVE];
      return patch;
    }
    if (directive === "delete") return {};
    throw errBadPatchType(directive, patch);
  }
  applyRetainKeys(original, patch);
  mergeOrderedLists(original, patch, t);

  for (const [rawKey, patchV] of Object.entries(patch)) {
    let k = rawKey;
    let isDeleteList = false;
    if (rawKey.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      const field = extractKey(rawKey, DELETE_FROM_PRIMITIVE_LIST);
      isDeleteList = true;
      if (field !== "") k = field;
    }
    if (patchV === null) {
      delete original[k];
      continue;
    }
    if (!hasOwn(original, k) || goTypeName(original[k]) !== goTypeName(patchV)) {
      if (!isDeleteList) takePatchValue(original, k, patchV);
      continue;
    }
    const current = original[k]!;
    if (isObject(current)) {
      const { sub, meta } = lookupStruct(t, k);
      const { strategy } = splitStrategies(meta.strategies);
      setOwn(original, k, strategy === "replace" ? patchV : mergeMap(current, patchV as JSONObject, sub));
    } else if (Array.isArray(current)) {
      const { sub, meta } = lookupSlice(t, k);
      const { strategy } = splitStrategies(meta.strategies);
      setOwn(
        original,
        k,
        mergeSliceHandler(current, patchV as JSONValue[], sub, strategy, meta.mergeKey, isDeleteList),
      );
    } else {
      takePatchValue(original, k, patchV);
    }
  }
  return original;
}
