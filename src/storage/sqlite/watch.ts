/**
 * In-process watches. A watcher is either replaying history from the log or live.
 *
 * Replay reads pages of the log (bounded in rows scanned, one page per event-loop turn) from its cursor
 * until it reaches the store's revision, then turns live in the same synchronous step. Writes commit only
 * in the writer's synchronous flush, which publishes right after COMMIT; so a live watcher sees every
 * commit after its cursor and nothing at or before it: no gap, no duplicate. Replaying watchers ignore
 * publishes — the rows are in the log and their next page reads them.
 */
import { StorageError } from "../errors.js";
import { checkPrefix, checkRevision, prefixEnd } from "../validation.js";
import type { Watch, WatchEvent, WatchOptions } from "../types.js";
import { asStorageError } from "./schema.js";

export interface WatchSource {
  revision(): number;
  compactedRevision(): number;
  /** Changes under (lo, hi) with from < revision <= to, oldest first, at most `limit`. May throw. */
  history(lo: string, hi: string, from: number, to: number, limit: number): WatchEvent[];
}

export interface WatchHubOptions {
  /** Least time between two onProgress calls of one watcher. */
  readonly progressIntervalMs: number;
  /** Events per replay batch. */
  readonly replayPage: number;
  /** Revisions scanned per replay step, so a rare prefix never means one long scan. */
  readonly replaySpan: number;
  /** A callback threw; it is reported and otherwise ignored. */
  readonly onCallbackError: (error: unknown) => void;
}

type State = "replay" | "live" | "done";

class Watcher implements Watch {
  state: State;
  /** Every change up to here has been delivered (or skipped as outside the prefix). */
  cursor: number;
  readonly hi: string;
  private lastEventRevision: number;
  private progressPending = false;
  private lastProgressAt = 0;
  private progressTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly hub: WatchHub,
    readonly options: WatchOptions,
    readonly prefix: string,
    state: State,
    cursor: number,
  ) {
    this.state = state;
    this.cursor = cursor;
    this.lastEventRevision = cursor;
    this.hi = prefixEnd(prefix);
  }

  close(): void {
    this.finish();
  }

  fail(error: StorageError): void {
    if (!this.finish()) return;
    try {
      this.options.onError(error);
    } catch (e) {
      this.hub.options.onCallbackError(e);
    }
  }

  deliver(events: readonly WatchEvent[]): void {
    this.lastEventRevision = events[events.length - 1]!.kv.modRevision;
    try {
      this.options.onEvents(events);
    } catch (e) {
      this.hub.options.onCallbackError(e);
    }
  }

  /** The cursor moved past the last event: tell onProgress, at most once per interval. */
  noteProgress(): void {
    if (this.options.onProgress === undefined || this.lastEventRevision >= this.cursor) return;
    this.progressPending = true;
    if (this.progressTimer !== undefined) return;
    const wait = this.lastProgressAt + this.hub.options.progressIntervalMs - performance.now();
    if (wait <= 0) return this.emitProgress();
    this.progressTimer = setTimeout(() => {
      this.progressTimer = undefined;
      this.emitProgress();
    }, wait);
    this.progressTimer.unref();
  }

  private emitProgress(): void {
    if (!this.progressPending || this.state !== "live" || this.lastEventRevision >= this.cursor) return;
    this.progressPending = false;
    this.lastProgressAt = performance.now();
    try {
      this.options.onProgress?.(this.cursor);
    } catch (e) {
      this.hub.options.onCallbackError(e);
    }
  }

  /** Returns false if already finished. */
  private finish(): boolean {
    if (this.state === "done") return false;
    this.state = "done";
    clearTimeout(this.progressTimer);
    this.hub.remove(this);
    return true;
  }
}

export class WatchHub {
  private readonly watchers = new Set<Watcher>();

  constructor(
    private readonly source: WatchSource,
    readonly options: WatchHubOptions,
  ) {}

  get size(): number {
    return this.watchers.size;
  }

  /** Throws a StorageError for a bad prefix or revision; reports `Compacted` through onError. */
  add(options: WatchOptions): Watch {
    const prefix = checkPrefix(options.prefix);
    const from = checkRevision(options.fromRevision, "fromRevision");
    const revision = this.source.revision();
    // From now on, or from a revision with nothing left to replay: live right away.
    const live = from === 0 || from >= revision;
    const watcher = new Watcher(this, options, prefix, live ? "live" : "replay", from === 0 ? revision : from);
    this.watchers.add(watcher);
    if (!live) setImmediate(() => this.replayStep(watcher));
    return watcher;
  }

  remove(watcher: Watcher): void {
    this.watchers.delete(watcher);
  }

  /** Fan a committed batch out to live watchers (called synchronously after COMMIT). */
  publish(events: readonly WatchEvent[], revision: number): void {
    for (const w of [...this.watchers]) {
      if (w.state !== "live" || revision <= w.cursor) continue;
      const from = w.cursor;
      const mine = events.filter((e) => e.kv.modRevision > from && e.kv.key.startsWith(w.prefix));
      w.cursor = revision;
      if (mine.length > 0) w.deliver(mine);
      if (w.state === "live") w.noteProgress();
    }
  }

  /** End every watch with `error` (store closing). */
  failAll(error: StorageError): void {
    for (const w of [...this.watchers]) w.fail(error);
  }

  private replayStep(w: Watcher): void {
    if (w.state !== "replay") return;
    try {
      const compacted = this.source.compactedRevision();
      if (w.cursor < compacted) {
        return w.fail(
          new StorageError("Compacted", `revision ${w.cursor} has been compacted (at ${compacted})`, {
            revision: compacted,
          }),
        );
      }
      const to = Math.min(this.source.revision(), w.cursor + this.options.replaySpan);
      const { replayPage } = this.options;
      const events = this.source.history(w.prefix, w.hi, w.cursor, to, replayPage);
      w.cursor = events.length === replayPage ? events[replayPage - 1]!.kv.modRevision : to;
      if (events.length > 0) w.deliver(events);
      if (w.state !== "replay") return; // closed by its callback
      // Nothing can commit between this check and turning live: both happen in this synchronous step.
      if (w.cursor >= this.source.revision()) {
        w.state = "live";
        w.noteProgress();
      } else {
        setImmediate(() => this.replayStep(w));
      }
    } catch (error) {
      w.fail(asStorageError(error, "watch replay"));
    }
  }
}
