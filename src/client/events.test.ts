/** Event recording against a real API server: naming, de-duplication, 404 fallback, spam filter, aggregation. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Event, Pod } from "kubernetes-types/core/v1.js";
import { logger } from "../util/log.js";
import { createEventRecorder } from "./events.js";
import { events, pods } from "./resources.js";
import { startTestCluster, type TestCluster } from "./testing.js";

const log = logger("events-test");

function pod(name: string): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", uid: `uid-${name}`, resourceVersion: "7" },
  };
}

describe("event recorder", () => {
  let cluster: TestCluster;
  let clock = Date.parse("2026-01-01T00:00:00Z");
  const now = (): number => clock;
  before(async () => {
    cluster = await startTestCluster();
  });
  after(() => cluster.close());

  async function eventsFor(name: string): Promise<Event[]> {
    const list = await cluster.client.resource(events).list("default");
    return list.items.filter((e) => e.involvedObject.name === name);
  }

  test("records a core/v1 Event like client-go, and de-duplicates a repeat into count 2", async () => {
    const recorder = createEventRecorder(cluster.client, "test-controller", log, "node-1", { now });
    recorder.event(pod("dedup"), "Normal", "Started", "started it");
    await recorder.flush();
    const [first] = await eventsFor("dedup");
    assert.ok(first);
    assert.match(first.metadata!.name!, /^dedup\.[0-9a-f]{16}$/);
    assert.equal(first.metadata?.namespace, "default");
    assert.deepEqual(first.involvedObject, {
      kind: "Pod",
      namespace: "default",
      name: "dedup",
      uid: "uid-dedup",
      apiVersion: "v1",
      resourceVersion: "7",
    });
    assert.deepEqual(first.source, { component: "test-controller", host: "node-1" });
    assert.equal(first.reportingComponent, "test-controller");
    assert.equal(first.reportingInstance, "node-1");
    assert.equal(first.count, 1);
    assert.equal(first.firstTimestamp, "2026-01-01T00:00:00Z");

    clock += 5_000;
    recorder.event(pod("dedup"), "Normal", "Started", "started it");
    await recorder.flush();
    const all = await eventsFor("dedup");
    assert.equal(all.length, 1);
    assert.equal(all[0]!.metadata?.name, first.metadata?.name);
    assert.equal(all[0]!.count, 2);
    assert.equal(all[0]!.firstTimestamp, "2026-01-01T00:00:00Z");
    assert.equal(all[0]!.lastTimestamp, "2026-01-01T00:00:05Z");

    // A different message is a different Event.
    recorder.event(pod("dedup"), "Normal", "Started", "started it again");
    await recorder.flush();
    assert.equal((await eventsFor("dedup")).length, 2);
  });

  test("a repeat of an Event that was deleted meanwhile is created anew", async () => {
    const recorder = createEventRecorder(cluster.client, "test-controller", log, undefined, { now });
    recorder.event(pod("gone"), "Warning", "Failed", "it failed");
    await recorder.flush();
    const [first] = await eventsFor("gone");
    await cluster.client.resource(events).delete("default", first!.metadata!.name!);
    recorder.event(pod("gone"), "Warning", "Failed", "it failed");
    await recorder.flush();
    const all = await eventsFor("gone");
    assert.equal(all.length, 1);
    assert.equal(all[0]!.count, 2);
    assert.deepEqual(all[0]!.source, { component: "test-controller" });
  });

  test("the spam filter allows a burst of 25 per object, then one per 5 minutes", async () => {
    const recorder = createEventRecorder(cluster.client, "spammer", log, undefined, { now });
    for (let i = 0; i < 30; i++) recorder.event(pod("spam"), "Normal", `Reason${i}`, "m");
    await recorder.flush();
    assert.equal((await eventsFor("spam")).length, 25);
    recorder.event(pod("spam"), "Normal", "Late", "m");
    await recorder.flush();
    assert.equal((await eventsFor("spam")).length, 25);
    clock += 300_000;
    recorder.event(pod("spam"), "Normal", "Later", "m");
    recorder.event(pod("spam"), "Normal", "Later2", "m");
    await recorder.flush();
    const all = await eventsFor("spam");
    assert.equal(all.length, 26);
    assert.ok(all.some((e) => e.reason === "Later"));
  });

  test("similar events differing only by message are combined after 10", async () => {
    const recorder = createEventRecorder(cluster.client, "aggregator", log, undefined, { now });
    for (let i = 0; i < 12; i++) recorder.event(pod("similar"), "Warning", "FailedCreate", `attempt ${i}`);
    await recorder.flush();
    const all = await eventsFor("similar");
    const combined = all.filter((e) => e.message?.startsWith("(combined from similar events): "));
    assert.equal(all.length, 10, "9 individual events and one combined");
    assert.equal(combined.length, 1);
    assert.equal(combined[0]!.count, 3);
    assert.equal(combined[0]!.message, "(combined from similar events): attempt 11");
  });

  test("never throws, even for objects without metadata or a dead server", async () => {
    const recorder = createEventRecorder(cluster.client, "robust", log, undefined, { now });
    recorder.event({}, "Normal", "Odd", "no metadata");
    await recorder.flush();
    const dead = (await import("./rest.js")).createClient({ url: "http://127.0.0.1:1", userAgent: "dead" });
    const deadRecorder = createEventRecorder(dead, "robust", log);
    deadRecorder.event(pod("x"), "Normal", "R", "m");
    await deadRecorder.flush();
    dead.close();
  });

  test("events for pods are visible through the pods' namespace", async () => {
    const created = await cluster.client.resource(pods).create({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "real", namespace: "default" },
      spec: { containers: [{ name: "c", image: "busybox" }] },
    });
    const recorder = createEventRecorder(cluster.client, "kubelet", log, "node-1");
    recorder.event(created, "Normal", "Pulled", "image pulled");
    await recorder.flush();
    const [event] = await eventsFor("real");
    assert.equal(event?.involvedObject.uid, created.metadata?.uid);
  });
});
