import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyPatch, type JSONObject } from "./index.js";
import { DEPLOYMENT, deepFreeze, deployment, get, throwsStatus } from "./testutil.js";

const mp = (original: object, patch: unknown): JSONObject =>
  applyPatch("merge", original, JSON.stringify(patch), DEPLOYMENT);

describe("JSON merge patch (RFC 7386, evanphx/json-patch v4 MergePatch)", () => {
  it("kubectl label / annotate / scale patches", () => {
    const original = deepFreeze(deployment());
    assert.deepEqual(get(mp(original, { metadata: { labels: { env: "prod" } } }), "metadata.labels"), {
      app: "web",
      env: "prod",
    });
    assert.deepEqual(get(mp(original, { metadata: { labels: { app: null } } }), "metadata.labels"), {});
    assert.deepEqual(get(mp(original, { metadata: { annotations: { note: "x" } } }), "metadata.annotations"), {
      "deployment.kubernetes.io/revision": "2",
      note: "x",
    });
    assert.deepEqual(mp(original, {}), deployment());
    assert.equal(get(mp(original, { spec: { replicas: 3 } }), "spec.replicas"), 3);
    assert.deepEqual(original, deployment());
  });

  it("replaces lists wholesale and prunes nulls inside new values", () => {
    const out = mp(deployment(), {
      spec: { template: { spec: { containers: [{ name: "only", image: "x", command: null }] } } },
      metadata: { ownerReferences: [{ name: "o", uid: null }], newMap: { a: 1, b: null, c: { d: null } } },
    });
    assert.deepEqual(get(out, "spec.template.spec.containers"), [{ name: "only", image: "x" }]);
    assert.deepEqual(get(out, "metadata.ownerReferences"), [{ name: "o" }]);
    assert.deepEqual(get(out, "metadata.newMap"), { a: 1, c: {} });
  });

  // RFC 7386 Appendix A, applied under an object member so the document stays an object
  const rfc: [unknown, unknown, unknown][] = [
    [{ a: "b" }, { a: "c" }, { a: "c" }],
    [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
    [{ a: "b" }, { a: null }, {}],
    [{ a: "b", b: "c" }, { a: null }, { b: "c" }],
    [{ a: ["b"] }, { a: "c" }, { a: "c" }],
    [{ a: "c" }, { a: ["b"] }, { a: ["b"] }],
    [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
    [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
    [
      ["a", "b"],
      ["c", "d"],
      ["c", "d"],
    ],
    [{ a: "b" }, ["c"], ["c"]],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: "b", c: null }, { a: "b" }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [target, patch, result] of rfc) {
    it(`RFC 7386: ${JSON.stringify(target)} + ${JSON.stringify(patch)}`, () => {
      assert.deepEqual(mp({ x: target }, { x: patch }), { x: result });
    });
  }

  it("treats __proto__ as an ordinary key (no prototype pollution)", () => {
    const body = '{"__proto__":{"polluted":true},"metadata":{"__proto__":{"x":1}}}';
    for (const type of ["merge", "strategic"] as const) {
      const out = applyPatch(type, { metadata: { name: "a" } }, body, DEPLOYMENT);
      assert.equal(Object.getPrototypeOf(out), Object.prototype);
      assert.ok(Object.prototype.hasOwnProperty.call(out, "__proto__"));
      assert.equal(({} as Record<string, unknown>)["polluted"], undefined);
      assert.equal(get(out, "metadata.name"), "a");
    }
    const json = applyPatch("json", {}, '[{"op":"add","path":"/__proto__","value":{"polluted":true}}]', DEPLOYMENT);
    assert.ok(Object.prototype.hasOwnProperty.call(json, "__proto__"));
    assert.equal(({} as Record<string, unknown>)["polluted"], undefined);
  });

  it("invalid, null and scalar patches are 400 Invalid JSON Patch", () => {
    for (const body of ["{", "null", "3", '"x"', "", "{}}"]) {
      throwsStatus(() => applyPatch("merge", deployment(), body, DEPLOYMENT), 400, "BadRequest", "Invalid JSON Patch");
    }
  });

  it("an array patch replaces the document, which then fails to decode (422 on field patch)", () => {
    const err = throwsStatus(() => applyPatch("merge", deployment(), "[1,null]", DEPLOYMENT), 422, "Invalid");
    assert.match(
      err.status.message ?? "",
      /^ "" is invalid: patch: Invalid value: "\[1,null\]": json: cannot unmarshal array/,
    );
  });
});
