// The namespace deletion conditions: upstream's failure and "ok" variants, sorted messages, and no write when
// nothing changed.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { NamespaceStatus } from "kubernetes-types/core/v1.js";
import { CONDITION_TYPES, NamespaceConditionUpdater } from "./conditions.js";
import { estimateGracefulTermination } from "./deleter.js";

describe("namespace conditions", () => {
  it("sets every condition type, the ok variants when nothing failed", () => {
    const status: NamespaceStatus = { phase: "Terminating" };
    assert.equal(new NamespaceConditionUpdater().update(status), true);
    assert.deepEqual(
      status.conditions?.map((c) => [c.type, c.status, c.reason]),
      [
        ["NamespaceDeletionDiscoveryFailure", "False", "ResourcesDiscovered"],
        ["NamespaceDeletionGroupVersionParsingFailure", "False", "ParsedGroupVersions"],
        ["NamespaceDeletionContentFailure", "False", "ContentDeleted"],
        ["NamespaceContentRemaining", "False", "ContentRemoved"],
        ["NamespaceFinalizersRemaining", "False", "ContentHasNoFinalizers"],
      ],
    );
    assert.equal(new NamespaceConditionUpdater().update(status), false, "same pass again: nothing to write");
  });

  it("reports remaining content, finalizers and failures as upstream words them", () => {
    const updater = new NamespaceConditionUpdater();
    updater.discoveryFailed("unable to retrieve the complete list of server APIs: x/v1: boom", 1);
    updater.contentDeletionFailed("b failed");
    updater.contentDeletionFailed("a failed");
    updater.contentTotals({
      remainingByResource: new Map([
        ["pods.", 3],
        ["deployments.apps", 1],
      ]),
      remainingByFinalizer: new Map([["example.com/x", 2]]),
    });
    const status: NamespaceStatus = {};
    updater.update(status);
    const byType = new Map(status.conditions!.map((c) => [c.type, c]));
    assert.equal(byType.size, CONDITION_TYPES.length);
    assert.equal(
      byType.get("NamespaceDeletionDiscoveryFailure")!.message,
      "Discovery failed for some groups, 1 failing: unable to retrieve the complete list of server APIs: x/v1: boom",
    );
    assert.equal(
      byType.get("NamespaceDeletionContentFailure")!.message,
      "Failed to delete all resource types, 2 remaining: a failed, b failed",
    );
    assert.equal(
      byType.get("NamespaceContentRemaining")!.message,
      "Some resources are remaining: deployments.apps has 1 resource instances, pods. has 3 resource instances",
    );
    assert.equal(byType.get("NamespaceFinalizersRemaining")!.reason, "SomeFinalizersRemain");
    assert.equal(
      byType.get("NamespaceFinalizersRemaining")!.message,
      "Some content in the namespace has finalizers remaining: example.com/x in 2 resource instances",
    );
  });

  it("estimates the wait from the longest grace period of pods still running", () => {
    assert.equal(
      estimateGracefulTermination([
        { spec: { containers: [], terminationGracePeriodSeconds: 30 }, status: { phase: "Succeeded" } },
        { metadata: { deletionGracePeriodSeconds: 10 }, spec: { containers: [] } },
        { spec: { containers: [], terminationGracePeriodSeconds: 5 } },
      ]),
      10,
    );
  });
});
