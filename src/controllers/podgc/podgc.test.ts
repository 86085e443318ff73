/** PodGC: terminated-pod ordering, and orphaned / excess terminated pods collected against a real API server. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import { nodes, pods } from "../../client/resources.js";
import { eventually } from "../../client/testing.js";
import { type ControllerTest, setPodPhase, startControllerTest } from "../testing.js";
import { newPodGcController } from "./controller.js";
import { terminatedPodsToDelete } from "./gc.js";

function pod(
  name: string,
  extra: { nodeName?: string; finalizers?: string[]; created?: string; phase?: string; reason?: string } = {},
): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", finalizers: extra.finalizers, creationTimestamp: extra.created },
    spec: { nodeName: extra.nodeName, containers: [{ name: "c", image: "busybox" }] },
    status: extra.phase ? { phase: extra.phase, reason: extra.reason } : undefined,
  };
}

describe("terminated pod selection", () => {
  it("picks evicted pods first, then the oldest, keeping the threshold", () => {
    const list = [
      pod("new", { created: "2026-01-03T00:00:00Z", phase: "Succeeded" }),
      pod("old", { created: "2026-01-01T00:00:00Z", phase: "Failed" }),
      pod("evicted", { created: "2026-01-05T00:00:00Z", phase: "Failed", reason: "Evicted" }),
      pod("running", { created: "2025-01-01T00:00:00Z", phase: "Running" }),
    ];
    assert.deepEqual(
      terminatedPodsToDelete(list, 1).map((p) => p.metadata?.name),
      ["evicted", "old"],
    );
    assert.deepEqual(terminatedPodsToDelete(list, 3), []);
    assert.deepEqual(terminatedPodsToDelete(list, 0), []);
  });
});

describe("pod garbage collector", () => {
  let t: ControllerTest;
  before(async () => {
    t = await startControllerTest([newPodGcController({ gcPeriodMs: 100, quarantineMs: 300 })], {
      options: { terminatedPodGcThreshold: 1 },
    });
  });
  after(async () => {
    // Release the test finalizer so the cluster can close cleanly.
    await t.client
      .resource(pods)
      .patch("default", "orphan", "merge", { metadata: { finalizers: null } })
      .catch(() => undefined);
    await t.close();
  });

  it("fails and force-deletes pods bound to a node that no longer exists, after the quarantine", async () => {
    await t.client.resource(nodes).create({ apiVersion: "v1", kind: "Node", metadata: { name: "real" } });
    await t.client.resource(pods).create(pod("placed", { nodeName: "real" }));
    await t.client.resource(pods).create(pod("orphan", { nodeName: "ghost", finalizers: ["example.com/hold"] }));
    const collected = await eventually(
      async () => {
        const got = await t.client.resource(pods).get("default", "orphan");
        return got.metadata?.deletionTimestamp ? got : undefined;
      },
      { message: "orphan deleted" },
    );
    assert.equal(collected.status?.phase, "Failed");
    const condition = collected.status?.conditions?.find((c) => c.type === "DisruptionTarget");
    assert.equal(condition?.status, "True");
    assert.equal(condition?.reason, "DeletionByPodGC");
    assert.equal(condition?.message, "PodGC: node no longer exists");
    const placed = await t.client.resource(pods).get("default", "placed");
    assert.ok(!placed.metadata?.deletionTimestamp);
  });

  it("deletes the oldest terminated pods beyond the threshold", async () => {
    const first = await t.client.resource(pods).create(pod("done-1", { nodeName: "real" }));
    await new Promise((resolve) => setTimeout(resolve, 1100)); // creation timestamps have second resolution
    const second = await t.client.resource(pods).create(pod("done-2", { nodeName: "real" }));
    await setPodPhase(t.client, first, "Succeeded");
    await setPodPhase(t.client, second, "Failed");
    await eventually(
      async () => {
        const names = (await t.client.resource(pods).list("default")).items.map((p) => p.metadata?.name);
        return !names.includes("done-1") && names;
      },
      { message: "oldest terminated pod deleted" },
    );
    const names = (await t.client.resource(pods).list("default")).items.map((p) => p.metadata?.name);
    assert.ok(names.includes("done-2"));
    assert.ok(names.includes("placed"));
  });
  it("fails and force-deletes unscheduled pods that are terminating", async () => {
    await t.client.resource(pods).create(pod("unscheduled", { finalizers: ["example.com/hold"] }));
    await t.client.resource(pods).delete("default", "unscheduled");
    const failed = await eventually(
      async () => {
        const got = await t.client.resource(pods).get("default", "unscheduled");
        return got.status?.phase === "Failed" ? got : undefined;
      },
      { message: "unscheduled terminating pod failed" },
    );
    assert.ok(failed.metadata?.deletionTimestamp);
    await t.client.resource(pods).patch("default", "unscheduled", "merge", { metadata: { finalizers: null } });
  });
});
