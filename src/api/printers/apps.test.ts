import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  controllerRevisionPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  replicaSetPrinter,
  replicationControllerPrinter,
  statefulSetPrinter,
} from "./apps.js";
import { ago, cellsOf, header } from "./testutil.js";

const template = {
  metadata: { labels: { app: "web" } },
  spec: {
    containers: [
      { name: "web", image: "nginx:1.27" },
      { name: "sidecar", image: "busybox:1.36" },
    ],
  },
};

describe("printers: deployments", () => {
  it("has upstream's columns", () => {
    assert.deepEqual(header(deploymentPrinter), ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]);
    assert.deepEqual(header(deploymentPrinter, true).slice(5), ["CONTAINERS", "IMAGES", "SELECTOR"]);
  });

  it("prints READY as ready/desired and the wide columns (TestPrintDeployment)", () => {
    const d = {
      metadata: { name: "test1", creationTimestamp: ago(10) },
      spec: {
        replicas: 5,
        template,
        selector: { matchLabels: { foo: "bar" } },
      },
      status: { replicas: 10, updatedReplicas: 2, availableReplicas: 1, unavailableReplicas: 4, readyReplicas: 2 },
    };
    assert.deepEqual(cellsOf(deploymentPrinter, d), [
      "test1",
      "2/5",
      2,
      1,
      "10s",
      "web,sidecar",
      "nginx:1.27,busybox:1.36",
      "foo=bar",
    ]);
  });

  it("prints 2/3 with defaults for absent status, replicas default 1, and selector expressions", () => {
    const d = {
      metadata: { name: "d" },
      spec: {
        replicas: 3,
        template,
        selector: {
          matchLabels: { app: "web" },
          matchExpressions: [
            { key: "tier", operator: "In", values: ["front", "back"] },
            { key: "canary", operator: "DoesNotExist" },
          ],
        },
      },
      status: { readyReplicas: 2 },
    };
    assert.deepEqual(cellsOf(deploymentPrinter, d).slice(0, 4), ["d", "2/3", 0, 0]);
    assert.equal(cellsOf(deploymentPrinter, d)[7], "app=web,!canary,tier in (back,front)");
    const empty = { metadata: { name: "e" }, spec: { template: { spec: { containers: [] } } } };
    // LabelSelectorAsSelector(nil).String() is "" (not "<none>") for deployments.
    assert.deepEqual(cellsOf(deploymentPrinter, empty), ["e", "0/1", 0, 0, "<unknown>", "", "", ""]);
    const bad = {
      metadata: { name: "b" },
      spec: { selector: { matchExpressions: [{ key: "k", operator: "Bogus" }] } },
    };
    assert.equal(cellsOf(deploymentPrinter, bad)[7], "<invalid>");
  });
});

describe("printers: replicasets and replicationcontrollers", () => {
  it("prints DESIRED CURRENT READY as integers (TestPrintReplicaSet)", () => {
    const rs = {
      metadata: { name: "test1", creationTimestamp: ago(10) },
      spec: { replicas: 5, template, selector: { matchLabels: { foo: "bar" } } },
      status: { replicas: 5, readyReplicas: 2 },
    };
    assert.deepEqual(header(replicaSetPrinter, true), [
      "NAME",
      "DESIRED",
      "CURRENT",
      "READY",
      "AGE",
      "CONTAINERS",
      "IMAGES",
      "SELECTOR",
    ]);
    assert.deepEqual(cellsOf(replicaSetPrinter, rs), [
      "test1",
      5,
      5,
      2,
      "10s",
      "web,sidecar",
      "nginx:1.27,busybox:1.36",
      "foo=bar",
    ]);
    assert.equal(cellsOf(replicaSetPrinter, { metadata: { name: "x" }, spec: { selector: {} } })[7], "<none>");
  });

  it("prints a replication controller's map selector", () => {
    const rc = {
      metadata: { name: "rc1", creationTimestamp: ago(3600) },
      spec: { replicas: 2, selector: { b: "2", a: "1" }, template },
      status: { replicas: 2, readyReplicas: 1 },
    };
    assert.deepEqual(cellsOf(replicationControllerPrinter, rc), [
      "rc1",
      2,
      2,
      1,
      "60m",
      "web,sidecar",
      "nginx:1.27,busybox:1.36",
      "a=1,b=2",
    ]);
  });
});

describe("printers: statefulsets", () => {
  it("prints READY ready/desired (TestPrintStatefulSet)", () => {
    const ss = {
      metadata: { name: "test1", creationTimestamp: ago(10) },
      spec: { replicas: 5, template },
      status: { replicas: 5, readyReplicas: 2 },
    };
    assert.deepEqual(header(statefulSetPrinter, true), ["NAME", "READY", "AGE", "CONTAINERS", "IMAGES"]);
    assert.deepEqual(cellsOf(statefulSetPrinter, ss), [
      "test1",
      "2/5",
      "10s",
      "web,sidecar",
      "nginx:1.27,busybox:1.36",
    ]);
  });
});

describe("printers: daemonsets", () => {
  it("prints the scheduling counts and node selector (TestPrintDaemonSet)", () => {
    const ds = {
      metadata: { name: "test1", creationTimestamp: ago(10) },
      spec: {
        template: { ...template, spec: { ...template.spec, nodeSelector: { "kubernetes.io/os": "linux" } } },
        selector: { matchLabels: { app: "web" } },
      },
      status: {
        currentNumberScheduled: 2,
        desiredNumberScheduled: 3,
        numberReady: 1,
        updatedNumberScheduled: 2,
        numberAvailable: 0,
        numberMisscheduled: 0,
      },
    };
    assert.deepEqual(header(daemonSetPrinter), [
      "NAME",
      "DESIRED",
      "CURRENT",
      "READY",
      "UP-TO-DATE",
      "AVAILABLE",
      "NODE SELECTOR",
      "AGE",
    ]);
    assert.deepEqual(cellsOf(daemonSetPrinter, ds), [
      "test1",
      3,
      2,
      1,
      2,
      0,
      "kubernetes.io/os=linux",
      "10s",
      "web,sidecar",
      "nginx:1.27,busybox:1.36",
      "app=web",
    ]);
    assert.equal(cellsOf(daemonSetPrinter, { metadata: { name: "x" } })[6], "<none>");
  });
});

describe("printers: controllerrevisions", () => {
  it("prints the controlling owner as kind.group/name (TestPrintControllerRevision)", () => {
    const cr = (ownerReferences: object[]) => ({
      metadata: { name: "test1", creationTimestamp: ago(10), ownerReferences },
      revision: 1,
    });
    const owner = { apiVersion: "apps/v1", kind: "DaemonSet", name: "foo", uid: "u" };
    assert.deepEqual(header(controllerRevisionPrinter), ["NAME", "CONTROLLER", "REVISION", "AGE"]);
    assert.deepEqual(cellsOf(controllerRevisionPrinter, cr([{ ...owner, controller: true }])), [
      "test1",
      "daemonset.apps/foo",
      1,
      "10s",
    ]);
    assert.deepEqual(cellsOf(controllerRevisionPrinter, cr([{ ...owner, controller: false }])), [
      "test1",
      "<none>",
      1,
      "10s",
    ]);
    assert.deepEqual(cellsOf(controllerRevisionPrinter, cr([])), ["test1", "<none>", 1, "10s"]);
    const core = cr([{ apiVersion: "v1", kind: "Pod", name: "p", uid: "u", controller: true }]);
    assert.equal(cellsOf(controllerRevisionPrinter, core)[1], "pod/p");
  });
});
