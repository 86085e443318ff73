/**
 * The conformance suite's watch recorder: it records everything a watch delivers and checks the watch
 * invariants as events arrive; plus the comparison of event sequences and the check that a watch fails to open.
 */
import assert from "node:assert/strict";
import { isStorageError, type StorageError, type StorageErrorCode } from "../errors.js";
import type { Store, Watch, WatchEvent } from "../types.js";
import { describeError, shortValue, text, WAIT_MS, waitUntil } from "./helpers.js";

/**
 * A watch event as one line of text. A delete's kv.createRevision is left out: the contract only specifies its
 * modRevision (the delete's revision) and value (the last one).
 */
export function eventLine(e: WatchEvent): string {
  const created = e.type === "delete" ? "" : ` c${e.kv.createRevision}`;
  const prev =
    e.prev === undefined ? "" : ` prev(${text(e.prev.value)} c${e.prev.createRevision} m${e.prev.modRevision})`;
  return `@${e.kv.modRevision} ${e.type} ${e.kv.key} ${text(e.kv.value)}${created}${prev}`;
}

/** Compares two event sequences and, when they differ, says where and how. */
export function assertSequence(actual: readonly string[], expected: readonly string[], what: string): void {
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

// ---------------------------------------------------------------------------------------------------------------
// Recorder: a watch that records everything and checks the watch invariants as events arrive (callbacks must
// not throw, so violations are collected and asserted by the test).

export interface RecorderOptions {
  /** Called after each batch; when it returns true the recorder closes its watch from inside the callback. */
  readonly closeWhen?: (recorder: Recorder) => boolean;
}

export class Recorder {
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
export async function watchFails(
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
