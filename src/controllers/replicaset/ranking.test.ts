import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import { podsToDelete } from "./ranking.js";

const NOW = Date.parse("2026-01-01T12:00:00Z");

function pod(
  name: string,
  extra: { node?: string; phase?: string; readyFor?: number; cost?: string; restarts?: number; age?: number } = {},
): Pod {
  const iso = (msAgo: number) => new Date(NOW - msAgo).toISOString();
  return {
    metadata: {
      name,
      uid: `uid-${name}`,
      creationTimestamp: iso(extra.age ?? 3_600_000),
      ...(extra.cost !== undefined
        ? { annotations: { "controller.kubernetes.io/pod-deletion-cost": extra.cost } }
        : {}),
    },
    spec: { containers: [], ...(extra.node ? { nodeName: extra.node } : {}) },
    status: {
      phase: extra.phase ?? "Running",
      conditions:
        extra.readyFor !== undefined
          ? [{ type: "Ready", status: "True", lastTransitionTime: iso(extra.readyFor) }]
          : [],
      containerStatuses: [{ name: "c", image: "i", imageID: "", ready: true, restartCount: extra.restarts ?? 0 }],
    },
  };
}

function victims(pods: Pod[], count: number, related: Pod[] = pods): string[] {
  return podsToDelete(pods, related, count, NOW).map((p) => p.metadata!.name!);
}

describe("podsToDelete (ActivePodsWithRanks)", () => {
  it("deletes unassigned pods before assigned ones", () => {
    assert.deepEqual(victims([pod("a", { node: "n1" }), pod("b"), pod("c", { node: "n2" })], 1), ["b"]);
  });

  it("orders Pending < Unknown < Running", () => {
    const pods = [
      pod("run", { node: "n", phase: "Running" }),
      pod("unk", { node: "n", phase: "Unknown" }),
      pod("pend", { node: "n", phase: "Pending" }),
    ];
    assert.deepEqual(victims(pods, 2), ["pend", "unk"]);
  });

  it("deletes not-ready pods before ready ones", () => {
    assert.deepEqual(victims([pod("ready", { node: "n", readyFor: 1000 }), pod("notready", { node: "n" })], 1), [
      "notready",
    ]);
  });

  it("deletes lower pod-deletion-cost first", () => {
    const pods = [
      pod("high", { node: "n", cost: "100" }),
      pod("low", { node: "n", cost: "-5" }),
      pod("none", { node: "n" }),
    ];
    assert.deepEqual(victims(pods, 2), ["low", "none"]);
  });

  it("deletes pods on doubled-up nodes first", () => {
    const pods = [pod("alone", { node: "n1" }), pod("crowded", { node: "n2" })];
    const related = [...pods, pod("other", { node: "n2" })];
    assert.deepEqual(victims(pods, 1, related), ["crowded"]);
  });

  it("deletes the more recently ready pod first when their ages differ by more than a power of two", () => {
    const pods = [pod("old", { node: "n", readyFor: 3_600_000 }), pod("new", { node: "n", readyFor: 10_000 })];
    assert.deepEqual(victims(pods, 1), ["new"]);
  });

  it("deletes pods with more restarts first", () => {
    const pods = [pod("stable", { node: "n", restarts: 0 }), pod("crashy", { node: "n", restarts: 7 })];
    assert.deepEqual(victims(pods, 1), ["crashy"]);
  });

  it("deletes newer pods first", () => {
    const pods = [pod("older", { node: "n", age: 86_400_000 }), pod("newer", { node: "n", age: 60_000 })];
    assert.deepEqual(victims(pods, 1), ["newer"]);
  });

  it("returns every pod when asked for at least as many", () => {
    assert.equal(victims([pod("a"), pod("b")], 5).length, 2);
  });
});
