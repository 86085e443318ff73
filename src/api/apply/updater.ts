/**
 * The core of structured-merge-diff's merge.Updater (merge/update.go): ownership bookkeeping for Update and
 * Apply, conflict detection, and pruning of the fields an applier stopped applying.
 */
import type { JSONValue } from "../patch/gojson.js";
import { Conflicts, conflictsFromManagers } from "./conflicts.js";
import { FieldSet } from "./fieldpath.js";
import type { Managed, ManagedEntry } from "./managed.js";
import { compare, ensureNamedFieldsAreMembers, merge, removeItems, toFieldSet, type Comparison } from "./typed.js";
import type { TypeNode } from "./types.js";

export interface UpdaterContext {
  readonly type: TypeNode;
  readonly apiVersion: string;
  /** Reset fields of the (sub)resource: never owned, never in conflict (e.g. `status` on the main resource). */
  readonly ignored: FieldSet;
}

function exclude(c: Comparison, ignored: FieldSet): Comparison {
  return {
    added: c.added.recursiveDifference(ignored),
    modified: c.modified.recursiveDifference(ignored),
    removed: c.removed.recursiveDifference(ignored),
  };
}

function withSet(e: ManagedEntry, set: FieldSet): ManagedEntry {
  return { ...e, set };
}

/** Updater.update: takes changed fields away from other managers, or reports them as conflicts. */
export function updateManagers(
  live: JSONValue,
  next: JSONValue,
  managers: Managed,
  workflow: string,
  ctx: UpdaterContext,
  force: boolean,
): Comparison {
  const cmp = exclude(compare(live, next, ctx.type, ctx.ignored), ctx.ignored);
  const changed = cmp.modified.union(cmp.added);
  const conflicts = new Map<string, FieldSet>();
  for (const [id, e] of managers) {
    if (id === workflow) continue;
    const c = e.set.intersection(changed);
    if (!c.isEmpty()) conflicts.set(id, c);
  }
  if (!force && conflicts.size > 0) throw new Conflicts(conflictsFromManagers(conflicts));
  for (const [id, c] of conflicts) managers.set(id, withSet(managers.get(id)!, managers.get(id)!.set.difference(c)));
  if (!cmp.removed.isEmpty()) {
    for (const [id, e] of managers) if (id !== workflow) managers.set(id, withSet(e, e.set.difference(cmp.removed)));
  }
  for (const [id, e] of managers) if (e.set.isEmpty()) managers.delete(id);
  return cmp;
}

/** Updater.prune: removes what the applier owned last time, no longer applies, and nobody else owns. */
function prune(merged: JSONValue, managers: Managed, last: FieldSet | undefined, t: TypeNode): JSONValue {
  if (!last || last.isEmpty()) return merged;
  const named = (s: FieldSet): FieldSet => ensureNamedFieldsAreMembers(s, t);
  let owned = new FieldSet();
  for (const e of managers.values()) owned = owned.union(e.set);
  const pruned0 = removeItems(merged, named(last), t);
  const mergedSet = named(toFieldSet(merged, t));
  const pruned1 = removeItems(merged, mergedSet.difference(named(toFieldSet(pruned0, t)).union(named(owned))), t);
  return removeItems(merged, mergedSet.difference(named(toFieldSet(pruned1, t))).intersection(named(last)), t);
}

/** Updater.Apply: merge, record the applied set, prune, then resolve ownership (throws Conflicts). */
export function applyToManagers(
  live: JSONValue,
  config: JSONValue,
  managers: Managed,
  id: string,
  entry: Omit<ManagedEntry, "set">,
  ctx: UpdaterContext,
  force: boolean,
): JSONValue {
  let merged: JSONValue = merge(live, config, ctx.type) ?? {};
  const last = managers.get(id)?.set;
  managers.set(id, { ...entry, set: toFieldSet(config, ctx.type).recursiveDifference(ctx.ignored) });
  merged = prune(merged, managers, last, ctx.type);
  updateManagers(live, merged, managers, id, ctx, force);
  return merged;
}

/** Updater.Update: takes the changed fields away from every manager and returns them (the operation's set). */
export function updateToManagers(live: JSONValue, next: JSONValue, managers: Managed, ctx: UpdaterContext): FieldSet {
  const current = "\u0000current-operation";
  const cmp = updateManagers(live, next, managers, current, ctx, true);
  return cmp.modified.union(cmp.added).recursiveDifference(ctx.ignored);
}

/** Null-valued fields decode to absent in Go types: drop them from the merged object (ownership stays). */
export function dropNulls(v: JSONValue): JSONValue {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (v !== null && typeof v === "object") {
    const out: Record<string, JSONValue> = {};
    for (const [k, c] of Object.entries(v)) if (c !== null) out[k] = dropNulls(c);
    return out;
  }
  return v;
}
