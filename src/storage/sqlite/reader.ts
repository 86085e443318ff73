/**
 * Every read: get, list (current or historical snapshot), count, and the history pages a watch replays.
 * All of them are single synchronous calls on the one connection, so each sees exactly the state after
 * the last commit — writes only commit inside the writer's synchronous flush.
 */
import type { KeyValue, WatchEvent } from "../types.js";
import type { Db } from "./schema.js";

type KvRow = [name: string, id: number, createRevision: number, value: Buffer];

export interface ListPage {
  readonly items: KeyValue[];
  readonly more: boolean;
  readonly count: number;
}

export interface ListQuery {
  /** Exclusive lower bound: the prefix itself (never a key) or the `after` key. */
  readonly lo: string;
  /** Exclusive upper bound: `prefixEnd(prefix)`. */
  readonly hi: string;
  /** 0 = no limit. */
  readonly limit: number;
  readonly revision: number;
  /** True when `revision` is the current one: read `cur` directly instead of looking back in history. */
  readonly current: boolean;
}

// Current state: range scan of cur's primary key, one rowid lookup per item.
const LIST_CURRENT = `
SELECT c.name, k.id, k.create_revision, k.value FROM cur c JOIN kv k ON k.id = c.id
WHERE c.name > @lo AND c.name < @hi AND c.deleted = 0 ORDER BY c.name LIMIT @limit`;
const COUNT_CURRENT = `SELECT count(*) FROM cur WHERE name > @lo AND name < @hi AND deleted = 0`;

// At revision R: every name that may have existed at R is still in cur (a name leaves cur only when its
// tombstone is compacted, and R >= the compacted revision); per name, one seek in kv_name_id finds the
// newest row <= R.
const AT_REVISION = `
FROM cur c JOIN kv k ON k.id =
  (SELECT id FROM kv WHERE name = c.name AND id <= @revision ORDER BY id DESC LIMIT 1)
WHERE c.name > @lo AND c.name < @hi AND k.deleted = 0`;
const LIST_AT = `SELECT c.name, k.id, k.create_revision, k.value ${AT_REVISION} ORDER BY c.name LIMIT @limit`;
const COUNT_AT = `SELECT count(*) ${AT_REVISION}`;

const GET = `
SELECT c.name, k.id, k.create_revision, k.value FROM cur c JOIN kv k ON k.id = c.id
WHERE c.name = ? AND c.deleted = 0`;

// Replay: a bounded id range (so a page never scans more than `to - from` rows), joined with the row each
// change replaced.
const HISTORY = `
SELECT k.id, k.name, k.created, k.deleted, k.create_revision, k.value, k.prev_revision,
       p.create_revision, p.value
FROM kv k LEFT JOIN kv p ON p.id = k.prev_revision
WHERE k.id > @from AND k.id <= @to AND k.name > @lo AND k.name < @hi ORDER BY k.id LIMIT @limit`;

type HistoryRow = [
  id: number,
  name: string,
  created: number,
  deleted: number,
  createRevision: number,
  value: Buffer | null,
  prevRevision: number,
  prevCreateRevision: number | null,
  prevValue: Buffer | null,
];

interface Range {
  lo: string;
  hi: string;
}

const EMPTY = Buffer.alloc(0);

export class Reader {
  private readonly listCurrent;
  private readonly countCurrent;
  private readonly listAt;
  private readonly countAt;
  private readonly getOne;
  private readonly historyPage;

  constructor(db: Db) {
    this.listCurrent = db.prepare<Range & { limit: number }, KvRow>(LIST_CURRENT).raw(true);
    this.countCurrent = db.prepare<Range, number>(COUNT_CURRENT).pluck(true);
    this.listAt = db.prepare<Range & { limit: number; revision: number }, KvRow>(LIST_AT).raw(true);
    this.countAt = db.prepare<Range & { revision: number }, number>(COUNT_AT).pluck(true);
    this.getOne = db.prepare<[string], KvRow>(GET).raw(true);
    this.historyPage = db.prepare<Range & { from: number; to: number; limit: number }, HistoryRow>(HISTORY).raw(true);
  }

  get(key: string): KeyValue | undefined {
    const row = this.getOne.get(key);
    return row && toKeyValue(row);
  }

  list(q: ListQuery): ListPage {
    const range = { lo: q.lo, hi: q.hi };
    // One extra row tells whether more remain; -1 is SQLite's "no limit".
    const limit = q.limit > 0 ? q.limit + 1 : -1;
    const rows = q.current
      ? this.listCurrent.all({ ...range, limit })
      : this.listAt.all({ ...range, limit, revision: q.revision });
    const more = q.limit > 0 && rows.length > q.limit;
    if (more) rows.length = q.limit;
    const count = !more
      ? rows.length
      : q.current
        ? (this.countCurrent.get(range) ?? 0)
        : (this.countAt.get({ ...range, revision: q.revision }) ?? 0);
    return { items: rows.map(toKeyValue), more, count };
  }

  count(lo: string, hi: string): number {
    return this.countCurrent.get({ lo, hi }) ?? 0;
  }

  /** Changes under (lo, hi) with from < revision <= to, oldest first, at most `limit`. */
  history(lo: string, hi: string, from: number, to: number, limit: number): WatchEvent[] {
    return this.historyPage.all({ lo, hi, from, to, limit }).map(toEvent);
  }
}

function toKeyValue([key, modRevision, createRevision, value]: KvRow): KeyValue {
  return { key, value, createRevision, modRevision };
}

function toEvent(row: HistoryRow): WatchEvent {
  const [id, key, created, deleted, createRevision, value, prevRevision, prevCreate, prevValue] = row;
  const prev: KeyValue | undefined =
    created === 0 && prevRevision > 0 && prevCreate !== null
      ? { key, value: prevValue ?? EMPTY, createRevision: prevCreate, modRevision: prevRevision }
      : undefined;
  if (deleted !== 0) {
    return { type: "delete", kv: { key, value: prev?.value ?? EMPTY, createRevision, modRevision: id }, prev };
  }
  const kv = { key, value: value ?? EMPTY, createRevision, modRevision: id };
  return created !== 0 ? { type: "create", kv } : { type: "update", kv, prev };
}
