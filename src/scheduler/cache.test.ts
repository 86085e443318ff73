import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { labelSelectorFromSet } from "../api/selectors/labels.js";
import { SchedulerCache } from "./cache.js";
import { countByDomainOver, matchingPerNodeOver } from "./podgroups.js";
import { makeNode, makePod } from "./testutil.js";

const on = (name: string, nodeName: string, labels: Record<string, string> = {}) =>
  makePod(name, { cpu: "1", nodeName, labels });

describe("SchedulerCache", () => {
  it("accounts assumed pods until confirmed by the informer or forgotten", () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode("n", { cpu: "4" }));
    cache.assumePod(on("a", "n"));
    assert.equal(cache.get("n")!.requested.milliCPU, 1000);
    assert.ok(cache.isAssumed("default/a"));
    cache.addPod(on("a", "n")); // the informer's copy confirms it
    assert.ok(!cache.isAssumed("default/a"));
    assert.equal(cache.get("n")!.requested.milliCPU, 1000);
    cache.assumePod(on("b", "n"));
    cache.forgetPod("default/b");
    assert.equal(cache.get("n")!.requested.milliCPU, 1000);
    cache.removePod(on("a", "n"));
    assert.equal(cache.get("n")!.requested.milliCPU, 0);
    assert.equal(cache.get("n")!.pods.length, 0);
  });

  it("keeps pods that arrive before their node, and lists only nodes with a Node object", () => {
    const cache = new SchedulerCache();
    cache.addPod(on("early", "later"));
    assert.equal(cache.nodes().length, 0);
    cache.addNode(makeNode("later"));
    assert.equal(cache.nodes().length, 1);
    assert.equal(cache.get("later")!.pods.length, 1);
    cache.removeNode("later");
    assert.equal(cache.get("later"), undefined);
  });

  it("orders nodes by zone, one per zone per round (upstream NodeTree)", () => {
    const cache = new SchedulerCache();
    const zone = (z: string) => ({ labels: { "topology.kubernetes.io/zone": z } });
    for (const [name, z] of [
      ["a1", "a"],
      ["a2", "a"],
      ["a3", "a"],
      ["b1", "b"],
      ["c1", "c"],
      ["b2", "b"],
    ] as const) {
      cache.addNode(makeNode(name, zone(z)));
    }
    assert.deepEqual(
      cache.nodes().map((n) => n.name),
      ["a1", "b1", "c1", "a2", "b2", "a3"],
    );
    cache.removeNode("b1");
    cache.updateNode(makeNode("a3", zone("c")));
    assert.deepEqual(
      cache.nodes().map((n) => n.name),
      ["a1", "b2", "c1", "a2", "a3"],
    );
  });

  it("tracks nodes with affinity pods and image spread", () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode("x", { images: [{ names: ["img:1"], sizeBytes: 10 }] }));
    cache.addNode(makeNode("y", { images: [{ names: ["img:1"], sizeBytes: 10 }] }));
    assert.equal(cache.imageNumNodes("img:1"), 2);
    const affine = makePod(
      "aff",
      { nodeName: "x" },
      {
        affinity: {
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [
              { topologyKey: "zone", labelSelector: { matchLabels: { a: "b" } } },
            ],
          },
        },
      },
    );
    cache.addPod(affine);
    assert.deepEqual(
      cache.havePodsWithRequiredAntiAffinity().map((n) => n.name),
      ["x"],
    );
    cache.removePod(affine);
    assert.deepEqual(cache.havePodsWithAffinity(), []);
  });

  it("counts pods per topology domain incrementally, as a full count would", () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode("a1", { labels: { zone: "a" } }));
    cache.addNode(makeNode("b1", { labels: { zone: "b" } }));
    const selector = labelSelectorFromSet({ app: "web" });
    const ns = new Set(["default"]);
    cache.addPod(on("w1", "a1", { app: "web" }));
    assert.deepEqual([...cache.podCountsByDomain(ns, selector, "zone", false)], [["a", 1]]);
    cache.addPod(on("w2", "b1", { app: "web", extra: "x" }));
    cache.addPod(on("w3", "b1", { app: "web" }));
    cache.addPod(on("other", "b1", { app: "db" }));
    cache.addNode(makeNode("b2", { labels: { zone: "b" } }));
    cache.addPod(on("w4", "b2", { app: "web" }));
    cache.removePod(on("w1", "a1", { app: "web" }));
    const expected = countByDomainOver(cache.nodes(), ns, selector, "zone", false);
    assert.deepEqual(cache.podCountsByDomain(ns, selector, "zone", false), expected);
    assert.deepEqual(expected, new Map([["b", 3]]));
    // Terminating pods count for inter-pod affinity, not for spreading; every namespace when none is given.
    const w5 = on("w5", "a1", { app: "web" });
    cache.addPod({ ...w5, metadata: { ...w5.metadata, deletionTimestamp: "2024-01-01T00:00:00Z" } });
    cache.addPod(makePod("elsewhere", { nodeName: "a1", namespace: "other", labels: { app: "web" } }));
    assert.deepEqual(cache.podCountsByDomain(ns, selector, "zone", false), new Map([["b", 3]]));
    assert.deepEqual(
      cache.podCountsByDomain(undefined, selector, "zone", true),
      new Map([
        ["a", 2],
        ["b", 3],
      ]),
    );
    const perNode = (maps: ReadonlyMap<string, number>[]) =>
      cache.nodes().map((n) => maps.reduce((sum, m) => sum + (m.get(n.name) ?? 0), 0));
    assert.deepEqual(
      perNode(cache.matchingPodsPerNode(ns, selector, false)),
      perNode(matchingPerNodeOver(cache.nodes(), ns, selector, false)),
    );
    assert.deepEqual(perNode(cache.matchingPodsPerNode(undefined, selector, true)), [2, 2, 1]);
    cache.removePod(w5);
    cache.removePod(makePod("elsewhere", { namespace: "other" }));
    // Relabelling a node moves its pods to the new domain.
    cache.updateNode(makeNode("b2", { labels: { zone: "c" } }));
    assert.deepEqual(
      cache.podCountsByDomain(ns, selector, "zone", false),
      new Map([
        ["b", 2],
        ["c", 1],
      ]),
    );
  });
});
