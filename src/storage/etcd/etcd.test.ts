import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startEtcd, type EtcdServer } from "../../../test/harness/etcd.js";
import { freePort } from "../../../test/harness/tmp.js";
import { describeStoreConformance, recordWatch, type StoreFixture } from "../conformance/index.js";
import { isStorageError, type StorageError, type StorageErrorCode } from "../errors.js";
import type { Store, WatchEvent } from "../types.js";
import { encodeJsonValue } from "../validation.js";
import { EtcdStore } from "./index.js";

const json = (value: object): Buffer => Buffer.from(JSON.stringify(value));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function rejectsWith(promise: Promise<unknown>, code: StorageErrorCode): Promise<StorageError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isStorageError(error), `expected a StorageError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected ${code}, but the call succeeded`);
}

const summary = (events: readonly WatchEvent[]) => events.map((e) => `${e.type} ${e.kv.key}@${e.kv.modRevision}`);

/** One etcd per fixture; `reopen` is a second EtcdStore over the same etcd. */
async function etcdFixture(): Promise<StoreFixture> {
  const server = await startEtcd();
  const stores: Store[] = [];
  const cleanup = async (): Promise<void> => {
    for (const store of stores) await store.close();
    await server.stop();
  };
  const open = async (): Promise<Store> => {
    const store = await EtcdStore.open({ endpoints: [server.endpoint] });
    stores.push(store);
    return store;
  };
  try {
    return { store: await open(), reopen: open, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

describeStoreConformance("etcd", etcdFixture);

describe("etcd specifics", () => {
  let server: EtcdServer;
  let store: EtcdStore;
  before(async () => {
    server = await startEtcd();
    store = await EtcdStore.open({ endpoints: [server.endpoint] });
  });
  after(async () => {
    await store?.close();
    await server?.stop();
  });

  it("a watch from a compacted revision ends with Compacted carrying the compacted revision", async () => {
    const prefix = "/registry/compact/";
    const first = await store.create(`${prefix}a`, json({ v: 1 }));
    const second = await store.update(`${prefix}a`, json({ v: 2 }));
    await store.update(`${prefix}a`, json({ v: 3 }));
    await store.compact(second.modRevision);
    assert.equal(await store.compactedRevision(), second.modRevision);

    // From well below (etcd refuses it) and from just below (etcd would accept it, but the delete
    // tombstones at the compacted revision are gone).
    for (const from of [first.modRevision - 1, second.modRevision - 1]) {
      const stale = recordWatch(store, prefix, from);
      await stale.until(() => stale.errors.length === 1, `Compacted on a watch from ${from}`, 5000);
      assert.equal(stale.errors[0]!.code, "Compacted");
      assert.equal(stale.errors[0]!.revision, second.modRevision);
      assert.deepEqual(stale.events, []);
    }
    const old = await rejectsWith(store.list(prefix, { revision: first.modRevision }), "Compacted");
    assert.equal(old.revision, second.modRevision);
  });

  it("fromRevision 0 on a second instance starts no later than its first call", async () => {
    const other = await EtcdStore.open({ endpoints: [server.endpoint] });
    try {
      const w = recordWatch(other, "/registry/second/", 0);
      const kv = await other.create("/registry/second/a", json({})); // sent right after watch() returned
      await w.until(() => w.events.length === 1, "the write made right after watch()", 5000);
      assert.deepEqual(summary(w.events), [`create ${kv.key}@${kv.modRevision}`]);
      w.watch.close();
    } finally {
      await other.close();
    }
  });

  it("a watch event of this store's own write carries the writer's Buffer (encodeJsonValue), else a copy", async () => {
    const prefix = "/registry/own/";
    const w = recordWatch(store, prefix, 0);
    const encoded = encodeJsonValue({ a: 1 });
    const plain = json({ b: 2 });
    await store.create(`${prefix}a`, encoded);
    await store.create(`${prefix}b`, plain);
    // (Only the newest value per key is remembered: a second write to `a` before its first event arrives
    // would leave that event with etcd's bytes, which is still correct.)
    await w.until(() => w.events.length === 2, "two events", 5000);
    const updated = encodeJsonValue({ a: 2 });
    await store.update(`${prefix}a`, updated);
    await w.until(() => w.events.length === 3, "three events", 5000);
    assert.equal(w.events[0]!.kv.value, encoded);
    assert.notEqual(w.events[1]!.kv.value, plain);
    assert.deepEqual(w.events[1]!.kv.value, plain);
    assert.equal(w.events[2]!.kv.value, updated);
    w.watch.close();
  });

  it("fails over to the next endpoint when one is down", async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const both = await EtcdStore.open({ endpoints: [dead, server.endpoint], dialTimeoutMs: 500 });
    try {
      const w = recordWatch(both, "/registry/failover/", 0);
      const kv = await both.create("/registry/failover/a", json({}));
      assert.deepEqual((await both.get(kv.key))?.modRevision, kv.modRevision);
      await w.until(() => w.events.length === 1, "the event through the live endpoint", 5000);
      assert.equal((await both.health()).healthy, true);
      w.watch.close();
    } finally {
      await both.close();
    }
  });
});

describe("etcd outages", () => {
  it("fails open with Unavailable when etcd is not there", async () => {
    const server = await startEtcd();
    await server.stop();
    const started = Date.now();
    await rejectsWith(EtcdStore.open({ endpoints: [server.endpoint], dialTimeoutMs: 500 }), "Unavailable");
    assert.ok(Date.now() - started < 3000);
  });

  it("a watch resumes after etcd restarts, without skipping or repeating", async () => {
    const server = await startEtcd();
    const store = await EtcdStore.open({ endpoints: [server.endpoint] });
    try {
      const prefix = "/registry/resume/";
      const w = recordWatch(store, prefix, 0);
      const keys: string[] = [];
      for (let i = 0; i < 3; i++) keys.push((await store.create(`${prefix}before-${i}`, json({}))).key);
      await w.until(() => w.events.length === 3, "events before the outage", 5000);

      server.kill();
      await rejectsWith(store.create(`${prefix}lost`, json({})), "Unavailable");
      const health = await store.health();
      assert.equal(health.healthy, false);
      await server.restart();
      // Written at once, while the watch may still be reconnecting: etcd replays them from history.
      for (let i = 0; i < 3; i++) keys.push((await store.create(`${prefix}after-${i}`, json({}))).key);
      await w.until(() => w.events.length >= 6, "events after the restart", 10_000);
      await sleep(300);
      assert.deepEqual(
        w.events.map((e) => e.kv.key),
        keys,
      );
      const revisions = w.events.map((e) => e.kv.modRevision);
      assert.deepEqual(
        revisions,
        [...revisions].sort((x, y) => x - y),
      );
      assert.deepEqual(w.errors, []);
      assert.equal((await store.health()).healthy, true);
      w.watch.close();
    } finally {
      await store.close();
      await server.stop();
    }
  });

  it("when etcd is gone: calls reject with Unavailable, watches end with Unavailable, health is unhealthy", async () => {
    const server = await startEtcd();
    const store = await EtcdStore.open({
      endpoints: [server.endpoint],
      watchUnavailableAfterMs: 1000,
      healthTimeoutMs: 500,
    });
    try {
      const w = recordWatch(store, "/registry/gone/", 0);
      await store.create("/registry/gone/a", json({}));
      await w.until(() => w.events.length === 1, "the event before the outage", 5000);

      server.kill();
      const killedAt = Date.now();
      await rejectsWith(store.get("/registry/gone/a"), "Unavailable");
      await rejectsWith(store.create("/registry/gone/b", json({})), "Unavailable");
      await rejectsWith(store.list("/registry/gone/"), "Unavailable");
      await rejectsWith(store.compact(1), "Unavailable");
      const healthAt = Date.now();
      const health = await store.health();
      assert.equal(health.healthy, false);
      assert.match(health.message ?? "", /etcd/);
      assert.ok(Date.now() - healthAt < 1500, `health() took ${Date.now() - healthAt} ms`);

      await w.until(() => w.errors.length === 1, "Unavailable on the watch", 5000);
      assert.equal(w.errors[0]!.code, "Unavailable");
      const watchEndedMs = Date.now() - killedAt;
      assert.ok(watchEndedMs >= 900, `the watch gave up after ${watchEndedMs} ms`);
      assert.equal(w.events.length, 1);

      const late = recordWatch(store, "/registry/gone/", 0);
      await late.until(() => late.errors.length === 1, "Unavailable on a new watch", 5000);
      assert.equal(late.errors[0]!.code, "Unavailable");
    } finally {
      await store.close();
      await server.stop();
    }
  });
});
