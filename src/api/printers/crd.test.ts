import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { customResourcePrinter, evaluateJSONPath, parseJSONPath } from "./crd.js";
import { ago, cellsOf, header } from "./testutil.js";

describe("printers: custom resources", () => {
  it("shows NAME and AGE when the version has no printer columns", () => {
    const printer = customResourcePrinter(undefined);
    assert.deepEqual(header(printer), ["NAME", "AGE"]);
    assert.equal(printer.columns[1]!.type, "date");
    assert.deepEqual(cellsOf(printer, { metadata: { name: "w1", creationTimestamp: ago(65) } }), ["w1", "65s"]);
    assert.deepEqual(cellsOf(printer, { metadata: { name: "w2" } }), ["w2", null]);
  });

  it("evaluates additionalPrinterColumns with their types", () => {
    const printer = customResourcePrinter([
      { name: "Replicas", type: "integer", jsonPath: ".spec.replicas" },
      { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
      { name: "Paused", type: "boolean", jsonPath: ".spec.paused", priority: 1 },
      { name: "Image", type: "string", jsonPath: ".spec.containers[0].image", description: "The image" },
      { name: "Ratio", type: "number", jsonPath: ".status.ratio" },
      { name: "App", type: "string", jsonPath: ".metadata.labels.app\\.kubernetes\\.io/name" },
      { name: "Tags", type: "string", jsonPath: ".spec.tags" },
      { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
    ]);
    assert.deepEqual(header(printer), ["NAME", "REPLICAS", "READY", "IMAGE", "RATIO", "APP", "TAGS", "AGE"]);
    assert.equal(printer.columns[4]!.description, "The image");
    assert.equal(
      printer.columns[1]!.description,
      "Custom resource definition column (in JSONPath format): .spec.replicas",
    );
    const obj = {
      metadata: { name: "w", creationTimestamp: ago(3600 * 26), labels: { "app.kubernetes.io/name": "demo" } },
      spec: { replicas: 3, paused: false, containers: [{ image: "nginx" }], tags: ["a", "b"] },
      status: {
        ratio: 0.5,
        conditions: [
          { type: "Synced", status: "False" },
          { type: "Ready", status: "True" },
        ],
      },
    };
    assert.deepEqual(cellsOf(printer, obj), ["w", 3, "True", false, "nginx", 0.5, "demo", "[a b]", "26h"]);
    assert.deepEqual(cellsOf(printer, { metadata: { name: "empty" } }), [
      "empty",
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
    ]);
  });

  it("parses the simple JSON paths CRDs use", () => {
    assert.deepEqual(evaluateJSONPath(parseJSONPath(".a.b")!, { a: { b: 1 } }), [1]);
    assert.deepEqual(evaluateJSONPath(parseJSONPath("{.a[*].b}")!, { a: [{ b: 1 }, { b: 2 }] }), [1, 2]);
    assert.deepEqual(evaluateJSONPath(parseJSONPath(".a['x.y']")!, { a: { "x.y": "z" } }), ["z"]);
    assert.deepEqual(evaluateJSONPath(parseJSONPath(".a[-1]")!, { a: [1, 2, 3] }), [3]);
    assert.deepEqual(evaluateJSONPath(parseJSONPath(".missing.x")!, { a: 1 }), []);
    assert.equal(parseJSONPath(".a[?(@.x > 1)]"), undefined);
  });
});
