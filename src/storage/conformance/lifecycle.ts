/** Conformance: a fresh store, health, close and reopen. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isStorageError } from "../errors.js";
import {
  assertRevision,
  describeError,
  json,
  options,
  rejects,
  shortValue,
  sleep,
  withFixture,
  type Suite,
} from "./helpers.js";
import { assertSequence, Recorder, watchFails } from "./recorder.js";
import { plain, Tracker } from "./tracker.js";

export function describeLifecycle(suite: Suite): void {
  const { makeFixture, shared, fresh } = suite;
  describe("lifecycle", () => {
    it("a fresh store is empty, at revision 0, never compacted and healthy", options, async () => {
      await withFixture(makeFixture, async ({ store: s }) => {
        assert.equal(await s.currentRevision(), 0, "currentRevision() of an empty store");
        assert.equal(await s.compactedRevision(), 0, "compactedRevision() of a never compacted store");
        const res = await s.list("/registry/");
        assert.deepEqual(res.items, []);
        assert.equal(res.count, 0);
        assert.equal(res.more, false);
        assert.equal(res.revision, 0);
        assert.equal(await s.count("/registry/"), 0);
        const health = await s.health();
        assert.equal(health.healthy, true, `health: ${shortValue(health)}`);
        assert.equal(health.revision, 0);
        const kv = await s.create("/registry/conformance/first", json({}));
        assert.ok(kv.modRevision > 0);
      });
    });

    it("health() is healthy and reports the backend and current revision", options, async () => {
      const s = shared();
      const kv = await s.create(`${fresh()}k`, json({}));
      const health = await s.health();
      assert.equal(health.healthy, true, `health: ${shortValue(health)}`);
      assert.equal(health.backend, s.backend);
      assert.ok(s.backend === "sqlite" || s.backend === "etcd", `backend ${String(s.backend)}`);
      assertRevision(health.revision, "health().revision");
      assert.ok(health.revision >= kv.modRevision, "health().revision is behind an acknowledged write");
    });

    it(
      "close() ends open watches with Closed, makes every call fail with Closed, and is idempotent",
      options,
      async () => {
        await withFixture(makeFixture, async ({ store: s }) => {
          const p = "/registry/conformance/lifecycle/";
          const t = new Tracker(s);
          const first = await t.create(`${p}a`, { a: 1 });
          await t.create(`${p}b`, { b: 1 });
          const live = new Recorder(s, p, 0);
          const replaying = new Recorder(s, p, first.modRevision);
          await replaying.waitForRevision(t.last);
          try {
            await s.close();
            for (const [watch, what] of [
              [live, "a live watch"],
              [replaying, "a watch that delivered events"],
            ] as const) {
              const error = await watch.waitForError(`${what} when the store closes`);
              assert.ok(isStorageError(error, "Closed"), `${what} ended with ${describeError(error)}, not Closed`);
            }
            const calls: [string, () => Promise<unknown>][] = [
              ["create", () => s.create(`${p}b`, json({}))],
              ["get", () => s.get(`${p}a`)],
              ["update", () => s.update(`${p}a`, json({}))],
              ["delete", () => s.delete(`${p}a`)],
              ["list", () => s.list(p)],
              ["count", () => s.count(p)],
              ["currentRevision", () => s.currentRevision()],
              ["compactedRevision", () => s.compactedRevision()],
              ["compact", () => s.compact(1)],
              ["health", () => s.health()],
            ];
            for (const [method, call] of calls) await rejects("Closed", `${method} after close()`, call);
            await watchFails(s, p, 0, "Closed", "watch after close()");
            await s.close();
            await Promise.all([s.close(), s.close()]);
            live.close();
            replaying.close();
            await sleep(50);
            for (const watch of [live, replaying]) {
              assert.equal(watch.errors.length, 1, `onError must be called once: ${watch.summary()}`);
              assert.deepEqual(watch.problems, []);
            }
          } finally {
            live.close();
            replaying.close();
          }
        });
      },
    );

    it("reopen() shows all data, revisions and retained history", options, async () => {
      await withFixture(makeFixture, async (fx) => {
        const s = fx.store;
        const p = "/registry/conformance/reopen/";
        const t = new Tracker(s);
        for (let i = 0; i < 5; i++) await t.create(`${p}k${i}`, { i });
        const compactAt = (await t.update(`${p}k0`, { i: 0, v: 1 })).modRevision;
        await t.update(`${p}k1`, { i: 1, v: 1 }, true);
        await t.delete(`${p}k2`);
        await t.update(`${p}k0`, { i: 0, v: 2 });
        await t.create(`${p}k2`, { i: 2, v: 2 });
        await s.compact(compactAt);
        await t.delete(`${p}k4`); // the last write is a delete: the revision must not come from live keys
        const current = await s.currentRevision();
        assert.ok(current >= t.last);
        await s.close();

        const reopened = await fx.reopen();
        try {
          assert.equal(reopened.backend, s.backend);
          const revision = await reopened.currentRevision();
          assert.ok(revision >= current, `the reopened store's revision ${revision} is behind ${current}`);
          assert.ok((await reopened.compactedRevision()) >= compactAt, "compactedRevision() must survive");
          assert.deepEqual((await reopened.list(p)).items.map(plain), t.snapshot(p), "data after reopen");
          for (const key of ["k0", "k1", "k2", "k3", "k4"]) {
            const want = t.snapshot(p).find((kv) => kv.key === `${p}${key}`);
            const got = await reopened.get(`${p}${key}`);
            assert.deepEqual(got === undefined ? undefined : plain(got), want, `get ${key} after reopen`);
          }
          for (const ack of t.history(p).filter((a) => a.revision >= compactAt)) {
            const res = await reopened.list(p, { revision: ack.revision });
            assert.deepEqual(res.items.map(plain), t.snapshot(p, ack.revision), `list at ${ack.revision} after reopen`);
          }
          const watch = new Recorder(reopened, p, compactAt);
          try {
            await watch.waitForRevision(t.last);
            watch.assertClean();
            assertSequence(watch.lines(), t.lines(p, compactAt), "watch replaying history after reopen");
            await rejects("KeyExists", "create of an existing key after reopen", () =>
              reopened.create(`${p}k3`, json({})),
            );
            const next = await reopened.create(`${p}k4`, json({ i: 4, v: 2 }));
            assert.ok(
              next.modRevision > current,
              `a write after reopen got revision ${next.modRevision} <= ${current}`,
            );
            await watch.waitForRevision(next.modRevision);
            assert.equal(watch.events.at(-1)!.kv.key, `${p}k4`);
            const u = await reopened.update(`${p}k1`, json({ v: 3 }), t.state.get(`${p}k1`)!.modRevision);
            assert.equal(u.createRevision, t.state.get(`${p}k1`)!.createRevision);
          } finally {
            watch.close();
          }
        } finally {
          await reopened.close();
        }
      });
    });
  });
}
