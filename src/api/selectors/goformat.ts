/**
 * Go's formatting of strings, as upstream's error messages print them: `%q` (strconv.Quote), `%#v` of a
 * `[]string`, and Go's byte-wise string ordering (sort.Strings) — so messages and canonical forms match
 * kube-apiserver byte for byte.
 */

const NAMED_ESCAPES: Readonly<Record<number, string>> = {
  0x07: "\\a",
  0x08: "\\b",
  0x0c: "\\f",
  0x0a: "\\n",
  0x0d: "\\r",
  0x09: "\\t",
  0x0b: "\\v",
  0x22: '\\"',
  0x5c: "\\\\",
};

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}

/** True for the code points Go's strconv.IsPrint accepts (approximated by Unicode categories L, M, N, P, S, Zs=' '). */
function isPrint(cp: number): boolean {
  if (cp === 0x20) return true;
  return /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(String.fromCodePoint(cp));
}

/** strconv.Quote / fmt `%q` of a string. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    const named = NAMED_ESCAPES[cp];
    if (named !== undefined) out += named;
    // A lone surrogate: Go's JSON decoding already made it U+FFFD, which is printable.
    else if (cp >= 0xd800 && cp <= 0xdfff) out += "\ufffd";
    else if (isPrint(cp)) out += ch;
    else if (cp < 0x80) out += `\\x${hex(cp, 2)}`;
    else if (cp < 0x10000) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return out + '"';
}

/** fmt `%#v` of a `[]string`: `[]string(nil)`, `[]string{}`, `[]string{"a", "b"}`. */
export function goStringSlice(values: readonly string[] | null): string {
  if (values === null) return "[]string(nil)";
  return `[]string{${values.map(goQuote).join(", ")}}`;
}

/** Go's `<` on strings (byte-wise UTF-8 order, which is code point order), for sort.Strings equivalence. */
export function compareGo(a: string, b: string): number {
  if (a === b) return 0;
  // UTF-16 code units order like code points unless a surrogate (half of a code point above U+FFFF) is
  // where the strings first differ: compare the common case unit by unit, without allocating.
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (isSurrogate(x) || isSurrogate(y)) return compareCodePoints(a, b);
    return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

function isSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit < 0xe000;
}

function compareCodePoints(a: string, b: string): number {
  const ai = a[Symbol.iterator]();
  const bi = b[Symbol.iterator]();
  for (;;) {
    const x = ai.next();
    const y = bi.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

/** `keys` in Go's sort.Strings order, sorted in place; no work (nor allocation) when they already are. */
export function sortGo(keys: string[]): string[] {
  for (let i = 1; i < keys.length; i++) {
    if (compareGo(keys[i - 1]!, keys[i]!) > 0) return keys.sort(compareGo);
  }
  return keys;
}

/** Go's len() of a string: its UTF-8 byte length. */
export function goLen(s: string): number {
  return Buffer.byteLength(s, "utf8");
}
