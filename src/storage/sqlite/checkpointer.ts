/**
 * Checkpoints off the main thread. A WAL checkpoint copies committed pages into the database file and
 * fsyncs it; done by SQLite's autocheckpoint it runs inside the writer's COMMIT, on the main thread, every
 * 1,000 pages (about every 15 write batches under load). Here a worker thread with its own connection does
 * that work every `intervalMs` with PASSIVE checkpoints (they never block the writer), and the writer's
 * autocheckpoint stays as a safety net at a much larger WAL, where it mostly finds the copying done.
 */
import { Worker } from "node:worker_threads";
import type { Logger } from "../../util/log.js";
import type { Db } from "./schema.js";

/** The writer's own autocheckpoint while the background one runs (pages; SQLite's default is 1,000). */
const SAFETY_NET_PAGES = 10_000;
const DEFAULT_AUTOCHECKPOINT_PAGES = 1_000;

export class BackgroundCheckpointer {
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly db: Db,
  ) {}

  /** Starts checkpointing `file` (already open in WAL mode as `db`) in the background. */
  static start(db: Db, file: string, log: Logger, intervalMs = 200): BackgroundCheckpointer {
    const worker = new Worker(new URL("./checkpoint-worker.js", import.meta.url), { workerData: { file, intervalMs } });
    worker.unref();
    const checkpointer = new BackgroundCheckpointer(worker, db);
    db.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
    worker.on("message", (message: unknown) => {
      if (typeof message === "object" && message !== null && "error" in message) {
        log.debug({ error: (message as { error: string }).error }, "background checkpoint failed; retrying");
      }
    });
    worker.on("error", (err) => {
      log.warn({ err }, "background checkpointer failed; checkpointing on commit again");
      checkpointer.fallBack();
    });
    return checkpointer;
  }

  /** Stops the thread (before the database is closed); commits checkpoint by themselves again. */
  stop(): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      this.worker.once("exit", () => resolve());
      this.worker.once("message", (message: unknown) => {
        if (message === "stopped") void this.worker.terminate();
      });
      this.worker.postMessage("stop");
    }).then(() => this.fallBack());
    return this.stopping;
  }

  private fallBack(): void {
    try {
      if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
    } catch {
      // the database is going away anyway
    }
  }
}
