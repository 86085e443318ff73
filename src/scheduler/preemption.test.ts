import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1.js";
import type { Client, EventRecorder, Lister } from "../client/types.js";
import { logger } from "../util/log.js";
import { Algorithm } from "./algorithm.js";
import { SchedulerCache } from "./cache.js";
import { CycleState } from "./framework.js";
import { FitError } from "./fiterror.js";
import { defaultPlugins } from "./plugins/index.js";
import { newPodInfo } from "./podinfo.js";
import { pickOneNodeForPreemption, Preemptor, splitByPDBViolation, type Candidate } from "./preemption.js";
import { makeNode, makePod, nodeInfoOf } from "./testutil.js";

function pdbLister(pdbs: PodDisruptionBudget[]): Lister<PodDisruptionBudget> {
  return { get: () => undefined, list: () => pdbs, byIndex: () => [] };
}

function setup(pdbs: PodDisruptionBudget[] = []) {
  const cache = new SchedulerCache();
  const algorithm = new Algorithm(defaultPlugins(), cache, { nominatedPodsForNode: () => [] }, 0);
  const preemptor = new Preemptor({
    algorithm,
    client: {} as Client,
    recorder: { event() {} } as EventRecorder,
    log: logger("test"),
    schedulerName: "default-scheduler",
    pdbs: pdbLister(pdbs),
    nominator: { nominatedPodsForNode: () => [], nominate() {} },
    random: () => 0,
  });
  return { cache, algorithm, preemptor };
}

const on = (pod: Pod, nodeName: string): Pod => ({ ...pod, spec: { ...pod.spec!, nodeName } });

describe("preemption", () => {
  it("picks the fewest, least important victims (reprieving the rest)", () => {
    const { cache, algorithm, preemptor } = setup();
    cache.addNode(makeNode("n", { cpu: "3" }));
    cache.addPod(on(makePod("p1", { cpu: "1", priority: 1 }), "n"));
    cache.addPod(on(makePod("p2", { cpu: "1", priority: 2 }), "n"));
    cache.addPod(on(makePod("p3", { cpu: "1", priority: 3 }), "n"));
    const pod = newPodInfo(makePod("high", { cpu: "1", priority: 10 }));
    const state = new CycleState();
    const fit = algorithm.schedulePod(state, pod);
    assert.ok(fit instanceof FitError);
    const { candidates } = preemptor.findCandidates(state, pod, fit.nodeToStatus);
    assert.equal(candidates.length, 1);
    assert.deepEqual(
      candidates[0]!.victims.map((v) => v.pod.metadata?.name),
      ["p1"],
    );
  });

  it("reports why no node can be preempted, in upstream's words", async () => {
    const { cache, algorithm, preemptor } = setup();
    cache.addNode(makeNode("a", { cpu: "1" }));
    cache.addNode(makeNode("b", { cpu: "1", taints: [{ key: "k", value: "v", effect: "NoSchedule" }] }));
    cache.addPod(on(makePod("same", { cpu: "1", priority: 10 }), "a"));
    const pod = newPodInfo(makePod("p", { cpu: "1", priority: 10 }));
    const state = new CycleState();
    const fit = algorithm.schedulePod(state, pod);
    assert.ok(fit instanceof FitError);
    const result = await preemptor.postFilter(state, pod, fit.nodeToStatus);
    assert.equal(
      result.message,
      "preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.",
    );
    assert.equal(result.nominatedNodeName, "");
    const never = newPodInfo(makePod("never", { cpu: "1", priority: 100 }, { preemptionPolicy: "Never" }));
    assert.equal(
      (await preemptor.postFilter(state, never, fit.nodeToStatus)).message,
      "preemption: not eligible due to preemptionPolicy=Never.",
    );
  });

  it("puts pods whose eviction would break a PDB first in line to be kept", () => {
    const pdb: PodDisruptionBudget = {
      metadata: { name: "pdb", namespace: "default" },
      spec: { selector: { matchLabels: { app: "db" } } },
      status: { disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 },
    };
    const pods = [
      newPodInfo(makePod("db1", { labels: { app: "db" } })),
      newPodInfo(makePod("db2", { labels: { app: "db" } })),
      newPodInfo(makePod("web", { labels: { app: "web" } })),
    ];
    const { violating, nonViolating } = splitByPDBViolation(pods, [pdb]);
    assert.deepEqual(
      violating.map((p) => p.pod.metadata?.name),
      ["db2"],
    );
    assert.deepEqual(
      nonViolating.map((p) => p.pod.metadata?.name),
      ["db1", "web"],
    );
  });

  it("chooses the node as upstream: PDB violations, then highest victim priority, then sum, then count", () => {
    const victim = (name: string, priority: number) => newPodInfo(makePod(name, { priority }));
    const candidate = (node: string, victims: ReturnType<typeof victim>[], numPDBViolations = 0): Candidate => ({
      node: nodeInfoOf(makeNode(node)),
      victims,
      numPDBViolations,
    });
    const pick = (...cs: Candidate[]) => pickOneNodeForPreemption(cs).node.name;
    assert.equal(pick(candidate("a", [victim("x", 1)], 1), candidate("b", [victim("y", 5)])), "b");
    assert.equal(pick(candidate("a", [victim("x", 5)]), candidate("b", [victim("y", 1), victim("z", 1)])), "b");
    assert.equal(pick(candidate("a", [victim("x", 5), victim("w", 1)]), candidate("b", [victim("y", 5)])), "b");
    assert.equal(
      pick(candidate("a", [victim("x", 5), victim("w", 1)]), candidate("b", [victim("y", 5), victim("v", 0)])),
      "b",
    );
  });
});
