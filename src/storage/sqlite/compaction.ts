/**
 * Compaction in small steps. `compact(R)` first persists R as the compacted revision (from then on reads
 * and watches below R fail with `Compacted`), then purges the log a few hundred revisions per transaction,
 * yielding to the event loop between steps so queued writes commit in between.
 *
 * Purging walks the rows written since the last compaction (compact_done, R]: each update or delete there
 * makes the row it replaced invisible at R, and each tombstone there is invisible at R itself. Rows after
 * R, and the rows they replaced (the versions visible at R), are never touched, so every later event
 * keeps its prev value. compact_done is advanced in the same transaction as each step's deletes, so a
 * crash mid-way resumes where it stopped.
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import { StorageError } from "../errors.js";
import type { Db } from "./schema.js";

export interface CompactionStats {
  /** Purge transactions run. */
  steps: number;
  /** Log rows removed. */
  rowsRemoved: number;
}

type LogRow = [id: number, name: string, created: number, deleted: number, prevRevision: number];

// Reclaim file space only when a good share of it is free; free pages are otherwise reused by new rows.
const VACUUM_PAGES_PER_STEP = 256;
const VACUUM_MIN_FREE_PAGES = 2048;

export class Compaction {
  readonly stats: CompactionStats = { steps: 0, rowsRemoved: 0 };
  /** Reads and watches below this fail with `Compacted`. */
  revision: number;
  private done: number;
  private running: Promise<void> | undefined;

  private readonly setMeta;
  private readonly rows;
  private readonly deleteRow;
  private readonly deleteCurrent;

  constructor(
    private readonly db: Db,
    state: { readonly compactRevision: number; readonly compactDone: number },
    private readonly stepRevisions: number,
    private readonly isClosed: () => boolean,
    private readonly onReclaimError: (error: unknown) => void,
  ) {
    this.revision = state.compactRevision;
    this.done = state.compactDone;
    this.setMeta = db.prepare<[number, string]>("UPDATE meta SET value = ? WHERE key = ?");
    this.rows = db
      .prepare<[number, number], LogRow>(
        "SELECT id, name, created, deleted, prev_revision FROM kv WHERE id > ? AND id <= ? ORDER BY id",
      )
      .raw(true);
    this.deleteRow = db.prepare<[number]>("DELETE FROM kv WHERE id = ?");
    this.deleteCurrent = db.prepare<[string, number]>("DELETE FROM cur WHERE name = ? AND id = ?");
  }

  /** True when a purge is left over (e.g. from a crash) and `resume` should run. */
  get unfinished(): boolean {
    return this.done < this.revision;
  }

  /** Raise the compacted revision to `revision` (caller checked it is not in the future) and purge. */
  async compact(revision: number): Promise<void> {
    if (revision > this.revision) {
      this.setMeta.run(revision, "compact_revision");
      this.revision = revision;
    }
    return this.resume();
  }

  /** Purge up to the compacted revision; concurrent callers share one run. */
  resume(): Promise<void> {
    this.running ??= this.purge().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Resolves once no purge is running (its failure is the caller's of `compact`). */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  private async purge(): Promise<void> {
    let purged = false;
    while (this.done < this.revision) {
      await nextTurn();
      if (this.isClosed()) throw new StorageError("Closed", "store closed during compaction");
      this.step(Math.min(this.done + this.stepRevisions, this.revision));
      purged = true;
    }
    if (purged) {
      try {
        await this.reclaim();
      } catch (error) {
        this.onReclaimError(error); // the compaction itself is done and durable
      }
    }
  }

  private step(to: number): void {
    const removed = this.db
      .transaction(() => {
        let removed = 0;
        for (const [id, name, created, deleted, prev] of this.rows.all(this.done, to)) {
          if (created === 0 && prev > 0) removed += this.deleteRow.run(prev).changes;
          if (deleted !== 0) {
            removed += this.deleteRow.run(id).changes;
            this.deleteCurrent.run(name, id);
          }
        }
        this.setMeta.run(to, "compact_done");
        return removed;
      })
      .immediate();
    this.done = to;
    this.stats.steps++;
    this.stats.rowsRemoved += removed;
  }

  /** Give a large free list back to the file system (in small steps too), then checkpoint the WAL. */
  private async reclaim(): Promise<void> {
    while (!this.isClosed()) {
      const free = this.db.pragma("freelist_count", { simple: true }) as number;
      const total = this.db.pragma("page_count", { simple: true }) as number;
      if (free < VACUUM_MIN_FREE_PAGES || free * 4 < total) break;
      this.db.pragma(`incremental_vacuum(${VACUUM_PAGES_PER_STEP})`);
      await nextTurn();
    }
    if (!this.isClosed()) this.db.pragma("wal_checkpoint(PASSIVE)");
  }
}
