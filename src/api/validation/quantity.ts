/**
 * Just enough of resource.Quantity to compare requests with limits: exact rational arithmetic on the
 * `<sign><digits>[.<digits>][suffix]` grammar (binary Ki…Ei, decimal n…E, or e/E exponents).
 */

export interface Quantity {
  /** value = num / den, den > 0. */
  readonly num: bigint;
  readonly den: bigint;
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

export function parseQuantity(input: unknown): Quantity | undefined {
  if (typeof input === "number") return Number.isFinite(input) ? parseQuantity(String(input)) : undefined;
  if (typeof input !== "string") return undefined;
  const m = RE.exec(input.trim());
  if (!m) return undefined;
  const [, sign, whole = "", frac = "", suffix = ""] = m;
  if (whole === "" && frac === "") return undefined;
  let num = BigInt(`${whole || "0"}${frac}`);
  let den = 10n ** BigInt(frac.length);
  if (sign === "-") num = -num;
  let format: Format = "DecimalSI";
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
  return { num, den, text: canonical(num, den, format) };
}

type Format = "DecimalSI" | "BinarySI" | "DecimalExponent";

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
const BINARY_SUFFIXES: readonly (readonly [string, bigint])[] = Object.entries(BINARY)
  .map(([k, v]) => [k, v] as const)
  .reverse();

/** Quantity.String() for the usual cases: values are rounded up to nano precision first, as upstream does. */
function canonical(num: bigint, den: bigint, format: Format): string {
  const neg = num < 0n;
  let n = neg ? -num : num;
  // Scale to an integer count of 10^-9 units, rounding up (resource.Quantity keeps at most nano precision).
  let nanos = (n * 10n ** 9n + den - 1n) / den;
  if (nanos === 0n) return "0";
  if (format === "BinarySI" && nanos % 10n ** 9n === 0n) {
    n = nanos / 10n ** 9n;
    if (n >= 1024n) {
      for (const [suffix, mult] of BINARY_SUFFIXES) {
        if (n % mult === 0n) return `${neg ? "-" : ""}${n / mult}${suffix}`;
      }
    }
  }
  // Decimal: mantissa × 10^exp with exp a multiple of 3 (the largest that keeps the mantissa integral).
  let exp = -9;
  while (nanos % 1000n === 0n && exp < 18) {
    nanos /= 1000n;
    exp += 3;
  }
  const suffix = format === "DecimalExponent" ? (exp === 0 ? "" : `e${exp}`) : DECIMAL_SUFFIX[exp]!;
  return `${neg ? "-" : ""}${nanos}${suffix}`;
}

export function compareQuantities(a: Quantity, b: Quantity): number {
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
