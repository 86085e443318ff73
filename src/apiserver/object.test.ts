import { test } from "node:test";
import assert from "node:assert/strict";
import { jsonEqual } from "./object.js";

test("jsonEqual: deep equality of JSON values, key order ignored", () => {
  assert.ok(jsonEqual({ a: 1, b: { c: [1, "x", null] } }, { b: { c: [1, "x", null] }, a: 1 }));
  assert.ok(jsonEqual([], []));
  assert.ok(jsonEqual(null, null));
  assert.ok(!jsonEqual({ a: 1 }, { a: 1, b: 2 }));
  assert.ok(!jsonEqual({ a: 1, b: 2 }, { a: 1 }));
  assert.ok(!jsonEqual({ a: [1, 2] }, { a: [2, 1] }));
  assert.ok(!jsonEqual({}, []), "an object is not a list");
  assert.ok(!jsonEqual([], {}), "a list is not an object");
  assert.ok(!jsonEqual({ a: null }, {}), "null is a value, absence is not");
  assert.ok(!jsonEqual(1, "1"));
  assert.ok(!jsonEqual({ a: {} }, { a: null }));
});

test("jsonEqual: undefined members count as absent", () => {
  assert.ok(jsonEqual({ a: 1, b: undefined }, { a: 1 }));
  assert.ok(jsonEqual({ a: 1 }, { a: 1, b: undefined }));
  assert.ok(!jsonEqual({ a: undefined, b: 1 }, { a: 1 }));
});

test("jsonEqual: keys named like Object.prototype members are compared as data", () => {
  const parsed = JSON.parse('{"constructor": 1, "toString": "x"}') as unknown;
  assert.ok(jsonEqual(parsed, { toString: "x", constructor: 1 }));
  assert.ok(!jsonEqual(JSON.parse('{"constructor": 1}'), {}));
  assert.ok(!jsonEqual({}, JSON.parse('{"toString": "x"}')));
  assert.ok(!jsonEqual(JSON.parse('{"__proto__": 1}'), {}));
});
