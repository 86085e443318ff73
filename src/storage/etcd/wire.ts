/**
 * The etcd v3 messages this backend sends and receives, as @grpc/proto-loader decodes them (see proto.ts:
 * snake_case fields, int64 as decimal strings, enums as their names, bytes as Buffers), and the
 * conversions to the storage types.
 */
import { StorageError } from "../errors.js";
import type { KeyValue, WatchEvent } from "../types.js";

/** An int64 on the wire: we send numbers, etcd's answers arrive as decimal strings. */
export type Int64 = string | number;

export interface ResponseHeader {
  readonly revision: string;
}

export interface WireKeyValue {
  readonly key: Buffer;
  readonly value: Buffer;
  readonly create_revision: string;
  readonly mod_revision: string;
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
  readonly count: string;
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

export interface Compare {
  readonly key: Buffer;
  readonly target: "Version" | "Create" | "Mod";
  readonly result: "Equal" | "Greater" | "Less" | "NotEqual";
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

/** With `oneofs: true` the unset members are null. */
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

export interface WireEvent {
  readonly type: "Put" | "Delete";
  readonly kv: WireKeyValue;
  readonly prev_kv: WireKeyValue | null;
}

export interface WatchResponse {
  readonly header: ResponseHeader | null;
  readonly created: boolean;
  readonly canceled: boolean;
  readonly compact_revision: string;
  readonly cancel_reason: string;
  readonly events: WireEvent[];
}

/** An int64 from the wire (a revision or a count) as a JS number: safe up to 2^53, ~285 years at 1M writes/s. */
export function toNumber(value: Int64 | undefined | null): number {
  const n = Number(value ?? 0);
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

export function toKeyValue(kv: WireKeyValue): KeyValue {
  return {
    key: kv.key.toString("utf8"),
    value: kv.value,
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
export function toWatchEvent(event: WireEvent): WatchEvent | undefined {
  const kv = toKeyValue(event.kv);
  const prev = event.prev_kv ? toKeyValue(event.prev_kv) : undefined;
  if (event.type === "Delete") {
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
