/**
 * Durability without blocking the event loop: the connection commits with synchronous=NORMAL (the WAL is
 * written, not fsynced) and the group-commit writer fsyncs the WAL file here, on libuv's thread pool, before it
 * acknowledges a batch. In WAL mode that one fsync after each commit is all synchronous=FULL adds (SQLite's
 * documentation: the WAL header and checkpoints are synced in NORMAL too), so an acknowledged write survives a
 * power loss exactly as before, while the main thread goes on serving requests during the fsync.
 */
import { closeSync, fdatasync, openSync } from "node:fs";
import type { Logger } from "../../util/log.js";
import type { Db } from "./schema.js";

export class WalSync {
  private constructor(private readonly fd: number) {}

  /**
   * Opens DB-wal (it exists once the connection has read in WAL mode) and switches the connection to
   * synchronous=NORMAL; undefined, leaving synchronous=FULL, when the file cannot be opened.
   */
  static open(db: Db, file: string, log: Logger): WalSync | undefined {
    let fd: number;
    try {
      fd = openSync(`${file}-wal`, "r");
    } catch (err) {
      log.warn({ err }, "cannot open the SQLite WAL for syncing; commits fsync on the main thread");
      return undefined;
    }
    db.pragma("synchronous = NORMAL");
    return new WalSync(fd);
  }

  /** fdatasync of the WAL on the thread pool; `done` runs on the main thread. */
  readonly sync = (done: (error: Error | null) => void): void => fdatasync(this.fd, done);

  close(): void {
    closeSync(this.fd);
  }
}
