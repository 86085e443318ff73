/**
 * Field sets as sigs.k8s.io/structured-merge-diff/fieldpath models them: a trie of path elements with
 * "members" (paths in the set) and "children" (subtrees). Path elements are kept in their serialized,
 * canonical FieldsV1 form: `f:<name>`, `k:<json of key fields, sorted>`, `v:<json value>`, `i:<index>`.
 */
import { goMarshal, isObject, type JSONValue } from "../patch/gojson.js";

/** A path element in its canonical serialized form, e.g. `f:spec` or `k:{"name":"nginx"}`. */
export type PathElement = string;
export type Path = readonly PathElement[];

export function fieldPE(name: string): PathElement {
  return `f:${name}`;
}

export function keyPE(fields: Readonly<Record<string, JSONValue>>): PathElement {
  return `k:${goMarshal(fields as JSONValue)}`;
}

export function valuePE(value: JSONValue): PathElement {
  return `v:${goMarshal(value)}`;
}

export function indexPE(index: number): PathElement {
  return `i:${index}`;
}

/** Re-serializes a path element read from a client so that equal elements compare equal as strings. */
export function canonicalPE(raw: string): PathElement {
  if (raw.startsWith("f:")) return raw;
  // Stored managedFields repeat the same keys (container names, ports) on every write: remember them.
  let pe = canonical.get(raw);
  if (pe === undefined) {
    pe = canonicalize(raw);
    if (canonical.size >= CANONICAL_MEMO) canonical.clear();
    canonical.set(raw, pe);
  }
  return pe;
}

const CANONICAL_MEMO = 10_000;
const canonical = new Map<string, PathElement>();

function canonicalize(raw: string): PathElement {
  const kind = raw.slice(0, 2);
  const body = raw.slice(2);
  switch (kind) {
    case "f:":
      return raw;
    case "k:": {
      const parsed = JSON.parse(body) as unknown;
      if (!isObject(parsed as JSONValue)) throw new Error(`invalid key path element ${raw}`);
      return keyPE(parsed as Record<string, JSONValue>);
    }
    case "v:":
      return valuePE(JSON.parse(body) as JSONValue);
    case "i:":
      if (!/^\d+$/.test(body)) throw new Error(`invalid index path element ${raw}`);
      return indexPE(Number(body));
    default:
      throw new Error(`unknown path element kind in ${JSON.stringify(raw)}`);
  }
}

const KIND_ORDER: Record<string, number> = { "f:": 0, "k:": 1, "v:": 2, "i:": 3 };

function typeRank(v: JSONValue): number {
  if (typeof v === "number") return 0;
  if (typeof v === "string") return 1;
  if (typeof v === "boolean") return 2;
  if (Array.isArray(v)) return 3;
  if (v !== null) return 4;
  return 5;
}

/** value.Compare: a total order over values (numbers, strings, bools, lists, maps, null). */
export function compareValues(a: JSONValue, b: JSONValue): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareValues(a[i]!, b[i]!);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  if (isObject(a) && isObject(b)) return compareFieldLists(a, b);
  return 0;
}

function compareFieldLists(a: Record<string, JSONValue>, b: Record<string, JSONValue>): number {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  for (let i = 0; ; i++) {
    if (i >= ka.length && i >= kb.length) return 0;
    if (i >= ka.length) return -1;
    if (i >= kb.length) return 1;
    if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
    const c = compareValues(a[ka[i]!]!, b[kb[i]!]!);
    if (c !== 0) return c;
  }
}

/** PathElement.Compare: field names, then keys, then values, then indexes. */
export function comparePE(a: PathElement, b: PathElement): number {
  const ka = KIND_ORDER[a.slice(0, 2)] ?? 4;
  const kb = KIND_ORDER[b.slice(0, 2)] ?? 4;
  if (ka !== kb) return ka - kb;
  const ba = a.slice(2);
  const bb = b.slice(2);
  if (ka === 0) return ba < bb ? -1 : ba > bb ? 1 : 0;
  if (ka === 3) return Number(ba) - Number(bb);
  return compareValues(JSON.parse(ba) as JSONValue, JSON.parse(bb) as JSONValue);
}

/** PathElement.String: `.name`, `[name="nginx"]`, `[=value]`, `[3]`. */
export function peString(pe: PathElement): string {
  const body = pe.slice(2);
  switch (pe.slice(0, 2)) {
    case "f:":
      return `.${body}`;
    case "k:": {
      const fields = JSON.parse(body) as Record<string, JSONValue>;
      const parts = Object.keys(fields)
        .sort()
        .map((k) => `${k}=${goMarshal(fields[k]!)}`);
      return `[${parts.join(",")}]`;
    }
    case "v:":
      return `[=${goMarshal(JSON.parse(body) as JSONValue)}]`;
    default:
      return `[${body}]`;
  }
}

export function pathString(path: Path): string {
  return path.map(peString).join("");
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function unionOf(a: Iterable<PathElement>, b: Iterable<PathElement>): Set<PathElement> {
  const out = new Set(a);
  for (const pe of b) out.add(pe);
  return out;
}

/**
 * Path elements in PathElement.Compare order. Field names (the common case) order as plain strings; keys and
 * values are parsed once per sort rather than once per comparison.
 */
export function sortPEs(pes: Iterable<PathElement>): PathElement[] {
  const list = Array.isArray(pes) ? (pes as PathElement[]) : [...pes];
  if (list.every((pe) => pe.startsWith("f:"))) return list.sort(compareStrings);
  const decorated = list.map((pe) => {
    const kind = KIND_ORDER[pe.slice(0, 2)] ?? 4;
    const body = pe.slice(2);
    const value: JSONValue =
      kind === 1 || kind === 2 ? (JSON.parse(body) as JSONValue) : kind === 3 ? Number(body) : body;
    return { pe, kind, value };
  });
  decorated.sort((a, b) => {
    if (a.kind !== b.kind) return a.kind - b.kind;
    if (a.kind === 0 || a.kind === 3) return a.value! < b.value! ? -1 : a.value! > b.value! ? 1 : 0;
    return compareValues(a.value, b.value);
  });
  return decorated.map((d) => d.pe);
}

/** FieldsV1 encodings of sets (sets never change once built, and encodings are never changed either). */
const encodings = new WeakMap<FieldSet, Record<string, unknown>>();

export class FieldSet {
  readonly members = new Set<PathElement>();
  readonly children = new Map<PathElement, FieldSet>();

  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** Adds a path. Only for a set being built: sets returned by the operations below share subtrees. */
  insert(path: Path): void {
    const last = path.length - 1;
    if (last < 0) return;
    let children = this.children;
    let members = this.members;
    for (let i = 0; i < last; i++) {
      const pe = path[i]!;
      let child = children.get(pe);
      if (!child) {
        child = new FieldSet();
        children.set(pe, child);
      }
      children = child.children;
      members = child.members;
    }
    members.add(path[last]!);
  }

  has(path: Path): boolean {
    const [first, ...rest] = path;
    if (first === undefined) return false;
    if (rest.length === 0) return this.members.has(first);
    return this.children.get(first)?.has(rest) ?? false;
  }

  child(pe: PathElement): FieldSet | undefined {
    return this.children.get(pe);
  }

  isEmpty(): boolean {
    if (this.members.size > 0) return false;
    for (const c of this.children.values()) if (!c.isEmpty()) return false;
    return true;
  }

  private static build(members: Iterable<PathElement>, children: Iterable<[PathElement, FieldSet]>): FieldSet {
    const s = new FieldSet();
    for (const m of members) s.members.add(m);
    for (const [pe, c] of children) if (!c.isEmpty()) s.children.set(pe, c);
    return s;
  }

  // The operations return new sets that share unchanged subtrees with their inputs (sets are not changed once
  // built), so ownership bookkeeping over large objects copies only what differs.

  union(other: FieldSet): FieldSet {
    if (other.isEmpty()) return this;
    if (this.isEmpty()) return other;
    const children = new Map<PathElement, FieldSet>(this.children);
    for (const [pe, c] of other.children) {
      const mine = children.get(pe);
      children.set(pe, mine ? mine.union(c) : c);
    }
    return FieldSet.build(unionOf(this.members, other.members), children);
  }

  intersection(other: FieldSet): FieldSet {
    const children: [PathElement, FieldSet][] = [];
    for (const [pe, c] of this.children) {
      const o = other.children.get(pe);
      if (o) children.push([pe, c.intersection(o)]);
    }
    return FieldSet.build(
      [...this.members].filter((m) => other.members.has(m)),
      children,
    );
  }

  /** Set.Difference: removes exactly the paths of `other` (children of a removed member stay). */
  difference(other: FieldSet): FieldSet {
    if (other.members.size === 0 && other.children.size === 0) return this;
    const children: [PathElement, FieldSet][] = [];
    for (const [pe, c] of this.children) {
      const o = other.children.get(pe);
      children.push([pe, o ? c.difference(o) : c]);
    }
    return FieldSet.build(
      [...this.members].filter((m) => !other.members.has(m)),
      children,
    );
  }

  /** Set.RecursiveDifference: also removes everything below a member of `other`. */
  recursiveDifference(other: FieldSet): FieldSet {
    if (other.members.size === 0 && other.children.size === 0) return this;
    const children: [PathElement, FieldSet][] = [];
    for (const [pe, c] of this.children) {
      if (other.members.has(pe)) continue;
      const o = other.children.get(pe);
      children.push([pe, o ? c.recursiveDifference(o) : c]);
    }
    return FieldSet.build(
      [...this.members].filter((m) => !other.members.has(m)),
      children,
    );
  }

  equals(other: FieldSet): boolean {
    return this.difference(other).isEmpty() && other.difference(this).isEmpty();
  }

  /** Set.Iterate order: at each level the members (sorted), then each child subtree (sorted). */
  paths(prefix: Path = []): PathElement[][] {
    const out: PathElement[][] = sortPEs(this.members).map((m) => [...prefix, m]);
    for (const pe of sortPEs(this.children.keys())) {
      out.push(...this.children.get(pe)!.paths([...prefix, pe]));
    }
    return out;
  }

  /** The FieldsV1 encoding (serialize.go): `.` for a member that also has children, `{}` for a leaf member. */
  toFieldsV1(): Record<string, unknown> {
    let encoded = encodings.get(this);
    if (encoded === undefined) encodings.set(this, (encoded = this.emit(false)));
    return encoded;
  }

  private emit(includeSelf: boolean): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (includeSelf) out["."] = {};
    const pes = [...this.members];
    for (const pe of this.children.keys()) if (!this.members.has(pe)) pes.push(pe);
    for (const pe of sortPEs(pes)) {
      const child = this.children.get(pe);
      out[pe] = child && !child.isEmpty() ? child.emit(this.members.has(pe)) : {};
    }
    return out;
  }

  /** Reads a FieldsV1 object; throws on malformed input (upstream then treats the managedFields as invalid). */
  static fromFieldsV1(raw: unknown): FieldSet {
    const s = new FieldSet();
    readInto(s, raw);
    return s;
  }

  /**
   * Like fromFieldsV1, for FieldsV1 this server wrote (already canonical): while the set is unchanged it
   * encodes back to the very same object, so an entry no write touched costs no re-encoding.
   */
  static fromStoredFieldsV1(raw: unknown): FieldSet {
    const s = FieldSet.fromFieldsV1(raw);
    encodings.set(s, raw as Record<string, unknown>);
    return s;
  }
}

function readInto(s: FieldSet, raw: unknown): boolean {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new Error("FieldsV1 must be an object");
  let self = false;
  const entries = Object.entries(raw as Record<string, unknown>);
  for (const [key, value] of entries) {
    if (key === ".") {
      self = true;
      continue;
    }
    const pe = canonicalPE(key);
    const child = new FieldSet();
    const member = readInto(child, value);
    if (member) s.members.add(pe);
    if (!child.isEmpty()) s.children.set(pe, child);
  }
  return self || entries.length === 0;
}
