/** Work queue semantics (client-go util/workqueue): dedup, requeue after done, delays, backoff, shutdown, workers. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { logger } from "../util/log.js";
import { eventually } from "./testing.js";
import { runWorkers, WorkQueue } from "./workqueue.js";

describe("WorkQueue", () => {
  test("a key queued twice is handed out once, in FIFO order", async () => {
    const queue = new WorkQueue();
    queue.add("a");
    queue.add("b");
    queue.add("a");
    assert.equal(queue.len(), 2);
    assert.equal(await queue.get(), "a");
    assert.equal(await queue.get(), "b");
    assert.equal(queue.len(), 0);
    queue.shutDown();
  });

  test("a key added while processing is re-queued after done, never handed out twice at once", async () => {
    const queue = new WorkQueue();
    queue.add("a");
    const key = await queue.get();
    assert.equal(key, "a");
    queue.add("a");
    queue.add("a");
    assert.equal(queue.len(), 0, "not queued while being processed");
    queue.done("a");
    assert.equal(queue.len(), 1);
    assert.equal(await queue.get(), "a");
    queue.done("a");
    assert.equal(queue.len(), 0);
    queue.shutDown();
  });

  test("a waiting get() receives a key added later", async () => {
    const queue = new WorkQueue();
    const pending = queue.get();
    queue.add("late");
    assert.equal(await pending, "late");
    queue.add("late");
    assert.equal(queue.len(), 0, "it is being processed");
    queue.shutDown();
  });

  test("addAfter delays and de-duplicates, keeping the earlier time", async () => {
    const queue = new WorkQueue();
    queue.addAfter("k", 60_000);
    queue.addAfter("k", 10);
    queue.addAfter("k", 30_000);
    assert.equal(queue.len(), 0);
    assert.equal(await queue.get(), "k");
    queue.done("k");
    assert.equal(queue.len(), 0);
    queue.shutDown(); // clears the remaining timers
  });

  test("addRateLimited backs off exponentially per key, capped; forget resets", () => {
    const delays: number[] = [];
    const queue = new WorkQueue({ baseDelayMs: 5, maxDelayMs: 100 });
    const original = queue.addAfter.bind(queue);
    queue.addAfter = (key: string, ms: number) => {
      delays.push(ms);
      original(key, ms);
    };
    for (let i = 0; i < 7; i++) queue.addRateLimited("x");
    assert.deepEqual(delays, [5, 10, 20, 40, 80, 100, 100]);
    assert.equal(queue.numRequeues("x"), 7);
    queue.forget("x");
    assert.equal(queue.numRequeues("x"), 0);
    queue.addRateLimited("x");
    assert.equal(delays.at(-1), 5);
    queue.shutDown();
  });

  test("shutDown resolves pending get() with undefined and ignores later adds", async () => {
    const queue = new WorkQueue();
    const pending = [queue.get(), queue.get()];
    queue.shutDown();
    assert.deepEqual(await Promise.all(pending), [undefined, undefined]);
    queue.add("after");
    assert.equal(queue.len(), 0);
    assert.equal(await queue.get(), undefined);
  });
});

describe("runWorkers", () => {
  test("processes each key, never one key in two workers at once, retries failures, stops on abort", async () => {
    const queue = new WorkQueue({ baseDelayMs: 1, maxDelayMs: 10 });
    const controller = new AbortController();
    const active = new Set<string>();
    const processed = new Map<string, number>();
    let overlaps = 0;
    let failures = 0;
    const running = runWorkers(
      queue,
      4,
      async (key) => {
        if (active.has(key)) overlaps++;
        active.add(key);
        await new Promise((resolve) => setTimeout(resolve, 1));
        active.delete(key);
        if (key === "flaky" && failures < 3) {
          failures++;
          throw new Error("transient");
        }
        processed.set(key, (processed.get(key) ?? 0) + 1);
      },
      { signal: controller.signal, log: logger("workqueue-test"), name: "test" },
    );
    for (let round = 0; round < 5; round++) {
      for (const key of ["a", "b", "c", "flaky"]) queue.add(key);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await eventually(() => processed.has("flaky") && processed.has("a") && queue.len() === 0, {
      message: "keys processed",
    });
    assert.equal(overlaps, 0);
    assert.equal(failures, 3, "flaky failed 3 times, then succeeded");
    assert.equal(queue.numRequeues("flaky"), 0, "forgotten after success");
    controller.abort();
    await running;
    assert.ok(queue.isShuttingDown());
  });
});
