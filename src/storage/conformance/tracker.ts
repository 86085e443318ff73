/**
 * The acknowledged history of a test's writes: a Tracker performs writes, checks what each one returns and
 * records it, so expected lists and watch sequences are computed from acknowledgements, never from timing.
 */
import assert from "node:assert/strict";
import type { DeleteResult, KeyValue, Store, WatchEventType } from "../types.js";
import { assertRevision, random, text } from "./helpers.js";

export interface Plain {
  readonly key: string;
  readonly value: string;
  readonly createRevision: number;
  readonly modRevision: number;
}

export function plain(kv: KeyValue): Plain {
  return { key: kv.key, value: text(kv.value), createRevision: kv.createRevision, modRevision: kv.modRevision };
}

export const byKey = (a: { key: string }, b: { key: string }): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** The state of a key as the tests know it. */
export interface State {
  readonly value: string;
  readonly createRevision: number;
  readonly modRevision: number;
}

/** One acknowledged write. */
export interface Ack {
  readonly type: WatchEventType;
  readonly key: string;
  /** create/update: the new value; delete: the last value. */
  readonly value: string;
  readonly revision: number;
  readonly createRevision: number;
  readonly prev?: State;
}

export function ackLine(a: Ack): string {
  const created = a.type === "delete" ? "" : ` c${a.createRevision}`;
  const prev = a.prev === undefined ? "" : ` prev(${a.prev.value} c${a.prev.createRevision} m${a.prev.modRevision})`;
  return `@${a.revision} ${a.type} ${a.key} ${a.value}${created}${prev}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Tracker: performs writes, checks what each one returns, and records the acknowledged history.

export class Tracker {
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
export class Gate {
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
export async function randomWriter(
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

/** Writes a marker key under `prefix` and returns its revision; a watcher that reached it has seen all before it. */
let markerCount = 0;
export async function endMarker(t: Tracker, prefix: string): Promise<number> {
  const kv = await t.create(`${prefix}~end-${++markerCount}`, { end: markerCount });
  return kv.modRevision;
}
