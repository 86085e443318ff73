/**
 * create/update/delete as single etcd Txns: the guard and the write are applied atomically, and the Txn's
 * header revision is the revision of the write. Returned values are copies (the caller may reuse its
 * buffer), except values from encodeJsonValue, which are never changed.
 */
import { StorageError } from "../errors.js";
import { isEncodedJsonValue } from "../validation.js";
import type { DeleteResult, KeyValue } from "../types.js";
import type { Connection } from "./connection.js";
import { bytes, CompareResult, CompareTarget, toNumber, toKeyValue, type Compare, type TxnResponse } from "./wire.js";

/** Txn(If create_revision(key) == 0 Then Put) — absent keys compare as all-zero in etcd. */
export async function createKey(conn: Connection, key: string, value: Buffer): Promise<KeyValue> {
  const k = bytes(key);
  const res = await conn.kv("Txn", {
    compare: [{ key: k, target: CompareTarget.Create, result: CompareResult.Equal, create_revision: 0 }],
    success: [{ request_put: { key: k, value } }],
    failure: [],
  });
  if (!res.succeeded) throw new StorageError("KeyExists", `${key} already exists`, { key });
  const revision = toNumber(res.header.revision);
  return { key, value: ownCopy(value), createRevision: revision, modRevision: revision };
}

/** Txn(If exists [and mod_revision == expected] Then Put(prev_kv) Else Range). */
export async function updateKey(
  conn: Connection,
  key: string,
  value: Buffer,
  expectedRevision: number | undefined,
): Promise<KeyValue> {
  const k = bytes(key);
  const res = await conn.kv("Txn", {
    compare: guard(k, expectedRevision),
    success: [{ request_put: { key: k, value, prev_kv: true } }],
    failure: [{ request_range: { key: k } }],
  });
  if (!res.succeeded) throw refused(key, expectedRevision, res);
  const revision = toNumber(res.header.revision);
  const prev = res.responses[0]?.response_put?.prev_kv;
  // prev_kv is always there (the guard saw the key); it tells the unchanged create revision.
  const createRevision = prev ? toNumber(prev.create_revision) : revision;
  return { key, value: ownCopy(value), createRevision, modRevision: revision };
}

/** Txn(If exists [and mod_revision == expected] Then DeleteRange(prev_kv) Else Range). */
export async function deleteKey(
  conn: Connection,
  key: string,
  expectedRevision: number | undefined,
): Promise<DeleteResult> {
  const k = bytes(key);
  const res = await conn.kv("Txn", {
    compare: guard(k, expectedRevision),
    success: [{ request_delete_range: { key: k, prev_kv: true } }],
    failure: [{ request_range: { key: k } }],
  });
  if (!res.succeeded) throw refused(key, expectedRevision, res);
  const prev = res.responses[0]?.response_delete_range?.prev_kvs[0];
  if (!prev) throw new StorageError("Unavailable", `etcd deleted ${key} without returning its previous value`);
  return { revision: toNumber(res.header.revision), prev: toKeyValue(prev) };
}

function ownCopy(value: Buffer): Buffer {
  return isEncodedJsonValue(value) ? value : Buffer.from(value);
}

function guard(key: Buffer, expectedRevision: number | undefined): Compare[] {
  // "exists" is needed even with an expected revision: an absent key has mod_revision 0.
  const compare: Compare[] = [{ key, target: CompareTarget.Create, result: CompareResult.Greater, create_revision: 0 }];
  if (expectedRevision !== undefined) {
    compare.push({ key, target: CompareTarget.Mod, result: CompareResult.Equal, mod_revision: expectedRevision });
  }
  return compare;
}

/** Why the guard failed, from the failure branch's Range. */
function refused(key: string, expectedRevision: number | undefined, res: TxnResponse): StorageError {
  const kv = res.responses[0]?.response_range?.kvs[0];
  if (!kv) return new StorageError("NotFound", `${key} not found`, { key });
  const current = toKeyValue(kv);
  return new StorageError(
    "Conflict",
    `${key} is at revision ${current.modRevision}, not the expected ${String(expectedRevision)}`,
    { key, current },
  );
}
