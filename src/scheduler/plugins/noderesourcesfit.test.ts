import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { podRequests } from "../resources.js";
import { filterAll, makeNode, makePod, nodeInfoOf, scoreAll } from "../testutil.js";
import { balancedAllocation } from "./balancedallocation.js";
import { nodeResourcesFit } from "./noderesourcesfit.js";

describe("NodeResourcesFit", () => {
  it("reports every insufficient resource and the pod count, in upstream's order", () => {
    const full = nodeInfoOf(makeNode("full", { cpu: "2", memory: "1Gi", pods: "1" }), [
      makePod("x", { cpu: "1500m", memory: "512Mi" }),
    ]);
    const roomy = nodeInfoOf(makeNode("roomy", { cpu: "4", memory: "4Gi" }));
    assert.deepEqual(filterAll(nodeResourcesFit, makePod("p", { cpu: "1", memory: "1Gi" }), [full, roomy]), [
      "Too many pods, Insufficient cpu, Insufficient memory",
      "",
    ]);
    // A pod without requests only needs a pod slot.
    assert.deepEqual(filterAll(nodeResourcesFit, makePod("empty"), [roomy]), [""]);
  });

  it("computes requests as upstream: max(containers + sidecars, init peaks) + overhead", () => {
    const pod = makePod(
      "p",
      {},
      {
        containers: [
          { name: "a", image: "x", resources: { requests: { cpu: "100m", memory: "100Mi" } } },
          { name: "b", image: "x", resources: { requests: { cpu: "200m" } } },
        ],
        initContainers: [
          { name: "sidecar", image: "x", restartPolicy: "Always", resources: { requests: { cpu: "50m" } } },
          { name: "init", image: "x", resources: { requests: { cpu: "1", memory: "10Mi" } } },
        ],
        overhead: { cpu: "10m" },
      },
    );
    const requests = podRequests(pod);
    assert.equal(requests.milliCPU, 1050 + 10);
    assert.equal(requests.memory, 100 * 1024 * 1024);
    const nonZero = podRequests(makePod("none"), true);
    assert.equal(nonZero.milliCPU, 100);
    assert.equal(nonZero.memory, 200 * 1024 * 1024);
  });

  it("scores LeastAllocated (with non-zero defaults) and BalancedAllocation", () => {
    const empty = nodeInfoOf(makeNode("empty", { cpu: "4", memory: "4Gi" }));
    const half = nodeInfoOf(makeNode("half", { cpu: "4", memory: "4Gi" }), [makePod("x", { cpu: "2", memory: "1Gi" })]);
    const pod = makePod("p", { cpu: "1", memory: "1Gi" });
    // empty: cpu (4000-1000)/4000=75, memory 75 → 75; half: cpu 25, memory 50 → 37.
    assert.deepEqual(scoreAll(nodeResourcesFit, pod, [empty, half]), [75, 37]);
    // empty: 25%/25% → 100; half: 75% cpu vs 50% memory → (1 - 0.125) × 100 = 87.
    assert.deepEqual(scoreAll(balancedAllocation, pod, [empty, half]), [100, 87]);
    // Best-effort pods are not scored by BalancedAllocation.
    assert.deepEqual(scoreAll(balancedAllocation, makePod("best-effort"), [empty, half]), [0, 0]);
  });
});
