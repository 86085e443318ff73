/**
 * The etcd v3 messages this backend sends and receives, as protobufjs decodes them (see proto.ts:
 * snake_case fields, int64 as Long objects, enums as numbers, bytes as Buffers, absent messages as null),
 * and the conversions to the storage types.
 */
import { StorageError } from "../errors.js";
import type { KeyValue, WatchEvent } from "../types.js";
import type { OwnWrites } from "./own-writes.js";

/** An int64 from the wire: a Long (protobufjs with the `long` package), or a number. */
export type WireInt64 = number | { readonly low: number; readonly high: number };

/** An int64 we send: a number. */
export type Int64 = number;

export interface ResponseHeader {
  readonly revision: WireInt64;
}

export interface WireKeyValue {
  readonly key: Buffer;
  readonly value: Buffer;
  readonly create_revision: WireInt64;
  readonly mod_revision: WireInt64;
}

export interface RangeRequest {
  readonly key: Buffer;
  readonly range_end?: Buffer;
  readonly limit?: Int64;
  readonly revision?: Int64;
  readonly count_only?: boolean;
  readonly keys_only?: boolean;
}

export interface RangeResponse {
  readonly header: ResponseHeader;
  readonly kvs: WireKeyValue[];
  readonly more: boolean;
  readonly count: WireInt64;
}

export interface PutRequest {
  readonly key: Buffer;
  readonly value: Buffer;
  readonly prev_kv?: boolean;
}

export interface DeleteRangeRequest {
  readonly key: Buffer;
  readonly prev_kv?: boolean;
}

/** etcd's Compare.CompareTarget and Compare.CompareResult enums. */
export const CompareTarget = { Version: 0, Create: 1, Mod: 2, Value: 3 } as const;
export const CompareResult = { Equal: 0, Greater: 1, Less: 2, NotEqual: 3 } as const;

export interface Compare {
  readonly key: Buffer;
  readonly target: (typeof CompareTarget)[keyof typeof CompareTarget];
  readonly result: (typeof CompareResult)[keyof typeof CompareResult];
  readonly version?: Int64;
  readonly create_revision?: Int64;
  readonly mod_revision?: Int64;
}

export type RequestOp =
  | { readonly request_range: RangeRequest }
  | { readonly request_put: PutRequest }
  | { readonly request_delete_range: DeleteRangeRequest };

export interface TxnRequest {
  readonly compare: Compare[];
  readonly success: RequestOp[];
  readonly failure: RequestOp[];
}

/** The unset members of the oneof are null. */
export interface ResponseOp {
  readonly response_range: RangeResponse | null;
  readonly response_put: { readonly header: ResponseHeader; readonly prev_kv: WireKeyValue | null } | null;
  readonly response_delete_range: { readonly header: ResponseHeader; readonly prev_kvs: WireKeyValue[] } | null;
}

export interface TxnResponse {
  readonly header: ResponseHeader;
  readonly succeeded: boolean;
  readonly responses: ResponseOp[];
}

export interface CompactionRequest {
  readonly revision: Int64;
  readonly physical: boolean;
}

export interface WatchCreateRequest {
  readonly key: Buffer;
  readonly range_end: Buffer;
  readonly start_revision: Int64;
  readonly progress_notify: boolean;
  readonly prev_kv: boolean;
}

export interface WatchRequest {
  readonly create_request: WatchCreateRequest;
}

/** mvccpb.Event.EventType */
export const EventType = { Put: 0, Delete: 1 } as const;

export interface WireEvent {
  readonly type: (typeof EventType)[keyof typeof EventType];
  readonly kv: WireKeyValue;
  readonly prev_kv: WireKeyValue | null;
}

export interface WatchResponse {
  readonly header: ResponseHeader | null;
  readonly created: boolean;
  readonly canceled: boolean;
  readonly compact_revision: WireInt64;
  readonly cancel_reason: string;
  readonly events: WireEvent[];
}

/** An int64 from the wire (a revision or a count) as a JS number: safe up to 2^53, ~285 years at 1M writes/s. */
export function toNumber(value: WireInt64 | undefined | null): number {
  const n = typeof value === "object" && value !== null ? value.high * 2 ** 32 + (value.low >>> 0) : Number(value ?? 0);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new StorageError("Unavailable", `etcd answered a number that is not a safe integer: ${String(value)}`);
  }
  return n;
}

/**
 * etcd starts at revision 1 before any write; the contract says 0 for an empty store. Every write gets a
 * revision of at least 2, so mapping 1 to 0 loses nothing.
 */
export function storeRevision(etcdRevision: number): number {
  return etcdRevision <= 1 ? 0 : etcdRevision;
}

/** `ownWrites`: take the value from there when this store is writing these very bytes. */
export function toKeyValue(kv: WireKeyValue, ownWrites?: OwnWrites): KeyValue {
  const key = kv.key.toString("utf8");
  // protobufjs gives an absent bytes field as an empty array, not a Buffer
  const value = Buffer.isBuffer(kv.value) ? kv.value : Buffer.from(kv.value);
  return {
    key,
    value: ownWrites ? ownWrites.take(key, value) : value,
    createRevision: toNumber(kv.create_revision),
    modRevision: toNumber(kv.mod_revision),
  };
}

export function bytes(key: string): Buffer {
  return Buffer.from(key, "utf8");
}

/**
 * An etcd event as a storage event, or undefined when etcd could not attach the previous value (it reads
 * it at revision-1, which a compaction may already have removed).
 */
export function toWatchEvent(event: WireEvent, ownWrites?: OwnWrites): WatchEvent | undefined {
  const kv = toKeyValue(event.kv, event.type === EventType.Put ? ownWrites : undefined);
  const prev = event.prev_kv ? toKeyValue(event.prev_kv) : undefined;
  if (event.type === EventType.Delete) {
    if (!prev) return undefined;
    // etcd's tombstone has only the key and the delete's revision; the contract wants the last value.
    const deleted = {
      key: kv.key,
      value: prev.value,
      createRevision: prev.createRevision,
      modRevision: kv.modRevision,
    };
    return { type: "delete", kv: deleted, prev };
  }
  if (kv.createRevision === kv.modRevision) return { type: "create", kv };
  return prev ? { type: "update", kv, prev } : undefined;
}
