import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import { labelSelectorFromSet } from "../../api/selectors/index.js";
import { calculateStatus } from "./status.js";
import type { ReplicaSetView } from "./workload.js";

const NOW = new Date("2026-01-01T12:00:00Z");

function view(replicas: number, extra: Partial<ReplicaSetView> = {}): ReplicaSetView {
  return {
    replicas,
    minReadySeconds: 10,
    selector: () => labelSelectorFromSet({ app: "x" }),
    template: { metadata: { labels: { app: "x", tier: "t" } } },
    status: { replicas: 0 },
    ...extra,
  };
}

function pod(labels: Record<string, string>, readySecondsAgo?: number): Pod {
  const when = readySecondsAgo === undefined ? undefined : new Date(NOW.getTime() - readySecondsAgo * 1000);
  return {
    metadata: { labels },
    status: when ? { conditions: [{ type: "Ready", status: "True", lastTransitionTime: when.toISOString() }] } : {},
  };
}

describe("calculateStatus", () => {
  it("counts fully labeled, ready and available (minReadySeconds) pods", () => {
    const pods = [pod({ app: "x", tier: "t" }, 60), pod({ app: "x", tier: "t" }, 2), pod({ app: "x" })];
    const status = calculateStatus(view(3), pods, undefined, NOW);
    assert.equal(status.replicas, 3);
    assert.equal(status.fullyLabeledReplicas, 2);
    assert.equal(status.readyReplicas, 2);
    assert.equal(status.availableReplicas, 1);
    assert.equal(status.conditions, undefined);
  });

  it("adds ReplicaFailure on a create error and removes it once syncs succeed", () => {
    const failed = calculateStatus(view(3), [], new Error('pods "x" is forbidden: exceeded quota'), NOW);
    assert.equal(failed.conditions?.length, 1);
    assert.equal(failed.conditions?.[0]?.type, "ReplicaFailure");
    assert.equal(failed.conditions?.[0]?.reason, "FailedCreate");
    assert.equal(failed.conditions?.[0]?.message, 'pods "x" is forbidden: exceeded quota');
    const healed = calculateStatus(view(3, { status: failed }), [], undefined, NOW);
    assert.equal(healed.conditions, undefined);
  });
});
