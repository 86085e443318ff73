import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { makeNode, makePod, nodeInfoOf, scoreAll } from "../testutil.js";
import { imageLocality, normalizedImageName } from "./imagelocality.js";

describe("ImageLocality", () => {
  it("normalizes image names with :latest", () => {
    assert.equal(normalizedImageName("nginx"), "nginx:latest");
    assert.equal(normalizedImageName("reg:5000/nginx"), "reg:5000/nginx:latest");
    assert.equal(normalizedImageName("nginx:1.25"), "nginx:1.25");
    assert.equal(normalizedImageName("nginx@sha256:abc"), "nginx@sha256:abc");
  });

  it("favours nodes with the image, scaled by how many nodes have it", () => {
    const MB = 1024 * 1024;
    const has = nodeInfoOf(makeNode("has", { images: [{ names: ["big:latest"], sizeBytes: 500 * MB }] }));
    const lacks = nodeInfoOf(makeNode("lacks"));
    const pod = makePod("p", {}, { containers: [{ name: "c", image: "big" }] });
    // 500 MiB × 1/2 nodes = 250 MiB → (250 − 23) / (1000 − 23) × 100 = 23.
    assert.deepEqual(scoreAll(imageLocality, pod, [has, lacks]), [23, 0]);
  });
});
