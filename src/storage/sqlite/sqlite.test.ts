import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { makeTempDir } from "../../../test/harness/tmp.js";
import { describeStoreConformance, recordWatch } from "../conformance/index.js";
import { isStorageError, StorageError, type StorageErrorCode } from "../errors.js";
import type { WatchEvent } from "../types.js";
import { SqliteStore, type SqliteStoreOptions } from "./index.js";

const enc = (o: object): Buffer => Buffer.from(JSON.stringify(o));
const dec = (b: Buffer): unknown => JSON.parse(b.toString("utf8"));
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function rejectsWith(p: Promise<unknown>, code: StorageErrorCode): Promise<StorageError> {
  try {
    await p;
  } catch (error) {
    assert.ok(isStorageError(error), `expected a StorageError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected ${code}, but it succeeded`);
}

interface Fixture {
  readonly dir: string;
  readonly file: string;
  store: SqliteStore;
  reopen(options?: Partial<SqliteStoreOptions>): Promise<SqliteStore>;
  cleanup(): Promise<void>;
}

async function fixture(label: string, options: Partial<SqliteStoreOptions> = {}): Promise<Fixture> {
  const tmp = await makeTempDir(`sqlite-${label}`);
  const file = join(tmp.path, "db", "state.db");
  const opened: SqliteStore[] = [];
  const open = async (extra: Partial<SqliteStoreOptions> = {}): Promise<SqliteStore> => {
    const store = await SqliteStore.open({ ...options, ...extra, file });
    opened.push(store);
    return store;
  };
  return {
    dir: tmp.path,
    file,
    store: await open(),
    reopen: open,
    cleanup: async () => {
      for (const s of opened) await s.close();
      await tmp.remove();
    },
  };
}

describeStoreConformance("sqlite", async () => {
  const f = await fixture("conformance");
  return { store: f.store, reopen: () => f.reopen(), cleanup: f.cleanup };
});

describe("SqliteStore basics", () => {
  let f: Fixture;
  before(async () => (f = await fixture("basics")));
  after(async () => f.cleanup());

  it("creates, reads, updates with guards and deletes", async () => {
    const s = f.store;
    const a = await s.create("/registry/pods/default/a", enc({ v: 1 }));
    assert.equal(a.createRevision, a.modRevision);
    await rejectsWith(s.create("/registry/pods/default/a", enc({ v: 2 })), "KeyExists");
    assert.deepEqual(await s.get("/registry/pods/default/a"), a);
    assert.equal(await s.get("/registry/pods/default/zz"), undefined);

    const a2 = await s.update("/registry/pods/default/a", enc({ v: 2 }), a.modRevision);
    assert.equal(a2.createRevision, a.createRevision);
    assert.ok(a2.modRevision > a.modRevision);
    const conflict = await rejectsWith(s.update("/registry/pods/default/a", enc({ v: 3 }), a.modRevision), "Conflict");
    assert.deepEqual(conflict.current, a2);
    await rejectsWith(s.update("/registry/pods/default/none", enc({ v: 1 })), "NotFound");

    await rejectsWith(s.delete("/registry/pods/default/a", a.modRevision), "Conflict");
    const d = await s.delete("/registry/pods/default/a", a2.modRevision);
    assert.deepEqual(d.prev, a2);
    assert.ok(d.revision > a2.modRevision);
    assert.equal(await s.get("/registry/pods/default/a"), undefined);
    await rejectsWith(s.delete("/registry/pods/default/a"), "NotFound");
    assert.equal(await s.currentRevision(), d.revision);

    const again = await s.create("/registry/pods/default/a", enc({ v: 9 }));
    assert.equal(again.createRevision, again.modRevision);
  });

  it("validates arguments before any I/O", async () => {
    const s = f.store;
    await rejectsWith(s.create("/other/x", enc({})), "InvalidKey");
    await rejectsWith(s.create("/registry/x/", enc({})), "InvalidKey");
    await rejectsWith(s.create("/registry/x", Buffer.from("[1]")), "InvalidValue");
    await rejectsWith(s.create("/registry/x", Buffer.alloc(2 * 1024 * 1024, 32)), "TooLarge");
    await rejectsWith(s.update("/registry/x", enc({}), -1), "InvalidRevision");
    await rejectsWith(s.list("/registry/pods"), "InvalidKey");
    await rejectsWith(s.list("/registry/pods/", { after: "/registry/services/a" }), "InvalidKey");
    await rejectsWith(s.list("/registry/pods/", { limit: -1 }), "InvalidRevision");
    assert.throws(
      () => s.watch({ prefix: "/registry/pods", fromRevision: 0, onEvents: () => {}, onError: () => {} }),
      (e: unknown) => isStorageError(e, "InvalidKey"),
    );
  });

  it("does not let a caller's buffer change what was stored", async () => {
    const value = enc({ n: 1 });
    const kv = await f.store.create("/registry/buffers/x", value);
    value.fill(32);
    assert.deepEqual(dec((await f.store.get("/registry/buffers/x"))!.value), { n: 1 });
    assert.deepEqual(dec(kv.value), { n: 1 });
  });

  it("gives exactly one winner to racing guarded updates, without failing the rest of the batch", async () => {
    const s = f.store;
    const base = await s.create("/registry/race/k", enc({ n: 0 }));
    const results = await Promise.allSettled([
      ...Array.from({ length: 20 }, (_, i) => s.update("/registry/race/k", enc({ n: i + 1 }), base.modRevision)),
      s.create("/registry/race/other", enc({ ok: true })),
    ]);
    const won = results.slice(0, 20).filter((r) => r.status === "fulfilled");
    assert.equal(won.length, 1);
    assert.equal(results[20]!.status, "fulfilled");
    const winner = (won[0] as PromiseFulfilledResult<{ modRevision: number }>).value;
    for (const r of results.slice(0, 20)) {
      if (r.status === "rejected") {
        assert.ok(isStorageError(r.reason, "Conflict"));
        assert.equal(r.reason.current?.modRevision, winner.modRevision);
      }
    }
  });

  it("groups concurrent writes into few transactions", async () => {
    const s = f.store;
    const before = s.stats();
    await Promise.all(Array.from({ length: 64 }, (_, i) => s.create(`/registry/group/k${i}`, enc({ i }))));
    const after = s.stats();
    assert.equal(after.writes - before.writes, 64);
    assert.ok(after.transactions - before.transactions <= 2, `took ${after.transactions - before.transactions} txns`);
  });

  it("lists a consistent, paged snapshot with counts", async () => {
    const s = f.store;
    for (let i = 0; i < 10; i++) await s.create(`/registry/cm/ns/c${i}`, enc({ i }));
    await s.create("/registry/cm/ns2/x", enc({}));
    await s.create("/registry/cmx/ns/x", enc({}));
    const first = await s.list("/registry/cm/ns/", { limit: 4 });
    assert.deepEqual(
      first.items.map((kv) => kv.key),
      ["c0", "c1", "c2", "c3"].map((k) => `/registry/cm/ns/${k}`),
    );
    assert.equal(first.more, true);
    assert.equal(first.count, 10);

    // Changes after the snapshot must not show up in its later pages.
    await s.delete("/registry/cm/ns/c5");
    await s.update("/registry/cm/ns/c6", enc({ changed: true }));
    await s.create("/registry/cm/ns/c55", enc({}));
    const second = await s.list("/registry/cm/ns/", {
      after: first.items[3]!.key,
      limit: 4,
      revision: first.revision,
    });
    assert.deepEqual(
      second.items.map((kv) => kv.key.slice(-2)),
      ["c4", "c5", "c6", "c7"],
    );
    assert.deepEqual(dec(second.items[2]!.value), { i: 6 });
    assert.equal(second.count, 6);
    assert.equal(second.more, true);

    const now = await s.list("/registry/cm/", {});
    assert.equal(now.count, 11);
    assert.equal(now.more, false);
    assert.equal(now.revision, await s.currentRevision());
    assert.deepEqual(
      now.items.map((kv) => kv.key.slice("/registry/cm/".length)),
      ["ns/c0", "ns/c1", "ns/c2", "ns/c3", "ns/c4", "ns/c55", "ns/c6", "ns/c7", "ns/c8", "ns/c9", "ns2/x"],
    );
    assert.equal(await s.count("/registry/cm/ns/"), 10);
    await rejectsWith(s.list("/registry/cm/", { revision: now.revision + 1 }), "FutureRevision");
  });
});

describe("SqliteStore watch", () => {
  let f: Fixture;
  before(async () => (f = await fixture("watch", { progressIntervalMs: 50 })));
  after(async () => f.cleanup());

  it("replays big history then follows live writes with no gap and no duplicate", async () => {
    const s = f.store;
    const written: number[] = [];
    const track = async (p: Promise<{ modRevision: number }>): Promise<void> => {
      written.push((await p).modRevision);
    };
    await Promise.all(Array.from({ length: 3000 }, (_, i) => track(s.create(`/registry/w/a/k${i}`, enc({ i })))));
    const from = written[999]!;
    const w = recordWatch(s, "/registry/w/a/", from);
    // Writes racing the replay, some outside the prefix.
    for (let i = 0; i < 40; i++) {
      await Promise.all([
        track(s.update(`/registry/w/a/k${i}`, enc({ i, u: 1 }))),
        s.create(`/registry/w/b/k${i}`, enc({})),
        track(s.create(`/registry/w/a/n${i}`, enc({}))),
      ]);
    }
    const expected = written.filter((r) => r > from).sort((a, b) => a - b);
    await w.until(() => w.events.length >= expected.length, "all events");
    await sleep(20);
    assert.deepEqual(
      w.events.map((e) => e.kv.modRevision),
      expected,
    );
    assert.ok(w.events.every((e) => e.kv.key.startsWith("/registry/w/a/")));
    const update = w.events.find((e) => e.type === "update")!;
    assert.ok(update.prev && update.prev.modRevision < update.kv.modRevision);
    assert.equal(w.errors.length, 0);
    w.watch.close();
  });

  it("delivers deletes with the last value and the deleted key as prev", async () => {
    const s = f.store;
    const kv = await s.create("/registry/del/x", enc({ last: true }));
    const w = recordWatch(s, "/registry/del/", kv.modRevision - 1);
    const d = await s.delete("/registry/del/x");
    await w.until(() => w.events.length === 2, "create and delete");
    const [c, e] = w.events as [WatchEvent, WatchEvent];
    assert.equal(c.type, "create");
    assert.equal(c.prev, undefined);
    assert.equal(e.type, "delete");
    assert.equal(e.kv.modRevision, d.revision);
    assert.equal(e.kv.createRevision, kv.createRevision);
    assert.deepEqual(dec(e.kv.value), { last: true });
    assert.deepEqual(e.prev, kv);
    w.watch.close();

    // Same shape for a live watcher.
    const live = recordWatch(s, "/registry/del/", 0);
    const kv2 = await s.create("/registry/del/y", enc({ y: 1 }));
    await s.delete("/registry/del/y");
    assert.equal(live.events.length, 2); // delivered before the writer's promise continued
    assert.deepEqual(live.events[1]!.prev, kv2);
    assert.deepEqual(dec(live.events[1]!.kv.value), { y: 1 });
    live.watch.close();
  });

  it("reports progress, throttled, when other prefixes change", async () => {
    const s = f.store;
    const w = recordWatch(s, "/registry/quiet/", 0);
    const started = Date.now();
    let last = 0;
    while (Date.now() - started < 400)
      last = (await s.create(`/registry/noisy/k${Date.now()}-${last}`, enc({}))).modRevision;
    await w.until(() => w.progress.at(-1) === last, "progress at the last revision");
    assert.equal(w.events.length, 0);
    assert.ok(w.progress.length >= 3, `only ${w.progress.length} progress calls`);
    assert.ok(w.progress.length <= 400 / 50 + 3, `${w.progress.length} progress calls in 400 ms`);
    w.watch.close();
  });

  it("stops delivering at once when closed, even from its own callback", async () => {
    const s = f.store;
    const got: WatchEvent[] = [];
    const watch = s.watch({
      prefix: "/registry/stop/",
      fromRevision: 0,
      onEvents: (events) => {
        got.push(...events);
        watch.close();
      },
      onError: () => assert.fail("no error for an owner-closed watch"),
    });
    await s.create("/registry/stop/a", enc({}));
    await s.create("/registry/stop/b", enc({}));
    await tick();
    assert.equal(got.length, 1);
  });

  it("fails a watch from a compacted revision with Compacted, asynchronously", async () => {
    const s = f.store;
    const kv = await s.create("/registry/old/a", enc({}));
    await s.update("/registry/old/a", enc({ n: 2 }));
    await s.compact(kv.modRevision + 1);
    const w = recordWatch(s, "/registry/old/", kv.modRevision);
    assert.equal(w.errors.length, 0);
    await w.until(() => w.errors.length === 1, "Compacted");
    assert.equal(w.errors[0]!.code, "Compacted");
    await rejectsWith(s.list("/registry/old/", { revision: kv.modRevision }), "Compacted");
    const ok = recordWatch(s, "/registry/old/", kv.modRevision + 1);
    await s.update("/registry/old/a", enc({ n: 3 }));
    assert.equal(ok.events.length, 1);
    ok.watch.close();
  });
});

describe("SqliteStore lifecycle", () => {
  it("reopens with its data, revision and compacted revision", async () => {
    const f = await fixture("reopen");
    try {
      const s = f.store;
      const a = await s.create("/registry/r/a", enc({ a: 1 }));
      const b = await s.create("/registry/r/b", enc({ b: 1 }));
      const a2 = await s.update("/registry/r/a", enc({ a: 2 }));
      await s.delete("/registry/r/b");
      const mid = await s.currentRevision();
      const c = await s.create("/registry/r/c", enc({ c: 1 }));
      const last = await s.delete("/registry/r/c"); // the newest row is a tombstone that compaction removes
      await s.compact(mid);
      await s.compact(last.revision);
      await s.close();

      const s2 = await f.reopen();
      assert.equal(await s2.currentRevision(), last.revision);
      assert.equal(await s2.compactedRevision(), last.revision);
      assert.deepEqual(await s2.get("/registry/r/a"), a2);
      assert.equal(await s2.get("/registry/r/b"), undefined);
      assert.equal(await s2.get("/registry/r/c"), undefined);
      assert.ok(a.modRevision < b.modRevision && c.modRevision < last.revision);
      await rejectsWith(s2.list("/registry/r/", { revision: mid }), "Compacted");
      const next = await s2.create("/registry/r/d", enc({}));
      assert.equal(next.modRevision, last.revision + 1); // revisions never go back, even after compaction
      assert.equal((await s2.list("/registry/r/")).count, 2);
      assert.deepEqual(await s2.health(), { healthy: true, backend: "sqlite", revision: next.modRevision });
    } finally {
      await f.cleanup();
    }
  });

  it("ends watches with Closed and rejects every call after close", async () => {
    const f = await fixture("close");
    try {
      const s = f.store;
      const w = recordWatch(s, "/registry/c/", 0);
      const pending = s.create("/registry/c/queued", enc({})); // accepted before close: still commits
      await s.close();
      await s.close();
      assert.equal((await pending).modRevision, 1);
      assert.deepEqual(
        w.errors.map((e) => e.code),
        ["Closed"],
      );
      await rejectsWith(s.get("/registry/c/queued"), "Closed");
      await rejectsWith(s.create("/registry/c/x", enc({})), "Closed");
      await rejectsWith(s.list("/registry/c/"), "Closed");
      await rejectsWith(s.currentRevision(), "Closed");
      await rejectsWith(s.compact(0), "Closed");
      await rejectsWith(s.health(), "Closed");
      const late = recordWatch(s, "/registry/c/", 0);
      await late.until(() => late.errors.length === 1, "Closed for a watch after close");
      assert.equal(late.errors[0]!.code, "Closed");
    } finally {
      await f.cleanup();
    }
  });

  it("fails a whole batch with Unavailable when SQLite fails, then recovers", async () => {
    const f = await fixture("ioerror");
    try {
      const s = f.store;
      const base = await s.create("/registry/io/base", enc({ v: 1 }));
      const w = recordWatch(s, "/registry/io/", 0);
      // Inject a failure into the writer's INSERT through a second connection.
      const raw = new Database(f.file);
      raw.exec(`CREATE TRIGGER boom BEFORE INSERT ON kv WHEN NEW.name = '/registry/io/boom'
                BEGIN SELECT RAISE(ABORT, 'injected failure'); END`);
      const results = await Promise.allSettled([
        s.create("/registry/io/ok", enc({})),
        s.create("/registry/io/boom", enc({})),
        s.update("/registry/io/base", enc({ v: 2 })),
      ]);
      for (const r of results) {
        assert.equal(r.status, "rejected");
        assert.ok(isStorageError(r.reason, "Unavailable"), String(r.reason));
        assert.match(String((r.reason as StorageError).cause), /injected failure/);
      }
      assert.equal(await s.currentRevision(), base.modRevision);
      assert.equal(await s.get("/registry/io/ok"), undefined);
      assert.equal((await s.health()).healthy, false);
      raw.exec("DROP TRIGGER boom");
      raw.close();

      const ok = await s.create("/registry/io/ok", enc({}));
      assert.equal(ok.modRevision, base.modRevision + 1);
      assert.equal((await s.health()).healthy, true);
      assert.deepEqual(
        w.events.map((e) => e.kv.modRevision),
        [ok.modRevision],
      );
      assert.equal(s.stats().failedBatches, 1);
    } finally {
      await f.cleanup();
    }
  });

  it("keeps delivering to other watchers (and the next batch) when a callback throws", async () => {
    const f = await fixture("throws");
    try {
      const s = f.store;
      let thrown = 0;
      s.watch({
        prefix: "/registry/t/",
        fromRevision: 0,
        onEvents: () => {
          thrown++;
          throw new Error("a bad watcher");
        },
        onProgress: () => {
          throw new Error("a bad watcher");
        },
        onError: () => {
          throw new Error("a bad watcher");
        },
      });
      const good = recordWatch(s, "/registry/t/", 0);
      await s.create("/registry/t/a", enc({}));
      await s.create("/registry/t/b", enc({}));
      assert.equal(thrown, 2);
      assert.equal(good.events.length, 2);
    } finally {
      await f.cleanup();
    }
  });

  it("reports a file it cannot open as Unavailable", async () => {
    const f = await fixture("bad");
    try {
      await rejectsWith(SqliteStore.open({ file: f.dir }), "Unavailable"); // a directory
    } finally {
      await f.cleanup();
    }
  });
});

describe("SqliteStore compaction", () => {
  it("compacts a 50k-row history in steps while writes keep completing", async () => {
    const f = await fixture("compact");
    try {
      const s = f.store;
      const keys = 500;
      const versions = 100;
      for (let v = 0; v < versions; v++) {
        await Promise.all(
          Array.from({ length: keys }, (_, k) =>
            v === 0 ? s.create(`/registry/h/k${k}`, enc({ k, v })) : s.update(`/registry/h/k${k}`, enc({ k, v })),
          ),
        );
      }
      await s.delete("/registry/h/k0");
      const target = await s.currentRevision();
      assert.equal(target, keys * versions + 1);

      const stepsAtStart = s.stats().compactionSteps;
      let done = false;
      const compaction = s.compact(target).finally(() => (done = true));
      const stepsSeenByWrites: number[] = [];
      let n = 0;
      while (!done) {
        await s.create(`/registry/during/k${n++}`, enc({ n }));
        stepsSeenByWrites.push(s.stats().compactionSteps - stepsAtStart);
      }
      await compaction;
      const steps = s.stats().compactionSteps - stepsAtStart;
      assert.ok(steps >= 50, `only ${steps} steps`);
      const during = stepsSeenByWrites.filter((x) => x > 0 && x < steps).length;
      assert.ok(during > 0, "no write completed while compaction was under way");

      // Only the visible version of each key at the target is left, plus what was written after it.
      const raw = new Database(f.file, { readonly: true });
      try {
        assert.equal(raw.prepare("SELECT count(*) FROM kv").pluck().get(), keys - 1 + n);
      } finally {
        raw.close();
      }
      assert.deepEqual(dec((await s.get("/registry/h/k7"))!.value), { k: 7, v: versions - 1 });
      const snap = await s.list("/registry/h/", { revision: target, limit: 10 });
      assert.equal(snap.count, keys - 1);
      await rejectsWith(s.list("/registry/h/", { revision: target - 1 }), "Compacted");
      await s.compact(target); // idempotent
      await rejectsWith(s.compact(target + n + 1), "FutureRevision");
    } finally {
      await f.cleanup();
    }
  });

  it("finishes an interrupted compaction after reopening", async () => {
    const f = await fixture("resume", { compactionStep: 50 });
    try {
      const s = f.store;
      for (let v = 0; v < 20; v++) {
        await Promise.all(
          Array.from({ length: 100 }, (_, k) =>
            v === 0 ? s.create(`/registry/i/k${k}`, enc({ v })) : s.update(`/registry/i/k${k}`, enc({ v })),
          ),
        );
      }
      const target = await s.currentRevision();
      const compaction = s.compact(target);
      await tick();
      await tick();
      const interrupted = rejectsWith(compaction, "Closed"); // handled before close settles it
      await s.close();
      await interrupted;

      const raw = new Database(f.file, { readonly: true });
      const rows = (): number => raw.prepare("SELECT count(*) FROM kv").pluck().get() as number;
      try {
        assert.ok(rows() > 100, "compaction was not interrupted");
        const s2 = await f.reopen();
        assert.equal(await s2.compactedRevision(), target);
        await rejectsWith(s2.list("/registry/i/", { revision: target - 1 }), "Compacted");
        const deadline = Date.now() + 10_000;
        while (rows() > 100 && Date.now() < deadline) await sleep(5);
        assert.equal(rows(), 100);
        assert.equal((await s2.list("/registry/i/")).count, 100);
      } finally {
        raw.close();
      }
    } finally {
      await f.cleanup();
    }
  });
});

describe("SqliteStore background checkpoints", () => {
  it("move to a thread once the store is busy, keep the WAL bounded and lose nothing", async () => {
    const f = await fixture("checkpoints");
    try {
      const s = f.store;
      assert.equal(s.stats().backgroundCheckpoints, false);
      // 2,100 transactions of 4 writes each (a batch per round).
      for (let round = 0; round < 2100; round++) {
        await Promise.all(
          Array.from({ length: 4 }, (_, k) =>
            round === 0 ? s.create(`/registry/c/k${k}`, enc({ round })) : s.update(`/registry/c/k${k}`, enc({ round })),
          ),
        );
      }
      assert.equal(s.stats().backgroundCheckpoints, true);
      // New pages reach the database file while the writer's own autocheckpoint (at 10,000 pages) is far off:
      // the thread copied them there.
      const before = statSync(f.file).size;
      const big = "x".repeat(4000);
      await Promise.all(Array.from({ length: 300 }, (_, i) => s.create(`/registry/big/k${i}`, enc({ big }))));
      const deadline = Date.now() + 10_000;
      while (statSync(f.file).size < before + 300 * 4096) {
        if (Date.now() > deadline) assert.fail(`the database file stayed at ${statSync(f.file).size} bytes`);
        await sleep(50);
      }
      await s.update("/registry/c/k0", enc({ round: "after" }));
      await s.close();
      const s2 = await f.reopen();
      assert.equal(s2.stats().backgroundCheckpoints, false);
      const items = (await s2.list("/registry/c/")).items.map((kv) => JSON.parse(kv.value.toString()));
      assert.deepEqual(items, [{ round: "after" }, { round: 2099 }, { round: 2099 }, { round: 2099 }]);
    } finally {
      await f.cleanup();
    }
  });
});

describe("SqliteStore durability", () => {
  it("fsyncs the WAL off the main thread before acknowledging, and reads wait for it", async () => {
    const f = await fixture("walsync");
    try {
      assert.equal(f.store.stats().walSync, true);
      for (let i = 0; i < 20; i++) {
        const created = f.store.create(`/registry/d/${i}`, enc({ v: i }));
        await tick(); // committed; its fsync may still be running
        // A read never returns a write the store has not acknowledged yet: its revision is already the store's.
        const seen = await f.store.get(`/registry/d/${i}`);
        const revision = f.store.currentRevision();
        assert.ok(seen && seen.modRevision <= (await revision), `read revision ${seen?.modRevision}`);
        assert.equal((await created).modRevision, seen.modRevision);
      }
    } finally {
      await f.cleanup();
    }
  });

  it("keeps every acknowledged write through kill -9", async (t) => {
    const f = await fixture("crash");
    await f.store.close();
    try {
      const script = fileURLToPath(new URL("./crash-writer.js", import.meta.url));
      const child = spawn(process.execPath, [script, f.file], { stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const acks: { key: string; revision: number; seq: number }[] = [];
      let partial = "";
      const KILL_AFTER = 4000;
      let killed = false;
      child.stdout.on("data", (d: Buffer) => {
        const lines = (partial + d.toString()).split("\n");
        partial = lines.pop()!; // an incomplete last line was cut by the kill: not counted
        for (const line of lines) {
          const [key, revision, seq] = line.split(" ");
          acks.push({ key: key!, revision: Number(revision), seq: Number(seq) });
        }
        if (acks.length >= KILL_AFTER && !killed) killed = child.kill("SIGKILL"); // by its PID
      });
      const timer = setTimeout(() => (killed ||= child.kill("SIGKILL")), 30_000);
      const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
        child.on("close", (c, s) => resolve([c, s])),
      );
      clearTimeout(timer);
      assert.equal(signal, "SIGKILL", `child exited with ${code}: ${stderr}`);
      assert.ok(acks.length >= KILL_AFTER, `only ${acks.length} acks: ${stderr}`);
      t.diagnostic(`${acks.length} acknowledged writes before SIGKILL`);

      const raw = new Database(f.file);
      try {
        assert.equal(raw.pragma("integrity_check", { simple: true }), "ok");
        const maxId = raw.prepare("SELECT max(id) FROM kv").pluck().get() as number;
        assert.equal(raw.prepare("SELECT count(*) FROM kv").pluck().get(), maxId, "revisions have gaps");
        const row = raw.prepare<[number], { name: string; value: Buffer }>("SELECT name, value FROM kv WHERE id = ?");
        for (const ack of acks) {
          const r = row.get(ack.revision);
          assert.ok(r, `acknowledged revision ${ack.revision} is missing`);
          assert.equal(r.name, ack.key);
          assert.equal((dec(r.value) as { seq: number }).seq, ack.seq);
        }
      } finally {
        raw.close();
      }

      const s = await f.reopen();
      const latest = new Map<string, number>();
      for (const ack of acks) latest.set(ack.key, Math.max(latest.get(ack.key) ?? 0, ack.revision));
      assert.ok((await s.currentRevision()) >= Math.max(...latest.values()));
      for (const [key, revision] of latest) assert.ok((await s.get(key))!.modRevision >= revision);
      // The reopened store keeps writing after the last revision on disk.
      const next = await s.create("/registry/after/crash", enc({}));
      assert.equal(next.modRevision, (await s.list("/registry/crash/")).revision);
    } finally {
      await f.cleanup();
    }
  });
});

describe("SqliteStore performance (measured, not asserted)", () => {
  it("creates with 64 concurrent writers and lists 10k keys", async (t) => {
    const f = await fixture("perf");
    try {
      const s = f.store;
      const value = enc({ kind: "Pod", metadata: { name: "x" }, spec: { pad: "x".repeat(900) } });
      const total = 10_000;
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: 64 }, async () => {
          while (next < total) await s.create(`/registry/pods/default/p${String(next++).padStart(5, "0")}`, value);
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      t.diagnostic(
        `creates: ${Math.round(total / seconds)}/s with 64 concurrent writers (${s.stats().transactions} txns)`,
      );
      const times: number[] = [];
      for (let i = 0; i < 7; i++) {
        const t0 = performance.now();
        const page = await s.list("/registry/pods/");
        times.push(performance.now() - t0);
        assert.equal(page.items.length, total);
      }
      times.sort((a, b) => a - b);
      t.diagnostic(`list 10k: median ${times[3]!.toFixed(1)} ms, min ${times[0]!.toFixed(1)} ms`);
      const rev = await s.currentRevision();
      await s.update("/registry/pods/default/p00000", value);
      const t0 = performance.now();
      const old = await s.list("/registry/pods/", { revision: rev });
      t.diagnostic(`list 10k at an older revision: ${(performance.now() - t0).toFixed(1)} ms`);
      assert.equal(old.count, total);
    } finally {
      await f.cleanup();
    }
  });
});
