import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { PodTemplateSpec } from "kubernetes-types/core/v1.js";
import { computeHash, fnv32a, safeEncodeString } from "./hash.js";

const template: PodTemplateSpec = {
  metadata: { labels: { app: "web" } },
  spec: { containers: [{ name: "c", image: "nginx:1" }] },
};

describe("pod-template-hash", () => {
  it("is FNV-32a (known vectors)", () => {
    assert.equal(fnv32a(new Uint8Array()), 0x811c9dc5);
    assert.equal(fnv32a(new TextEncoder().encode("a")), 0xe40c292c);
    assert.equal(fnv32a(new TextEncoder().encode("foobar")), 0xbf9cf968);
  });

  it("renders digits with SafeEncodeString's alphabet as upstream", () => {
    // '0'..'9' are bytes 48..57, i.e. alphabet[21..26] then alphabet[0..3].
    assert.equal(safeEncodeString("0123456789"), "456789bcdf");
  });

  it("is stable, independent of key order, and changes with the template and collisionCount", () => {
    const reordered: PodTemplateSpec = {
      spec: { containers: [{ image: "nginx:1", name: "c" }] },
      metadata: { labels: { app: "web" } },
    };
    const hash = computeHash(template);
    assert.match(hash, /^[456789bcdf]{1,10}$/);
    assert.equal(computeHash(reordered), hash);
    assert.notEqual(computeHash({ ...template, spec: { containers: [{ name: "c", image: "nginx:2" }] } }), hash);
    assert.notEqual(computeHash(template, 1), hash);
    assert.notEqual(computeHash(template, 1), computeHash(template, 2));
  });
});
