/** What both entry points need: the kind's type, its apiVersion and its reset fields; object helpers. */
import { clone, isObject, type JSONObject, type JSONValue } from "../patch/gojson.js";
import { definitionForKind } from "../schema/index.js";
import { FieldSet } from "./fieldpath.js";
import { rootType } from "./types.js";
import type { UpdaterContext } from "./updater.js";

export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export function apiVersionOf(gvk: GroupVersionKind): string {
  return gvk.group === "" ? gvk.version : `${gvk.group}/${gvk.version}`;
}

/**
 * The strategies' reset fields (GetResetFields): the main resource does not own `status`; the status
 * subresource does not own `spec` nor `metadata` (Skiff's store keeps both from the stored object on status
 * writes, as ResetObjectMetaForStatus does for most of metadata).
 */
export function contextFor(gvk: GroupVersionKind, subresource: string): UpdaterContext {
  const def = definitionForKind(gvk);
  if (def === undefined) return computeContext(gvk, def, subresource);
  let bySubresource = contexts.get(def);
  if (bySubresource === undefined) contexts.set(def, (bySubresource = new Map()));
  const id = `${apiVersionOf(gvk)} ${subresource}`;
  let ctx = bySubresource.get(id);
  if (ctx === undefined) bySubresource.set(id, (ctx = computeContext(gvk, def, subresource)));
  return ctx;
}

/**
 * Contexts by definition (a re-registered definition is a new object), apiVersion and subresource; field sets are never
 * changed once built, so one context serves every write.
 */
const contexts = new WeakMap<object, Map<string, UpdaterContext>>();

function computeContext(
  gvk: GroupVersionKind,
  def: ReturnType<typeof definitionForKind>,
  subresource: string,
): UpdaterContext {
  const type = rootType(def);
  const props = def?.properties ?? {};
  const ignored = new FieldSet();
  if (subresource === "" && "status" in props) ignored.insert(["f:status"]);
  if (subresource === "status") {
    if ("spec" in props) ignored.insert(["f:spec"]);
    ignored.insert(["f:metadata"]);
  }
  return { type, apiVersion: apiVersionOf(gvk), ignored };
}

/** A deep copy of a request or stored object as plain JSON. */
export function copyObject(o: object | undefined): JSONObject {
  if (o === undefined) return {};
  const c = clone(o as JSONValue);
  if (!isObject(c)) throw new TypeError("object expected");
  return c;
}

export function metadataOf(o: JSONObject): JSONObject | undefined {
  const m = o["metadata"];
  return isObject(m) ? m : undefined;
}

export function removeManagedFields(o: JSONObject): void {
  const m = metadataOf(o);
  if (m) delete m["managedFields"];
}

export function setManagedFields(o: JSONObject, entries: readonly unknown[]): void {
  if (entries.length === 0) {
    removeManagedFields(o);
    return;
  }
  let m = metadataOf(o);
  if (!m) {
    m = {};
    o["metadata"] = m;
  }
  m["managedFields"] = entries as JSONValue;
}

/** Puts the live values of top-level reset fields back (what the strategy's PrepareForUpdate does). */
export function restoreIgnored(result: JSONObject, live: JSONObject, ignored: FieldSet): void {
  for (const pe of ignored.members) {
    const key = pe.slice(2);
    if (live[key] !== undefined) result[key] = clone(live[key]);
    else delete result[key];
  }
}
