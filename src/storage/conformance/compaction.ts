/** Conformance: compaction, on a store of its own. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isStorageError } from "../errors.js";
import { describeError, json, options, rejects, text, useFixture, type Suite } from "./helpers.js";
import { assertSequence, Recorder, watchFails } from "./recorder.js";
import { endMarker, plain, Tracker } from "./tracker.js";

export function describeCompaction(suite: Suite): void {
  const { makeFixture, fresh } = suite;
  describe("compaction", () => {
    const own = useFixture(makeFixture, "the compaction fixture");

    it("compact(R) drops the history before R and keeps every value at R and after", options, async () => {
      const s = own();
      const p = fresh();
      const t = new Tracker(s);
      const a0 = await t.create(`${p}a`, { a: 0 });
      await t.update(`${p}a`, { a: 1 });
      await t.create(`${p}b`, { b: 0 });
      await t.update(`${p}a`, { a: 2 });
      await t.delete(`${p}b`);
      await t.create(`${p}c`, { c: 0 });
      await t.create(`${p}d`, { d: 0 });
      const R = (await t.update(`${p}d`, { d: 1 })).modRevision;
      // History after R, written before the compaction.
      await t.update(`${p}c`, { c: 1 });
      await t.delete(`${p}d`);
      await t.create(`${p}e`, { e: 0 });
      await t.update(`${p}a`, { a: 3 });
      await s.compact(R);
      assert.ok((await s.compactedRevision()) >= R, `compactedRevision() must be >= ${R}`);
      for (const old of [a0.modRevision, R - 2, R - 1]) {
        const error = await rejects("Compacted", `list at revision ${old} after compact(${R})`, () =>
          s.list(p, { revision: old }),
        );
        if (error.revision !== undefined) assert.ok(error.revision >= R, "Compacted error.revision");
      }
      await rejects("Compacted", "a continued list below the compacted revision", () =>
        s.list(p, { revision: R - 1, after: `${p}a`, limit: 1 }),
      );
      for (const ack of t.history(p).filter((a) => a.revision >= R)) {
        const res = await s.list(p, { revision: ack.revision });
        assert.deepEqual(res.items.map(plain), t.snapshot(p, ack.revision), `list at revision ${ack.revision}`);
      }
      assert.deepEqual(
        (await s.list(p, { revision: R })).items.map(plain),
        t.snapshot(p, R),
        `list at the compacted revision ${R} keeps every value`,
      );
      assert.deepEqual((await s.list(p)).items.map(plain), t.snapshot(p), "list now");
      for (const key of ["a", "b", "c", "d", "e"]) {
        const want = t.snapshot(p).find((kv) => kv.key === `${p}${key}`);
        const got = await s.get(`${p}${key}`);
        assert.deepEqual(got === undefined ? undefined : plain(got), want, `get ${key}`);
      }
      assert.equal(await s.count(p), 3);
      const b = await t.create(`${p}b`, { b: 1 });
      assert.ok(b.createRevision > R);
      const a = await t.update(`${p}a`, { a: 4 }, true);
      assert.equal(a.createRevision, a0.createRevision, "compaction must keep createRevision");
    });

    it(
      "a watch from well below the compacted revision fails with Compacted; from R it replays with prev values",
      options,
      async () => {
        const s = own();
        const p = fresh();
        const t = new Tracker(s);
        const start = await s.currentRevision();
        await t.create(`${p}x`, { x: 0 });
        await t.create(`${p}y`, { y: 0 });
        await t.update(`${p}x`, { x: 1 });
        await t.create(`${p}z`, { z: 0 });
        await t.update(`${p}y`, { y: 1 });
        const R = (await t.update(`${p}z`, { z: 1 })).modRevision;
        await t.update(`${p}x`, { x: 2 });
        await t.delete(`${p}y`);
        await t.create(`${p}w`, { w: 0 });
        await s.compact(R);
        for (const from of [start, R - 2]) {
          await watchFails(s, p, from, "Compacted", `watch from ${from} after compact(${R})`);
        }
        await watchFails(s, "/registry/", start, "Compacted", `watch /registry/ from ${start} after compact(${R})`);
        const watch = new Recorder(s, p, R);
        try {
          await t.update(`${p}x`, { x: 3 });
          await t.delete(`${p}w`);
          await t.update(`${p}z`, { z: 2 }, true);
          const end = await endMarker(t, p);
          await watch.waitForRevision(end);
          watch.assertClean();
          assertSequence(watch.lines(), t.lines(p, R), `watch from the compacted revision ${R}`);
          const first = watch.events[0]!;
          assert.equal(text(first.prev!.value), '{"x":1}', "prev of the first change after R is the value at R");
        } finally {
          watch.close();
        }
      },
    );

    it("a paged list whose revision gets compacted fails with Compacted on continue", options, async () => {
      const s = own();
      const p = fresh();
      for (let i = 0; i < 6; i++) await s.create(`${p}k${i}`, json({ i }));
      const page = await s.list(p, { limit: 2 });
      assert.equal(page.more, true);
      await s.update(`${p}k0`, json({ i: 0, v: 2 }));
      const last = await s.update(`${p}k5`, json({ i: 5, v: 2 }));
      await s.compact(last.modRevision);
      await rejects("Compacted", "continuing a list at a compacted revision", () =>
        s.list(p, { revision: page.revision, after: page.items.at(-1)!.key, limit: 2 }),
      );
      const now = await s.list(p, { limit: 2 });
      assert.equal(now.count, 6);
    });

    it("compact is idempotent; compacting a future revision fails with FutureRevision", options, async () => {
      const s = own();
      const p = fresh();
      await s.create(`${p}a`, json({ a: 1 }));
      const kv = await s.update(`${p}a`, json({ a: 2 }));
      const current = await s.currentRevision();
      await s.compact(current);
      await s.compact(current);
      assert.ok((await s.compactedRevision()) >= current);
      // Compacting an older revision than the compacted one must not move history back; whether it resolves
      // or reports Compacted is not specified.
      try {
        await s.compact(current - 1);
      } catch (error) {
        if (!isStorageError(error, "Compacted")) assert.fail(`compact(older) failed with ${describeError(error)}`);
      }
      assert.ok((await s.compactedRevision()) >= current, "compactedRevision must not go back");
      const error = await rejects("FutureRevision", `compact(${current + 1000})`, () => s.compact(current + 1000));
      if (error.revision !== undefined) assert.ok(error.revision >= current, "FutureRevision error.revision");
      assert.ok((await s.compactedRevision()) < current + 1000, "a rejected compact must not compact");
      const res = await s.list(p, { revision: current });
      assert.deepEqual(res.items.map(plain), [plain(kv)]);
      const later = await s.update(`${p}a`, json({ a: 3 }));
      assert.ok(later.modRevision > current, "writes go on after compaction");
    });
  });
}
