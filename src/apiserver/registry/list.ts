/**
 * LIST semantics (upstream's storage + cacher GetList): resourceVersion ""/"0"/N with resourceVersionMatch,
 * limit/continue pages read from one datastore snapshot, remainingItemCount, and selector filtering.
 */
import { badRequest, expired, fromStorageError, timeout } from "../../api/status.js";
import { isStorageError } from "../../storage/errors.js";
import type { CachedObject, Cacher } from "../watchcache/cacher.js";
import type { StoredObject } from "../object.js";
import type { ListSelection } from "../../api/selectors/index.js";
import type { RegistryStore } from "./store.js";
import { decodeContinue, encodeContinue } from "./continue.js";

export interface ListQuery {
  readonly namespace: string;
  readonly selection: ListSelection;
  readonly limit: number;
  readonly continueToken: string;
  readonly resourceVersion: string;
  readonly resourceVersionMatch: string;
}

export interface ListOutcome {
  /** The objects (for answers from the watch cache, decoded on first access; shared: never mutate them). */
  readonly items: StoredObject[];
  /** From the watch cache without conversion: the items' JSON, for answers written without decoding. */
  readonly json?: readonly Buffer[];
  readonly resourceVersion: string;
  readonly continueToken?: string;
  readonly remainingItemCount?: number;
}

/** How long a consistent ("") list waits for the watch cache before reading the datastore instead. */
const CONSISTENT_WAIT_MS = 25;
/** How long a NotOlderThan list waits for the cache to reach the requested revision (upstream: 3 s). */
const FRESHNESS_WAIT_MS = 3000;

export function matcher(selection: ListSelection): (object: StoredObject) => boolean {
  if (selection.everything) return () => true;
  return (object) => selection.matches(object);
}

/**
 * `matcher` on the watch cache's compact objects: their labels and selectable fields, computed at insert for
 * the cache's resource. Undefined when that is not the selection's resource (the objects must be decoded).
 */
export function cachedMatcher(
  selection: ListSelection,
  cacher: Cacher,
  resource: { readonly group: string; readonly resource: string },
): ((item: CachedObject) => boolean) | undefined {
  if (selection.everything) return () => true;
  if (cacher.resource.group !== resource.group || cacher.resource.resource !== resource.resource) return undefined;
  const { label, field } = selection;
  return (item) => label.matches(item.labels) && (field.empty || field.matches(item.fields));
}

function parseRevision(text: string, what: string): number {
  if (!/^\d+$/.test(text)) throw badRequest(`Invalid value: "${text}": invalid ${what}`);
  return Number(text);
}

export async function listObjects(
  registry: RegistryStore,
  cacher: Cacher | undefined,
  query: ListQuery,
): Promise<ListOutcome> {
  const { resourceVersion: rv, resourceVersionMatch: match, continueToken } = query;
  if (match && !["Exact", "NotOlderThan"].includes(match)) {
    throw badRequest(`resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`);
  }
  if (continueToken) {
    if (rv && rv !== "0") throw badRequest("specifying resource version is not allowed when using continue");
    if (match) throw badRequest("resourceVersionMatch is forbidden when continue is provided");
  }
  if (match && !rv) throw badRequest("resourceVersionMatch is forbidden unless resourceVersion is provided");
  if (match === "Exact" && rv === "0")
    throw badRequest(`resourceVersionMatch "exact" is forbidden for resourceVersion "0"`);
  const keep = matcher(query.selection);
  const filtered = !query.selection.everything;
  const prefix = registry.prefix(query.namespace);

  if (continueToken) {
    const position = decodeContinue(continueToken, prefix);
    return fromStore(registry, prefix, keep, query.limit, position.revision, position.after, true, filtered);
  }
  const revision = rv ? parseRevision(rv, "resource version") : 0;
  const exact = match === "Exact" || (rv !== "" && rv !== "0" && query.limit > 0 && !match);
  if (exact) return fromStore(registry, prefix, keep, query.limit, revision, undefined, false, filtered);

  if (cacher) {
    await cacher.ready();
    if (rv === "0") return fromCache(registry, cacher, prefix, query.selection, keep);
    if (rv === "") {
      // A consistent read: from the cache once it has caught up with the datastore, else the datastore.
      if (query.limit > 0) return fromStore(registry, prefix, keep, query.limit, 0, undefined, false, filtered);
      const now = await registry.store.currentRevision();
      if (await cacher.waitFor(now, CONSISTENT_WAIT_MS)) {
        return fromCache(registry, cacher, prefix, query.selection, keep);
      }
      return fromStore(registry, prefix, keep, 0, 0, undefined, false, filtered);
    }
    if (!(await cacher.waitFor(revision, FRESHNESS_WAIT_MS))) {
      throw timeout(`Too large resource version: ${revision}, current: ${cacher.revision}`);
    }
    return fromCache(registry, cacher, prefix, query.selection, keep);
  }
  if (revision > 0) {
    const now = await registry.store.currentRevision();
    if (revision > now) throw timeout(`Too large resource version: ${revision}, current: ${now}`);
  }
  return fromStore(registry, prefix, keep, query.limit, 0, undefined, false, filtered);
}

/** The cache holds the storage version: objects are converted to the request's version, then selected. */
function fromCache(
  registry: RegistryStore,
  cacher: Cacher,
  prefix: string,
  selection: ListSelection,
  keep: (o: StoredObject) => boolean,
): ListOutcome {
  const keepCached =
    registry.storageVersion === undefined ? cachedMatcher(selection, cacher, registry.type) : undefined;
  if (keepCached) {
    const { items: cached, revision } = cacher.listCached(prefix, keepCached);
    let items: StoredObject[] | undefined;
    return {
      get items() {
        return (items ??= cacher.decodeAll(cached));
      },
      json: cached.map((item) => item.json),
      resourceVersion: String(revision),
    };
  }
  if (registry.storageVersion === undefined) {
    const { items, revision } = cacher.list(prefix, keep);
    return { items, resourceVersion: String(revision) };
  }
  const { items, revision } = cacher.list(prefix, (o) => keep(registry.output(o)));
  return { items: items.map(registry.output), resourceVersion: String(revision) };
}

/** Pages through one datastore snapshot until `limit` matching items (or the end). */
async function fromStore(
  registry: RegistryStore,
  prefix: string,
  keep: (o: StoredObject) => boolean,
  limit: number,
  revision: number,
  after: string | undefined,
  continuing: boolean,
  filtered: boolean,
): Promise<ListOutcome> {
  const items: StoredObject[] = [];
  let snapshot = revision;
  let cursor = after;
  let more = false;
  let lastKey: string | undefined;
  let remaining: number | undefined;
  try {
    while (true) {
      const want = limit > 0 ? limit - items.length : 0;
      const page = await registry.store.list(prefix, {
        ...(cursor !== undefined ? { after: cursor } : {}),
        ...(want > 0 ? { limit: Math.max(want, Math.min(500, want * 2)) } : {}),
        ...(snapshot > 0 ? { revision: snapshot } : {}),
      });
      snapshot = page.revision;
      let index = 0;
      for (const kv of page.items) {
        index++;
        lastKey = kv.key;
        const object = registry.decode(kv);
        if (keep(object)) items.push(object);
        if (limit > 0 && items.length >= limit) break;
      }
      more = page.more || index < page.items.length;
      if (limit > 0 && items.length >= limit) {
        remaining = page.count - index;
        break;
      }
      if (!page.more) break;
      cursor = lastKey;
    }
  } catch (error) {
    if (isStorageError(error, "Compacted") && continuing) {
      throw expired(
        "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.",
      );
    }
    if (isStorageError(error, "Compacted")) throw expired("The resourceVersion for the provided list is too old.");
    if (isStorageError(error)) throw fromStorageError(error, registry.qualified, "");
    throw error;
  }
  if (!more || lastKey === undefined) return { items, resourceVersion: String(snapshot) };
  return {
    items,
    resourceVersion: String(snapshot),
    continueToken: encodeContinue(lastKey, prefix, snapshot),
    // Upstream omits remainingItemCount when a selector filters (it cannot know the count).
    ...(!filtered && remaining !== undefined && remaining > 0 ? { remainingItemCount: remaining } : {}),
  };
}
