/** Conformance: concurrent writers racing on one key. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isStorageError } from "../errors.js";
import { describeError, json, options, text, type Suite } from "./helpers.js";
import { Recorder } from "./recorder.js";
import { plain } from "./tracker.js";

export function describeConcurrency(suite: Suite): void {
  const { shared, fresh } = suite;
  describe("concurrent writers", () => {
    it(
      "racing guarded updates: exactly one of 32 wins, the others get Conflict with the winner's value",
      options,
      async () => {
        const s = shared();
        const p = fresh();
        const base = await s.create(`${p}k`, json({ v: "base" }));
        for (let round = 0; round < 3; round++) {
          const expected = round === 0 ? base.modRevision : (await s.get(`${p}k`))!.modRevision;
          const results = await Promise.allSettled(
            Array.from({ length: 32 }, (_, i) => s.update(`${p}k`, json({ round, writer: i }), expected)),
          );
          const wins = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
          assert.equal(wins.length, 1, `round ${round}: ${wins.length} of 32 racing guarded updates succeeded`);
          const winner = wins[0]!;
          for (const r of results) {
            if (r.status === "fulfilled") continue;
            const error: unknown = r.reason;
            if (!isStorageError(error, "Conflict")) assert.fail(`a losing update failed with ${describeError(error)}`);
            assert.ok(error.current !== undefined, "a Conflict must carry error.current");
            assert.deepEqual(plain(error.current), plain(winner), "error.current must be the winner's value");
          }
          assert.deepEqual(plain((await s.get(`${p}k`))!), plain(winner));
        }
      },
    );

    it("racing creates of one key: exactly one wins, the others get KeyExists", options, async () => {
      const s = shared();
      const p = fresh();
      const results = await Promise.allSettled(
        Array.from({ length: 32 }, (_, i) => s.create(`${p}k`, json({ writer: i }))),
      );
      const wins = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
      assert.equal(wins.length, 1, `${wins.length} of 32 racing creates succeeded`);
      for (const r of results) {
        if (r.status === "rejected" && !isStorageError(r.reason, "KeyExists")) {
          assert.fail(`a losing create failed with ${describeError(r.reason)}`);
        }
      }
      assert.deepEqual(plain((await s.get(`${p}k`))!), plain(wins[0]!));
    });

    it("racing guarded deletes: exactly one wins, the others get NotFound", options, async () => {
      const s = shared();
      const p = fresh();
      const kv = await s.create(`${p}k`, json({ v: 1 }));
      const results = await Promise.allSettled(Array.from({ length: 16 }, () => s.delete(`${p}k`, kv.modRevision)));
      const wins = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
      assert.equal(wins.length, 1, `${wins.length} of 16 racing guarded deletes succeeded`);
      assert.deepEqual(plain(wins[0]!.prev), plain(kv));
      for (const r of results) {
        if (r.status === "rejected" && !isStorageError(r.reason, "NotFound")) {
          assert.fail(`a losing delete failed with ${describeError(r.reason)} (the key is gone: NotFound)`);
        }
      }
      assert.equal(await s.get(`${p}k`), undefined);
    });

    it("concurrent read-modify-write incrementers lose no update", options, async () => {
      const s = shared();
      const p = fresh();
      const k = `${p}counter`;
      const start = await s.create(k, json({ n: 0 }));
      const watch = new Recorder(s, p, start.modRevision);
      const WORKERS = 8;
      const EACH = 25;
      let conflicts = 0;
      const worker = async (w: number): Promise<void> => {
        let current = (await s.get(k))!;
        for (let j = 0; j < EACH; j++) {
          for (let attempt = 0; ; attempt++) {
            assert.ok(attempt < 5_000, "an incrementer made no progress in 5000 attempts");
            const { n } = JSON.parse(text(current.value)) as { n: number };
            try {
              current = await s.update(k, json({ n: n + 1, by: w }), current.modRevision);
              break;
            } catch (error) {
              if (!isStorageError(error, "Conflict")) throw error;
              conflicts++;
              // Half the workers retry from error.current, the other half read again.
              if (w % 2 === 0) {
                assert.ok(error.current !== undefined, "a Conflict must carry error.current");
                current = error.current;
              } else {
                current = (await s.get(k))!;
              }
            }
          }
        }
      };
      try {
        await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
        const final = (await s.get(k))!;
        assert.equal(
          (JSON.parse(text(final.value)) as { n: number }).n,
          WORKERS * EACH,
          `lost updates (${conflicts} conflicts were retried)`,
        );
        // The watch must show every increment, 1..N, each on top of the previous one.
        await watch.waitForRevision(final.modRevision);
        watch.assertClean();
        const ns = watch.events.map((e) => (JSON.parse(text(e.kv.value)) as { n: number }).n);
        assert.deepEqual(
          ns,
          Array.from({ length: WORKERS * EACH }, (_, i) => i + 1),
          "the watch must show every increment in order",
        );
        for (const [i, e] of watch.events.entries()) {
          assert.equal(e.type, "update");
          assert.equal((JSON.parse(text(e.prev!.value)) as { n: number }).n, i);
          assert.equal(e.prev!.modRevision, i === 0 ? start.modRevision : watch.events[i - 1]!.kv.modRevision);
        }
      } finally {
        watch.close();
      }
    });
  });
}
