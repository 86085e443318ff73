/**
 * resource.Quantity parsing, comparison and canonical formatting: exact rational values on the
 * `<sign><digits>[.<digits>][suffix]` grammar (binary Ki…Ei, decimal n…E, or e/E exponents), with the format
 * upstream keeps for printing. Arithmetic for resource accounting: src/controllers/resourcequota/quantity.ts.
 */

/** How a quantity prints (resource.Format): the format of the text it was parsed from. */
export type QuantityFormat = "DecimalSI" | "BinarySI" | "DecimalExponent";

export interface Quantity {
  /** value = num / den, den > 0. */
  readonly num: bigint;
  readonly den: bigint;
  readonly format: QuantityFormat;
  /** resource.Quantity.String(): the canonical form (`0.5` → `500m`, `1024Mi` → `1Gi`, `2000` → `2k`). */
  readonly text: string;
}

const BINARY: Readonly<Record<string, bigint>> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};
const DECIMAL: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

const RE = /^([+-]?)(\d*)(?:\.(\d*))?(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

/**
 * Parsed quantities by their text. The same few (`100m`, `128Mi`) recur in every pod, and a parse allocates
 * BigInts and the canonical text; results are immutable, so they are shared. Emptied when full.
 */
const parsed = new Map<string, Quantity | undefined>();
const PARSED_CAPACITY = 1024;

export function parseQuantity(input: unknown): Quantity | undefined {
  if (typeof input === "number") return Number.isFinite(input) ? parseQuantity(String(input)) : undefined;
  if (typeof input !== "string") return undefined;
  if (parsed.has(input)) return parsed.get(input);
  const quantity = parse(input);
  if (parsed.size >= PARSED_CAPACITY) parsed.clear();
  parsed.set(input, quantity && Object.freeze(quantity));
  return quantity;
}

function parse(input: string): Quantity | undefined {
  const m = RE.exec(input.trim());
  if (!m) return undefined;
  const [, sign, whole = "", frac = "", suffix = ""] = m;
  if (whole === "" && frac === "") return undefined;
  let num = BigInt(`${whole || "0"}${frac}`);
  let den = 10n ** BigInt(frac.length);
  if (sign === "-") num = -num;
  let format: QuantityFormat = "DecimalSI";
  if (suffix in BINARY) {
    num *= BINARY[suffix]!;
    format = "BinarySI";
  } else {
    const exponent = suffix[0] === "e" || suffix[0] === "E";
    if (exponent) format = "DecimalExponent";
    const exp = suffix === "" ? 0 : exponent ? Number(suffix.slice(1)) : DECIMAL[suffix]!;
    if (exp >= 0) num *= 10n ** BigInt(exp);
    else den *= 10n ** BigInt(-exp);
  }
  return { num, den, format, text: formatQuantity({ num, den, format }) };
}

const DECIMAL_SUFFIX: Readonly<Record<number, string>> = {
  [-9]: "n",
  [-6]: "u",
  [-3]: "m",
  0: "",
  3: "k",
  6: "M",
  9: "G",
  12: "T",
  15: "P",
  18: "E",
};
const BINARY_SUFFIXES = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
const NANO = 10n ** 9n;

/**
 * Quantity.String(): values are rounded up (away from zero) to nano precision first, as upstream does; BinarySI
 * prints the largest power of 1024 that divides the value (decimal suffixes below 1024 or for fractions).
 */
export function formatQuantity({ num, den, format }: Pick<Quantity, "num" | "den" | "format">): string {
  const negative = num < 0n;
  const abs = negative ? -num : num;
  let nanos = (abs * NANO + den - 1n) / den;
  if (nanos === 0n) return "0";
  const sign = negative ? "-" : "";
  if (format === "BinarySI" && nanos % NANO === 0n && nanos / NANO >= 1024n) {
    let whole = nanos / NANO;
    let exponent = 0;
    while (whole % 1024n === 0n && exponent < BINARY_SUFFIXES.length - 1) {
      whole /= 1024n;
      exponent++;
    }
    return `${sign}${whole}${BINARY_SUFFIXES[exponent]}`;
  }
  // Decimal: mantissa × 10^exp with exp a multiple of 3 (the largest that keeps the mantissa integral).
  let exponent = -9;
  while (nanos % 1000n === 0n && exponent < 18) {
    nanos /= 1000n;
    exponent += 3;
  }
  if (format === "DecimalExponent") return `${sign}${nanos}${exponent === 0 ? "" : `e${exponent}`}`;
  return `${sign}${nanos}${DECIMAL_SUFFIX[exponent]}`;
}

/** -1, 0 or 1 as a is less than, equal to or greater than b. */
export function compareQuantities(a: Pick<Quantity, "num" | "den">, b: Pick<Quantity, "num" | "den">): number {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

export function isNegative(q: Quantity): boolean {
  return q.num < 0n;
}

export function isInteger(q: Quantity): boolean {
  return q.num % q.den === 0n;
}
