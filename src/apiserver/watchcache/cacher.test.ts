import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { makeTempDir } from "../../../test/harness/tmp.js";
import { RESOURCES } from "../../api/resources/catalog.js";
import { isStatusError } from "../../api/status.js";
import { SqliteStore } from "../../storage/sqlite/index.js";
import { logger } from "../../util/log.js";
import { strategyFor } from "../registry/strategy.js";
import { RegistryStore } from "../registry/store.js";
import { Cacher, type CacheEvent } from "./cacher.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail("timed out waiting");
    await sleep(5);
  }
}

describe("watch cache", () => {
  let store: SqliteStore;
  let remove: () => Promise<void>;
  let registry: RegistryStore;
  let cacher: Cacher;
  const put = (name: string, data: Record<string, string>) =>
    registry.store.create(registry.key("", name), Buffer.from(JSON.stringify({ metadata: { name }, data })));

  before(async () => {
    const tmp = await makeTempDir("cacher");
    remove = tmp.remove;
    store = await SqliteStore.open({ file: join(tmp.path, "state.db"), progressIntervalMs: 10 });
    // Cluster-scoped keys keep the test free of namespaces: use a cluster-scoped kind.
    const type = RESOURCES.find((r) => r.group === "" && r.resource === "persistentvolumes")!;
    registry = new RegistryStore(type, strategyFor(type), store, async () => undefined);
    await put("before", { a: "1" });
    cacher = new Cacher({
      store,
      prefix: registry.prefix(""),
      decode: registry.decode,
      log: logger("test"),
      capacity: 4,
    });
    await cacher.ready();
  });
  after(async () => {
    cacher.stop();
    await store.close();
    await remove();
  });

  it("lists the current state and follows writes", async () => {
    assert.deepEqual(
      cacher.list(registry.prefix(""), () => true).items.map((o) => o.metadata.name),
      ["before"],
    );
    const kv = await put("second", { b: "2" });
    assert.ok(await cacher.waitFor(kv.modRevision, 2000));
    const { items, revision } = cacher.list(registry.prefix(""), () => true);
    assert.deepEqual(
      items.map((o) => o.metadata.name),
      ["before", "second"],
    );
    assert.equal(items[1]!.metadata.resourceVersion, String(kv.modRevision));
    assert.ok(revision >= kv.modRevision);
  });

  it("watch from 0 replays the state as ADDED, then live events; each event object is shared", async () => {
    const a: CacheEvent[] = [];
    const b: CacheEvent[] = [];
    const mk = (into: CacheEvent[]) => ({
      onEvent: (e: CacheEvent) => into.push(e),
      onProgress() {},
      onTerminate() {},
    });
    const wa = cacher.watch(0, mk(a));
    const wb = cacher.watch(cacher.revision, mk(b));
    assert.deepEqual(
      a.map((e) => `${e.type} ${e.object.metadata.name}`),
      ["ADDED before", "ADDED second"],
    );
    await registry.store.delete(registry.key("", "second"));
    await until(() => a.length === 3 && b.length === 1);
    assert.equal(a[2]!.type, "DELETED");
    assert.equal(a[2]!.prev?.metadata.name, "second");
    assert.equal(a[2], b[0], "one event object for every watcher (serialized once)");
    wa.stop();
    wb.stop();
  });

  it("fans an event out after its write is answered; a watcher added meanwhile gets it once, like the others", async () => {
    const line = (e: CacheEvent): string => `${e.type} ${e.object.metadata.name} ${e.revision}`;
    const first: string[] = [];
    const second: string[] = [];
    const watcher = (into: string[]) => ({
      onEvent: (e: CacheEvent) => into.push(line(e)),
      onProgress() {},
      onTerminate() {},
    });
    const from = cacher.revision;
    const w1 = cacher.watch(from, watcher(first));
    const kv = await put("deferred", { x: "1" });
    // The write is answered: the cache holds the object, its event is not fanned out yet, and bookmarks may
    // not claim its revision.
    assert.equal(cacher.revision, kv.modRevision);
    assert.equal(cacher.getCached(registry.key("", "deferred"))?.revision, kv.modRevision);
    assert.deepEqual(first, []);
    assert.ok(cacher.deliveredRevision < kv.modRevision);
    // A new watcher from before the write: the pending event reaches the existing watcher first, then the
    // new one's replay holds it once.
    const w2 = cacher.watch(from, watcher(second));
    assert.deepEqual(first, [`ADDED deferred ${kv.modRevision}`]);
    assert.deepEqual(second, [`ADDED deferred ${kv.modRevision}`]);
    assert.equal(cacher.deliveredRevision, kv.modRevision);
    await new Promise((r) => setImmediate(r));
    await sleep(20);
    assert.equal(first.length, 1, "no second delivery from the scheduled fan-out");
    assert.equal(second.length, 1);
    // Without a new watcher, the scheduled fan-out delivers it in a later turn.
    const kv2 = await put("deferred-2", {});
    assert.equal(first.length, 1);
    await until(() => first.length === 2);
    assert.deepEqual(first.slice(1), [`ADDED deferred-2 ${kv2.modRevision}`]);
    assert.deepEqual(second.slice(1), [`ADDED deferred-2 ${kv2.modRevision}`]);
    w1.stop();
    w2.stop();
  });

  it("a resourceVersion older than the window is 410 Expired", async () => {
    const start = cacher.revision;
    for (let i = 0; i < 6; i++) await put(`w${i}`, {});
    await cacher.waitFor(await store.currentRevision(), 2000);
    assert.throws(
      () => cacher.watch(start, { onEvent() {}, onProgress() {}, onTerminate() {} }),
      (e: unknown) => isStatusError(e) && e.code === 410 && /too old resource version/.test(e.message),
    );
    // The newest events are still served.
    const got: string[] = [];
    const w = cacher.watch(cacher.revision - 1, {
      onEvent: (e) => got.push(e.object.metadata.name ?? ""),
      onProgress() {},
      onTerminate() {},
    });
    assert.deepEqual(got, ["w5"]);
    w.stop();
  });

  it("keeps objects compact: their JSON as served plus labels and selectable fields; decodes on demand", async () => {
    const kv = await registry.store.create(
      registry.key("", "labelled"),
      Buffer.from(JSON.stringify({ metadata: { name: "labelled", labels: { app: "x" } }, spec: { capacity: {} } })),
    );
    assert.ok(await cacher.waitFor(kv.modRevision, 2000));
    const item = cacher.getCached(registry.key("", "labelled"))!;
    const object = cacher.get(registry.key("", "labelled"))!;
    assert.equal(item.json.toString(), JSON.stringify(object));
    assert.equal(item.revision, kv.modRevision);
    assert.deepEqual(item.labels, { app: "x" });
    assert.deepEqual(item.fields, { "metadata.name": "labelled" });
    assert.equal(object.metadata.resourceVersion, String(kv.modRevision));
    assert.equal(cacher.get(registry.key("", "labelled")), object, "decoded objects are memoized");
    const listed = cacher.listCached(registry.prefix(""), (i) => i.labels?.["app"] === "x");
    assert.deepEqual(
      listed.items.map((i) => i.key),
      [registry.key("", "labelled")],
    );
  });

  it("the decoded-object memo is bounded", async () => {
    const small = new Cacher({
      store,
      prefix: registry.prefix(""),
      decode: registry.decode,
      log: logger("test"),
      decodedCapacity: 2,
    });
    await small.ready();
    const keys = small.listCached(registry.prefix(""), () => true).items.map((i) => i.key);
    assert.ok(keys.length > 3);
    const first = small.get(keys[0]!)!;
    for (const key of keys.slice(1)) small.get(key);
    const again = small.get(keys[0]!)!;
    assert.notEqual(again, first, "evicted, decoded again");
    assert.deepEqual(again, first);
    small.stop();
  });

  it("progress moves the revision without events under the prefix", async () => {
    const before = cacher.revision;
    await store.create("/registry/core/other/x", Buffer.from("{}"));
    await until(() => cacher.revision > before);
  });
});
