/** Conformance: create, get, update and delete of single keys, and their revisions. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertRevision, json, options, rejects, text, type Suite } from "./helpers.js";
import { plain, Tracker } from "./tracker.js";

export function describeCrud(suite: Suite): void {
  const { shared, fresh } = suite;
  describe("create, get, update, delete", () => {
    it("create then get round-trips the exact value bytes, with createRevision == modRevision", options, async () => {
      const s = shared();
      const p = fresh();
      const before = await s.currentRevision();
      // Whitespace, key order, "2.50" and non-ASCII would all change if the value were re-serialized.
      const raw = '{ "b": 1,\n  "a": [1, 2.50, "ünïcödé €"], "z": {} }';
      const kv = await s.create(`${p}a`, Buffer.from(raw));
      assert.equal(kv.key, `${p}a`);
      assert.ok(Buffer.isBuffer(kv.value), "KeyValue.value must be a Buffer");
      assert.equal(text(kv.value), raw);
      assertRevision(kv.modRevision, "create().modRevision");
      assert.equal(kv.createRevision, kv.modRevision, "a created key has createRevision == modRevision");
      assert.ok(kv.modRevision > before, `create revision ${kv.modRevision} must exceed ${before}`);

      const got = await s.get(`${p}a`);
      assert.ok(got !== undefined, "get after create returned undefined");
      assert.ok(Buffer.isBuffer(got.value), "KeyValue.value must be a Buffer");
      assert.deepEqual(plain(got), plain(kv));
      assert.ok((await s.currentRevision()) >= kv.modRevision, "currentRevision() is behind an acknowledged write");

      const second = await s.create(`${p}b`, json({ b: 1 }));
      assert.ok(second.modRevision > kv.modRevision, "a later create must get a greater revision");
    });

    it("stores the bytes of any Uint8Array view, and a copy of them", options, async () => {
      const s = shared();
      const p = fresh();
      const backing = Buffer.from('xxxx{"view":true}yyyy');
      const view = new Uint8Array(backing.buffer, backing.byteOffset + 4, 13);
      const kv = await s.create(`${p}view`, view);
      assert.equal(text(kv.value), '{"view":true}');
      backing.fill(0x20);
      const buffer = json({ mutable: "before" });
      await s.create(`${p}buffer`, buffer);
      buffer.fill(0x20);
      assert.equal(
        text((await s.get(`${p}view`))!.value),
        '{"view":true}',
        "get must not see later changes to the input",
      );
      assert.equal(text((await s.get(`${p}buffer`))!.value), '{"mutable":"before"}');
      const listed = await s.list(p);
      assert.deepEqual(
        listed.items.map((i) => text(i.value)),
        ['{"mutable":"before"}', '{"view":true}'],
      );
    });

    it("create of an existing key fails with KeyExists and changes nothing", options, async () => {
      const s = shared();
      const p = fresh();
      const kv = await s.create(`${p}k`, json({ v: 1 }));
      await rejects("KeyExists", "create of an existing key", () => s.create(`${p}k`, json({ v: 2 })));
      assert.deepEqual(plain((await s.get(`${p}k`))!), plain(kv));
      await s.update(`${p}k`, json({ v: 3 }));
      await rejects("KeyExists", "create of an updated key", () => s.create(`${p}k`, json({ v: 4 })));
    });

    it("get of a missing key resolves to undefined", options, async () => {
      const s = shared();
      const p = fresh();
      assert.equal(await s.get(`${p}missing`), undefined);
      await s.create(`${p}other`, json({}));
      assert.equal(await s.get(`${p}missing`), undefined);
      assert.equal(await s.get(`${p}othe`), undefined, "get must match the whole key, not a prefix of it");
      assert.equal(await s.get(`${p}other/x`), undefined);
    });

    it("update changes the value and modRevision but keeps createRevision", options, async () => {
      const s = shared();
      const p = fresh();
      const created = await s.create(`${p}k`, json({ v: 0 }));
      const updated = await s.update(`${p}k`, json({ v: 1 }));
      assert.equal(updated.key, `${p}k`);
      assert.ok(Buffer.isBuffer(updated.value), "KeyValue.value must be a Buffer");
      assert.equal(text(updated.value), '{"v":1}');
      assert.equal(updated.createRevision, created.createRevision, "update must keep createRevision");
      assert.ok(updated.modRevision > created.modRevision, "update must increase modRevision");
      assert.deepEqual(plain((await s.get(`${p}k`))!), plain(updated));
      const again = await s.update(`${p}k`, json({ v: 1 }));
      assert.ok(again.modRevision > updated.modRevision, "an update to the same value is still a new revision");
    });

    it(
      "a guarded update succeeds at the current revision; a stale one fails with Conflict carrying the current value",
      options,
      async () => {
        const s = shared();
        const p = fresh();
        const k = `${p}k`;
        const created = await s.create(k, json({ v: 0 }));
        const u1 = await s.update(k, json({ v: 1 }), created.modRevision);
        assert.equal(text(u1.value), '{"v":1}');
        const u2 = await s.update(k, json({ v: 2 }), u1.modRevision);
        for (const stale of [created.modRevision, u1.modRevision, u2.modRevision + 1000]) {
          const error = await rejects("Conflict", `update with expectedRevision ${stale}`, () =>
            s.update(k, json({ v: 3 }), stale),
          );
          assert.ok(error.current !== undefined, "a Conflict must carry the current value in error.current");
          assert.deepEqual(plain(error.current), plain(u2), "error.current must be the current KeyValue");
        }
        assert.deepEqual(plain((await s.get(k))!), plain(u2), "a failed guarded update must change nothing");

        // A key deleted and created again is a new object: the old revision must not match it.
        await s.delete(k);
        const recreated = await s.create(k, json({ v: "new" }));
        const error = await rejects("Conflict", "update guarded by a revision of the key's previous life", () =>
          s.update(k, json({ v: 4 }), u2.modRevision),
        );
        assert.deepEqual(plain(error.current!), plain(recreated));
      },
    );

    it("update and delete of a missing key fail with NotFound, guarded or not", options, async () => {
      const s = shared();
      const p = fresh();
      const k = `${p}missing`;
      const rev = await s.currentRevision();
      await rejects("NotFound", "update of a missing key", () => s.update(k, json({})));
      await rejects("NotFound", "guarded update of a missing key", () => s.update(k, json({}), rev));
      await rejects("NotFound", "delete of a missing key", () => s.delete(k));
      await rejects("NotFound", "guarded delete of a missing key", () => s.delete(k, rev));
      const kv = await s.create(k, json({}));
      await s.delete(k);
      await rejects("NotFound", "update of a deleted key", () => s.update(k, json({})));
      await rejects("NotFound", "guarded update of a deleted key", () => s.update(k, json({}), kv.modRevision));
      await rejects("NotFound", "delete of a deleted key", () => s.delete(k));
      await rejects("NotFound", "guarded delete of a deleted key", () => s.delete(k, kv.modRevision));
      assert.equal(await s.get(k), undefined, "a failed update must not create the key");
    });

    it("delete returns the deleted value and removes the key", options, async () => {
      const s = shared();
      const p = fresh();
      const created = await s.create(`${p}k`, json({ v: 0 }));
      const updated = await s.update(`${p}k`, json({ v: 1 }));
      await s.create(`${p}keep`, json({ keep: true }));
      const deleted = await s.delete(`${p}k`);
      assertRevision(deleted.revision, "delete().revision");
      assert.ok(deleted.revision > updated.modRevision, "the delete's revision must follow the value's");
      assert.ok(Buffer.isBuffer(deleted.prev.value), "KeyValue.value must be a Buffer");
      assert.deepEqual(plain(deleted.prev), plain(updated), "delete().prev must be the deleted KeyValue");
      assert.equal(deleted.prev.createRevision, created.createRevision);
      assert.equal(await s.get(`${p}k`), undefined);
      assert.deepEqual(
        (await s.list(p)).items.map((i) => i.key),
        [`${p}keep`],
      );
      assert.equal(await s.count(p), 1);
      assert.ok((await s.currentRevision()) >= deleted.revision, "currentRevision() is behind an acknowledged delete");
    });

    it(
      "a guarded delete fails with Conflict at a stale revision and succeeds at the current one",
      options,
      async () => {
        const s = shared();
        const p = fresh();
        const created = await s.create(`${p}k`, json({ v: 0 }));
        const updated = await s.update(`${p}k`, json({ v: 1 }));
        const error = await rejects("Conflict", "delete with a stale expectedRevision", () =>
          s.delete(`${p}k`, created.modRevision),
        );
        assert.ok(error.current !== undefined, "a Conflict must carry the current value in error.current");
        assert.deepEqual(plain(error.current), plain(updated));
        assert.deepEqual(plain((await s.get(`${p}k`))!), plain(updated), "a failed guarded delete must change nothing");
        const deleted = await s.delete(`${p}k`, updated.modRevision);
        assert.deepEqual(plain(deleted.prev), plain(updated));
        assert.equal(await s.get(`${p}k`), undefined);
      },
    );

    it("a deleted key can be created again, with a new createRevision", options, async () => {
      const s = shared();
      const p = fresh();
      const first = await s.create(`${p}k`, json({ gen: 1 }));
      const deleted = await s.delete(`${p}k`);
      const second = await s.create(`${p}k`, json({ gen: 2 }));
      assert.ok(second.createRevision > deleted.revision, "the new createRevision must follow the delete");
      assert.equal(second.createRevision, second.modRevision);
      assert.notEqual(second.createRevision, first.createRevision);
      assert.deepEqual(plain((await s.get(`${p}k`))!), plain(second));
      const updated = await s.update(`${p}k`, json({ gen: 2, v: 1 }));
      assert.equal(updated.createRevision, second.createRevision);
    });

    it("every write gets a strictly greater revision, and currentRevision() keeps up", options, async () => {
      const s = shared();
      const p = fresh();
      const t = new Tracker(s);
      let last = await s.currentRevision();
      assert.ok(Number.isSafeInteger(last) && last >= 0, `currentRevision() = ${last}`);
      const writes: (() => Promise<number>)[] = [
        async () => (await t.create(`${p}a`, { a: 1 })).modRevision,
        async () => (await t.create(`${p}b`, { b: 1 })).modRevision,
        async () => (await t.update(`${p}a`, { a: 2 })).modRevision,
        async () => (await t.update(`${p}a`, { a: 3 }, true)).modRevision,
        async () => (await t.delete(`${p}b`)).revision,
        async () => (await t.create(`${p}b`, { b: 2 })).modRevision,
        async () => (await t.delete(`${p}a`, true)).revision,
        async () => (await t.update(`${p}b`, { b: 3 })).modRevision,
      ];
      for (const write of writes) {
        const revision = await write();
        assert.ok(revision > last, `revision ${revision} is not greater than the previous ${last}`);
        const current = await s.currentRevision();
        assert.ok(current >= revision, `currentRevision() ${current} is behind the acknowledged write ${revision}`);
        last = revision;
      }
    });
  });
}
