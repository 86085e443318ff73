/**
 * Quantity arithmetic for resource accounting (upstream resource.Quantity: Add, Sub, Cmp). Parsing, comparison
 * and canonical formatting are src/api/validation/quantity.ts's; a sum keeps the format (DecimalSI, BinarySI,
 * DecimalExponent) of its first operand, as Quantity.Add does.
 */
import {
  compareQuantities,
  parseQuantity,
  type Quantity as ParsedQuantity,
  type QuantityFormat,
} from "../../api/validation/quantity.js";

export { compareQuantities, formatQuantity, parseQuantity } from "../../api/validation/quantity.js";
export type { QuantityFormat } from "../../api/validation/quantity.js";

/** An exact value `num / den` (den > 0) and the format it prints in (`formatQuantity`). */
export type Quantity = Pick<ParsedQuantity, "num" | "den" | "format">;

/** The parsed quantity; unparseable text (already rejected by validation) counts as zero. */
export function quantityOrZero(text: string | number | undefined): Quantity {
  return (text === undefined ? undefined : parseQuantity(text)) ?? zeroQuantity();
}

/** resource.NewQuantity(n, format). */
export function quantityFromInteger(value: number | bigint, format: QuantityFormat = "DecimalSI"): Quantity {
  return { num: BigInt(value), den: 1n, format };
}

export function zeroQuantity(format: QuantityFormat = "DecimalSI"): Quantity {
  return { num: 0n, den: 1n, format };
}

/** a + b, in a's format (b's when a is zero, as Quantity.Add). */
export function addQuantities(a: Quantity, b: Quantity): Quantity {
  return normalize(a.num * b.den + b.num * a.den, a.den * b.den, a.num === 0n ? b.format : a.format);
}

/** a - b, in a's format. */
export function subtractQuantities(a: Quantity, b: Quantity): Quantity {
  return normalize(a.num * b.den - b.num * a.den, a.den * b.den, a.format);
}

export function maxQuantity(a: Quantity, b: Quantity): Quantity {
  return compareQuantities(b, a) > 0 ? b : a;
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function normalize(num: bigint, den: bigint, format: QuantityFormat): Quantity {
  const divisor = gcd(num, den) || 1n;
  return { num: num / divisor, den: den / divisor, format };
}
