/** Unit tests of the Job controller's pure helpers: index sets, backoff delays and pod failure policy matching. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { PodFailurePolicy } from "kubernetes-types/batch/v1.js";
import { BackoffStore, backoffDelayMs, remainingBackoffMs } from "./backoff.js";
import { matchPodFailurePolicy } from "./failurepolicy.js";
import { formatIndexes, parseIndexes } from "./indexes.js";

describe("completed indexes", () => {
  it("formats ascending intervals", () => {
    assert.equal(formatIndexes([5, 1, 3, 4]), "1,3-5");
    assert.equal(formatIndexes([0, 1, 2]), "0-2");
    assert.equal(formatIndexes([]), "");
    assert.equal(formatIndexes([7]), "7");
  });
  it("parses intervals, dropping indexes at or above completions", () => {
    assert.deepEqual([...parseIndexes("1,3-5,9", 6)].sort(), [1, 3, 4, 5]);
    assert.deepEqual([...parseIndexes("", 3)], []);
    assert.equal(formatIndexes(parseIndexes("0-2,4,6-8", 100)), "0-2,4,6-8");
  });
});

describe("pod backoff", () => {
  const policy = { baseMs: 10_000, maxMs: 360_000 };
  it("doubles from the base and caps at the maximum", () => {
    assert.equal(backoffDelayMs(0, policy), 0);
    assert.equal(backoffDelayMs(1, policy), 10_000);
    assert.equal(backoffDelayMs(2, policy), 20_000);
    assert.equal(backoffDelayMs(4, policy), 80_000);
    assert.equal(backoffDelayMs(7, policy), 360_000);
    assert.equal(backoffDelayMs(1000, policy), 360_000);
  });
  it("counts failures after the last success from the last failure time", () => {
    const store = new BackoffStore();
    store.update("a", [], [1_000, 2_000]);
    assert.equal(remainingBackoffMs(store.get("a"), 2_000, policy), 20_000);
    assert.equal(remainingBackoffMs(store.get("a"), 30_000, policy), 0);
    store.update("a", [3_000], []);
    assert.equal(remainingBackoffMs(store.get("a"), 3_000, policy), 0);
  });
});

describe("pod failure policy", () => {
  const failedPod = (exitCode: number, conditions: { type: string; status: string }[] = []): Pod => ({
    metadata: { name: "p", namespace: "ns" },
    status: {
      phase: "Failed",
      conditions,
      containerStatuses: [
        { name: "ok", image: "", imageID: "", ready: false, restartCount: 0, state: { terminated: { exitCode: 0 } } },
        { name: "main", image: "", imageID: "", ready: false, restartCount: 0, state: { terminated: { exitCode } } },
      ],
    },
  });
  const policy: PodFailurePolicy = {
    rules: [
      { action: "Ignore", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] },
      { action: "FailJob", onExitCodes: { containerName: "main", operator: "In", values: [42] } },
      { action: "Count", onExitCodes: { operator: "NotIn", values: [42, 43] } },
    ],
  };
  it("matches exit codes with In and NotIn, ignoring exit code 0", () => {
    const failJob = matchPodFailurePolicy(policy, failedPod(42));
    assert.equal(failJob?.action, "FailJob");
    assert.equal(
      failJob?.message,
      "Container main for pod ns/p failed with exit code 42 matching FailJob rule at index 1",
    );
    assert.equal(matchPodFailurePolicy(policy, failedPod(1))?.action, "Count");
    assert.equal(matchPodFailurePolicy(policy, failedPod(43)), undefined);
  });
  it("matches pod conditions first when their rule comes first", () => {
    const match = matchPodFailurePolicy(policy, failedPod(42, [{ type: "DisruptionTarget", status: "True" }]));
    assert.equal(match?.action, "Ignore");
    assert.equal(match?.message, "Pod ns/p has condition DisruptionTarget matching Ignore rule at index 0");
  });
});
