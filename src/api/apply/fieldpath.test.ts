import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FieldSet, comparePE, keyPE, pathString, valuePE } from "./fieldpath.js";

const SAMPLE = {
  "f:metadata": { "f:labels": { "f:app": {} } },
  "f:spec": { "f:containers": { 'k:{"name":"nginx"}': { ".": {}, "f:image": {} } } },
};

describe("fieldpath: FieldsV1 encoding (structured-merge-diff fieldpath/serialize.go)", () => {
  it("round-trips the upstream example", () => {
    const s = FieldSet.fromFieldsV1(SAMPLE);
    assert.ok(s.has(["f:metadata", "f:labels", "f:app"]));
    assert.ok(s.has(["f:spec", "f:containers", 'k:{"name":"nginx"}']));
    assert.ok(!s.has(["f:spec"]));
    assert.equal(JSON.stringify(s.toFieldsV1()), JSON.stringify(SAMPLE));
  });

  it("sorts keys in k: elements and orders elements f < k < v < i", () => {
    assert.equal(keyPE({ protocol: "TCP", containerPort: 80 }), 'k:{"containerPort":80,"protocol":"TCP"}');
    assert.equal(valuePE("a<b"), 'v:"a\\u003cb"');
    const s = FieldSet.fromFieldsV1({ "i:1": {}, "v:2": {}, 'k:{"port":80}': {}, "f:z": {}, "f:a": {}, "i:0": {} });
    assert.deepEqual(Object.keys(s.toFieldsV1()), ["f:a", "f:z", 'k:{"port":80}', "v:2", "i:0", "i:1"]);
    assert.ok(comparePE('k:{"containerPort":80}', 'k:{"containerPort":443}') < 0, "numbers compare numerically");
  });

  it("canonicalizes key elements read from clients", () => {
    const s = FieldSet.fromFieldsV1({ 'k:{"protocol":"TCP", "containerPort":80}': {} });
    assert.ok(s.has(['k:{"containerPort":80,"protocol":"TCP"}']));
  });

  it("rejects malformed elements", () => {
    assert.throws(() => FieldSet.fromFieldsV1({ "x:foo": {} }));
    assert.throws(() => FieldSet.fromFieldsV1([]));
  });

  it("prints paths as upstream (Path.String)", () => {
    assert.equal(pathString(["f:spec", "f:replicas"]), ".spec.replicas");
    assert.equal(
      pathString(["f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"nginx"}', "f:image"]),
      '.spec.template.spec.containers[name="nginx"].image',
    );
    assert.equal(pathString(["f:finalizers", 'v:"a"']), '.finalizers[="a"]');
    assert.equal(
      pathString(["f:ports", 'k:{"containerPort":80,"protocol":"TCP"}']),
      '.ports[containerPort=80,protocol="TCP"]',
    );
  });

  it("set algebra: union, intersection, difference, recursive difference", () => {
    const a = FieldSet.of(["f:a", "f:b"], ["f:a", "f:c"], ["f:d"]);
    const b = FieldSet.of(["f:a", "f:c"], ["f:e"]);
    assert.deepEqual(a.union(b).paths(), [["f:d"], ["f:e"], ["f:a", "f:b"], ["f:a", "f:c"]]);
    assert.deepEqual(a.intersection(b).paths(), [["f:a", "f:c"]]);
    assert.deepEqual(a.difference(b).paths(), [["f:d"], ["f:a", "f:b"]]);
    assert.deepEqual(a.recursiveDifference(FieldSet.of(["f:a"])).paths(), [["f:d"]]);
    assert.deepEqual(a.difference(FieldSet.of(["f:a"])).paths(), a.paths(), "Difference keeps children");
    assert.ok(new FieldSet().isEmpty());
  });
});
