/**
 * Compaction and the compacted revision. etcd does not tell its compaction point, so, like kube-apiserver,
 * we keep it in a key outside /registry/ ("compact_rev_key", value = the revision as decimal text) and
 * update it with a compare-and-swap Txn after each successful Compact. Writing that key takes a revision of
 * its own; watches under /registry/ never see it.
 */
import { StorageError } from "../errors.js";
import type { CallOptions, Connection } from "./connection.js";
import { toStorageError } from "./grpc-errors.js";
import { bytes, CompareResult, CompareTarget, toNumber, storeRevision } from "./wire.js";

export const COMPACT_KEY = "compact_rev_key";
const compactKey = bytes(COMPACT_KEY);

export interface CompactState {
  /** etcd's current revision as it reports it (1 before the first write). */
  readonly current: number;
  /** The last compaction recorded in COMPACT_KEY, 0 if none. */
  readonly compacted: number;
  /** COMPACT_KEY's mod revision (0 if absent), for the CAS. */
  readonly modRevision: number;
}

/** One small linearizable Range: tells the current revision and the compacted one. */
export async function readCompactState(conn: Connection, options: CallOptions = {}): Promise<CompactState> {
  const res = await conn.kv("Range", { key: compactKey }, { idempotent: true, ...options });
  const kv = res.kvs[0];
  return {
    current: toNumber(res.header.revision),
    compacted: kv ? parseRevision(kv.value) : 0,
    modRevision: kv ? toNumber(kv.mod_revision) : 0,
  };
}

export async function compact(conn: Connection, revision: number): Promise<void> {
  let state = await readCompactState(conn);
  if (revision === 0 || revision <= state.compacted) return;
  const current = storeRevision(state.current);
  if (revision > current) throw futureRevision(revision, current);
  try {
    // physical=false: returns once the compaction point is set; etcd frees the space in the background.
    await conn.kv("Compact", { revision, physical: false });
  } catch (error) {
    const e = toStorageError(error);
    if (e.code === "FutureRevision") throw futureRevision(revision, current);
    if (e.code !== "Compacted") throw e; // already compacted at or past `revision`: nothing to do
  }
  // Record it; concurrent compactions race on the key's mod revision and the highest revision stays.
  for (;;) {
    const res = await conn.kv("Txn", {
      compare: [
        { key: compactKey, target: CompareTarget.Mod, result: CompareResult.Equal, mod_revision: state.modRevision },
      ],
      success: [{ request_put: { key: compactKey, value: Buffer.from(String(revision)) } }],
      failure: [{ request_range: { key: compactKey } }],
    });
    if (res.succeeded) return;
    const kv = res.responses[0]?.response_range?.kvs[0];
    state = {
      current: toNumber(res.header.revision),
      compacted: kv ? parseRevision(kv.value) : 0,
      modRevision: kv ? toNumber(kv.mod_revision) : 0,
    };
    if (revision <= state.compacted) return;
  }
}

function futureRevision(revision: number, current: number): StorageError {
  return new StorageError("FutureRevision", `revision ${revision} is newer than the current revision ${current}`, {
    revision: current,
  });
}

function parseRevision(value: Buffer): number {
  const n = Number(value.toString("utf8"));
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}
