/**
 * WATCH over HTTP: a chunked stream of `{"type":…,"object":…}` lines served from the watch cache, with
 * selector filtering (an object leaving the selector is DELETED, as upstream's cacher), bookmarks,
 * timeoutSeconds, Table-wrapped events, and a cut-off for slow readers instead of unbounded buffering.
 */
import type { ListSelection } from "../../api/selectors/index.js";
import { badRequest, isStatusError, timeout, type StatusError } from "../../api/status.js";
import type { Negotiated } from "../negotiate.js";
import type { StoredObject } from "../object.js";
import type { CachedObject, CacheEvent, CacheWatcher } from "../watchcache/cacher.js";
import { cachedMatcher } from "../registry/list.js";
import type { ResourceRequest } from "./context.js";
import { shapeObject } from "./respond.js";

/** Upstream picks a random timeout in [minRequestTimeout, 2×minRequestTimeout] (30–60 minutes). */
function defaultTimeoutSeconds(): number {
  return 1800 + Math.floor(Math.random() * 1800);
}

function parseFromRevision(text: string): number {
  if (text === "" || text === "0") return 0;
  if (!/^\d+$/.test(text)) throw badRequest(`invalid resource version: "${text}"`);
  return Number(text);
}

function formatKey(n: Negotiated): string {
  const t = n.transform;
  return t.kind === "table"
    ? `table/${t.version}/${t.includeObject}`
    : t.kind === "metadata"
      ? `meta/${t.version}`
      : "json";
}

const LINE_END = Buffer.from("}\n");
const LINE_START: Readonly<Record<string, Buffer>> = Object.fromEntries(
  ["ADDED", "MODIFIED", "DELETED"].map((type) => [type, Buffer.from(`{"type":"${type}","object":`)]),
);

/** `{"type":…,"object":…}\n` with the object's JSON already at hand. */
function jsonLine(type: string, item: CachedObject): Buffer {
  return Buffer.concat([LINE_START[type]!, item.json, LINE_END]);
}

export async function serveWatch(r: ResourceRequest, selection: ListSelection, negotiated: Negotiated): Promise<void> {
  const { url, res, req, cacher, registry } = r;
  const q = url.searchParams;
  const rv = q.get("resourceVersion") ?? "";
  let fromRevision = parseFromRevision(rv);
  const allowBookmarks = ["true", "1"].includes((q.get("allowWatchBookmarks") ?? "").toLowerCase());
  // Streaming lists (WatchList): the state as ADDED events, then a bookmark marking their end.
  const initialText = q.get("sendInitialEvents");
  const sendInitialEvents = initialText === null ? undefined : initialText === "true";
  if (sendInitialEvents === true) {
    if (q.get("resourceVersionMatch") !== "NotOlderThan") {
      throw badRequest(
        "resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan",
      );
    }
    if (!allowBookmarks)
      throw badRequest("allowWatchBookmarks: Forbidden: sendInitialEvents requires allowWatchBookmarks");
  } else if (sendInitialEvents === undefined && q.get("resourceVersionMatch")) {
    throw badRequest(
      "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided",
    );
  }
  const timeoutText = q.get("timeoutSeconds");
  let timeoutSeconds = defaultTimeoutSeconds();
  if (timeoutText !== null && timeoutText !== "") {
    if (!/^\d+$/.test(timeoutText)) throw badRequest(`invalid timeoutSeconds: "${timeoutText}"`);
    timeoutSeconds = Number(timeoutText) || timeoutSeconds;
  }
  const namespace = r.namespace;
  const onlyName = r.name; // legacy /watch/…/NAME: as a metadata.name field selector
  await cacher.ready();
  if (rv === "") {
    // "Most recent": wait briefly for the cache to reach the datastore's revision.
    await cacher.waitFor(await registry.store.currentRevision(), 50);
  }
  if (sendInitialEvents === true) {
    if (fromRevision > 0 && !(await cacher.waitFor(fromRevision, 3000))) {
      throw timeout(`Too large resource version: ${fromRevision}, current: ${cacher.revision}`);
    }
    fromRevision = 0;
  } else if (sendInitialEvents === false && fromRevision === 0) {
    fromRevision = cacher.revision;
  }

  res.writeHead(200, {
    "Content-Type": negotiated.contentType,
    "Cache-Control": "no-cache, private",
    "Transfer-Encoding": "chunked",
  });
  res.flushHeaders();

  // Resources served in several versions from one cache: objects are converted, lines memoized per version.
  const view = registry.storageVersion === undefined ? undefined : registry.output;
  const key = view ? `${formatKey(negotiated)}|${registry.apiVersion}` : formatKey(negotiated);
  const table = registry.strategy.table;
  /** The newest revision this client has been sent (an event or a bookmark). */
  let lastRevision = fromRevision;
  let blockedSince: number | undefined;
  let closed = false;

  const encode = (type: string, object: unknown): Buffer => Buffer.from(`${JSON.stringify({ type, object })}\n`);
  const sendEvent = (event: CacheEvent, line: Buffer): void => {
    lastRevision = Math.max(lastRevision, event.revision);
    send(line);
  };
  /** Cuts the watcher off when its socket buffer stayed full too long or holds too much; true if cut. */
  const tooSlow = (now: number): boolean => {
    if (
      blockedSince !== undefined &&
      (now - blockedSince > r.watch.slowWatcherCutoffMs || res.writableLength > r.watch.maxBufferedBytes)
    ) {
      r.log.warn({ resource: r.type.resource, buffered: res.writableLength }, "cutting off a slow watcher");
      finish(true);
      return true;
    }
    return false;
  };
  const send = (line: Buffer): void => {
    if (closed) return;
    const now = Date.now();
    if (tooSlow(now)) return;
    if (!res.write(line) && blockedSince === undefined) blockedSince = now;
  };
  res.on("drain", () => (blockedSince = undefined));

  const selects = (object: StoredObject): boolean => {
    if (namespace && object.metadata.namespace !== namespace) return false;
    if (onlyName && object.metadata.name !== onlyName) return false;
    return selection.everything || selection.matches(object);
  };
  // Without conversion, selectors read the cached objects' labels and fields: nothing is decoded.
  const matchCached = view ? undefined : cachedMatcher(selection, cacher, r.type);
  const selectsCached = (item: CachedObject): boolean => {
    if (namespace && item.field("metadata.namespace") !== namespace) return false;
    if (onlyName && item.field("metadata.name") !== onlyName) return false;
    return matchCached!(item);
  };
  /** Plain JSON without conversion: the cached JSON is the event's object as is. */
  const rawJson = !view && negotiated.transform.kind === "none";
  const objectOf = (event: CacheEvent): StoredObject => (view ? view(event.object) : event.object);
  const prevOf = (event: CacheEvent): StoredObject => (view ? view(event.prev!) : event.prev!);

  const memo = (event: CacheEvent, variant: string, build: () => Buffer): Buffer =>
    event.line(`${key}|${variant}`, build);
  const line = (event: CacheEvent, type: string): Buffer =>
    memo(event, type, () =>
      rawJson ? jsonLine(type, event.item) : encode(type, shapeObject(objectOf(event), negotiated, table)),
    );

  const watcher: CacheWatcher = {
    onEvent(event) {
      if (closed) return;
      const hasPrev = event.prevItem !== undefined;
      const selectsObject = (): boolean => (matchCached ? selectsCached(event.item) : selects(objectOf(event)));
      const selectsPrev = (): boolean =>
        hasPrev && (matchCached ? selectsCached(event.prevItem!) : selects(prevOf(event)));
      if (event.type === "DELETED") {
        if (selectsPrev() || (!hasPrev && selectsObject())) sendEvent(event, line(event, "DELETED"));
        return;
      }
      const cur = selectsObject();
      const old = selectsPrev();
      if (cur) {
        sendEvent(event, line(event, old ? "MODIFIED" : "ADDED"));
      } else if (old) {
        // Left the selector: DELETED with the previous state at this event's resourceVersion.
        sendEvent(
          event,
          memo(event, "LEFT", () => {
            const prev = prevOf(event);
            const gone = { ...prev, metadata: { ...prev.metadata, resourceVersion: String(event.revision) } };
            return encode("DELETED", shapeObject(gone, negotiated, table));
          }),
        );
      }
    },
    onProgress() {},
    onTerminate(error) {
      sendError(error);
      finish(false);
    },
  };

  const bookmark = (): void => {
    const revision = cacher.deliveredRevision;
    if (!allowBookmarks || revision <= lastRevision) return;
    lastRevision = revision;
    send(
      encode("BOOKMARK", {
        kind: r.type.kind,
        apiVersion: registry.apiVersion,
        metadata: { resourceVersion: String(revision), creationTimestamp: null },
      }),
    );
  };
  const sendError = (error: StatusError): void => send(encode("ERROR", error.status));

  let subscription: { stop(): void } | undefined;
  let lastBookmark = Date.now();
  const bookmarkTimer = setInterval(
    () => {
      const now = Date.now();
      if (tooSlow(now)) return;
      if (now - lastBookmark >= r.watch.bookmarkIntervalMs) {
        lastBookmark = now;
        bookmark();
      }
    },
    Math.min(r.watch.bookmarkIntervalMs, r.watch.slowWatcherCutoffMs),
  );
  const timeoutTimer = setTimeout(() => {
    bookmark();
    finish(false);
  }, timeoutSeconds * 1000);
  bookmarkTimer.unref();
  timeoutTimer.unref();

  function finish(abort: boolean): void {
    if (closed) return;
    closed = true;
    subscription?.stop();
    clearInterval(bookmarkTimer);
    clearTimeout(timeoutTimer);
    if (abort) res.destroy();
    else res.end();
  }
  req.on("close", () => finish(false));
  res.on("close", () => finish(false));
  res.on("error", () => finish(true));

  try {
    subscription = cacher.watch(fromRevision, watcher);
  } catch (error) {
    // Too old a resourceVersion: upstream's cacher answers with an ERROR event, not an HTTP error.
    if (isStatusError(error)) {
      sendError(error);
      finish(false);
      return;
    }
    finish(true);
    throw error;
  }
  if (closed) {
    subscription.stop();
    return;
  }
  if (sendInitialEvents === true) {
    lastRevision = cacher.revision;
    send(
      encode("BOOKMARK", {
        kind: r.type.kind,
        apiVersion: registry.apiVersion,
        metadata: {
          resourceVersion: String(lastRevision),
          creationTimestamp: null,
          annotations: { "k8s.io/initial-events-end": "true" },
        },
      }),
    );
  }
}
