/** get/list/count as etcd Ranges (linearizable: served after the leader confirms it is still leader). */
import type { KeyValue, ListResult } from "../types.js";
import { prefixEnd } from "../validation.js";
import type { Connection } from "./connection.js";
import { bytes, toNumber, storeRevision, toKeyValue } from "./wire.js";

export async function getKey(conn: Connection, key: string): Promise<KeyValue | undefined> {
  const res = await conn.kv("Range", { key: bytes(key) }, { idempotent: true });
  const kv = res.kvs[0];
  return kv && toKeyValue(kv);
}

/**
 * Range [prefix or after+"\0", prefixEnd(prefix)) at `revision` (0: now, and the answer's header tells
 * which revision "now" was, so the next page can be read at the same one). etcd's `count` is the number of
 * keys in the requested range whatever the limit, and `more` whether the limit cut it short.
 */
export async function listKeys(
  conn: Connection,
  prefix: string,
  after: string | undefined,
  limit: number,
  revision: number,
): Promise<ListResult> {
  const start = after === undefined ? bytes(prefix) : Buffer.concat([bytes(after), Buffer.from([0])]);
  const res = await conn.kv(
    "Range",
    { key: start, range_end: bytes(prefixEnd(prefix)), limit, revision },
    { idempotent: true },
  );
  return {
    items: res.kvs.map((kv) => toKeyValue(kv)),
    revision: revision === 0 ? storeRevision(toNumber(res.header.revision)) : revision,
    more: res.more,
    count: toNumber(res.count),
  };
}

export async function countKeys(conn: Connection, prefix: string): Promise<number> {
  const res = await conn.kv(
    "Range",
    { key: bytes(prefix), range_end: bytes(prefixEnd(prefix)), count_only: true },
    { idempotent: true },
  );
  return toNumber(res.count);
}
