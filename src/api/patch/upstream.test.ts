/**
 * Upstream's own strategic merge patch cases (kubernetes/apimachinery pkg/util/strategicpatch/patch_test.go,
 * converted to JSON in testdata/), applied through our implementation with upstream's MergeItem test type:
 * two-way patches against `original` and three-way patches against `current`.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { registerDefinitions, type CompactNode } from "../schema/index.js";
import { PatchError } from "./errors.js";
import { goFormat, isObject, type JSONObject, type JSONValue } from "./gojson.js";
import { goTypeOf, lookupSlice, lookupStruct, splitStrategies, type GoType } from "./lookup.js";
import { mergeMap } from "./strategic.js";

interface Case {
  group: string;
  description: string;
  sorted: boolean;
  original?: JSONObject | null;
  twoWay?: JSONObject | null;
  modified?: JSONObject | null;
  current?: JSONObject | null;
  threeWay?: JSONObject | null;
  result?: JSONObject | null;
  twoWayResult?: JSONObject | null;
  expectedError?: string;
}

const list = (i: CompactNode, extra: Partial<CompactNode> = {}): CompactNode => ({ t: "array", i, ...extra });
const str: CompactNode = { t: "string" };
const simpleMap: CompactNode = { t: "object", a: str };

// upstream's MergeItem / RetainKeysMergeItem struct tags, in the schema's compact form
registerDefinitions({
  "test.mergeItem": {
    t: "object",
    p: {
      name: str,
      value: str,
      other: str,
      mergingList: list({ r: "test.mergeItem" }, { ps: "merge", pk: "name" }),
      nonMergingList: list({ r: "test.mergeItem" }),
      mergingIntList: list({ t: "integer" }, { ps: "merge" }),
      nonMergingIntList: list({ t: "integer" }),
      mergeItemPtr: { r: "test.mergeItem", ps: "merge", pk: "name" },
      simpleMap,
      replacingItem: { r: "io.k8s.apimachinery.pkg.runtime.RawExtension", ps: "replace" },
      jsonItem: { r: "test.jsonItem" },
      retainKeysMap: { r: "test.retainKeysMergeItem", ps: "retainKeys" },
      retainKeysMergingList: list({ r: "test.mergeItem" }, { ps: "merge,retainKeys", pk: "name" }),
    },
  },
  "test.jsonItem": { t: "object" },
  "test.retainKeysMergeItem": {
    t: "object",
    p: {
      name: str,
      value: str,
      other: str,
      simpleMap,
      mergingIntList: list({ t: "integer" }, { ps: "merge" }),
      mergingList: list({ r: "test.mergeItem" }, { ps: "merge", pk: "name" }),
      nonMergingList: list({ r: "test.mergeItem" }),
    },
  },
});
const MERGE_ITEM: GoType = goTypeOf({ ref: "test.mergeItem" });

function fixture(): { cases: Case[] } {
  for (const rel of [
    "./testdata/upstream-smp-cases.json",
    "../../../../src/api/patch/testdata/upstream-smp-cases.json",
  ]) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) return JSON.parse(readFileSync(path, "utf8")) as { cases: Case[] };
  }
  throw new Error("testdata/upstream-smp-cases.json not found");
}

const byString = (a: JSONValue, b: JSONValue): number => {
  const x = goFormat(a);
  const y = goFormat(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

/** sortMergeListsByName from upstream's tests: merge lists become order-insensitive. */
function sortMergeLists(m: JSONObject, t: GoType): JSONObject {
  const out: JSONObject = {};
  for (const [k, v] of Object.entries(m)) {
    if (k === "$retainKeys" || k.startsWith("$deleteFromPrimitiveList"))
      out[k] = [...(v as JSONValue[])].sort(byString);
    else if (k.startsWith("$setElementOrder") || k === "$patch") out[k] = v;
    else if (isObject(v)) out[k] = sortMergeLists(v, lookupStruct(t, k).sub);
    else if (Array.isArray(v) && splitStrategies(lookupStruct(t, k).meta.strategies).strategy === "merge") {
      const { sub, meta } = lookupSlice(t, k);
      if (v.length > 0 && isObject(v[0])) {
        out[k] = v
          .map((e) => sortMergeLists(e as JSONObject, sub))
          .sort((a, b) => byString((a as JSONObject)[meta.mergeKey]!, (b as JSONObject)[meta.mergeKey]!));
      } else out[k] = [...new Set(v)].sort(byString);
    } else out[k] = v;
  }
  return out;
}

function apply(original: JSONObject | null | undefined, patch: JSONObject, sorted: boolean): JSONObject {
  const doc = structuredClone(original ?? {});
  const p = structuredClone(patch);
  return mergeMap(
    sorted ? sortMergeLists(doc, MERGE_ITEM) : doc,
    sorted ? sortMergeLists(p, MERGE_ITEM) : p,
    MERGE_ITEM,
  );
}

function check(c: Case, what: "twoWay" | "threeWay"): void {
  const base = what === "twoWay" ? c.original : c.current;
  const patch = what === "twoWay" ? c.twoWay : c.threeWay;
  const expected = what === "twoWay" ? (c.twoWayResult ?? c.modified) : c.result;
  if (what === "twoWay" && c.expectedError) {
    assert.throws(
      () => apply(base, patch ?? {}, c.sorted),
      (e: unknown) => e instanceof PatchError && e.message.includes(c.expectedError!),
    );
    return;
  }
  const actual = apply(base, patch ?? {}, c.sorted);
  const want = expected ?? {};
  assert.deepEqual(
    c.sorted ? sortMergeLists(actual, MERGE_ITEM) : actual,
    c.sorted ? sortMergeLists(want, MERGE_ITEM) : want,
  );
}

describe("upstream strategic merge patch cases", () => {
  const { cases } = fixture();
  it("has the converted cases", () => assert.ok(cases.length > 100));
  for (const c of cases) {
    if (c.twoWay !== undefined || c.expectedError) {
      it(`${c.group}: ${c.description} (two-way)`, () => check(c, "twoWay"));
    }
    if (c.threeWay !== undefined && c.result !== undefined && c.current !== undefined) {
      it(`${c.group}: ${c.description} (three-way)`, () => check(c, "threeWay"));
    }
  }
});
