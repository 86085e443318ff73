/**
 * The storage conformance suite: one set of `node:test` tests that every `Store` backend must pass. A backend's
 * test file calls `describeStoreConformance("sqlite", makeFixture)`.
 *
 * Ground rules the tests follow, so that they hold for every backend:
 * - One fixture is shared by most tests (starting etcd takes time); each test works under its own key prefix,
 *   so tests never see each other's keys. Tests that need a store to themselves (an empty store, compaction,
 *   close, reopen) make their own fixture.
 * - Revisions are only assumed to be strictly increasing, never contiguous: a backend may write bookkeeping
 *   keys outside /registry/.
 * - Expected results are computed from what the writes acknowledged (their revisions and values), never from
 *   timing; every wait is bounded and fails with a description of what was seen.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { isStorageError, type StorageError, type StorageErrorCode } from "./errors.js";
import type { DeleteResult, KeyValue, ListResult, Store, Watch, WatchEvent, WatchEventType } from "./types.js";
import { MAX_VALUE_BYTES } from "./validation.js";

export interface StoreFixture {
  /** A fresh, empty store. */
  readonly store: Store;
  /** Opens a second Store over the same data (the caller closes the first one first if it wants to). */
  reopen(): Promise<Store>;
  /** Releases everything the fixture made (closing its stores is idempotent, so it may close them again). */
  cleanup(): Promise<void>;
}

/** A backstop per test; the waits inside a test are bounded far below it. */
const TEST_TIMEOUT_MS = 30_000;
const FIXTURE_TIMEOUT_MS = 30_000;
/** How long to wait for something that must happen (an event, an error). */
const WAIT_MS = 8_000;

// ---------------------------------------------------------------------------------------------------------------
// Values, key-values and events as comparable text.

const json = (value: object): Buffer => Buffer.from(JSON.stringify(value));
const text = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Plain {
  readonly key: string;
  readonly value: string;
  readonly createRevision: number;
  readonly modRevision: number;
}

function plain(kv: KeyValue): Plain {
  return { key: kv.key, value: text(kv.value), createRevision: kv.createRevision, modRevision: kv.modRevision };
}

const byKey = (a: { key: string }, b: { key: string }): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** The state of a key as the tests know it. */
interface State {
  readonly value: string;
  readonly createRevision: number;
  readonly modRevision: number;
}

/** One acknowledged write. */
interface Ack {
  readonly type: WatchEventType;
  readonly key: string;
  /** create/update: the new value; delete: the last value. */
  readonly value: string;
  readonly revision: number;
  readonly createRevision: number;
  readonly prev?: State;
}

/**
 * A watch event as one line of text. A delete's kv.createRevision is left out: the contract only specifies its
 * modRevision (the delete's revision) and value (the last one).
 */
function eventLine(e: WatchEvent): string {
  const created = e.type === "delete" ? "" : ` c${e.kv.createRevision}`;
  const prev =
    e.prev === undefined ? "" : ` prev(${text(e.prev.value)} c${e.prev.createRevision} m${e.prev.modRevision})`;
  return `@${e.kv.modRevision} ${e.type} ${e.kv.key} ${text(e.kv.value)}${created}${prev}`;
}

function ackLine(a: Ack): string {
  const created = a.type === "delete" ? "" : ` c${a.createRevision}`;
  const prev = a.prev === undefined ? "" : ` prev(${a.prev.value} c${a.prev.createRevision} m${a.prev.modRevision})`;
  return `@${a.revision} ${a.type} ${a.key} ${a.value}${created}${prev}`;
}

/** Compares two event sequences and, when they differ, says where and how. */
function assertSequence(actual: readonly string[], expected: readonly string[], what: string): void {
  if (actual.length === expected.length && actual.every((line, i) => line === expected[i])) return;
  let i = 0;
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++;
  const actualSet = new Set(actual);
  const expectedSet = new Set(expected);
  const missing = expected.filter((l) => !actualSet.has(l));
  const extra = actual.filter((l) => !expectedSet.has(l));
  const show = (lines: readonly string[]): string =>
    lines.length === 0 ? "(nothing)" : lines.map((l) => (l.length > 300 ? `${l.slice(0, 300)}…` : l)).join("\n    ");
  assert.fail(
    `${what}: got ${actual.length} events, expected ${expected.length}; first difference at #${i}\n` +
      `  expected from there:\n    ${show(expected.slice(i, i + 4))}\n` +
      `  got from there:\n    ${show(actual.slice(i, i + 4))}\n` +
      `  ${missing.length} expected events missing (first: ${show(missing.slice(0, 3))})\n` +
      `  ${extra.length} unexpected events (first: ${show(extra.slice(0, 3))})`,
  );
}

function describeError(error: unknown): string {
  if (isStorageError(error)) return `StorageError ${error.code}: ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function shortValue(value: unknown): string {
  try {
    const s = JSON.stringify(value, (_k, v: unknown) =>
      v instanceof Uint8Array ? text(v).slice(0, 100) : typeof v === "bigint" ? String(v) : v,
    );
    return s === undefined ? String(value) : s.slice(0, 300);
  } catch {
    return String(value);
  }
}

/**
 * Asserts that `call()` returns a promise that rejects with a StorageError of `code` (a synchronous throw, a
 * bare Error, another code or a resolution all fail). Returns the error.
 */
async function rejects(code: StorageErrorCode, what: string, call: () => Promise<unknown>): Promise<StorageError> {
  let promise: Promise<unknown>;
  try {
    promise = call();
  } catch (error) {
    assert.fail(`${what}: threw synchronously (${describeError(error)}) instead of returning a rejected promise`);
  }
  assert.ok(
    promise !== null && typeof promise === "object" && typeof promise.then === "function",
    `${what}: did not return a promise`,
  );
  let result: unknown;
  try {
    result = await promise;
  } catch (error) {
    if (!isStorageError(error)) assert.fail(`${what}: rejected with ${describeError(error)}, not a StorageError`);
    if (error.code !== code) assert.fail(`${what}: expected ${code}, got ${describeError(error)}`);
    return error;
  }
  assert.fail(`${what}: expected ${code}, but it resolved with ${shortValue(result)}`);
}

async function waitUntil(pred: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() >= deadline) return false;
    await sleep(5);
  }
  return true;
}

function assertRevision(value: unknown, what: string): asserts value is number {
  assert.ok(
    typeof value === "number" && Number.isSafeInteger(value) && value > 0,
    `${what}: ${shortValue(value)} is not a positive integer revision`,
  );
}

/** A small deterministic PRNG (mulberry32), so a failing run can be reasoned about. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Tracker: performs writes, checks what each one returns, and records the acknowledged history.

class Tracker {
  readonly acks: Ack[] = [];
  /** Keys that exist now, as far as this tracker's writes go (each writer owns its keys). */
  readonly state = new Map<string, State>();
  private readonly revisions = new Set<number>();

  constructor(private readonly store: Store) {}

  async create(key: string, value: object): Promise<KeyValue> {
    const bytes = JSON.stringify(value);
    const kv = await this.store.create(key, Buffer.from(bytes));
    assert.equal(kv.key, key, `create(${key}) returned the key ${kv.key}`);
    assert.equal(text(kv.value), bytes, `create(${key}) returned another value`);
    assertRevision(kv.modRevision, `create(${key}).modRevision`);
    assert.equal(kv.createRevision, kv.modRevision, `create(${key}): createRevision must equal modRevision`);
    this.record({ type: "create", key, value: bytes, revision: kv.modRevision, createRevision: kv.createRevision });
    return kv;
  }

  async update(key: string, value: object, guarded = false): Promise<KeyValue> {
    const prev = this.current(key);
    const bytes = JSON.stringify(value);
    const kv = await this.store.update(key, Buffer.from(bytes), guarded ? prev.modRevision : undefined);
    assert.equal(kv.key, key, `update(${key}) returned the key ${kv.key}`);
    assert.equal(text(kv.value), bytes, `update(${key}) returned another value`);
    assertRevision(kv.modRevision, `update(${key}).modRevision`);
    assert.equal(kv.createRevision, prev.createRevision, `update(${key}) must keep createRevision`);
    assert.ok(kv.modRevision > prev.modRevision, `update(${key}): modRevision ${kv.modRevision} did not increase`);
    this.record({
      type: "update",
      key,
      value: bytes,
      revision: kv.modRevision,
      createRevision: kv.createRevision,
      prev,
    });
    return kv;
  }

  async delete(key: string, guarded = false): Promise<DeleteResult> {
    const prev = this.current(key);
    const result = await this.store.delete(key, guarded ? prev.modRevision : undefined);
    assertRevision(result.revision, `delete(${key}).revision`);
    assert.ok(result.revision > prev.modRevision, `delete(${key}): revision ${result.revision} is not after the value`);
    assert.deepEqual(plain(result.prev), { key, ...prev }, `delete(${key}) must return the deleted value as prev`);
    this.record({
      type: "delete",
      key,
      value: prev.value,
      revision: result.revision,
      createRevision: prev.createRevision,
      prev,
    });
    return result;
  }

  /** The highest acknowledged revision. */
  get last(): number {
    return this.acks.reduce((max, a) => Math.max(max, a.revision), 0);
  }

  /** The acknowledged writes under `prefix` with a revision in (after, upTo], in revision order. */
  history(prefix: string, after = 0, upTo = Number.MAX_SAFE_INTEGER): Ack[] {
    return this.acks
      .filter((a) => a.key.startsWith(prefix) && a.revision > after && a.revision <= upTo)
      .sort((a, b) => a.revision - b.revision);
  }

  lines(prefix: string, after = 0, upTo = Number.MAX_SAFE_INTEGER): string[] {
    return this.history(prefix, after, upTo).map(ackLine);
  }

  /** The keys under `prefix` as they were at revision `at`, by the acknowledged writes. */
  snapshot(prefix: string, at = Number.MAX_SAFE_INTEGER): Plain[] {
    const keys = new Map<string, Plain>();
    for (const a of this.history(prefix, 0, at)) {
      if (a.type === "delete") keys.delete(a.key);
      else keys.set(a.key, { key: a.key, value: a.value, createRevision: a.createRevision, modRevision: a.revision });
    }
    return [...keys.values()].sort(byKey);
  }

  private current(key: string): State {
    const state = this.state.get(key);
    if (state === undefined) throw new Error(`test bug: ${key} is not known to exist`);
    return state;
  }

  private record(ack: Ack): void {
    if (this.revisions.has(ack.revision)) {
      assert.fail(`two acknowledged writes got the same revision ${ack.revision} (the second: ${ackLine(ack)})`);
    }
    this.revisions.add(ack.revision);
    this.acks.push(ack);
    if (ack.type === "delete") this.state.delete(ack.key);
    else this.state.set(ack.key, { value: ack.value, createRevision: ack.createRevision, modRevision: ack.revision });
  }
}

/** Hands out permits to write, so a test can interleave writes with its reads whatever the backend's speed. */
class Gate {
  private permits = 0;
  private opened = false;
  private readonly waiting: (() => void)[] = [];

  async take(): Promise<void> {
    if (this.opened) return;
    if (this.permits > 0) {
      this.permits--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(n: number): void {
    for (let i = 0; i < n; i++) {
      const next = this.waiting.shift();
      if (next === undefined) this.permits++;
      else next();
    }
  }

  open(): void {
    this.opened = true;
    for (const next of this.waiting.splice(0)) next();
  }
}

/**
 * Writes `steps` random creates/updates/deletes (some guarded) over `keys`, which no one else writes; with a
 * gate, takes a permit before each write.
 */
async function randomWriter(
  t: Tracker,
  keys: readonly string[],
  steps: number,
  seed: number,
  gate?: Gate,
): Promise<void> {
  const rnd = random(seed);
  for (let i = 0; i < steps; i++) {
    await gate?.take();
    const key = keys[Math.floor(rnd() * keys.length)]!;
    const value = { seed, i, pad: "x".repeat(Math.floor(rnd() * 40)) };
    if (!t.state.has(key)) {
      await t.create(key, value);
      continue;
    }
    const r = rnd();
    if (r < 0.6) await t.update(key, value, r < 0.3);
    else await t.delete(key, r < 0.8);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Recorder: a watch that records everything and checks the watch invariants as events arrive (callbacks must
// not throw, so violations are collected and asserted by the test).

interface RecorderOptions {
  /** Called after each batch; when it returns true the recorder closes its watch from inside the callback. */
  readonly closeWhen?: (recorder: Recorder) => boolean;
}

class Recorder {
  readonly events: WatchEvent[] = [];
  readonly errors: StorageError[] = [];
  readonly progress: number[] = [];
  /** Broken invariants, as they were seen. */
  readonly problems: string[] = [];
  /** Callbacks received after the owner closed the watch. */
  late = { events: 0, progress: 0, errors: 0 };
  closed = false;
  private lastRevision: number;
  private maxProgress = 0;
  private handle: Watch | undefined;
  private closeRequested = false;

  constructor(
    readonly store: Store,
    readonly prefix: string,
    readonly fromRevision: number,
    private readonly options: RecorderOptions = {},
  ) {
    this.lastRevision = fromRevision;
    this.handle = store.watch({
      prefix,
      fromRevision,
      onEvents: (events) => this.onEvents(events),
      onProgress: (revision) => this.onProgress(revision),
      onError: (error) => this.onError(error),
    });
    if (this.closeRequested) this.close();
  }

  /** The revision of the last event received (fromRevision before any). */
  get revision(): number {
    return this.lastRevision;
  }

  lines(): string[] {
    return this.events.map(eventLine);
  }

  close(): void {
    this.closed = true;
    if (this.handle === undefined) this.closeRequested = true;
    else this.handle.close();
  }

  /** Waits until an event at or after `revision` arrived; fails at once if the watch ended. */
  async waitForRevision(revision: number, what = `events up to revision ${revision}`): Promise<void> {
    await this.waitFor(() => this.lastRevision >= revision, what);
  }

  async waitFor(pred: () => boolean, what: string, timeoutMs = WAIT_MS): Promise<void> {
    const ok = await waitUntil(() => this.errors.length > 0 || pred(), timeoutMs);
    if (ok && pred()) return;
    const reason = ok ? `the watch ended with ${describeError(this.errors[0])}` : `timed out after ${timeoutMs} ms`;
    assert.fail(`watch ${this.prefix} from ${this.fromRevision}: waiting for ${what}: ${reason}; ${this.summary()}`);
  }

  /** Waits for onError (the watch ending) and returns the error. */
  async waitForError(what: string): Promise<StorageError> {
    const ok = await waitUntil(() => this.errors.length > 0, WAIT_MS);
    if (!ok) assert.fail(`${what}: onError was not called within ${WAIT_MS} ms; ${this.summary()}`);
    return this.errors[0]!;
  }

  /** No broken invariant, no error, nothing delivered after close. */
  assertClean(what = `watch ${this.prefix} from ${this.fromRevision}`): void {
    assert.deepEqual(this.problems, [], `${what}: broken watch invariants`);
    assert.deepEqual(
      this.errors.map((e) => describeError(e)),
      [],
      `${what}: onError was called on a healthy watch`,
    );
    assert.equal(this.late.events, 0, `${what}: onEvents was called after close()`);
    assert.equal(this.late.errors, 0, `${what}: onError was called after its owner closed it`);
  }

  summary(): string {
    const last = this.events.at(-1);
    return (
      `received ${this.events.length} events (last: ${last === undefined ? "none" : eventLine(last).slice(0, 200)}), ` +
      `errors: [${this.errors.map((e) => describeError(e)).join("; ")}], problems: [${this.problems.slice(0, 3).join("; ")}]`
    );
  }

  private onEvents(events: readonly WatchEvent[]): void {
    if (this.closed) {
      this.late.events += events.length;
      return;
    }
    if (this.errors.length > 0) this.problems.push(`onEvents after onError (${events.length} events)`);
    if (!Array.isArray(events)) {
      this.problems.push(`onEvents got ${shortValue(events)}, not an array`);
      return;
    }
    for (const e of events) {
      const revision = e.kv.modRevision;
      if (!e.kv.key.startsWith(this.prefix)) this.problems.push(`event outside the prefix: ${eventLine(e)}`);
      if (!(revision > this.lastRevision)) {
        this.problems.push(`event at revision ${revision} after revision ${this.lastRevision}: ${eventLine(e)}`);
      }
      if (revision <= this.maxProgress) {
        this.problems.push(`event at revision ${revision} after onProgress(${this.maxProgress}): ${eventLine(e)}`);
      }
      if (e.type === "create" && e.prev !== undefined) this.problems.push(`create event with prev: ${eventLine(e)}`);
      if (e.type !== "create" && e.prev === undefined)
        this.problems.push(`${e.type} event without prev: ${eventLine(e)}`);
      this.lastRevision = Math.max(this.lastRevision, revision);
      this.events.push(e);
    }
    if (this.options.closeWhen?.(this)) this.close();
  }

  private onProgress(revision: number): void {
    if (this.closed) {
      this.late.progress++;
      return;
    }
    if (typeof revision !== "number" || !Number.isSafeInteger(revision)) {
      this.problems.push(`onProgress(${shortValue(revision)}) is not a revision`);
      return;
    }
    this.maxProgress = Math.max(this.maxProgress, revision);
    this.progress.push(revision);
  }

  private onError(error: StorageError): void {
    if (this.closed) {
      this.late.errors++;
      return;
    }
    if (!isStorageError(error)) this.problems.push(`onError got ${describeError(error)}, not a StorageError`);
    if (this.errors.length > 0) this.problems.push(`onError called again: ${describeError(error)}`);
    this.errors.push(error);
  }
}

/**
 * Asserts that opening this watch fails with `code` through onError, without delivering events. For bad
 * arguments and a closed store a synchronous throw of the StorageError counts too (the contract does not say
 * which); `Compacted` must come through onError.
 */
async function watchFails(
  store: Store,
  prefix: string,
  fromRevision: number,
  code: StorageErrorCode,
  what: string,
): Promise<void> {
  let recorder: Recorder;
  try {
    recorder = new Recorder(store, prefix, fromRevision);
  } catch (error) {
    if (!isStorageError(error)) assert.fail(`${what}: watch() threw ${describeError(error)}, not a StorageError`);
    if (code === "Compacted") assert.fail(`${what}: watch() threw ${describeError(error)} instead of calling onError`);
    assert.equal(error.code, code, `${what}: watch() threw ${describeError(error)}`);
    return;
  }
  try {
    const error = await recorder.waitForError(what);
    assert.ok(isStorageError(error), `${what}: onError got ${describeError(error)}, not a StorageError`);
    assert.equal(error.code, code, `${what}: onError got ${describeError(error)}`);
    assert.equal(recorder.events.length, 0, `${what}: the failed watch delivered events: ${recorder.summary()}`);
  } finally {
    recorder.close();
  }
}

/** Writes a marker key under `prefix` and returns its revision; a watcher that reached it has seen all before it. */
let markerCount = 0;
async function endMarker(t: Tracker, prefix: string): Promise<number> {
  const kv = await t.create(`${prefix}~end-${++markerCount}`, { end: markerCount });
  return kv.modRevision;
}

async function withFixture(make: () => Promise<StoreFixture>, body: (fx: StoreFixture) => Promise<void>) {
  const fx = await make();
  try {
    await body(fx);
  } finally {
    await fx.cleanup();
  }
}

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

// ---------------------------------------------------------------------------------------------------------------

export function describeStoreConformance(name: string, makeFixture: () => Promise<StoreFixture>): void {
  const token = randomBytes(3).toString("hex");
  let n = 0;
  /** A key prefix no other test uses (zero-padded, so one test's prefix never extends another's). */
  const fresh = (): string => `/registry/conformance-${token}-${String(++n).padStart(3, "0")}/`;
  const options = { timeout: TEST_TIMEOUT_MS };

  describe(name, () => {
    let fixture: StoreFixture | undefined;
    before(
      async () => {
        fixture = await makeFixture();
      },
      { timeout: FIXTURE_TIMEOUT_MS },
    );
    after(async () => {
      await fixture?.cleanup();
    });
    const shared = (): Store => {
      if (fixture === undefined) throw new Error("the shared fixture did not start");
      return fixture.store;
    };

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
        assert.ok(
          (await s.currentRevision()) >= deleted.revision,
          "currentRevision() is behind an acknowledged delete",
        );
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
          assert.deepEqual(
            plain((await s.get(`${p}k`))!),
            plain(updated),
            "a failed guarded delete must change nothing",
          );
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
              if (!isStorageError(error, "Conflict"))
                assert.fail(`a losing update failed with ${describeError(error)}`);
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

    describe("list and count", () => {
      it(
        "list returns the keys under the prefix in byte order, and nothing from sibling prefixes",
        options,
        async () => {
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
        },
      );

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

    describe("bad input", () => {
      const badKeys: readonly unknown[] = [
        "",
        "registry/a",
        "/registry",
        "/registry/",
        "/registryx/a",
        "/other/a",
        "/registry/a/",
        "/registry/a b",
        "/registry/a\tb",
        "/registry/a\nb",
        "/registry/a\u0000b",
        "/registry/a\u007fb",
        "/registry/ä",
        "/registry/../a",
        "/registry/a/../b",
        "/registry/a/./b",
        "/registry//a",
        `/registry/${"a".repeat(1100)}`,
        undefined,
        42,
      ];
      const badPrefixes: readonly unknown[] = [
        "",
        "/registry",
        "/registry/a",
        "/other/",
        "registry/",
        "/registry/a b/",
        "/registry/../",
        "/registry//",
        undefined,
      ];
      const badNumbers: readonly unknown[] = [-1, 1.5, NaN, Infinity, "5", 2 ** 53];

      it(
        "keys outside /registry/, empty, ending in '/', or with spaces, control characters or '..' fail with InvalidKey",
        options,
        async () => {
          const s = shared();
          const p = fresh();
          for (const bad of badKeys) {
            const key = bad as string;
            const what = shortValue(bad);
            await rejects("InvalidKey", `create(${what})`, () => s.create(key, json({})));
            await rejects("InvalidKey", `get(${what})`, () => s.get(key));
            await rejects("InvalidKey", `update(${what})`, () => s.update(key, json({})));
            await rejects("InvalidKey", `update(${what}, 1)`, () => s.update(key, json({}), 1));
            await rejects("InvalidKey", `delete(${what})`, () => s.delete(key));
          }
          const valid = `${p}a..b/.c/-_~!`;
          await s.create(valid, json({}));
          assert.ok((await s.get(valid)) !== undefined, `${valid} is a valid key`);
        },
      );

      it("prefixes not ending in '/' or outside /registry/ fail with InvalidKey", options, async () => {
        const s = shared();
        const p = fresh();
        for (const bad of badPrefixes) {
          const prefix = bad as string;
          const what = shortValue(bad);
          await rejects("InvalidKey", `list(${what})`, () => s.list(prefix));
          await rejects("InvalidKey", `count(${what})`, () => s.count(prefix));
          await watchFails(s, prefix, 0, "InvalidKey", `watch(${what})`);
        }
        await rejects("InvalidKey", "list with `after` outside the prefix", () => s.list(p, { after: "/registry/a" }));
        await rejects("InvalidKey", "list with an invalid `after`", () => s.list(p, { after: `${p}a b` }));
        assert.ok((await s.list("/registry/", { limit: 1 })).items.length <= 1, "/registry/ is a valid prefix");
      });

      it("values that are empty, not JSON or not a JSON object fail with InvalidValue", options, async () => {
        const s = shared();
        const p = fresh();
        const existing = await s.create(`${p}exists`, json({ v: 1 }));
        const bad: readonly unknown[] = [
          Buffer.alloc(0),
          Buffer.from("not json"),
          Buffer.from("{"),
          Buffer.from('{"a":1} trailing'),
          Buffer.from("[]"),
          Buffer.from("[{}]"),
          Buffer.from("1"),
          Buffer.from("null"),
          Buffer.from('"string"'),
          Buffer.from("true"),
          "{}",
          undefined,
          null,
          { a: 1 },
          [123, 125],
        ];
        for (const value of bad) {
          const v = value as Uint8Array;
          const what = value instanceof Uint8Array ? JSON.stringify(text(value)) : shortValue(value);
          await rejects("InvalidValue", `create with value ${what}`, () => s.create(`${p}new`, v));
          await rejects("InvalidValue", `update with value ${what}`, () => s.update(`${p}exists`, v));
        }
        assert.equal(await s.get(`${p}new`), undefined, "a rejected create must not write");
        assert.deepEqual(plain((await s.get(`${p}exists`))!), plain(existing), "a rejected update must not write");
        const spaced = await s.create(`${p}spaced`, Buffer.from('  {"ok":true}\n'));
        assert.equal(text(spaced.value), '  {"ok":true}\n', "JSON with surrounding whitespace is an object");
      });

      it("a value over 1.5 MiB fails with TooLarge; one of 1.4 MiB is stored and read back", options, async () => {
        const s = shared();
        const p = fresh();
        const sized = (bytes: number, fill: string): Buffer => {
          const head = '{"data":"';
          return Buffer.from(`${head}${fill.repeat(bytes - head.length - 2)}"}`);
        };
        const tooLarge = sized(MAX_VALUE_BYTES + 1, "x");
        assert.equal(tooLarge.byteLength, MAX_VALUE_BYTES + 1);
        await rejects("TooLarge", "create with 1.5 MiB + 1 byte", () => s.create(`${p}big`, tooLarge));
        const small = await s.create(`${p}grow`, json({}));
        await rejects("TooLarge", "update with 1.5 MiB + 1 byte", () => s.update(`${p}grow`, tooLarge));
        await rejects("TooLarge", "create with 3 MiB", () => s.create(`${p}big`, sized(3 * 1024 * 1024, "y")));
        assert.equal(await s.get(`${p}big`), undefined);
        assert.deepEqual(plain((await s.get(`${p}grow`))!), plain(small));

        const large = sized(Math.floor(1.4 * 1024 * 1024), "z");
        const kv = await s.create(`${p}large`, large);
        assert.equal(kv.value.byteLength, large.byteLength);
        const got = await s.get(`${p}large`);
        assert.ok(got !== undefined && Buffer.compare(Buffer.from(got.value), large) === 0, "1.4 MiB value read back");
        const larger = sized(Math.floor(1.4 * 1024 * 1024), "w");
        const updated = await s.update(`${p}large`, larger, kv.modRevision);
        const listed = await s.list(p);
        const item = listed.items.find((i) => i.key === `${p}large`);
        assert.ok(item !== undefined && Buffer.compare(Buffer.from(item.value), larger) === 0, "1.4 MiB value listed");
        assert.equal(item.modRevision, updated.modRevision);
      });

      it(
        "negative, fractional, NaN, infinite, unsafe or string revisions and limits fail with InvalidRevision",
        options,
        async () => {
          const s = shared();
          const p = fresh();
          const kv = await s.create(`${p}k`, json({ v: 1 }));
          for (const bad of badNumbers) {
            const n = bad as number;
            const what = shortValue(bad);
            await rejects("InvalidRevision", `update expectedRevision ${what}`, () => s.update(`${p}k`, json({}), n));
            await rejects("InvalidRevision", `delete expectedRevision ${what}`, () => s.delete(`${p}k`, n));
            await rejects("InvalidRevision", `list revision ${what}`, () => s.list(p, { revision: n }));
            await rejects("InvalidRevision", `list limit ${what}`, () => s.list(p, { limit: n }));
            await rejects("InvalidRevision", `compact(${what})`, () => s.compact(n));
            await watchFails(s, p, n, "InvalidRevision", `watch fromRevision ${what}`);
          }
          assert.deepEqual(plain((await s.get(`${p}k`))!), plain(kv), "rejected calls must not write");
          assert.equal(await s.compactedRevision(), 0, "a rejected compact must not compact");
        },
      );
    });

    describe("compaction", () => {
      let compactFixture: StoreFixture | undefined;
      before(
        async () => {
          compactFixture = await makeFixture();
        },
        { timeout: FIXTURE_TIMEOUT_MS },
      );
      after(async () => {
        await compactFixture?.cleanup();
      });
      const own = (): Store => {
        if (compactFixture === undefined) throw new Error("the compaction fixture did not start");
        return compactFixture.store;
      };

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
              assert.deepEqual(
                res.items.map(plain),
                t.snapshot(p, ack.revision),
                `list at ${ack.revision} after reopen`,
              );
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
  });
}
