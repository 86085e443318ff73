/** Conformance: watches (prefixes, replay, concurrent writers, resume, close, progress). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { json, options, sleep, text, WAIT_MS, waitUntil, type Suite } from "./helpers.js";
import { assertSequence, Recorder } from "./recorder.js";
import { endMarker, plain, randomWriter, Tracker } from "./tracker.js";

export function describeWatch(suite: Suite): void {
  const { shared, fresh } = suite;
  describe("watch", () => {
    it("reports create, update and delete with the right kv and prev", options, async () => {
      const s = shared();
      const p = fresh();
      const t = new Tracker(s);
      const from = await s.currentRevision();
      const watch = new Recorder(s, p, from);
      try {
        const a1 = await t.create(`${p}a`, { v: 1 });
        const a2 = await t.update(`${p}a`, { v: 2 });
        await t.update(`${p}a`, { v: 3 }, true);
        await t.create(`${p}b`, { b: 1 });
        const del = await t.delete(`${p}a`);
        await t.delete(`${p}b`, true);
        await t.create(`${p}a`, { v: 4 });
        await watch.waitForRevision(t.last);
        watch.assertClean();
        const [create, update] = watch.events;
        assert.ok(create !== undefined && update !== undefined, "missing events");
        assert.equal(create.type, "create");
        assert.equal(create.prev, undefined, "a create event has no prev");
        assert.deepEqual(plain(create.kv), plain(a1));
        assert.equal(update.type, "update");
        assert.deepEqual(plain(update.kv), plain(a2));
        assert.deepEqual(plain(update.prev!), plain(a1), "an update event's prev is the value before it");
        const deleteEvent = watch.events.find((e) => e.type === "delete")!;
        assert.equal(deleteEvent.kv.key, `${p}a`);
        assert.equal(deleteEvent.kv.modRevision, del.revision, "a delete event's kv.modRevision is the delete's");
        assert.equal(text(deleteEvent.kv.value), '{"v":3}', "a delete event's kv.value is the last value");
        assert.deepEqual(plain(deleteEvent.prev!), plain(del.prev), "a delete event's prev is the deleted value");
        assertSequence(watch.lines(), t.lines(p, from), "watch");
      } finally {
        watch.close();
      }
    });

    it("delivers only the keys under its prefix", options, async () => {
      const s = shared();
      const p = fresh();
      const base = p.slice(0, -1);
      const t = new Tracker(s);
      const from = await s.currentRevision();
      const all = new Recorder(s, p, from);
      const sub = new Recorder(s, `${p}sub/`, from);
      try {
        await t.create(`${p}in`, { in: 1 });
        for (const key of [base, `${base}0`, `${base}x/k`, `${base}./k`, `${p}subx/k`, `${p}sub`]) {
          await t.create(key, { outside: key });
        }
        await t.create(`${p}sub/deep/k`, { sub: 1 });
        await t.update(`${base}x/k`, { outside: 2 });
        await t.update(`${p}in`, { in: 2 });
        await t.delete(`${base}x/k`);
        await t.delete(`${p}sub/deep/k`);
        await sub.waitForRevision(await endMarker(t, `${p}sub/`));
        await all.waitForRevision(await endMarker(t, p));
        all.assertClean();
        sub.assertClean();
        assertSequence(all.lines(), t.lines(p, from), `watch ${p}`);
        assertSequence(sub.lines(), t.lines(`${p}sub/`, from), `watch ${p}sub/`);
      } finally {
        all.close();
        sub.close();
      }
    });

    it("from an old revision replays history, then continues live without gap or duplicate", options, async () => {
      const s = shared();
      const p = fresh();
      const sibling = `${p.slice(0, -1)}x/`;
      const t = new Tracker(s);
      const from = await s.currentRevision();
      const keys = (tag: string, w: number): string[] => Array.from({ length: 4 }, (_, i) => `${tag}w${w}-${i}`);
      // History: two writers in the prefix, one in a sibling prefix.
      await Promise.all([
        randomWriter(t, keys(p, 0), 40, 1),
        randomWriter(t, keys(p, 1), 40, 2),
        randomWriter(t, keys(sibling, 0), 20, 3),
      ]);
      const middle = t.history(p)[19]!.revision;
      const replay = new Recorder(s, p, from);
      const replayMiddle = new Recorder(s, p, middle);
      try {
        // Live writes start right away, while the watches may still be replaying.
        await Promise.all([
          randomWriter(t, keys(p, 0), 40, 4),
          randomWriter(t, keys(p, 2), 40, 5),
          randomWriter(t, keys(sibling, 0), 20, 6),
        ]);
        const end = await endMarker(t, p);
        await replay.waitForRevision(end);
        await replayMiddle.waitForRevision(end);
        replay.assertClean();
        replayMiddle.assertClean();
        assertSequence(replay.lines(), t.lines(p, from), `watch from ${from}`);
        assertSequence(replayMiddle.lines(), t.lines(p, middle), `watch from ${middle}`);
      } finally {
        replay.close();
        replayMiddle.close();
      }
    });

    it("sees exactly the acknowledged writes of 8 concurrent writers, in revision order", options, async () => {
      const s = shared();
      const p = fresh();
      const t = new Tracker(s);
      const from = await s.currentRevision();
      const watch = new Recorder(s, p, from);
      try {
        await Promise.all(
          Array.from({ length: 8 }, (_, w) =>
            randomWriter(
              t,
              Array.from({ length: 3 }, (_k, i) => `${p}w${w}/k${i}`),
              200,
              100 + w,
            ),
          ),
        );
        const end = await endMarker(t, p);
        await watch.waitForRevision(end);
        watch.assertClean();
        const types = new Set(t.acks.map((a) => a.type));
        assert.equal(types.size, 3, "test bug: the writers must mix creates, updates and deletes");
        assertSequence(watch.lines(), t.lines(p, from), "watch under 8 concurrent writers");
      } finally {
        watch.close();
      }
    });

    it("two watchers of one prefix see identical sequences", options, async () => {
      const s = shared();
      const p = fresh();
      const t = new Tracker(s);
      const from = await s.currentRevision();
      const early = new Recorder(s, p, from);
      let late: Recorder | undefined;
      try {
        const writers = Array.from({ length: 4 }, (_, w) =>
          randomWriter(
            t,
            Array.from({ length: 3 }, (_k, i) => `${p}w${w}-${i}`),
            60,
            200 + w,
          ),
        );
        // The second watcher opens half way, from the same revision: it replays, then goes live.
        await waitUntil(() => t.acks.length >= 120, WAIT_MS);
        late = new Recorder(s, p, from);
        await Promise.all(writers);
        const end = await endMarker(t, p);
        await early.waitForRevision(end);
        await late.waitForRevision(end);
        early.assertClean();
        late.assertClean();
        assertSequence(late.lines(), early.lines(), "the second watcher against the first");
        assertSequence(early.lines(), t.lines(p, from), "the watchers against the acknowledged writes");
      } finally {
        early.close();
        late?.close();
      }
    });

    it("resume after reconnect: a new watch from the last revision seen continues exactly", options, async () => {
      const s = shared();
      const p = fresh();
      const t = new Tracker(s);
      const from = await s.currentRevision();
      // Segment 1 is closed from inside its own callback, segment 2 from outside; segment 3 runs to the end.
      const first = new Recorder(s, p, from, { closeWhen: (r) => r.events.length >= 60 });
      const segments: Recorder[] = [first];
      try {
        const writers = Promise.all(
          Array.from({ length: 3 }, (_, w) =>
            randomWriter(
              t,
              Array.from({ length: 4 }, (_k, i) => `${p}w${w}-${i}`),
              100,
              300 + w,
            ),
          ),
        );
        await first.waitFor(() => first.closed, "the first segment to close itself");
        const second = new Recorder(s, p, first.revision);
        segments.push(second);
        await second.waitFor(() => second.events.length >= 60 || t.acks.length >= 300, "the second segment");
        second.close();
        const third = new Recorder(s, p, second.revision);
        segments.push(third);
        await writers;
        const end = await endMarker(t, p);
        await third.waitForRevision(end);
        for (const segment of segments) segment.assertClean(`segment from ${segment.fromRevision}`);
        const union = segments.flatMap((segment) => segment.lines());
        assertSequence(union, t.lines(p, from), "the segments joined");
      } finally {
        for (const segment of segments) segment.close();
      }
    });

    it("close() stops delivery, is idempotent and does not call onError", options, async () => {
      const s = shared();
      const p = fresh();
      const t = new Tracker(s);
      const from = await s.currentRevision();
      const watch = new Recorder(s, p, from);
      await t.create(`${p}a`, { a: 1 });
      await t.update(`${p}a`, { a: 2 });
      await watch.waitForRevision(t.last);
      watch.close();
      watch.close();
      const seen = watch.lines();
      await t.update(`${p}a`, { a: 3 });
      await t.create(`${p}b`, { b: 1 });
      await t.delete(`${p}a`);
      // Another watcher receiving the later writes shows they were dispatched.
      const other = new Recorder(s, p, from);
      try {
        await other.waitForRevision(t.last);
        await sleep(100);
        assert.deepEqual(watch.lines(), seen, "no events after close()");
        assert.equal(watch.late.events, 0, "onEvents was called after close()");
        assert.equal(watch.late.errors, 0, "onError was called for a watch closed by its owner");
        assert.equal(watch.late.progress, 0, "onProgress was called after close()");
        watch.assertClean();
        assertSequence(other.lines(), t.lines(p, from), "the other watcher");
      } finally {
        other.close();
      }
    });

    it("fromRevision 0 delivers only the changes made after the watch started", options, async () => {
      const s = shared();
      const p = fresh();
      const t = new Tracker(s);
      await t.create(`${p}a`, { a: 1 });
      await t.update(`${p}a`, { a: 2 });
      await t.create(`${p}gone`, { gone: 1 });
      const before = t.last;
      const watch = new Recorder(s, p, 0);
      try {
        // The watch is established once it delivers a marker write; markers before that may be missed.
        const marker = `${p}marker`;
        const deadline = Date.now() + WAIT_MS;
        for (let i = 0; !watch.events.some((e) => e.kv.key === marker); i++) {
          assert.ok(Date.now() < deadline, `the watch did not deliver a marker write: ${watch.summary()}`);
          if (t.state.has(marker)) await t.update(marker, { marker: i });
          else await t.create(marker, { marker: i });
          await waitUntil(() => watch.events.some((e) => e.kv.key === marker) || watch.errors.length > 0, 200);
          assert.deepEqual(watch.errors, [], "the watch failed");
        }
        await t.update(`${p}a`, { a: 3 });
        await t.delete(`${p}gone`);
        await t.create(`${p}b`, { b: 1 });
        const end = await endMarker(t, p);
        await watch.waitForRevision(end);
        watch.assertClean();
        const first = watch.events[0]!.kv.modRevision;
        assert.ok(first > before, `the watch from 0 replayed revision ${first}, written before it started`);
        // Whatever revision the watch started at, it then delivers every later change.
        assertSequence(watch.lines(), t.lines(p, first - 1), "watch from 0 after its first event");
      } finally {
        watch.close();
      }
    });

    it("onProgress reports a revision that moved on outside the prefix", options, async () => {
      const s = shared();
      const p = fresh();
      const watch = new Recorder(s, p, await s.currentRevision());
      try {
        const outside = await s.create(`${p.slice(0, -1)}x/k`, json({}));
        await watch.waitFor(
          () => watch.progress.some((r) => r >= outside.modRevision),
          `onProgress(>= ${outside.modRevision}) [progress so far: ${watch.progress.slice(-5).join(", ")}]`,
        );
        watch.assertClean();
        assert.equal(watch.events.length, 0);
      } finally {
        watch.close();
      }
    });
  });
}
