import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { podKey } from "./podinfo.js";
import { SchedulingQueue } from "./queue.js";
import { makePod } from "./testutil.js";

function queueWithClock() {
  const clock = { now: 1_000_000 };
  const queue = new SchedulingQueue({
    initialBackoffMs: 1000,
    maxBackoffMs: 10_000,
    maxInUnschedulableMs: 60_000,
    now: () => clock.now,
  });
  return { queue, clock };
}

describe("SchedulingQueue", () => {
  it("pops by priority, then by enqueue time", () => {
    const { queue, clock } = queueWithClock();
    queue.add(makePod("low-early", { priority: 1 }));
    clock.now++;
    queue.add(makePod("high", { priority: 10 }));
    clock.now++;
    queue.add(makePod("low-late", { priority: 1 }));
    const order = [queue.tryPop(), queue.tryPop(), queue.tryPop()].map((qp) => qp?.podInfo.pod.metadata?.name);
    assert.deepEqual(order, ["high", "low-early", "low-late"]);
    assert.equal(queue.tryPop(), undefined);
  });

  it("parks unschedulable pods until a cluster event, then honours their backoff", () => {
    const { queue, clock } = queueWithClock();
    queue.add(makePod("p"));
    const qp = queue.tryPop()!;
    queue.addUnschedulable(qp, queue.schedulingCycle);
    assert.equal(queue.where(qp.key), "unschedulable");
    queue.moveAllToActiveOrBackoff();
    assert.equal(queue.where(qp.key), "backoff", "still backing off (1 s after the first attempt)");
    clock.now += 999;
    queue.flushBackoffCompleted();
    assert.equal(queue.where(qp.key), "backoff");
    clock.now += 1;
    queue.flushBackoffCompleted();
    assert.equal(queue.where(qp.key), "active");
  });

  it("doubles the backoff per attempt up to the maximum", () => {
    const { queue } = queueWithClock();
    queue.add(makePod("p"));
    const qp = queue.tryPop()!;
    const durations = [];
    for (let attempts = 1; attempts <= 6; attempts++) {
      qp.attempts = attempts;
      durations.push(queue.backoffDuration(qp));
    }
    assert.deepEqual(durations, [1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it("sends a pod to backoffQ when a move request happened during its cycle", () => {
    const { queue } = queueWithClock();
    queue.add(makePod("p"));
    const qp = queue.tryPop()!;
    const cycle = queue.schedulingCycle;
    queue.moveAllToActiveOrBackoff(); // e.g. a node was added while the pod was being scheduled
    queue.addUnschedulable(qp, cycle);
    assert.equal(queue.where(qp.key), "backoff");
  });

  it("retries pods left unschedulable for too long", () => {
    const { queue, clock } = queueWithClock();
    queue.add(makePod("p"));
    const qp = queue.tryPop()!;
    queue.addUnschedulable(qp, queue.schedulingCycle);
    clock.now += 59_999;
    queue.flushUnschedulableLeftover();
    assert.equal(queue.where(qp.key), "unschedulable");
    clock.now += 1;
    queue.flushUnschedulableLeftover();
    assert.equal(queue.where(qp.key), "active");
  });

  it("moves an unschedulable pod on a spec update but not on a status-only update", () => {
    const { queue, clock } = queueWithClock();
    const pod = makePod("p");
    queue.add(pod);
    const qp = queue.tryPop()!;
    queue.addUnschedulable(qp, queue.schedulingCycle);
    const statusOnly = { ...pod, status: { phase: "Pending" } };
    queue.update(pod, statusOnly);
    assert.equal(queue.where(qp.key), "unschedulable");
    clock.now += 5000;
    const relabelled = { ...statusOnly, metadata: { ...statusOnly.metadata, labels: { a: "b" } } };
    queue.update(statusOnly, relabelled);
    assert.equal(queue.where(qp.key), "active");
  });

  it("holds gated pods until their scheduling gates are removed", () => {
    const { queue } = queueWithClock();
    const gated = makePod("g", {}, { schedulingGates: [{ name: "wait" }] });
    queue.add(gated);
    assert.equal(queue.where(podKey(gated)), "gated");
    queue.moveAllToActiveOrBackoff();
    assert.equal(queue.tryPop(), undefined);
    queue.update(gated, makePod("g"));
    assert.equal(queue.tryPop()?.key, podKey(gated));
  });

  it("forgets deleted pods, in flight or queued", () => {
    const { queue } = queueWithClock();
    const a = makePod("a");
    queue.add(a);
    const qp = queue.tryPop()!;
    queue.delete(a);
    queue.addUnschedulable(qp, queue.schedulingCycle);
    assert.equal(queue.where(qp.key), undefined);
  });

  it("wakes a waiting pop when a pod arrives, and resolves undefined on close", async () => {
    const { queue } = queueWithClock();
    const waiting = queue.pop();
    queue.add(makePod("later"));
    assert.equal((await waiting)?.podInfo.pod.metadata?.name, "later");
    const pending = queue.pop();
    queue.close();
    assert.equal(await pending, undefined);
  });

  it("tracks nominated pods per node", () => {
    const { queue } = queueWithClock();
    const pod = makePod("n");
    queue.add({ ...pod, status: { nominatedNodeName: "node-1" } });
    assert.deepEqual(
      queue.nominatedPodsForNode("node-1").map((p) => p.key),
      ["default/n"],
    );
    queue.delete(pod);
    assert.deepEqual(queue.nominatedPodsForNode("node-1"), []);
  });
});
