/**
 * Go-compatible pieces the patch code needs to answer with upstream's exact messages: JSON parsing that fails
 * with encoding/json's syntax-error texts, `%v` formatting of decoded values, and reflect type names.
 */

export type JSONValue = null | boolean | number | string | JSONValue[] | { [key: string]: JSONValue };
export type JSONObject = { [key: string]: JSONValue };

export class GoJSONSyntaxError extends Error {}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** Go's quoteChar: how encoding/json names an offending byte. */
export function quoteChar(c: number): string {
  if (c === 0x27) return `'\\''`;
  if (c === 0x22) return `'"'`;
  const named: Record<number, string> = { 7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r" };
  if (named[c]) return `'${named[c]}'`;
  if (c === 0x5c) return `'\\\\'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, "0")}'`;
  if (c >= 0x80 && (c < 0xa0 || c === 0xad)) return `'\\u00${c.toString(16).padStart(2, "0")}'`;
  return `'${String.fromCharCode(c)}'`;
}

/** Validates like encoding/json's scanner (checkValid), throwing its error text; the input is UTF-8 bytes. */
function checkValid(b: Uint8Array): void {
  let i = 0;
  const eof = (): never => {
    throw new GoJSONSyntaxError("unexpected end of JSON input");
  };
  const bad = (context: string): never => {
    throw new GoJSONSyntaxError(`invalid character ${quoteChar(b[i]!)} ${context}`);
  };
  const skip = (): void => {
    while (i < b.length && WS.has(b[i]!)) i++;
  };
  const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;
  const literal = (word: string): void => {
    for (let k = 1; k < word.length; k++) {
      i++;
      if (i >= b.length) eof();
      if (b[i] !== word.charCodeAt(k)) bad(`in literal ${word} (expecting '${word[k]}')`);
    }
    i++;
  };
  const string = (): void => {
    i++; // opening quote
    for (;;) {
      if (i >= b.length) eof();
      const c = b[i]!;
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) bad("in string literal");
      if (c === 0x5c) {
        i++;
        if (i >= b.length) eof();
        const e = b[i]!;
        if (e === 0x75) {
          for (let k = 0; k < 4; k++) {
            i++;
            if (i >= b.length) eof();
            if (!/[0-9a-fA-F]/.test(String.fromCharCode(b[i]!))) bad("in \\u hexadecimal character escape");
          }
        } else if (!'"\\/bfnrt'.includes(String.fromCharCode(e))) bad("in string escape code");
      }
      i++;
    }
  };
  const number = (): void => {
    if (b[i] === 0x2d) {
      i++;
      if (i >= b.length) eof();
      if (!isDigit(b[i])) bad("in numeric literal");
    }
    if (b[i] === 0x30) i++;
    else while (isDigit(b[i])) i++;
    if (b[i] === 0x2e) {
      i++;
      if (i >= b.length) eof();
      if (!isDigit(b[i])) bad("after decimal point in numeric literal");
      while (isDigit(b[i])) i++;
    }
    if (b[i] === 0x65 || b[i] === 0x45) {
      i++;
      if (b[i] === 0x2b || b[i] === 0x2d) i++;
      if (i >= b.length) eof();
      if (!isDigit(b[i])) bad("in exponent of numeric literal");
      while (isDigit(b[i])) i++;
    }
  };
  const value = (): void => {
    skip();
    if (i >= b.length) eof();
    const c = b[i]!;
    if (c === 0x7b) {
      i++;
      skip();
      if (i >= b.length) eof();
      if (b[i] === 0x7d) {
        i++;
        return;
      }
      for (;;) {
        if (i >= b.length) eof();
        if (b[i] !== 0x22) bad("looking for beginning of object key string");
        string();
        skip();
        if (i >= b.length) eof();
        if (b[i] !== 0x3a) bad("after object key");
        i++;
        value();
        skip();
        if (i >= b.length) eof();
        if (b[i] === 0x7d) {
          i++;
          return;
        }
        if (b[i] !== 0x2c) bad("after object key:value pair");
        i++;
        skip();
      }
    }
    if (c === 0x5b) {
      i++;
      skip();
      if (i >= b.length) eof();
      if (b[i] === 0x5d) {
        i++;
        return;
      }
      for (;;) {
        value();
        skip();
        if (i >= b.length) eof();
        if (b[i] === 0x5d) {
          i++;
          return;
        }
        if (b[i] !== 0x2c) bad("after array element");
        i++;
      }
    }
    if (c === 0x22) return string();
    if (c === 0x2d || isDigit(c)) return number();
    if (c === 0x74) return literal("true");
    if (c === 0x66) return literal("false");
    if (c === 0x6e) return literal("null");
    bad("looking for beginning of value");
  };
  value();
  skip();
  if (i < b.length) bad("after top-level value");
}

/** JSON.parse with encoding/json's syntax errors (thrown as GoJSONSyntaxError). */
export function parseGoJSON(input: Buffer | string): JSONValue {
  const bytes = typeof input === "string" ? Buffer.from(input, "utf8") : input;
  checkValid(bytes);
  return JSON.parse(bytes.toString("utf8")) as JSONValue;
}

export function isObject(v: unknown): v is JSONObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The JSON kind Go's decoder names in "cannot unmarshal X into …". */
export function jsonKind(v: JSONValue): "object" | "array" | "string" | "number" | "bool" | "null" {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "boolean") return "bool";
  return typeof v as "object" | "string" | "number";
}

/** reflect.TypeOf(v).String() for a value decoded into interface{} (integers preserved as int64). */
export function goTypeName(v: JSONValue | undefined): string {
  if (v === null || v === undefined) return "%!s(<nil>)";
  if (Array.isArray(v)) return "[]interface {}";
  if (typeof v === "object") return "map[string]interface {}";
  if (typeof v === "number") return Number.isInteger(v) ? "int64" : "float64";
  return typeof v === "boolean" ? "bool" : "string";
}

function goFloat(f: number): string {
  if (!Number.isFinite(f)) return f > 0 ? "+Inf" : f < 0 ? "-Inf" : "NaN";
  const exp = f === 0 ? 0 : Math.floor(Math.log10(Math.abs(f)));
  if (exp < -4 || exp >= 21) {
    const [m, e] = f.toExponential().split("e");
    const n = Number(e);
    return `${m}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
  }
  return String(f);
}

/** fmt's `%v` of a value decoded into interface{}: `map[a:1 b:[x y]]`, `<nil>`, … */
export function goFormat(v: JSONValue | undefined): string {
  if (v === null || v === undefined) return "<nil>";
  if (Array.isArray(v)) return `[${v.map(goFormat).join(" ")}]`;
  if (typeof v === "object") {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${goFormat(v[k])}`).join(" ")}]`;
  }
  if (typeof v === "number") return Number.isInteger(v) && Math.abs(v) < 1e21 ? String(v) : goFloat(v);
  return String(v);
}

/** Own-property access that is safe for keys such as "__proto__". */
export function getOwn(o: JSONObject, k: string): JSONValue | undefined {
  return Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;
}

export function hasOwn(o: JSONObject, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

export function setOwn(o: JSONObject, k: string, v: JSONValue): void {
  if (k === "__proto__")
    Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  else o[k] = v;
}

/** Go's `==` on interface{} values holding scalars (maps and slices never compare equal here). */
export function scalarEqual(a: JSONValue | undefined, b: JSONValue | undefined): boolean {
  if (typeof a === "object" && a !== null) return false;
  if (typeof b === "object" && b !== null) return false;
  return a === b;
}

/** Deep structural equality of decoded JSON. */
export function deepEqual(a: JSONValue | undefined, b: JSONValue | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

export function clone<T extends JSONValue>(v: T): T {
  return structuredClone(v);
}

/** strconv.Quote (fmt's `%q`) for the ASCII range; other printable characters are kept as they are. */
export function goQuote(s: string): string {
  const named: Record<string, string> = {
    "\u0007": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\u000b": "\\v",
    '"': '\\"',
    "\\": "\\\\",
  };
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (named[ch]) out += named[ch];
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, "0")}`;
    else if (c >= 0x80 && c < 0xa0) out += `\\u00${c.toString(16)}`;
    else out += ch;
  }
  return `${out}"`;
}

/** encoding/json's Marshal of a decoded value: compact, map keys sorted, HTML characters escaped. */
/** Characters Go's encoding/json escapes that JSON.stringify leaves as they are. */
const GO_ESCAPED = /[<>&\u2028\u2029]/;
const GO_ESCAPED_ALL = /[<>&\u2028\u2029]/g;

export function goMarshal(v: JSONValue): string {
  if (Array.isArray(v)) return `[${v.map(goMarshal).join(",")}]`;
  if (isObject(v)) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${goMarshal(k)}:${goMarshal(v[k]!)}`).join(",")}}`;
  }
  if (typeof v === "string") {
    const json = JSON.stringify(v);
    if (!GO_ESCAPED.test(json)) return json;
    return json.replace(GO_ESCAPED_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  }
  return JSON.stringify(v);
}
