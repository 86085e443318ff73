/**
 * Field ownership for writes that are not applies (create, update, JSON/merge/strategic patch): upstream's
 * FieldManager.Update with its default wrappers (skip-non-applied, cap-managers, managed-fields times,
 * strip-meta).
 */
import { contextFor, metadataOf, removeManagedFields, setManagedFields, type GroupVersionKind } from "./context.js";
import { createdFieldsV1 } from "./created.js";
import {
  capUpdateManagers,
  decodeManagedFields,
  encodeManagedFields,
  formatTime,
  isResetManagedFields,
  managerIdentifier,
  STRIPPED,
  type Managed,
  type ManagedFieldsEntry,
} from "./managed.js";
import { updateToManagers } from "./updater.js";
import type { JSONObject } from "../patch/gojson.js";

export interface UpdateInput {
  /** The stored object, or undefined for a create. */
  readonly live: object | undefined;
  /** The object about to be stored (after patching, defaulting and the strategy). */
  readonly updated: object;
  /** fieldManager query parameter, or defaultFieldManager(User-Agent). */
  readonly manager: string;
  readonly gvk: GroupVersionKind;
  readonly now: Date;
  readonly subresource?: string;
}

function decodeOrEmpty(raw: unknown, stored = false): Managed {
  try {
    return decodeManagedFields(raw, stored);
  } catch {
    return new Map();
  }
}

/**
 * decodeManagedFields (fieldmanager.go): a subresource write never sets managedFields; `[]` or `[{}]` resets
 * them; valid, non-empty ones from the request replace the live ones; anything else keeps the live ones.
 */
function managedFor(live: JSONObject, updated: JSONObject, subresource: string): Managed {
  const liveRaw = metadataOf(live)?.["managedFields"];
  if (subresource !== "") return decodeOrEmpty(liveRaw, true);
  const raw = metadataOf(updated)?.["managedFields"];
  if (isResetManagedFields(raw)) return new Map();
  try {
    const m = decodeManagedFields(raw);
    if (m.size > 0) return m;
  } catch {
    // fall through to the live object's
  }
  return decodeOrEmpty(liveRaw, true);
}

function asJson(o: object | undefined): JSONObject {
  return (o ?? {}) as JSONObject;
}

/** A copy sharing everything but the top level and metadata, which lose managedFields. */
function withoutManagedFields(o: object | undefined): JSONObject {
  const copy: JSONObject = { ...asJson(o) };
  const meta = metadataOf(copy);
  if (meta) {
    const { managedFields: _dropped, ...rest } = meta;
    copy["metadata"] = rest;
  }
  return copy;
}

/** The object to store, with managedFields recording what `manager` changed (everything it set, on create). */
export function trackUpdate(input: UpdateInput): object {
  return track(input, false);
}

/** trackUpdate without the create shortcut: what the shortcut must agree with (update.test.ts). */
export function trackUpdateGeneral(input: UpdateInput): object {
  return track(input, true);
}

function track(input: UpdateInput, generalOnly: boolean): object {
  const subresource = input.subresource ?? "";
  const ctx = contextFor(input.gvk, subresource);
  // Shallow copies without managedFields: the comparison only reads, and only `updated`'s metadata is written.
  const live = withoutManagedFields(input.live);
  const updated = withoutManagedFields(input.updated);
  const managed = managedFor(asJson(input.live), asJson(input.updated), subresource);

  // skipNonAppliedManager: an existing object that has no managedFields is not tracked.
  const uid = metadataOf(live)?.["uid"];
  if (managed.size === 0 && input.live !== undefined && typeof uid === "string" && uid !== "") return updated;

  if (input.live === undefined && managed.size === 0 && !generalOnly) {
    // A create: its manager owns every field it set.
    const fieldsV1 = createdFieldsV1(updated, ctx.type, ctx.ignored, STRIPPED);
    if (fieldsV1 === undefined) removeManagedFields(updated);
    else {
      const entry: ManagedFieldsEntry = {
        manager: input.manager,
        operation: "Update",
        apiVersion: ctx.apiVersion,
        time: formatTime(input.now),
        fieldsType: "FieldsV1",
        fieldsV1,
        ...(subresource ? { subresource } : {}),
      };
      setManagedFields(updated, [entry]);
    }
    return updated;
  }

  const changed = updateToManagers(live, updated, managed, ctx).difference(STRIPPED);
  if (!changed.isEmpty()) {
    const entry = { manager: input.manager, operation: "Update" as const, apiVersion: ctx.apiVersion, subresource };
    const id = managerIdentifier(entry);
    const previous = managed.get(id);
    managed.set(id, {
      ...entry,
      time: formatTime(input.now),
      set: previous ? changed.union(previous.set) : changed,
    });
  }
  capUpdateManagers(managed);
  setManagedFields(updated, encodeManagedFields(managed));
  return updated;
}

/**
 * Just the managedFields trackUpdate would store (undefined: none), for callers that patch them into an object
 * they keep: `if (mf) desired.metadata.managedFields = mf; else delete desired.metadata.managedFields`.
 */
export function trackedManagedFields(input: UpdateInput): ManagedFieldsEntry[] | undefined {
  const out = trackUpdate(input) as { metadata?: { managedFields?: ManagedFieldsEntry[] } };
  return out.metadata?.managedFields;
}
