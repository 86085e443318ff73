import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { makeTempDir } from "../../../test/harness/tmp.js";
import { isStorageError, type StorageError } from "../errors.js";
import type { WatchEvent } from "../types.js";
import { openDatabase } from "./schema.js";
import { GroupCommitWriter, type WriteOp } from "./writer.js";

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const create = (key: string): WriteOp => ({ kind: "create", key, value: Buffer.from("{}") });

/** Runs `test` with a writer whose WAL syncs wait until the test completes them; cleans up after. */
async function withSyncedWriter(label: string, test: (w: SyncedWriter) => Promise<void>): Promise<void> {
  const w = await syncedWriter(label);
  try {
    await test(w);
  } finally {
    await w.cleanup();
  }
}

type SyncedWriter = Awaited<ReturnType<typeof syncedWriter>>;

async function syncedWriter(label: string) {
  const tmp = await makeTempDir(`writer-${label}`);
  const { db } = openDatabase(join(tmp.path, "state.db"));
  const syncs: ((error: Error | null) => void)[] = [];
  const published: number[] = [];
  const failures: StorageError[] = [];
  const writer = new GroupCommitWriter(db, {
    maxBatch: 100,
    onCommit: (events: readonly WatchEvent[]) => published.push(...events.map((e) => e.kv.modRevision)),
    onBatchError: (error) => failures.push(error),
    sync: (done) => void syncs.push(done),
  });
  const settled = <T>(p: Promise<T>) => {
    const state: { done: boolean; value?: T; error?: unknown } = { done: false };
    p.then(
      (value) => Object.assign(state, { done: true, value }),
      (error: unknown) => Object.assign(state, { done: true, error }),
    );
    return state;
  };
  return {
    writer,
    syncs,
    published,
    failures,
    settled,
    async cleanup() {
      db.close();
      await tmp.remove();
    },
  };
}

describe("GroupCommitWriter with a WAL sync", () => {
  it("acknowledges and publishes a batch only once its WAL is synced, and commits nothing else meanwhile", async () => {
    await withSyncedWriter("sync", async (w) => {
      const first = w.settled(w.writer.submit(create("/a")));
      await tick();
      assert.equal(w.writer.stats.transactions, 1, "committed");
      assert.equal(w.syncs.length, 1, "sync requested after COMMIT");
      assert.ok(w.writer.syncing, "readers can wait for it");
      assert.equal(first.done, false, "not acknowledged before the sync");
      assert.deepEqual(w.published, [], "watchers hear nothing before the sync");

      const second = w.settled(w.writer.submit(create("/b")));
      const third = w.settled(w.writer.submit({ kind: "update", key: "/a", value: Buffer.from("{}"), expected: 1 }));
      await tick();
      await tick();
      assert.equal(w.writer.stats.transactions, 1, "the next batch waits for the sync");

      w.syncs[0]!(null);
      await tick();
      assert.equal(first.done, true);
      assert.equal((first.value as WatchEvent).kv.modRevision, 1);
      assert.equal(w.writer.syncing !== undefined, true, "the queued writes committed as the next batch");
      assert.equal(w.writer.stats.transactions, 2);
      assert.equal(w.writer.stats.largestBatch, 2);
      assert.deepEqual(w.published, [1]);
      assert.equal(second.done || third.done, false);

      w.syncs[1]!(null);
      await tick();
      assert.deepEqual(w.published, [1, 2, 3]);
      assert.equal((third.value as WatchEvent).kv.modRevision, 3);
      assert.equal(w.writer.syncing, undefined);
      await w.writer.drain();
    });
  });

  it("fails a batch whose sync fails with Unavailable, and still publishes what it committed", async () => {
    await withSyncedWriter("fail", async (w) => {
      const write = w.writer.submit(create("/a"));
      const guardFailure = w.writer.submit({ kind: "update", key: "/missing", value: Buffer.from("{}") });
      await tick();
      w.syncs[0]!(Object.assign(new Error("EIO: i/o error, fdatasync"), { code: "EIO" }));
      await assert.rejects(write, (e: unknown) => isStorageError(e, "Unavailable") && /power loss/.test(e.message));
      await assert.rejects(guardFailure, (e: unknown) => isStorageError(e, "NotFound"));
      assert.deepEqual(w.published, [1], "the row is in the database: watchers must hear of it");
      assert.equal(w.failures.length, 1);

      // The writer goes on.
      const next = w.writer.submit(create("/b"));
      await tick();
      w.syncs[1]!(null);
      assert.equal((await next).kv.modRevision, 2);
    });
  });

  it("drain waits for the sync in flight", async () => {
    await withSyncedWriter("drain", async (w) => {
      const write = w.writer.submit(create("/a"));
      await tick();
      let drained = false;
      const draining = w.writer.drain().then(() => (drained = true));
      await tick();
      assert.equal(drained, false);
      w.syncs[0]!(null);
      await draining;
      assert.equal((await write).kv.modRevision, 1);
    });
  });
});
