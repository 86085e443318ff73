import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Lease } from "kubernetes-types/coordination/v1.js";
import type { Node, Pod, Taint } from "kubernetes-types/core/v1.js";
import { NodeHealthTracker } from "./health.js";
import { computeZoneState } from "./monitor.js";
import { evictionDecision } from "./taintmanager.js";
import { RateLimitedTimedQueue } from "./taintqueue.js";
import { matchingTolerations, toleratesTaint } from "../../api/taints.js";
import { desiredNoScheduleTaints, noScheduleTaintDiff, swapTaints } from "./taints.js";

const unreachable: Taint = { key: "node.kubernetes.io/unreachable", effect: "NoExecute" };

function node(ready: string, extra: Partial<Node> = {}): Node {
  return {
    metadata: { name: "n1", uid: "u1", creationTimestamp: "2026-01-01T00:00:00Z" },
    ...extra,
    status: {
      conditions: [
        {
          type: "Ready",
          status: ready,
          lastHeartbeatTime: "2026-01-01T00:00:10Z",
          lastTransitionTime: "2026-01-01T00:00:00Z",
        },
        { type: "MemoryPressure", status: "False" },
      ],
    },
  };
}

describe("tolerations", () => {
  it("match as upstream ToleratesTaint", () => {
    assert.ok(toleratesTaint({ operator: "Exists" }, unreachable), "empty key and effect with Exists tolerates all");
    assert.ok(toleratesTaint({ key: unreachable.key, operator: "Exists" }, unreachable));
    assert.ok(!toleratesTaint({ key: unreachable.key, operator: "Exists", effect: "NoSchedule" }, unreachable));
    assert.ok(
      toleratesTaint({ key: "k", value: "v", effect: "NoExecute" }, { key: "k", value: "v", effect: "NoExecute" }),
    );
    assert.ok(!toleratesTaint({ key: "k", value: "w" }, { key: "k", value: "v", effect: "NoExecute" }));
    assert.equal(
      matchingTolerations(
        [unreachable, { key: "x", effect: "NoExecute" }],
        [{ operator: "Exists", key: unreachable.key }],
      ).allTolerated,
      false,
    );
  });
});

describe("taint eviction decisions", () => {
  const pod = (tolerationSeconds?: number): Pod => ({
    spec: {
      containers: [],
      tolerations: [{ key: unreachable.key, operator: "Exists", effect: "NoExecute", tolerationSeconds }],
    },
  });
  const added = Date.parse("2026-01-01T00:00:00Z");
  const taint = { ...unreachable, timeAdded: "2026-01-01T00:00:00Z" };

  it("evicts intolerant pods at once and keeps pods tolerating forever", () => {
    assert.deepEqual(evictionDecision({ spec: { containers: [] } }, [taint], added), { action: "evict" });
    assert.deepEqual(evictionDecision(pod(undefined), [taint], added + 1e9), { action: "none" });
    assert.deepEqual(evictionDecision(pod(5), [], added), { action: "none" });
  });

  it("waits tolerationSeconds from the taint's timeAdded", () => {
    assert.deepEqual(evictionDecision(pod(300), [taint], added + 1000), { action: "wait", atMs: added + 300_000 });
    assert.deepEqual(evictionDecision(pod(300), [taint], added + 300_000), { action: "evict" });
    assert.deepEqual(evictionDecision(pod(-1), [taint], added), { action: "evict" }, "negative means now");
  });
});

describe("node taints", () => {
  it("maps conditions and unschedulable to NoSchedule taints", () => {
    const n = node("Unknown", { spec: { unschedulable: true } });
    assert.deepEqual(desiredNoScheduleTaints(n), [
      { key: "node.kubernetes.io/unreachable", effect: "NoSchedule" },
      { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" },
    ]);
    const healed = node("True", {
      spec: {
        taints: [
          { key: "node.kubernetes.io/unreachable", effect: "NoSchedule" },
          { key: "mine", effect: "NoSchedule" },
        ],
      },
    });
    assert.deepEqual(noScheduleTaintDiff(healed), {
      add: [],
      remove: [{ key: "node.kubernetes.io/unreachable", effect: "NoSchedule" }],
    });
  });

  it("swaps taints, stamping timeAdded on added ones", () => {
    const now = "2026-01-01T00:01:00Z";
    assert.deepEqual(
      swapTaints(
        [{ key: "node.kubernetes.io/not-ready", effect: "NoExecute" }],
        [unreachable],
        [{ key: "node.kubernetes.io/not-ready", effect: "NoExecute" }],
        now,
      ),
      [{ ...unreachable, timeAdded: now }],
    );
    assert.equal(swapTaints([unreachable], [unreachable], [], now), undefined, "no change");
  });
});

describe("node health", () => {
  it("turns kubelet conditions Unknown once neither status nor Lease changed for the grace period", () => {
    let now = 0;
    const tracker = new NodeHealthTracker(40_000, 60_000, () => now);
    const lease = (renew: string): Lease => ({ spec: { renewTime: renew } });
    assert.equal(tracker.check(node("True"), lease("2026-01-01T00:00:10.000000Z")).update, undefined);
    now = 30_000;
    assert.equal(tracker.check(node("True"), lease("2026-01-01T00:00:40.000000Z")).update, undefined, "lease renewed");
    now = 69_000;
    assert.equal(tracker.check(node("True"), lease("2026-01-01T00:00:40.000000Z")).update, undefined, "within grace");
    now = 71_000;
    const check = tracker.check(node("True"), lease("2026-01-01T00:00:40.000000Z"), "2026-01-01T00:01:11Z");
    assert.equal(check.observedReady.status, "True");
    assert.equal(check.currentReady?.status, "Unknown");
    const conditions = check.update!.status!.conditions!;
    const ready = conditions.find((c) => c.type === "Ready")!;
    assert.equal(ready.reason, "NodeStatusUnknown");
    assert.equal(ready.message, "Kubelet stopped posting node status.");
    assert.equal(ready.lastTransitionTime, "2026-01-01T00:01:11Z");
    assert.equal(conditions.find((c) => c.type === "MemoryPressure")!.status, "Unknown");
    const never = conditions.find((c) => c.type === "DiskPressure")!;
    assert.equal(never.reason, "NodeStatusNeverUpdated");
  });
});

describe("zones", () => {
  it("computes disruption states as upstream", () => {
    const c = (status: string) => ({ type: "Ready", status });
    assert.equal(computeZoneState([c("False"), undefined], 0.55).state, "FullDisruption");
    assert.equal(computeZoneState([c("True"), c("Unknown"), c("Unknown")], 0.55).state, "Normal");
    assert.equal(
      computeZoneState([c("True"), c("Unknown"), c("Unknown"), c("False")], 0.55).state,
      "PartialDisruption",
    );
  });

  it("drains the tainting queue no faster than its rate", async () => {
    let now = 0;
    const queue = new RateLimitedTimedQueue(0.1, () => now);
    queue.add("a", "1");
    queue.add("b", "2");
    const done: string[] = [];
    const take = (name: string) => {
      done.push(name);
      return Promise.resolve({ done: true });
    };
    await queue.try(take);
    assert.deepEqual(done, ["a"], "burst of one");
    now = 5_000;
    await queue.try(take);
    assert.deepEqual(done, ["a"]);
    now = 10_000;
    await queue.try(take);
    assert.deepEqual(done, ["a", "b"]);
    queue.swapLimiter(0);
    queue.add("c", "3");
    now = 1e9;
    await queue.try(take);
    assert.deepEqual(done, ["a", "b"], "rate 0 stops tainting");
  });
});
