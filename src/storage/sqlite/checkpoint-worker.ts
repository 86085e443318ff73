/**
 * The background checkpointer's thread: its own connection to the database file, copying committed WAL
 * frames into the database (`wal_checkpoint(PASSIVE)`, which never blocks the writer) every interval.
 * The parent posts "stop"; the thread answers "stopped" and exits.
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

const { file, intervalMs } = workerData as { readonly file: string; readonly intervalMs: number };
const db = new Database(file, { fileMustExist: true });
db.pragma("busy_timeout = 1000");

let stopped = false;
const tick = (): void => {
  if (stopped) return;
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch (error) {
    // SQLITE_BUSY and friends: the writer's own autocheckpoint still bounds the WAL; try again next time.
    parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
  timer = setTimeout(tick, intervalMs);
};
let timer = setTimeout(tick, intervalMs);

parentPort?.on("message", (message: unknown) => {
  if (message !== "stop") return;
  stopped = true;
  clearTimeout(timer);
  db.close();
  parentPort?.postMessage("stopped");
  parentPort?.close();
});
