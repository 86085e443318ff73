/**
 * WATCH over HTTP: a chunked stream of `{"type":…,"object":…}` lines served from the watch cache, with
 * selector filtering (an object leaving the selector is DELETED, as upstream's cacher), bookmarks,
 * timeoutSeconds, Table-wrapped events, and a cut-off for slow readers instead of unbounded buffering.
 */
import type { ListSelection } from "../../api/selectors/index.js";
import { badRequest, isStatusError, timeout, type StatusError } from "../../api/status.js";
import type { Negotiated } from "../negotiate.js";
import type { StoredObject } from "../object.js";
import type { CacheEvent, CacheWatcher } from "../watchcache/cacher.js";
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

/** An event with its objects as the request's version (sharing the event's memoized lines). */
function viewOf(event: CacheEvent, view: (o: StoredObject) => StoredObject): CacheEvent {
  return {
    ...event,
    object: view(event.object),
    ...(event.prev !== undefined ? { prev: view(event.prev) } : {}),
  };
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

  const memo = (event: CacheEvent, variant: string, build: () => Buffer): Buffer => {
    const k = `${key}|${variant}`;
    let line = event.encoded.get(k);
    if (!line) {
      line = build();
      event.encoded.set(k, line);
    }
    return line;
  };

  const watcher: CacheWatcher = {
    onEvent(cacheEvent) {
      if (closed) return;
      const event = view ? viewOf(cacheEvent, view) : cacheEvent;
      const cur = event.type !== "DELETED" && selects(event.object);
      const old = event.prev !== undefined && selects(event.prev);
      if (event.type === "DELETED") {
        if (old || (event.prev === undefined && selects(event.object))) {
          sendEvent(
            event,
            memo(event, "DELETED", () => encode("DELETED", shapeObject(event.object, negotiated, table))),
          );
        }
        return;
      }
      if (cur) {
        const type = old ? "MODIFIED" : "ADDED";
        sendEvent(
          event,
          memo(event, type, () => encode(type, shapeObject(event.object, negotiated, table))),
        );
      } else if (old) {
        // Left the selector: DELETED with the previous state at this event's resourceVersion.
        sendEvent(
          event,
          memo(event, "LEFT", () => {
            const prev = event.prev!;
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
    const revision = cacher.revision;
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
