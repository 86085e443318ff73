/**
 * Opening the database file: pragmas, the schema (created on first open, versioned with
 * `PRAGMA user_version` so later releases can migrate), and the persisted counters.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { StorageError } from "../errors.js";

export type Db = Database.Database;

/** Bump when the layout changes, and add a migration step in `migrate`. */
export const SCHEMA_VERSION = 1;

// kv: one row per write; id = revision. A create has created=1 and prev_revision=0; an update or delete
// points at the row it replaced. A delete is a tombstone (deleted=1, value NULL: the last value is the
// prev row's). cur: the newest row of every name still in the log (tombstones included until compacted),
// so current reads and "which names exist" never scan history. meta: compaction counters.
const DDL = `
CREATE TABLE kv (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  created INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL,
  value BLOB
);
CREATE INDEX kv_name_id ON kv (name, id);
CREATE TABLE cur (
  name TEXT PRIMARY KEY,
  id INTEGER NOT NULL,
  deleted INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('compact_revision', 0), ('compact_done', 0);
`;

/** What the file says at open time. */
export interface PersistedState {
  /** Highest revision ever assigned (survives compaction of the newest rows). */
  readonly revision: number;
  /** Reads and watches below this fail with `Compacted`. */
  readonly compactRevision: number;
  /** Rows up to this revision have been purged; below `compactRevision` after a crash mid-compaction. */
  readonly compactDone: number;
}

export function openDatabase(file: string): { db: Db; state: PersistedState } {
  let db: Db | undefined;
  try {
    mkdirSync(dirname(file), { recursive: true });
    db = new Database(file);
    db.pragma("busy_timeout = 5000");
    const version = db.pragma("user_version", { simple: true }) as number;
    // auto_vacuum must be chosen before the first table exists.
    if (version === 0) db.pragma("auto_vacuum = INCREMENTAL");
    const mode = db.pragma("journal_mode = WAL", { simple: true });
    if (mode !== "wal") throw new Error(`could not switch to WAL (journal_mode is ${String(mode)})`);
    // An acknowledged write is fsynced: inside COMMIT here; SqliteStore moves the fsync off the main thread
    // (wal-sync.ts) and switches to NORMAL once it has the WAL open.
    db.pragma("synchronous = FULL");
    db.pragma("cache_size = -4096"); // 4 MiB: the API server reads through its watch caches, rarely from here
    db.pragma("temp_store = MEMORY");
    db.pragma("journal_size_limit = 67108864"); // truncate the WAL back to 64 MiB after checkpoints
    migrate(db, version);
    return { db, state: readState(db) };
  } catch (cause) {
    try {
      db?.close();
    } catch {
      // already failing; keep the first error
    }
    if (cause instanceof StorageError) throw cause;
    throw new StorageError("Unavailable", `cannot open SQLite database ${file}: ${message(cause)}`, { cause });
  }
}

function migrate(db: Db, version: number): void {
  if (version > SCHEMA_VERSION) {
    throw new StorageError(
      "Unavailable",
      `database schema version ${version} is newer than this program understands (${SCHEMA_VERSION})`,
    );
  }
  if (version === 0) {
    db.transaction(() => {
      db.exec(DDL);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }).immediate();
  }
  // Future: `if (version < 2) { … }` steps, each in its own transaction.
}

function readState(db: Db): PersistedState {
  const seq = db.prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'kv'").get();
  const meta = new Map(
    db
      .prepare<[], { key: string; value: number }>("SELECT key, value FROM meta")
      .all()
      .map((r) => [r.key, r.value]),
  );
  return {
    revision: seq?.seq ?? 0,
    compactRevision: meta.get("compact_revision") ?? 0,
    compactDone: meta.get("compact_done") ?? 0,
  };
}

export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Any failure as a StorageError: StorageErrors pass through, everything else (SQLite) is `Unavailable`. */
export function asStorageError(error: unknown, what: string): StorageError {
  if (error instanceof StorageError) return error;
  return new StorageError("Unavailable", `sqlite: ${what} failed: ${message(error)}`, { cause: error });
}
