/**
 * `metadata.managedFields` in memory and on the wire (apimachinery/pkg/util/managedfields/internal:
 * managedfields.go, capmanagers.go, stripmeta.go). Entries are keyed by their manager identifier, which is the
 * JSON of {manager, operation, apiVersion (Update only), subresource}: an applier keeps one entry whatever
 * apiVersion it applies with, an updater gets one per apiVersion.
 */
import { FieldSet } from "./fieldpath.js";

export type Operation = "Apply" | "Update";

export interface ManagedEntry {
  readonly manager: string;
  readonly operation: Operation;
  readonly apiVersion: string;
  readonly subresource: string;
  /** RFC 3339 (seconds); absent when upstream would leave it nil. */
  readonly time: string | undefined;
  readonly set: FieldSet;
}

/** Entries by manager identifier. */
export type Managed = Map<string, ManagedEntry>;

/** The wire form, as kubectl and clients see it. */
export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: unknown;
  subresource?: string;
}

export function managerIdentifier(e: {
  manager: string;
  operation: Operation;
  apiVersion: string;
  subresource: string;
}): string {
  return JSON.stringify({
    manager: e.manager,
    operation: e.operation,
    ...(e.operation === "Update" ? { apiVersion: e.apiVersion } : {}),
    ...(e.subresource ? { subresource: e.subresource } : {}),
  });
}

export function formatTime(now: Date): string {
  return now.toISOString().replace(/\.\d+Z$/, "Z");
}

/**
 * DecodeManagedFields: throws on anything upstream rejects (the caller then falls back as upstream does).
 * `stored`: the entries come from a stored object (this server encoded them), so unchanged ones re-encode to
 * the same FieldsV1 objects.
 */
export function decodeManagedFields(raw: unknown, stored = false): Managed {
  const managed: Managed = new Map();
  if (raw === undefined || raw === null) return managed;
  if (!Array.isArray(raw)) throw new Error("managedFields must be a list");
  raw.forEach((e: unknown, i) => {
    if (e === null || typeof e !== "object" || Array.isArray(e)) throw new Error(`invalid managed fields entry ${i}`);
    const entry = e as ManagedFieldsEntry;
    if (entry.operation !== "Apply" && entry.operation !== "Update") {
      throw new Error("operation must be `Apply` or `Update`");
    }
    if (!entry.apiVersion) throw new Error("apiVersion must not be empty");
    if (entry.fieldsType === undefined || entry.fieldsType === "") {
      throw new Error(`missing fieldsType in managed fields entry ${i}`);
    }
    if (entry.fieldsType !== "FieldsV1") {
      throw new Error(`invalid fieldsType "${entry.fieldsType}" in managed fields entry ${i}`);
    }
    const decoded: ManagedEntry = {
      manager: entry.manager ?? "",
      operation: entry.operation,
      apiVersion: entry.apiVersion,
      subresource: entry.subresource ?? "",
      time: typeof entry.time === "string" ? entry.time : undefined,
      set: stored ? FieldSet.fromStoredFieldsV1(entry.fieldsV1 ?? {}) : FieldSet.fromFieldsV1(entry.fieldsV1 ?? {}),
    };
    managed.set(managerIdentifier(decoded), decoded);
  });
  return managed;
}

function seconds(time: string | undefined): number {
  if (time === undefined) return 0;
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

/** encodeManagedFields + sortEncodedManagedFields: Apply before Update, then by time, manager, version. */
export function encodeManagedFields(managed: Managed): ManagedFieldsEntry[] {
  const entries = [...managed.values()].filter((e) => !e.set.isEmpty());
  entries.sort((p, q) => {
    if (p.operation !== q.operation) return p.operation < q.operation ? -1 : 1;
    const ps = seconds(p.time);
    const qs = seconds(q.time);
    if (ps !== qs) return ps - qs;
    if (p.manager !== q.manager) return p.manager < q.manager ? -1 : 1;
    if (p.apiVersion !== q.apiVersion) return p.apiVersion < q.apiVersion ? -1 : 1;
    return p.subresource < q.subresource ? -1 : p.subresource > q.subresource ? 1 : 0;
  });
  return entries.map((e) => ({
    manager: e.manager,
    operation: e.operation,
    apiVersion: e.apiVersion,
    ...(e.time !== undefined ? { time: e.time } : {}),
    fieldsType: "FieldsV1",
    fieldsV1: e.set.toFieldsV1(),
    ...(e.subresource ? { subresource: e.subresource } : {}),
  }));
}

/** isResetManagedFields: a present but empty list, or a list of one empty entry. */
export function isResetManagedFields(raw: unknown): boolean {
  if (!Array.isArray(raw)) return false;
  if (raw.length === 0) return true;
  const only: unknown = raw[0];
  return (
    raw.length === 1 &&
    only !== null &&
    typeof only === "object" &&
    !Array.isArray(only) &&
    Object.keys(only).length === 0
  );
}

/** stripMetaManager's set: fields never recorded as owned. */
export const STRIPPED: FieldSet = FieldSet.of(
  ["f:apiVersion"],
  ["f:kind"],
  ["f:metadata"],
  ["f:metadata", "f:name"],
  ["f:metadata", "f:namespace"],
  ["f:metadata", "f:creationTimestamp"],
  ["f:metadata", "f:selfLink"],
  ["f:metadata", "f:uid"],
  ["f:metadata", "f:clusterName"],
  ["f:metadata", "f:generation"],
  ["f:metadata", "f:managedFields"],
  ["f:metadata", "f:resourceVersion"],
);

export const DEFAULT_MAX_UPDATE_MANAGERS = 10;
const ANCIENT = "ancient-changes";

/** capManagersManager: folds the oldest Update entries into "ancient-changes" (one per apiVersion). */
export function capUpdateManagers(managed: Managed, max = DEFAULT_MAX_UPDATE_MANAGERS): void {
  const updaters = [...managed.entries()].filter(([, e]) => e.operation === "Update").map(([id]) => id);
  if (updaters.length <= max) return;
  updaters.sort((a, b) => {
    const d = seconds(managed.get(a)!.time) - seconds(managed.get(b)!.time);
    return d !== 0 ? d : a < b ? -1 : a > b ? 1 : 0;
  });
  const firstByVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > max; i++) {
    const id = updaters[i]!;
    const e = managed.get(id)!;
    const bucketEntry = { manager: ANCIENT, operation: "Update" as const, apiVersion: e.apiVersion, subresource: "" };
    const bucket = managerIdentifier(bucketEntry);
    const first = firstByVersion.get(e.apiVersion);
    if (first === undefined) {
      firstByVersion.set(e.apiVersion, id);
      continue;
    }
    let existing = managed.get(bucket);
    if (!existing) {
      const f = managed.get(first)!;
      managed.delete(first);
      existing = { ...bucketEntry, time: f.time, set: f.set };
    }
    managed.delete(id);
    managed.set(bucket, { ...bucketEntry, time: e.time, set: e.set.union(existing.set) });
    length--;
  }
}
