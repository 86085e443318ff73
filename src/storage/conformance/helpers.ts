/**
 * Shared utilities of the storage conformance suite: the fixture contract, timeouts, value helpers, error
 * assertions, bounded waits, key prefixes and a plain watch recorder that backend tests use too.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before } from "node:test";
import { isStorageError, type StorageError, type StorageErrorCode } from "../errors.js";
import type { Store, Watch, WatchEvent } from "../types.js";

export interface StoreFixture {
  /** A fresh, empty store. */
  readonly store: Store;
  /** Opens a second Store over the same data (the caller closes the first one first if it wants to). */
  reopen(): Promise<Store>;
  /** Releases everything the fixture made (closing its stores is idempotent, so it may close them again). */
  cleanup(): Promise<void>;
}

/** A backstop per test; the waits inside a test are bounded far below it. */
export const TEST_TIMEOUT_MS = 30_000;
export const FIXTURE_TIMEOUT_MS = 30_000;
/** How long to wait for something that must happen (an event, an error). */
export const WAIT_MS = 8_000;

/** Per-test options: the backstop timeout. */
export const options = { timeout: TEST_TIMEOUT_MS };

// ---------------------------------------------------------------------------------------------------------------
// Values as text.

export const json = (value: object): Buffer => Buffer.from(JSON.stringify(value));
export const text = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------------------------
// Errors, bounded waits and random numbers.

export function describeError(error: unknown): string {
  if (isStorageError(error)) return `StorageError ${error.code}: ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

export function shortValue(value: unknown): string {
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
export async function rejects(
  code: StorageErrorCode,
  what: string,
  call: () => Promise<unknown>,
): Promise<StorageError> {
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

export async function waitUntil(pred: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() >= deadline) return false;
    await sleep(5);
  }
  return true;
}

export function assertRevision(value: unknown, what: string): asserts value is number {
  assert.ok(
    typeof value === "number" && Number.isSafeInteger(value) && value > 0,
    `${what}: ${shortValue(value)} is not a positive integer revision`,
  );
}

/** A small deterministic PRNG (mulberry32), so a failing run can be reasoned about. */
export function random(seed: number): () => number {
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
// Fixtures and key prefixes.

/** What a section of the suite needs to register its tests. */
export interface Suite {
  /** Makes a fixture of its own (an empty store, one to compact, close or reopen). */
  readonly makeFixture: () => Promise<StoreFixture>;
  /** The store of the fixture most tests share (each under its own prefix). */
  readonly shared: () => Store;
  /** A key prefix no other test uses. */
  readonly fresh: () => string;
}

/**
 * Returns a maker of key prefixes no other test uses (zero-padded, so one test's prefix never extends another's;
 * a random token keeps them apart from earlier runs against the same data).
 */
export function prefixMaker(): () => string {
  const token = randomBytes(3).toString("hex");
  let n = 0;
  return (): string => `/registry/conformance-${token}-${String(++n).padStart(3, "0")}/`;
}

/**
 * Registers before/after hooks in the current describe block that make a fixture and clean it up; returns the
 * fixture's store (which throws, naming `what`, if the fixture did not start).
 */
export function useFixture(make: () => Promise<StoreFixture>, what: string): () => Store {
  let fixture: StoreFixture | undefined;
  before(
    async () => {
      fixture = await make();
    },
    { timeout: FIXTURE_TIMEOUT_MS },
  );
  after(async () => {
    await fixture?.cleanup();
  });
  return (): Store => {
    if (fixture === undefined) throw new Error(`${what} did not start`);
    return fixture.store;
  };
}

export async function withFixture(make: () => Promise<StoreFixture>, body: (fx: StoreFixture) => Promise<void>) {
  const fx = await make();
  try {
    await body(fx);
  } finally {
    await fx.cleanup();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// A plain watch recorder for backend tests: it keeps what the watch delivered and checks nothing.

/** What a watch delivered so far, its handle, and a bounded wait on it. */
export interface WatchLog {
  readonly events: WatchEvent[];
  readonly progress: number[];
  readonly errors: StorageError[];
  readonly watch: Watch;
  /** Waits until `condition()` holds; fails after `timeoutMs`, naming `what`. */
  until(condition: () => boolean, what?: string, timeoutMs?: number): Promise<void>;
}

/** Opens a watch that records its events, progress and errors. */
export function recordWatch(store: Store, prefix: string, fromRevision: number): WatchLog {
  const events: WatchEvent[] = [];
  const progress: number[] = [];
  const errors: StorageError[] = [];
  const watch = store.watch({
    prefix,
    fromRevision,
    onEvents: (batch) => events.push(...batch),
    onProgress: (revision) => progress.push(revision),
    onError: (error) => errors.push(error),
  });
  const until = async (condition: () => boolean, what = "condition", timeoutMs = 10_000): Promise<void> => {
    if (!(await waitUntil(condition, timeoutMs))) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
  };
  return { events, progress, errors, watch, until };
}
