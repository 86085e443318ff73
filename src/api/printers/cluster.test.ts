import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  findNodeRoles,
  leasePrinter,
  namespacePrinter,
  nodePrinter,
  priorityClassPrinter,
  runtimeClassPrinter,
} from "./cluster.js";
import { ago, cellsOf, header, narrowCells } from "./testutil.js";

describe("printers: namespaces", () => {
  it("prints NAME STATUS AGE", () => {
    assert.deepEqual(header(namespacePrinter), ["NAME", "STATUS", "AGE"]);
    const ns = {
      metadata: { name: "kube-system", creationTimestamp: ago(2 * 86400 + 3 * 3600) },
      status: { phase: "Active" },
    };
    assert.deepEqual(cellsOf(namespacePrinter, ns), ["kube-system", "Active", "2d3h"]);
    const terminating = {
      metadata: { name: "old", creationTimestamp: ago(400 * 86400) },
      status: { phase: "Terminating" },
    };
    assert.deepEqual(cellsOf(namespacePrinter, terminating), ["old", "Terminating", "400d"]);
  });
});

describe("printers: nodes", () => {
  it("has upstream's columns", () => {
    assert.deepEqual(header(nodePrinter), ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]);
    assert.deepEqual(header(nodePrinter, true).slice(5), [
      "INTERNAL-IP",
      "EXTERNAL-IP",
      "OS-IMAGE",
      "KERNEL-VERSION",
      "CONTAINER-RUNTIME",
    ]);
  });

  const node = (spec: object, status: object, labels: Record<string, string> = {}) => ({
    metadata: { name: "foo", labels, creationTimestamp: ago(90) },
    spec,
    status,
  });

  // After upstream's TestPrintNodeStatus / TestPrintNodeRole / TestPrintNodeOSImage ….
  const statusCases: { name: string; node: object; want: string }[] = [
    { name: "Ready", node: node({}, { conditions: [{ type: "Ready", status: "True" }] }), want: "Ready" },
    {
      name: "Ready,SchedulingDisabled",
      node: node({ unschedulable: true }, { conditions: [{ type: "Ready", status: "True" }] }),
      want: "Ready,SchedulingDisabled",
    },
    {
      name: "NotReady (False)",
      node: node({}, { conditions: [{ type: "Ready", status: "False" }] }),
      want: "NotReady",
    },
    {
      name: "NotReady (Unknown)",
      node: node({ unschedulable: true }, { conditions: [{ type: "Ready", status: "Unknown" }] }),
      want: "NotReady,SchedulingDisabled",
    },
    { name: "Unknown without a Ready condition", node: node({}, {}), want: "Unknown" },
    {
      name: "other conditions are ignored",
      node: node({ unschedulable: true }, { conditions: [{ type: "MemoryPressure", status: "True" }] }),
      want: "Unknown,SchedulingDisabled",
    },
  ];
  for (const c of statusCases) it(`STATUS ${c.name}`, () => assert.equal(cellsOf(nodePrinter, c.node)[1], c.want));

  it("ROLES from node-role.kubernetes.io/* and kubernetes.io/role labels, sorted", () => {
    const roles = (labels: Record<string, string>) => findNodeRoles(node({}, {}, labels) as never);
    assert.deepEqual(roles({}), []);
    assert.deepEqual(roles({ "node-role.kubernetes.io/control-plane": "" }), ["control-plane"]);
    assert.deepEqual(
      roles({
        "node-role.kubernetes.io/worker": "true",
        "kubernetes.io/role": "node",
        "node-role.kubernetes.io/": "x",
      }),
      ["node", "worker"],
    );
    assert.deepEqual(roles({ "kubernetes.io/role": "", "node-role.kubernetes.io/etcd": "" }), ["etcd"]);
    assert.deepEqual(roles({ "kubernetes.io/role": "master", "node-role.kubernetes.io/master": "" }), ["master"]);
    assert.equal(cellsOf(nodePrinter, node({}, {}))[2], "<none>");
    assert.equal(
      cellsOf(
        nodePrinter,
        node({}, {}, { "node-role.kubernetes.io/worker": "", "node-role.kubernetes.io/control-plane": "" }),
      )[2],
      "control-plane,worker",
    );
  });

  it("prints version and the wide columns", () => {
    const n = node(
      {},
      {
        conditions: [{ type: "Ready", status: "True" }],
        addresses: [
          { type: "Hostname", address: "foo" },
          { type: "InternalIP", address: "10.0.0.5" },
          { type: "ExternalIP", address: "1.2.3.4" },
          { type: "InternalIP", address: "10.0.0.6" },
        ],
        nodeInfo: {
          kubeletVersion: "v1.33.1",
          osImage: "Debian GNU/Linux 12 (bookworm)",
          kernelVersion: "6.1.0-18-amd64",
          containerRuntimeVersion: "containerd://1.6.20",
        },
      },
      { "node-role.kubernetes.io/control-plane": "" },
    );
    assert.deepEqual(cellsOf(nodePrinter, n), [
      "foo",
      "Ready",
      "control-plane",
      "90s",
      "v1.33.1",
      "10.0.0.5",
      "1.2.3.4",
      "Debian GNU/Linux 12 (bookworm)",
      "6.1.0-18-amd64",
      "containerd://1.6.20",
    ]);
    assert.deepEqual(cellsOf(nodePrinter, node({}, {})).slice(4), [
      "",
      "<none>",
      "<none>",
      "<unknown>",
      "<unknown>",
      "<unknown>",
    ]);
  });
});

describe("printers: leases, priorityclasses, runtimeclasses", () => {
  it("prints a lease's holder", () => {
    assert.deepEqual(header(leasePrinter), ["NAME", "HOLDER", "AGE"]);
    const lease = {
      metadata: { name: "kube-scheduler", creationTimestamp: ago(30) },
      spec: { holderIdentity: "node-1_abc" },
    };
    assert.deepEqual(cellsOf(leasePrinter, lease), ["kube-scheduler", "node-1_abc", "30s"]);
    assert.deepEqual(cellsOf(leasePrinter, { metadata: { name: "l" }, spec: {} }), ["l", "", "<unknown>"]);
  });

  it("prints a priority class's value, global default and preemption policy", () => {
    assert.deepEqual(header(priorityClassPrinter), ["NAME", "VALUE", "GLOBAL-DEFAULT", "AGE", "PREEMPTIONPOLICY"]);
    const pc = {
      metadata: { name: "system-node-critical", creationTimestamp: ago(60) },
      value: 2000001000,
      preemptionPolicy: "PreemptLowerPriority",
    };
    assert.deepEqual(cellsOf(priorityClassPrinter, pc), [
      "system-node-critical",
      2000001000,
      false,
      "60s",
      "PreemptLowerPriority",
    ]);
    const never = { metadata: { name: "low" }, value: -5, globalDefault: true, preemptionPolicy: "Never" };
    assert.deepEqual(narrowCells(priorityClassPrinter, never), ["low", -5, true, "<unknown>", "Never"]);
  });

  it("prints a runtime class's handler", () => {
    const rc = { metadata: { name: "gvisor", creationTimestamp: ago(1) }, handler: "runsc" };
    assert.deepEqual(cellsOf(runtimeClassPrinter, rc), ["gvisor", "runsc", "1s"]);
  });
});
