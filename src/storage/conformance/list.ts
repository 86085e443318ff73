/** Conformance: list (at a revision, paged) and count. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KeyValue, ListResult, Store } from "../types.js";
import { json, options, rejects, WAIT_MS, waitUntil, type Suite } from "./helpers.js";
import { byKey, Gate, plain, randomWriter, Tracker, type Plain } from "./tracker.js";

/** Pages through `prefix` with `limit`, checking each page against `expected` (the snapshot at the page revision). */
async function pageThrough(
  store: Store,
  prefix: string,
  limit: number,
  expected: readonly Plain[] | undefined,
  revision?: number,
): Promise<{ items: Plain[]; pages: ListResult[] }> {
  const pages: ListResult[] = [];
  const items: Plain[] = [];
  let after: string | undefined;
  let atRevision = revision;
  for (let page = 0; ; page++) {
    assert.ok(page <= 10_000, `paging ${prefix} with limit ${limit} does not end`);
    const res = await store.list(prefix, { limit, after, revision: atRevision });
    pages.push(res);
    const where = `list(${prefix}, limit ${limit}, after ${after ?? "-"}) page ${page}`;
    if (atRevision === undefined) atRevision = res.revision;
    else assert.equal(res.revision, atRevision, `${where}: revision must be the requested one`);
    assert.ok(res.items.length <= limit || limit === 0, `${where}: ${res.items.length} items over the limit`);
    if (expected !== undefined) {
      const remaining = expected.filter((kv) => after === undefined || kv.key > after);
      assert.equal(res.count, remaining.length, `${where}: count must be the keys left in the range`);
      const got = res.items.map(plain);
      assert.deepEqual(got, remaining.slice(0, got.length), `${where}: items`);
      assert.equal(res.more, got.length < remaining.length, `${where}: more`);
    }
    items.push(...res.items.map(plain));
    if (!res.more) break;
    assert.ok(res.items.length > 0, `${where}: more is true but the page is empty (no progress)`);
    after = res.items.at(-1)!.key;
  }
  return { items, pages };
}

export function describeList(suite: Suite): void {
  const { shared, fresh } = suite;
  describe("list and count", () => {
    it("list returns the keys under the prefix in byte order, and nothing from sibling prefixes", options, async () => {
      const s = shared();
      const p = fresh();
      const base = p.slice(0, -1);
      const names = ["b", "a", "A", "a-b", "a.b", "a0", "aa", "k10", "k2", "k1", "sub/x", "sub/a/b", "~", "Z", "_"];
      const created = new Map<string, KeyValue>();
      for (const name of names) created.set(`${p}${name}`, await s.create(`${p}${name}`, json({ name })));
      // Neighbours of the range [p, base + "0"): the key without the slash, the range end itself, siblings.
      const outside = [base, `${base}0`, `${base}0/k`, `${base}x/k`, `${base}./k`, `${base}-/k`, `${base}x`];
      for (const key of outside) await s.create(key, json({ outside: key }));

      const res = await s.list(p);
      const keys = [...created.keys()].sort();
      assert.deepEqual(
        res.items.map((i) => i.key),
        keys,
        "items must be exactly the keys under the prefix, in byte order",
      );
      for (const item of res.items) {
        assert.ok(Buffer.isBuffer(item.value), "KeyValue.value must be a Buffer");
        assert.deepEqual(plain(item), plain(created.get(item.key)!));
      }
      assert.equal(res.count, names.length);
      assert.equal(res.more, false);
      const last = Math.max(...[...created.values()].map((kv) => kv.modRevision));
      assert.ok(res.revision >= last, `list revision ${res.revision} is behind the acknowledged write ${last}`);
      assert.deepEqual(
        (await s.list(`${p}sub/`)).items.map((i) => i.key),
        [`${p}sub/a/b`, `${p}sub/x`],
      );
      assert.deepEqual(
        (await s.list(`${base}x/`)).items.map((i) => i.key),
        [`${base}x/k`],
      );
      assert.deepEqual((await s.list(p, { limit: 0 })).items.length, names.length, "limit 0 means no limit");
      assert.deepEqual((await s.list(p, { revision: 0 })).items.length, names.length, "revision 0 means now");
    });

    it("list of an empty prefix is empty, at the current revision", options, async () => {
      const s = shared();
      const p = fresh();
      const kv = await s.create(`${p.slice(0, -1)}x/k`, json({}));
      const res = await s.list(p);
      assert.deepEqual(res.items, []);
      assert.equal(res.count, 0);
      assert.equal(res.more, false);
      assert.ok(res.revision >= kv.modRevision, `list revision ${res.revision} is behind ${kv.modRevision}`);
      assert.equal(await s.count(p), 0);
    });

    it("list at an older revision shows the values as they were then", options, async () => {
      const s = shared();
      const p = fresh();
      const t = new Tracker(s);
      await t.create(`${p}a`, { a: 1 });
      await t.create(`${p}b`, { b: 1 });
      await t.create(`${p}c`, { c: 1 });
      await t.update(`${p}a`, { a: 2 });
      await t.delete(`${p}b`);
      await t.create(`${p}d`, { d: 1 });
      await t.update(`${p}c`, { c: 2 }, true);
      await t.create(`${p}b`, { b: 2 });
      await t.delete(`${p}a`, true);
      for (const ack of t.history(p)) {
        for (const at of [ack.revision, ack.revision - 1]) {
          if (at < t.history(p)[0]!.revision) continue;
          const res = await s.list(p, { revision: at });
          assert.equal(res.revision, at, "list must answer at the requested revision");
          assert.deepEqual(res.items.map(plain), t.snapshot(p, at), `list at revision ${at}`);
          assert.equal(res.count, t.snapshot(p, at).length, `count at revision ${at}`);
        }
      }
      assert.deepEqual((await s.list(p)).items.map(plain), t.snapshot(p), "list now");
    });

    it("limit/after paging visits every key exactly once, with the right count and more", options, async () => {
      const s = shared();
      const p = fresh();
      const created: Plain[] = [];
      for (let i = 0; i < 23; i++) created.push(plain(await s.create(`${p}k${i}`, json({ i }))));
      await s.create(`${p.slice(0, -1)}x/k0`, json({ outside: true }));
      const expected = created.sort(byKey);
      for (const limit of [1, 2, 3, 5, 7, 11, 22, 23, 24, 100]) {
        const { items, pages } = await pageThrough(s, p, limit, expected);
        assert.deepEqual(items, expected, `paging with limit ${limit}`);
        if (limit >= 23) assert.equal(pages.length, 1, `limit ${limit} >= the key count needs one page`);
        if (limit === 23) assert.equal(pages[0]!.more, false, "more must be false when the limit is exactly met");
      }
      // `after` need not be an existing key (the key of a continue token may have been deleted since).
      const res = await s.list(p, { after: `${p}k15x` });
      const rest = expected.filter((kv) => kv.key > `${p}k15x`);
      assert.deepEqual(res.items.map(plain), rest);
      assert.equal(res.count, rest.length);
      const end = await s.list(p, { after: expected.at(-1)!.key, limit: 5 });
      assert.deepEqual(end.items, []);
      assert.equal(end.count, 0);
      assert.equal(end.more, false);
      const some = await s.list(p, { after: expected[3]!.key, limit: 4 });
      assert.deepEqual(some.items.map(plain), expected.slice(4, 8));
      assert.equal(some.count, 23 - 4, "count is the keys after `after`, including the returned ones");
      assert.equal(some.more, true);
    });

    it("list + continue at the first page's revision stays consistent while writers continue", options, async () => {
      const s = shared();
      const p = fresh();
      const t = new Tracker(s);
      const initial = Array.from({ length: 48 }, (_, i) => `${p}k${String(i).padStart(2, "0")}`);
      await Promise.all(initial.map((key, i) => t.create(key, { i, v: 0 })));
      const WRITERS = 4;
      const gate = new Gate();
      let writing = true;
      const writers = Array.from({ length: WRITERS }, async (_, w) => {
        // Each writer owns every WRITERS-th initial key and the new keys it creates.
        const keys = [
          ...initial.filter((_k, i) => i % WRITERS === w),
          ...Array.from({ length: 6 }, (_k, i) => `${p}n${w}-${i}`),
        ];
        await randomWriter(t, keys, 50, 1000 + w, gate);
      });
      const done = Promise.all(writers).finally(() => (writing = false));

      // Each round lets a few writes race the list call, and waits for them to land before the next page.
      const pages: ListResult[] = [];
      let landedBetweenPages = false;
      let after: string | undefined;
      let revision: number | undefined;
      try {
        for (let page = 0; page < 1000; page++) {
          const target = t.acks.length + 4;
          gate.release(4);
          const res = await s.list(p, { limit: 5, after, revision });
          if (revision !== undefined) {
            assert.equal(res.revision, revision, "a continued page must be read at its revision");
          }
          revision = res.revision;
          pages.push(res);
          if (!res.more) break;
          assert.ok(res.items.length > 0, "more is true but the page is empty");
          after = res.items.at(-1)!.key;
          await waitUntil(() => !writing || t.acks.length >= target, WAIT_MS);
          if (t.last > revision) landedBetweenPages = true;
        }
      } finally {
        gate.open();
        await done;
      }
      const snapshot = t.snapshot(p, revision!);
      const union = pages.flatMap((res) => res.items.map(plain));
      assert.deepEqual(union, snapshot, `the pages must be exactly the snapshot at revision ${revision}`);
      assert.equal(pages[0]!.count, snapshot.length, "the first page's count must be the snapshot's size");
      for (const [i, res] of pages.entries()) {
        const from = i === 0 ? undefined : pages[i - 1]!.items.at(-1)!.key;
        const left = snapshot.filter((kv) => from === undefined || kv.key > from).length;
        assert.equal(res.count, left, `page ${i}: count must be the snapshot keys left after ${from ?? "the start"}`);
      }
      assert.deepEqual((await s.list(p, { revision })).items.map(plain), snapshot, "one list at the same revision");
      assert.ok(pages.length > 1 && landedBetweenPages, "test bug: no write landed between pages");
      assert.deepEqual((await s.list(p)).items.map(plain), t.snapshot(p), "list after the writers finished");
    });

    it("count counts the keys under a prefix now", options, async () => {
      const s = shared();
      const p = fresh();
      assert.equal(await s.count(p), 0);
      for (let i = 0; i < 5; i++) await s.create(`${p}k${i}`, json({ i }));
      await s.create(`${p}sub/k`, json({}));
      await s.create(`${p.slice(0, -1)}x/k`, json({}));
      await s.create(p.slice(0, -1), json({}));
      assert.equal(await s.count(p), 6);
      assert.equal(await s.count(`${p}sub/`), 1);
      await s.delete(`${p}k1`);
      await s.delete(`${p}k3`);
      await s.update(`${p}k0`, json({ updated: true }));
      assert.equal(await s.count(p), 4);
      assert.ok((await s.count("/registry/")) >= 6);
    });

    it("list at a future revision fails with FutureRevision", options, async () => {
      const s = shared();
      const p = fresh();
      await s.create(`${p}k`, json({}));
      const current = await s.currentRevision();
      await rejects("FutureRevision", `list at revision ${current + 1000}`, () =>
        s.list(p, { revision: current + 1000 }),
      );
      await rejects("FutureRevision", "continued list at a future revision", () =>
        s.list(p, { revision: current + 1000, after: `${p}a`, limit: 1 }),
      );
      const res = await s.list(p, { revision: current });
      assert.equal(res.items.length, 1, "list at the current revision works");
    });
  });
}
