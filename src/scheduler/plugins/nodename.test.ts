import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { filterAll, makeNode, makePod, nodeInfoOf } from "../testutil.js";
import { nodeName } from "./nodename.js";
import { nodeUnschedulable } from "./nodeunschedulable.js";
import { nodePorts } from "./nodeports.js";

describe("NodeName", () => {
  it("fits only the named node", () => {
    const nodes = [nodeInfoOf(makeNode("a")), nodeInfoOf(makeNode("b"))];
    assert.deepEqual(filterAll(nodeName, makePod("p", {}, { nodeName: "b" }), nodes), [
      "node(s) didn't match the requested node name",
      "",
    ]);
    assert.deepEqual(filterAll(nodeName, makePod("p"), nodes), ["", ""]);
  });
});

describe("NodeUnschedulable", () => {
  it("rejects cordoned nodes unless the pod tolerates the unschedulable taint", () => {
    const nodes = [nodeInfoOf(makeNode("cordoned", { unschedulable: true })), nodeInfoOf(makeNode("ok"))];
    assert.deepEqual(filterAll(nodeUnschedulable, makePod("p"), nodes), ["node(s) were unschedulable", ""]);
    const tolerant = makePod(
      "t",
      {},
      {
        tolerations: [{ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" }],
      },
    );
    assert.deepEqual(filterAll(nodeUnschedulable, tolerant, nodes), ["", ""]);
  });
});

describe("NodePorts", () => {
  const withPort = (name: string, hostPort: number, hostIP?: string) =>
    makePod(
      name,
      {},
      {
        containers: [
          { name: "c", image: "x", ports: [{ containerPort: 80, hostPort, ...(hostIP ? { hostIP } : {}) }] },
        ],
      },
    );

  it("rejects nodes where the host port is taken (0.0.0.0 conflicts with every IP)", () => {
    const busy = nodeInfoOf(makeNode("busy"), [withPort("a", 8080)]);
    const specific = nodeInfoOf(makeNode("specific"), [withPort("b", 8080, "10.0.0.1")]);
    const free = nodeInfoOf(makeNode("free"), [withPort("c", 9090)]);
    const reason = "node(s) didn't have free ports for the requested pod ports";
    assert.deepEqual(filterAll(nodePorts, withPort("p", 8080), [busy, specific, free]), [reason, reason, ""]);
    assert.deepEqual(filterAll(nodePorts, withPort("q", 8080, "10.0.0.2"), [busy, specific, free]), [reason, "", ""]);
  });
});
