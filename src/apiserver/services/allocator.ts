/**
 * A range of values (ClusterIPs, NodePorts) handed out through the datastore: each allocated value is a
 * reservation key created only if absent, so concurrent creates — also on several API servers sharing one
 * etcd — never get the same value (upstream 1.33 does the same with IPAddress objects).
 */
import { randomInt } from "node:crypto";
import { isStorageError } from "../../storage/errors.js";
import { encodeJsonValue } from "../../storage/validation.js";
import type { Store } from "../../storage/types.js";

export interface RangeAllocatorOptions {
  readonly store: Store;
  /** Datastore prefix of the reservations, ending in "/". */
  readonly prefix: string;
  /** Number of offsets in the range; valid offsets are [first, last]. */
  readonly first: number;
  readonly last: number;
  /** Dynamic allocation prefers offsets from here on, keeping the low band for requested values (KEP-3070). */
  readonly dynamicFrom?: number;
  /** The value's name for an offset (e.g. "10.43.0.5" or "30080") and back (undefined: not of this range). */
  toName(offset: number): string;
  fromName(name: string): number | undefined;
}

export class RangeExhaustedError extends Error {}
export class AlreadyAllocatedError extends Error {}

export class RangeAllocator {
  constructor(private readonly options: RangeAllocatorOptions) {}

  get size(): number {
    return this.options.last - this.options.first + 1;
  }

  contains(offset: number): boolean {
    return Number.isInteger(offset) && offset >= this.options.first && offset <= this.options.last;
  }

  /** Reserve a given offset for `owner` ("namespace/name"); with dryRun only check it is free. */
  async allocate(offset: number, owner: string, dryRun: boolean): Promise<void> {
    const key = this.key(offset);
    if (dryRun) {
      if (await this.options.store.get(key)) throw new AlreadyAllocatedError(this.options.toName(offset));
      return;
    }
    try {
      await this.options.store.create(key, encodeJsonValue({ owner }));
    } catch (error) {
      if (isStorageError(error, "KeyExists")) throw new AlreadyAllocatedError(this.options.toName(offset));
      throw error;
    }
  }

  /** Reserve some free offset: random probes in the dynamic band first, then a scan of the whole range. */
  async allocateNext(owner: string, dryRun: boolean): Promise<number> {
    const { first, last } = this.options;
    const from = Math.min(Math.max(first, this.options.dynamicFrom ?? first), last);
    for (let i = 0; i < 16; i++) {
      const offset = randomInt(from, last + 1);
      if (await this.tryAllocate(offset, owner, dryRun)) return offset;
    }
    const used = new Set(await this.allocated());
    const start = randomInt(from, last + 1);
    for (let i = 0; i < this.size; i++) {
      const offset = first + ((start - first + i) % this.size);
      if (!used.has(offset) && (await this.tryAllocate(offset, owner, dryRun))) return offset;
    }
    throw new RangeExhaustedError("range is full");
  }

  async release(offset: number): Promise<void> {
    try {
      await this.options.store.delete(this.key(offset));
    } catch (error) {
      if (!isStorageError(error, "NotFound")) throw error;
    }
  }

  /** Every reserved offset. */
  async allocated(): Promise<number[]> {
    const { items } = await this.options.store.list(this.options.prefix);
    // Reservations of another range (e.g. an earlier --service-cidr) are not this allocator's.
    return items
      .map((kv) => this.options.fromName(kv.key.slice(this.options.prefix.length)))
      .filter((n): n is number => n !== undefined && this.contains(n));
  }

  private async tryAllocate(offset: number, owner: string, dryRun: boolean): Promise<boolean> {
    try {
      await this.allocate(offset, owner, dryRun);
      return true;
    } catch (error) {
      if (error instanceof AlreadyAllocatedError) return false;
      throw error;
    }
  }

  private key(offset: number): string {
    return `${this.options.prefix}${this.options.toName(offset)}`;
  }
}
