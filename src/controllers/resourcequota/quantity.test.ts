import { test } from "node:test";
import assert from "node:assert/strict";
import {
  addQuantities,
  formatQuantity,
  parseQuantity,
  quantityFromInteger,
  subtractQuantities,
  zeroQuantity,
} from "./quantity.js";

const q = (text: string) => parseQuantity(text)!;
const sum = (...texts: string[]) => formatQuantity(texts.map(q).reduce(addQuantities, zeroQuantity()));

test("canonical forms match resource.Quantity.String()", () => {
  assert.equal(parseQuantity("0.5")!.text, "500m");
  assert.equal(parseQuantity("1024Mi")!.text, "1Gi");
  assert.equal(parseQuantity("2000")!.text, "2k");
  assert.equal(parseQuantity("1500")!.text, "1500");
  assert.equal(parseQuantity("1.5Gi")!.text, "1536Mi");
  assert.equal(parseQuantity("512Ki")!.text, "512Ki");
  assert.equal(parseQuantity("1e3")!.text, "1e3");
  assert.equal(parseQuantity("0")!.text, "0");
  assert.equal(parseQuantity("100n")!.text, "100n");
  assert.equal(parseQuantity("0.1n")!.text, "1n", "sub-nano precision rounds up");
});

test("binary quantities below 1024 or not integral print as decimal", () => {
  assert.equal(formatQuantity({ num: 1000n, den: 1n, format: "BinarySI" }), "1k");
  assert.equal(formatQuantity({ num: 2000n, den: 1n, format: "BinarySI" }), "2000");
  assert.equal(formatQuantity({ num: 1n, den: 2n, format: "BinarySI" }), "500m");
});

test("sums keep the first non-zero operand's format", () => {
  assert.equal(sum("500m", "1"), "1500m");
  assert.equal(sum("250m", "250m", "500m"), "1");
  assert.equal(sum("1Gi", "512Mi"), "1536Mi");
  assert.equal(sum("128Mi", "128Mi"), "256Mi");
  assert.equal(sum("1G", "1Gi"), "2073741824");
  assert.equal(sum(), "0");
});

test("subtraction and integers", () => {
  assert.equal(formatQuantity(subtractQuantities(q("1"), q("250m"))), "750m");
  assert.equal(formatQuantity(subtractQuantities(q("1"), q("2"))), "-1");
  assert.equal(formatQuantity(quantityFromInteger(3)), "3");
  assert.equal(parseQuantity("abc"), undefined);
});
