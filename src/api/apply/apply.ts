/**
 * Server-side apply (PATCH with Content-Type application/apply-patch+yaml): merges the applied configuration
 * into the live object and updates `metadata.managedFields`, as upstream's FieldManager.Apply with its default
 * wrappers (last-applied upgrade for "kubectl", managed-fields times, strip-meta, cap on update managers).
 */
import { badRequest } from "../status.js";
import { deepEqual, goMarshal, isObject, type JSONObject, type JSONValue } from "../patch/gojson.js";
import { conflictError, Conflicts, type Conflict } from "./conflicts.js";
import {
  apiVersionOf,
  contextFor,
  copyObject,
  metadataOf,
  removeManagedFields,
  restoreIgnored,
  setManagedFields,
  type GroupVersionKind,
} from "./context.js";
import type { FieldSet } from "./fieldpath.js";
import {
  capUpdateManagers,
  decodeManagedFields,
  encodeManagedFields,
  formatTime,
  managerIdentifier,
  STRIPPED,
  type Managed,
} from "./managed.js";
import { compare, toFieldSet } from "./typed.js";
import { applyToManagers, dropNulls, type UpdaterContext } from "./updater.js";

export const LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration";
const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export interface ApplyInput {
  /** The stored object, or undefined when the apply creates it. */
  readonly live: object | undefined;
  /** The applied configuration (the decoded PATCH body). */
  readonly applied: object;
  /** The fieldManager query parameter (required for apply). */
  readonly manager: string;
  /** The force query parameter. */
  readonly force: boolean;
  readonly gvk: GroupVersionKind;
  readonly now: Date;
  /** "" or undefined for the main resource, "status", … */
  readonly subresource?: string;
}

function checkApplied(applied: JSONObject, gvk: GroupVersionKind): void {
  const expected = apiVersionOf(gvk);
  const apiVersion = typeof applied["apiVersion"] === "string" ? applied["apiVersion"] : "";
  const kind = typeof applied["kind"] === "string" ? applied["kind"] : "";
  if (apiVersion !== expected) {
    throw badRequest(
      `Incorrect version specified in apply patch. Specified patch version: ${apiVersion}, expected: ${expected}`,
    );
  }
  if (kind !== gvk.kind) {
    throw badRequest(`invalid object type: ${gvk.group}/${gvk.version}, Kind=${kind}`);
  }
  const managedFields = metadataOf(applied)?.["managedFields"];
  if (managedFields !== undefined && managedFields !== null) {
    throw badRequest("metadata.managedFields must be nil");
  }
}

function lastAppliedOf(o: JSONObject): string | undefined {
  const annotations = metadataOf(o)?.["annotations"];
  const v = isObject(annotations) ? annotations[LAST_APPLIED_ANNOTATION] : undefined;
  return typeof v === "string" && v !== "" ? v : undefined;
}

/**
 * lastAppliedManager: conflicts of "kubectl" are allowed on fields the client-side apply annotation sets and
 * that nobody changed since (the upgrade from client-side to server-side apply). Returns the conflicts left.
 */
function disallowedConflicts(live: JSONObject, conflicts: readonly Conflict[], ctx: UpdaterContext): Conflict[] {
  const raw = lastAppliedOf(live);
  if (raw === undefined) return [...conflicts];
  let lastApplied: JSONValue;
  try {
    lastApplied = JSON.parse(raw) as JSONValue;
  } catch {
    return [...conflicts];
  }
  if (!isObject(lastApplied)) return [...conflicts];
  const allowed: FieldSet = toFieldSet(lastApplied, ctx.type).difference(compare(lastApplied, live, ctx.type).modified);
  return conflicts.filter((c) => !allowed.has(c.path));
}

/** lastAppliedUpdater: "kubectl" keeps an existing client-side apply annotation in step with what it applies. */
function updateLastApplied(object: JSONObject, applied: JSONObject): void {
  const meta = metadataOf(object);
  const annotations = meta?.["annotations"];
  if (!meta || !isObject(annotations) || lastAppliedOf(object) === undefined) return;
  const copy = copyObject(applied);
  const appliedAnnotations = metadataOf(copy)?.["annotations"];
  if (isObject(appliedAnnotations)) delete appliedAnnotations[LAST_APPLIED_ANNOTATION];
  annotations[LAST_APPLIED_ANNOTATION] = `${goMarshal(copy)}\n`;
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) size += k.length + (typeof v === "string" ? v.length : 0);
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) delete annotations[LAST_APPLIED_ANNOTATION];
}

/**
 * The object after applying `applied` as `manager`, with its managedFields. Throws a 409 StatusError (reason
 * Conflict, FieldManagerConflict causes) listing every conflict unless `force`, and 400s for a wrong
 * apiVersion/kind or a body carrying metadata.managedFields.
 */
export function applyConfiguration(input: ApplyInput): object {
  const subresource = input.subresource ?? "";
  const applied = copyObject(input.applied);
  checkApplied(applied, input.gvk);
  const ctx = contextFor(input.gvk, subresource);
  const live = copyObject(input.live);
  let managed: Managed;
  try {
    managed = decodeManagedFields(metadataOf(live)?.["managedFields"], true);
  } catch {
    managed = new Map();
  }
  removeManagedFields(live);

  const entry = { manager: input.manager, operation: "Apply" as const, apiVersion: ctx.apiVersion, subresource };
  const id = managerIdentifier(entry);
  const previousTime = managed.get(id)?.time;
  const attempt = (force: boolean): { merged: JSONValue; managed: Managed } => {
    const copy: Managed = new Map(managed);
    const merged = applyToManagers(live, applied, copy, id, { ...entry, time: previousTime }, ctx, force);
    return { merged, managed: copy };
  };

  let result: { merged: JSONValue; managed: Managed };
  try {
    result = attempt(input.force);
  } catch (e) {
    if (!(e instanceof Conflicts)) throw e;
    const left = input.manager === "kubectl" ? disallowedConflicts(live, e.conflicts, ctx) : [...e.conflicts];
    if (left.length > 0) throw conflictError(left);
    result = attempt(true);
  }

  managed = result.managed;
  const own = managed.get(id);
  if (own) {
    const stripped = own.set.difference(STRIPPED);
    if (stripped.isEmpty()) managed.delete(id);
    else managed.set(id, { ...own, set: stripped });
  }

  let object = dropNulls(result.merged) as JSONObject;
  restoreIgnored(object, live, ctx.ignored);
  if (deepEqual(object, dropNulls(live))) {
    object = copyObject(live);
  } else {
    const mine = managed.get(id);
    if (mine) managed.set(id, { ...mine, time: formatTime(input.now) });
  }
  capUpdateManagers(managed);
  if (input.manager === "kubectl") updateLastApplied(object, applied);
  setManagedFields(object, encodeManagedFields(managed));
  return object;
}
