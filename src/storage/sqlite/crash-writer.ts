/**
 * Child process for the kill -9 test (sqlite.test.ts): opens the store at argv[2] and writes forever from
 * 64 concurrent workers (a create, then guarded updates, per key), printing "<key> <revision> <seq>" on
 * stdout the moment each write is acknowledged. The test kills it with SIGKILL and checks every printed
 * write survived.
 */
import { writeSync } from "node:fs";
import { SqliteStore } from "./index.js";

const WORKERS = 64;
const KEYS_PER_WORKER = 8;

/** Synchronous, so a line is out before the next write can be acknowledged; retried if the pipe is full. */
function emit(line: string): void {
  const bytes = Buffer.from(line);
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(1, bytes, offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
    }
  }
}

async function worker(store: SqliteStore, w: number): Promise<never> {
  const revisions = new Map<string, number>();
  for (let seq = 0; ; seq++) {
    const key = `/registry/crash/w${w}/k${seq % KEYS_PER_WORKER}`;
    const value = Buffer.from(JSON.stringify({ w, seq, pad: "x".repeat(64) }));
    const previous = revisions.get(key);
    const kv = previous === undefined ? await store.create(key, value) : await store.update(key, value, previous);
    revisions.set(key, kv.modRevision);
    emit(`${key} ${kv.modRevision} ${seq}\n`);
  }
}

const file = process.argv[2];
if (file === undefined) throw new Error("usage: crash-writer <database file>");
const store = await SqliteStore.open({ file });
await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(store, w)));
