import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Algorithm, NoNodesAvailableError, numFeasibleNodesToFind } from "./algorithm.js";
import { SchedulerCache } from "./cache.js";
import { CycleState } from "./framework.js";
import { FitError, fitErrorMessage } from "./fiterror.js";
import { defaultPlugins } from "./plugins/index.js";
import { newPodInfo, type PodInfo } from "./podinfo.js";
import { snapshotOf, type Snapshot } from "./snapshot.js";
import { makeNode, makePod } from "./testutil.js";

function setup(nominated: Map<string, PodInfo[]> = new Map()) {
  const cache = new SchedulerCache();
  const algorithm = new Algorithm(defaultPlugins(), cache, { nominatedPodsForNode: (n) => nominated.get(n) ?? [] }, 0);
  return { cache, algorithm };
}

describe("numFeasibleNodesToFind", () => {
  it("is adaptive as upstream", () => {
    assert.equal(numFeasibleNodesToFind(0, 50), 50);
    assert.equal(numFeasibleNodesToFind(0, 200), 100);
    assert.equal(numFeasibleNodesToFind(0, 1000), 420);
    assert.equal(numFeasibleNodesToFind(0, 5000), 500);
    assert.equal(numFeasibleNodesToFind(0, 10_000), 500);
    assert.equal(numFeasibleNodesToFind(30, 1000), 300);
    assert.equal(numFeasibleNodesToFind(100, 1000), 1000);
  });
});

describe("Algorithm", () => {
  it("aggregates per-node reasons into upstream's sorted FitError message", () => {
    const { cache, algorithm } = setup();
    cache.addNode(makeNode("small", { cpu: "1" }));
    cache.addNode(makeNode("t1", { taints: [{ key: "k", value: "v", effect: "NoSchedule" }] }));
    cache.addNode(makeNode("t2", { taints: [{ key: "k", value: "v", effect: "NoSchedule" }] }));
    const result = algorithm.schedulePod(new CycleState(), newPodInfo(makePod("p", { cpu: "2" })));
    assert.ok(result instanceof FitError);
    assert.equal(
      result.message,
      "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {k: v}.",
    );
    assert.deepEqual([...result.unschedulablePlugins()].sort(), ["NodeResourcesFit", "TaintToleration"]);
  });

  it("sorts reasons as strings, count first (Go sort.Strings)", () => {
    const statuses = new Map([
      ["a", { code: "Unschedulable" as const, reasons: ["Insufficient memory"] }],
      ["b", { code: "Unschedulable" as const, reasons: ["Insufficient memory"] }],
      ["c", { code: "Unschedulable" as const, reasons: ["Too many pods"] }],
    ]);
    assert.equal(fitErrorMessage(3, statuses), "0/3 nodes are available: 1 Too many pods, 2 Insufficient memory.");
    assert.equal(
      fitErrorMessage(3, statuses, "", "preemption: x."),
      "0/3 nodes are available: 1 Too many pods, 2 Insufficient memory. preemption: x..",
    );
  });

  it("throws when there are no nodes", () => {
    const { algorithm } = setup();
    assert.throws(() => algorithm.schedulePod(new CycleState(), newPodInfo(makePod("p"))), NoNodesAvailableError);
  });

  it("sees assumed pods immediately and spreads equal pods", () => {
    const { cache, algorithm } = setup();
    for (const n of ["a", "b"]) cache.addNode(makeNode(n, { cpu: "2" }));
    const placed: string[] = [];
    for (let i = 0; i < 4; i++) {
      const pod = makePod(`p${i}`, { cpu: "1" });
      const result = algorithm.schedulePod(new CycleState(), newPodInfo(pod));
      assert.ok(!(result instanceof FitError));
      placed.push(result.nodeName);
      cache.assumePod({ ...pod, spec: { ...pod.spec!, nodeName: result.nodeName } });
    }
    assert.deepEqual(placed.slice().sort(), ["a", "a", "b", "b"]);
    const fifth = algorithm.schedulePod(new CycleState(), newPodInfo(makePod("p5", { cpu: "1" })));
    assert.ok(fifth instanceof FitError);
    cache.forgetPod("default/p0");
    const retry = algorithm.schedulePod(new CycleState(), newPodInfo(makePod("p5", { cpu: "1" })));
    assert.ok(!(retry instanceof FitError));
  });

  it("stops after enough feasible nodes and resumes round robin where it stopped", () => {
    const { cache, algorithm } = setup();
    for (let i = 0; i < 300; i++) cache.addNode(makeNode(`n${i}`));
    const first = algorithm.schedulePod(new CycleState(), newPodInfo(makePod("a")));
    const second = algorithm.schedulePod(new CycleState(), newPodInfo(makePod("b")));
    assert.ok(!(first instanceof FitError) && !(second instanceof FitError));
    // 300 nodes: 50 − 2 = 48% → 144 nodes per cycle.
    assert.equal(first.evaluatedNodes, 144);
    assert.equal(second.evaluatedNodes, 144);
    const index = (name: string) => Number(name.slice(1));
    assert.ok(index(first.nodeName) < 144, first.nodeName);
    assert.ok(index(second.nodeName) >= 144 && index(second.nodeName) < 288, second.nodeName);
  });

  it("counts nominated pods of equal or higher priority on their node", () => {
    const nominated = new Map<string, PodInfo[]>();
    const { cache, algorithm } = setup(nominated);
    cache.addNode(makeNode("only", { cpu: "2" }));
    nominated.set("only", [newPodInfo(makePod("preemptor", { cpu: "2", priority: 100 }))]);
    const low = algorithm.schedulePod(new CycleState(), newPodInfo(makePod("low", { cpu: "1", priority: 1 })));
    assert.ok(low instanceof FitError);
    const higher = algorithm.schedulePod(new CycleState(), newPodInfo(makePod("higher", { cpu: "1", priority: 1000 })));
    assert.ok(!(higher instanceof FitError));
  });

  it("gives the same answers from the cache's indexes as from a full pass over the pods", () => {
    const { cache, algorithm } = setup();
    for (let i = 0; i < 12; i++) cache.addNode(makeNode(`n${i}`, { labels: { zone: `z${i % 3}` } }));
    const spreadPod = (name: string, nodeName?: string) =>
      makePod(
        name,
        { labels: { app: "spread" }, ...(nodeName ? { nodeName } : {}) },
        {
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: "zone",
              whenUnsatisfiable: "DoNotSchedule",
              labelSelector: { matchLabels: { app: "spread" } },
            },
          ],
          affinity: {
            podAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                { topologyKey: "zone", labelSelector: { matchLabels: { tier: "cache" } } },
              ],
            },
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { color: "blue" } } },
              ],
            },
          },
        },
      );
    cache.addPod(makePod("cache", { nodeName: "n0", labels: { tier: "cache" } }));
    cache.addPod(makePod("cache2", { nodeName: "n4", labels: { tier: "cache" } }));
    for (let i = 0; i < 5; i++) cache.addPod(makePod(`blue${i}`, { nodeName: `n${i * 2}`, labels: { color: "blue" } }));
    for (let i = 0; i < 7; i++) cache.addPod(spreadPod(`s${i}`, `n${(i * 5) % 12}`));
    const run = (snapshot: Snapshot) => {
      const alg = new Algorithm(algorithm.plugins, snapshot, { nominatedPodsForNode: () => [] }, 100);
      const state = new CycleState();
      const pod = newPodInfo(spreadPod("new"));
      assert.equal(alg.runPreFilter(state, pod), undefined);
      return cache.nodes().map((n) => alg.runFilters(state, pod, n)?.reasons.join(",") ?? "");
    };
    const fromIndexes = run(cache);
    assert.deepEqual(fromIndexes, run(snapshotOf(cache.nodes())));
    assert.ok(fromIndexes.includes(""), "some node fits");
    assert.ok(
      fromIndexes.some((r) => r !== ""),
      "some node does not",
    );
  });
});
