/**
 * Values this store is writing, by key, so that the watch event etcd sends back for such a write carries
 * the very Buffer the writer handed in, as the SQLite store's events do. The API server recognizes its own
 * encoded values by identity (it knows their served JSON and decoded object), so the event then costs no
 * JSON parse and no second serialization. Only values from `encodeJsonValue` qualify (never changed after
 * the hand-over), and only when the event's bytes are equal: the substitution is invisible otherwise.
 */
import { isEncodedJsonValue } from "../validation.js";

/** Far more than the writes in flight; only reached when no watch covers the keys written. */
const CAPACITY = 1024;

export class OwnWrites {
  private readonly values = new Map<string, Buffer>();

  constructor(private readonly capacity = CAPACITY) {}

  get size(): number {
    return this.values.size;
  }

  /** Before sending a write of `value` to `key`. */
  remember(key: string, value: Buffer): void {
    if (!isEncodedJsonValue(value)) return;
    this.values.delete(key); // re-inserted last: the oldest entry is the first one evicted
    this.values.set(key, value);
    if (this.values.size > this.capacity) this.values.delete(this.values.keys().next().value as string);
  }

  /** The write of `value` to `key` failed: no event will carry it. */
  forget(key: string, value: Buffer): void {
    if (this.values.get(key) === value) this.values.delete(key);
  }

  /** The remembered value of `key` if it has exactly these bytes (it is then forgotten), else `bytes`. */
  take(key: string, bytes: Buffer): Buffer {
    const own = this.values.get(key);
    if (own === undefined || own.length !== bytes.length || !own.equals(bytes)) return bytes;
    this.values.delete(key);
    return own;
  }
}
