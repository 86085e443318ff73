/** TTL-after-finished: expiry arithmetic, and a finished Job deleted against a real API server. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Job } from "kubernetes-types/batch/v1.js";
import { isStatusError } from "../../api/status.js";
import { jobs, pods } from "../../client/resources.js";
import { eventually } from "../../client/testing.js";
import { type ControllerTest, startControllerTest } from "../testing.js";
import { newTtlAfterFinishedController } from "./controller.js";
import { garbageCollectorController } from "../garbagecollector/controller.js";
import { timeLeftMs } from "./sync.js";

const finishedAt = "2026-01-01T00:00:00Z";
function job(ttl: number | undefined, condition = "Complete"): Job {
  return {
    metadata: { name: "j", namespace: "default" },
    spec: { ttlSecondsAfterFinished: ttl, template: {} },
    status: { conditions: [{ type: condition, status: "True", lastTransitionTime: finishedAt }] },
  };
}

describe("ttl-after-finished arithmetic", () => {
  it("counts from the finished condition's transition time", () => {
    const at = Date.parse(finishedAt);
    assert.equal(timeLeftMs(job(100), at + 40_000), 60_000);
    assert.equal(timeLeftMs(job(0, "Failed"), at + 1), -1);
    assert.equal(timeLeftMs(job(undefined), at), undefined);
    assert.equal(timeLeftMs(job(100, "Suspended"), at), undefined);
  });
});

describe("ttl-after-finished controller", () => {
  let t: ControllerTest;
  before(async () => {
    t = await startControllerTest([newTtlAfterFinishedController(), garbageCollectorController], {
      apiServer: { garbageCollection: true },
    });
  });
  after(() => t.close());

  it("deletes a finished Job once its TTL expired and leaves unfinished ones", async () => {
    const template = { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox" }] } };
    const jobClient = t.client.resource(jobs);
    const create = (name: string): Promise<Job> =>
      jobClient.create({
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name, namespace: "default" },
        spec: { ttlSecondsAfterFinished: 1, suspend: true, template },
      });
    const done = await create("done");
    const running = await create("running");
    // A pod of the finished Job that a finalizer keeps around once it is deleted.
    const podClient = t.client.resource(pods);
    await podClient.create({
      metadata: {
        name: "done-pod",
        namespace: "default",
        finalizers: ["example.com/hold"],
        ownerReferences: [
          {
            apiVersion: "batch/v1",
            kind: "Job",
            name: "done",
            uid: done.metadata!.uid!,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: { containers: [{ name: "c", image: "busybox" }] },
    });
    const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    await jobClient.updateStatus({
      ...done,
      status: {
        startTime: now,
        completionTime: now,
        succeeded: 1,
        conditions: [
          { type: "SuccessCriteriaMet", status: "True", lastTransitionTime: now },
          { type: "Complete", status: "True", lastTransitionTime: now },
        ],
      },
    });
    // Foreground, as upstream: the Job waits for its pod (which waits for its finalizer).
    await eventually(
      async () => {
        const job = await jobClient.get("default", "done");
        const pod = await podClient.get("default", "done-pod");
        return (
          job.metadata?.finalizers?.includes("foregroundDeletion") === true &&
          pod.metadata?.deletionTimestamp !== undefined
        );
      },
      { message: "the Job deleted in the foreground, its pod being deleted" },
    );
    const pod = await podClient.get("default", "done-pod");
    await podClient.patch("default", "done-pod", "merge", { metadata: { finalizers: null } });
    assert.ok(pod.metadata?.deletionTimestamp);
    await eventually(
      async () => {
        try {
          await jobClient.get("default", "done");
          return false;
        } catch (error) {
          return isStatusError(error) && error.code === 404;
        }
      },
      { message: "finished job deleted" },
    );
    const still = await jobClient.get("default", "running");
    assert.equal(still.metadata?.uid, running.metadata?.uid);
    assert.ok(!still.metadata?.deletionTimestamp);
  });
});
