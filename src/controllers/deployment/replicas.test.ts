import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1.js";
import {
  findActiveOrLatest,
  isSaturated,
  maxSurge,
  maxUnavailable,
  newRSNewReplicas,
  proportion,
  resolveFenceposts,
  scaledValue,
} from "./replicas.js";
import { maxScaledDown } from "./rolling.js";

function deployment(
  replicas: number,
  maxSurgeValue: number | string,
  maxUnavailableValue: number | string,
): Deployment {
  return {
    metadata: { name: "d", generation: 1 },
    spec: {
      replicas,
      selector: {},
      template: {},
      strategy: {
        type: "RollingUpdate",
        rollingUpdate: { maxSurge: maxSurgeValue, maxUnavailable: maxUnavailableValue },
      },
    },
    status: { replicas },
  };
}

function rs(
  name: string,
  replicas: number,
  extra: { available?: number; annotations?: Record<string, string>; created?: string } = {},
): ReplicaSet {
  return {
    metadata: {
      name,
      uid: name,
      creationTimestamp: extra.created ?? "2026-01-01T00:00:00Z",
      ...(extra.annotations ? { annotations: extra.annotations } : {}),
    },
    spec: { replicas, selector: {} },
    status: { replicas, availableReplicas: extra.available ?? 0 },
  };
}

describe("maxSurge / maxUnavailable", () => {
  it("rounds surge up and unavailable down", () => {
    assert.deepEqual(resolveFenceposts("25%", "25%", 10), { surge: 3, unavailable: 2 });
    assert.deepEqual(resolveFenceposts("25%", "25%", 1), { surge: 1, unavailable: 0 });
    assert.deepEqual(resolveFenceposts(2, "50%", 5), { surge: 2, unavailable: 2 });
  });

  it("allows one unavailable when both are zero", () => {
    assert.deepEqual(resolveFenceposts(0, "10%", 5), { surge: 0, unavailable: 1 });
  });

  it("caps maxUnavailable at replicas and is zero for Recreate", () => {
    assert.equal(maxUnavailable(deployment(2, 0, 5)), 2);
    const recreate: Deployment = {
      ...deployment(3, 1, 1),
      spec: { ...deployment(3, 1, 1).spec!, strategy: { type: "Recreate" } },
    };
    assert.equal(maxSurge(recreate), 0);
    assert.equal(maxUnavailable(recreate), 0);
  });

  it("rejects strings that are not percentages", () => {
    assert.throws(() => scaledValue("abc", 10, true), /not a percentage/);
  });
});

describe("rollout arithmetic", () => {
  it("grows the new ReplicaSet only within maxSurge", () => {
    const d = deployment(10, 3, 2);
    const oldRS = rs("old", 10, { available: 10 });
    const newRS = rs("new", 0);
    assert.equal(newRSNewReplicas(d, [oldRS, newRS], newRS), 3);
    assert.equal(newRSNewReplicas(d, [rs("old", 8), rs("new", 5)], rs("new", 5)), 5);
    assert.equal(newRSNewReplicas(d, [rs("old", 0), rs("new", 8)], rs("new", 8)), 10);
  });

  it("scales old replicas down only within maxUnavailable, counting unavailable new pods", () => {
    // 10 desired, maxUnavailable 2: 13 pods (10 old, 3 new not available) → 13 - 8 - 3 = 2.
    assert.equal(maxScaledDown(10, 2, [rs("old", 10, { available: 10 }), rs("new", 3)], rs("new", 3)), 2);
    // Once new pods are available more old ones may go.
    assert.equal(
      maxScaledDown(10, 2, [rs("old", 8), rs("new", 5, { available: 5 })], rs("new", 5, { available: 5 })),
      5,
    );
  });

  it("spreads a resize proportionally to each ReplicaSet's share of max-replicas", () => {
    const d = deployment(20, 3, 2);
    const annotations = { "deployment.kubernetes.io/max-replicas": "13" };
    // 23 allowed, 13 running: +10 split as 8 → 14 and 5 → 9 (round(8*23/13)=14, round(5*23/13)=9).
    assert.equal(proportion(rs("old", 8, { annotations }), d, 10, 0), 6);
    assert.equal(proportion(rs("new", 5, { annotations }), d, 10, 6), 4);
    // Never more than what is left to add.
    assert.equal(proportion(rs("new", 5, { annotations }), d, 10, 9), 1);
  });

  it("finds the only active ReplicaSet, or the newest when none is active", () => {
    const older = rs("a", 0, { created: "2026-01-01T00:00:00Z" });
    const newer = rs("b", 0, { created: "2026-01-02T00:00:00Z" });
    assert.equal(findActiveOrLatest(undefined, [older, newer])?.metadata?.name, "b");
    assert.equal(findActiveOrLatest(rs("n", 0), [older, rs("c", 2)])?.metadata?.name, "c");
    assert.equal(findActiveOrLatest(rs("n", 1), [rs("c", 2)]), undefined);
  });

  it("is saturated only when the new ReplicaSet runs all desired replicas available", () => {
    const d = deployment(3, 1, 0);
    const annotations = { "deployment.kubernetes.io/desired-replicas": "3" };
    assert.equal(isSaturated(d, rs("n", 3, { available: 3, annotations })), true);
    assert.equal(isSaturated(d, rs("n", 3, { available: 2, annotations })), false);
    assert.equal(isSaturated(d, rs("n", 3, { available: 3 })), false);
  });
});
