import assert from "node:assert/strict";
import { afterEach, describe, it, mock } from "node:test";
import { startCompactor, type Compactor, type CompactorOptions } from "./compactor.js";
import { StorageError } from "./errors.js";
import type { DeleteResult, HealthReport, KeyValue, ListResult, Store, Watch } from "./types.js";

/** Just enough of a Store for the compactor: a settable revision, recorded compactions, injectable failures. */
class FakeStore implements Store {
  readonly backend = "sqlite" as const;
  revision = 0;
  readonly compactions: number[] = [];
  revisionCalls = 0;
  /** While set, currentRevision() waits for it. */
  revisionGate: Promise<void> | undefined;
  revisionError: unknown;
  compactError: unknown;

  async currentRevision(): Promise<number> {
    this.revisionCalls++;
    if (this.revisionGate !== undefined) await this.revisionGate;
    if (this.revisionError !== undefined) throw this.revisionError;
    return this.revision;
  }
  async compact(revision: number): Promise<void> {
    if (this.compactError !== undefined) throw this.compactError;
    this.compactions.push(revision);
  }
  async compactedRevision(): Promise<number> {
    return this.compactions.at(-1) ?? 0;
  }
  create(): Promise<KeyValue> {
    return unused();
  }
  get(): Promise<KeyValue | undefined> {
    return unused();
  }
  update(): Promise<KeyValue> {
    return unused();
  }
  delete(): Promise<DeleteResult> {
    return unused();
  }
  list(): Promise<ListResult> {
    return unused();
  }
  count(): Promise<number> {
    return unused();
  }
  watch(): Watch {
    throw new Error("not used by the compactor");
  }
  health(): Promise<HealthReport> {
    return unused();
  }
  async close(): Promise<void> {}
}

function unused(): Promise<never> {
  return Promise.reject(new Error("not used by the compactor"));
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Lets pending promise chains (and immediates) run. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe("compactor", () => {
  const running: Compactor[] = [];
  const start = (store: Store, options: CompactorOptions): Compactor => {
    const compactor = startCompactor(store, options);
    running.push(compactor);
    return compactor;
  };
  afterEach(() => {
    for (const compactor of running.splice(0)) compactor.stop();
    mock.timers.reset();
  });

  /** A compactor driven by hand: a fake clock and a timer that never fires on its own. */
  const manual = (store: FakeStore, windowMs?: number) => {
    const clock = { now: 0 };
    const compactor = start(store, { windowMs, intervalMs: 3_600_000, now: () => clock.now });
    return {
      clock,
      at: async (now: number, revision: number): Promise<void> => {
        clock.now = now;
        store.revision = revision;
        await compactor.tick();
      },
    };
  };

  it("compacts nothing until a sample is a window old, then compacts to that sample's revision", async () => {
    const store = new FakeStore();
    const { at } = manual(store, 1000);
    await at(0, 10);
    await at(500, 20);
    await at(999, 30);
    assert.deepEqual(store.compactions, [], "no sample is a window old yet");
    await at(1000, 40);
    assert.deepEqual(store.compactions, [10], "the sample from t=0 is exactly a window old");
    await at(1499, 50);
    assert.deepEqual(store.compactions, [10]);
    await at(1500, 60);
    assert.deepEqual(store.compactions, [10, 20]);
  });

  it("compacts to the newest sample that aged past the window, and drops the older ones", async () => {
    const store = new FakeStore();
    const { at } = manual(store, 1000);
    await at(0, 5);
    await at(100, 6);
    await at(200, 7);
    await at(5000, 9);
    assert.deepEqual(store.compactions, [7], "one compaction, to the newest aged sample");
    await at(5999, 9);
    assert.deepEqual(store.compactions, [7]);
    await at(6000, 12);
    assert.deepEqual(store.compactions, [7, 9]);
  });

  it("never compacts at revision 0", async () => {
    const store = new FakeStore();
    const { at } = manual(store, 1000);
    await at(0, 0);
    await at(2000, 0);
    await at(4000, 3);
    assert.deepEqual(store.compactions, []);
  });

  it("keeps 5 minutes of history by default", async () => {
    const store = new FakeStore();
    const { at } = manual(store);
    await at(0, 100);
    await at(299_999, 200);
    assert.deepEqual(store.compactions, []);
    await at(300_000, 300);
    assert.deepEqual(store.compactions, [100]);
  });

  it("with a zero window compacts to the current revision on every tick", async () => {
    const store = new FakeStore();
    const { at } = manual(store, 0);
    await at(0, 4);
    await at(1, 8);
    assert.deepEqual(store.compactions, [4, 8]);
  });

  it("tick() rejects when the store fails", async () => {
    const store = new FakeStore();
    const { at } = manual(store, 0);
    store.compactError = new StorageError("Unavailable", "down");
    await assert.rejects(at(0, 4), (error: unknown) => error instanceof StorageError && error.code === "Unavailable");
  });

  it("ticks on its own every intervalMs; by default a fifth of the window, at least one second", async () => {
    mock.timers.enable({ apis: ["setInterval"] });
    const cases: { options: CompactorOptions; interval: number }[] = [
      { options: { windowMs: 5 * 60_000 }, interval: 60_000 },
      { options: {}, interval: 60_000 },
      { options: { windowMs: 2000 }, interval: 1000 },
      { options: { windowMs: 2000, intervalMs: 250 }, interval: 250 },
    ];
    for (const { options, interval } of cases) {
      const store = new FakeStore();
      const compactor = start(store, options);
      mock.timers.tick(interval - 1);
      await settle();
      assert.equal(store.revisionCalls, 0, `${JSON.stringify(options)}: no tick before ${interval} ms`);
      mock.timers.tick(1);
      await settle();
      assert.equal(store.revisionCalls, 1, `${JSON.stringify(options)}: a tick at ${interval} ms`);
      mock.timers.tick(interval);
      await settle();
      assert.equal(store.revisionCalls, 2, `${JSON.stringify(options)}: a tick every ${interval} ms`);
      compactor.stop();
    }
  });

  it("compacts from its timer with the injected clock", async () => {
    mock.timers.enable({ apis: ["setInterval"] });
    const store = new FakeStore();
    const clock = { now: 0 };
    start(store, { windowMs: 1000, intervalMs: 100, now: () => clock.now });
    for (let i = 1; i <= 12; i++) {
      clock.now = i * 100;
      store.revision = i;
      mock.timers.tick(100);
      await settle();
    }
    // Samples at t=100..1200 (revisions 1..12); at t=1100 the t=100 sample aged, at t=1200 the t=200 one.
    assert.deepEqual(store.compactions, [1, 2]);
  });

  it("stop() ends the timer", async () => {
    mock.timers.enable({ apis: ["setInterval"] });
    const store = new FakeStore();
    const compactor = start(store, { windowMs: 0, intervalMs: 100 });
    mock.timers.tick(100);
    await settle();
    assert.equal(store.revisionCalls, 1);
    compactor.stop();
    mock.timers.tick(1000);
    await settle();
    assert.equal(store.revisionCalls, 1, "no tick after stop()");
    compactor.stop();
  });

  it("reports background failures to onError, except Closed", async () => {
    mock.timers.enable({ apis: ["setInterval"] });
    const errors: unknown[] = [];
    const store = new FakeStore();
    store.revision = 7;
    start(store, { windowMs: 0, intervalMs: 100, onError: (error) => errors.push(error) });

    const boom = new Error("boom");
    store.compactError = boom;
    mock.timers.tick(100);
    await settle();
    assert.deepEqual(errors, [boom]);

    store.compactError = new StorageError("Closed", "closed");
    mock.timers.tick(100);
    await settle();
    store.compactError = undefined;
    store.revisionError = new StorageError("Closed", "closed");
    mock.timers.tick(100);
    await settle();
    assert.deepEqual(errors, [boom], "Closed is not reported");

    const unavailable = new StorageError("Unavailable", "down");
    store.revisionError = unavailable;
    mock.timers.tick(100);
    await settle();
    assert.deepEqual(errors, [boom, unavailable]);

    store.revisionError = undefined;
    mock.timers.tick(100);
    await settle();
    assert.deepEqual(store.compactions, [7], "it keeps going after failures");
  });

  it("a background failure without onError is swallowed (no unhandled rejection)", async () => {
    mock.timers.enable({ apis: ["setInterval"] });
    const store = new FakeStore();
    store.revisionError = new Error("boom");
    start(store, { windowMs: 0, intervalMs: 100 });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      mock.timers.tick(100);
      await settle();
      await new Promise((resolve) => setTimeout(resolve, 10));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("timer ticks do not overlap, and tick() waits for a running one", async () => {
    mock.timers.enable({ apis: ["setInterval"] });
    const store = new FakeStore();
    store.revision = 3;
    const gate = deferred();
    store.revisionGate = gate.promise;
    const compactor = start(store, { windowMs: 0, intervalMs: 100 });
    mock.timers.tick(100);
    await settle();
    assert.equal(store.revisionCalls, 1);
    mock.timers.tick(300);
    await settle();
    assert.equal(store.revisionCalls, 1, "timer ticks while one is running are skipped");

    let manualDone = false;
    const manualTick = compactor.tick().then(() => (manualDone = true));
    await settle();
    assert.equal(store.revisionCalls, 1, "tick() waits for the running tick before sampling");
    assert.equal(manualDone, false);

    store.revisionGate = undefined;
    gate.resolve();
    await manualTick;
    assert.equal(store.revisionCalls, 2);
    assert.deepEqual(store.compactions, [3, 3]);

    mock.timers.tick(100);
    await settle();
    assert.equal(store.revisionCalls, 3, "timer ticks resume once the running one is done");
  });
});
