import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { configMapPrinter, resourceQuotaPrinter, secretPrinter, serviceAccountPrinter } from "./config.js";
import { ago, cellsOf, header } from "./testutil.js";

describe("printers: configmaps, secrets, serviceaccounts", () => {
  it("counts configmap data and binaryData", () => {
    assert.deepEqual(header(configMapPrinter), ["NAME", "DATA", "AGE"]);
    const cm = {
      metadata: { name: "kube-root-ca.crt", creationTimestamp: ago(45) },
      data: { "ca.crt": "x" },
      binaryData: { b: "AA==" },
    };
    assert.deepEqual(cellsOf(configMapPrinter, cm), ["kube-root-ca.crt", 2, "45s"]);
    assert.deepEqual(cellsOf(configMapPrinter, { metadata: { name: "empty" } }), ["empty", 0, "<unknown>"]);
  });

  it("prints a secret's type and data count", () => {
    assert.deepEqual(header(secretPrinter), ["NAME", "TYPE", "DATA", "AGE"]);
    const s = {
      metadata: { name: "tls", creationTimestamp: ago(5) },
      type: "kubernetes.io/tls",
      data: { "tls.crt": "", "tls.key": "" },
    };
    assert.deepEqual(cellsOf(secretPrinter, s), ["tls", "kubernetes.io/tls", 2, "5s"]);
    assert.deepEqual(cellsOf(secretPrinter, { metadata: { name: "o" } }), ["o", "Opaque", 0, "<unknown>"]);
  });

  it("counts a service account's secrets", () => {
    assert.deepEqual(header(serviceAccountPrinter), ["NAME", "SECRETS", "AGE"]);
    assert.deepEqual(cellsOf(serviceAccountPrinter, { metadata: { name: "default", creationTimestamp: ago(9) } }), [
      "default",
      0,
      "9s",
    ]);
    assert.deepEqual(
      cellsOf(serviceAccountPrinter, { metadata: { name: "old" }, secrets: [{ name: "old-token" }] })[1],
      1,
    );
  });
});

describe("printers: resourcequotas", () => {
  it("prints request and limit usage, sorted, limits.* apart (TestPrintResourceQuota)", () => {
    const rq = {
      metadata: { name: "compute", creationTimestamp: ago(30) },
      spec: {},
      status: {
        hard: { pods: "10", "requests.cpu": "1", "limits.memory": "2Gi", "limits.cpu": "2", "requests.memory": "1Gi" },
        used: { pods: "3", "requests.cpu": "500m", "requests.memory": "256Mi" },
      },
    };
    assert.deepEqual(header(resourceQuotaPrinter), ["NAME", "REQUEST", "LIMIT", "AGE"]);
    assert.deepEqual(cellsOf(resourceQuotaPrinter, rq), [
      "compute",
      "pods: 3/10, requests.cpu: 500m/1, requests.memory: 256Mi/1Gi",
      "limits.cpu: 0/2, limits.memory: 0/2Gi",
      "30s",
    ]);
    assert.deepEqual(cellsOf(resourceQuotaPrinter, { metadata: { name: "new" } }), ["new", "", "", "<unknown>"]);
  });
});
