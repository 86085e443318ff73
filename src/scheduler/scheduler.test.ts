/** The scheduler against a real API server: binding, spreading, failures, selectors, taints, preemption. */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import { createEventRecorder } from "../client/events.js";
import { events, nodes, pods, priorityClasses } from "../client/resources.js";
import { eventually, startTestCluster, type TestCluster } from "../client/testing.js";
import type { EventRecorder, KubeObject } from "../client/types.js";
import { logger } from "../util/log.js";
import { runScheduler } from "./index.js";
import { makeNode, makePod } from "./testutil.js";

interface RecordedEvent {
  readonly object: string;
  readonly type: string;
  readonly reason: string;
  readonly message: string;
}

/** Remembers every event and forwards it to the real recorder (so Events reach the API server too). */
function memoryRecorder(forward: EventRecorder): EventRecorder & { events: RecordedEvent[] } {
  const events: RecordedEvent[] = [];
  return {
    events,
    event(object: KubeObject, type, reason, message) {
      events.push({ object: `${object.metadata?.namespace}/${object.metadata?.name}`, type, reason, message });
      forward.event(object, type, reason, message);
    },
  };
}

describe("scheduler (integration)", () => {
  let cluster: TestCluster;
  let abort: AbortController;
  let recorder: ReturnType<typeof memoryRecorder>;
  let running: Promise<void>;

  beforeEach(async () => {
    cluster = await startTestCluster();
    abort = new AbortController();
    recorder = memoryRecorder(createEventRecorder(cluster.client, "default-scheduler", logger("events-test")));
  });

  afterEach(async () => {
    abort.abort();
    await running;
    await cluster.close();
  });

  function start(): void {
    running = runScheduler({
      client: cluster.client,
      informers: cluster.informers,
      recorder,
      log: logger("scheduler-test"),
      signal: abort.signal,
      options: { podInitialBackoffMs: 50, podMaxBackoffMs: 200 },
    });
  }

  async function createNode(node: Node): Promise<void> {
    const created = await cluster.client.resource(nodes).create(node);
    if (!created.status?.allocatable) {
      await cluster.client.resource(nodes).updateStatus({ ...created, status: node.status });
    }
  }

  const podApi = () => cluster.client.resource(pods);

  async function nodeOf(name: string, namespace = "default"): Promise<string | undefined> {
    return (await podApi().get(namespace, name)).spec?.nodeName;
  }

  it("binds pods, spreads them over equal nodes and records Scheduled events", async () => {
    for (const n of ["n1", "n2", "n3"]) await createNode(makeNode(n, { cpu: "4" }));
    start();
    for (let i = 0; i < 6; i++) await podApi().create(makePod(`p${i}`, { cpu: "1" }));
    const placed = await eventually(async () => {
      const list = (await podApi().list("default")).items;
      return list.every((p) => p.spec?.nodeName) ? list : undefined;
    });
    assert.ok(placed);
    const perNode = new Map<string, number>();
    for (const p of placed) perNode.set(p.spec!.nodeName!, (perNode.get(p.spec!.nodeName!) ?? 0) + 1);
    assert.deepEqual([...perNode.values()], [2, 2, 2]);
    const bound = placed.find((p) => p.metadata?.name === "p0")!;
    assert.equal(bound.status?.conditions?.find((c) => c.type === "PodScheduled")?.status, "True");
    await eventually(() =>
      recorder.events.some(
        (e) => e.reason === "Scheduled" && e.message === `Successfully assigned default/p0 to ${bound.spec!.nodeName}`,
      ),
    );
  });

  it("leaves a pod that fits nowhere Pending with PodScheduled=False and upstream's FailedScheduling message", async () => {
    for (const n of ["n1", "n2", "n3"]) await createNode(makeNode(n, { cpu: "2" }));
    start();
    await podApi().create(makePod("big", { cpu: "3" }));
    // Upstream appends " %v." to the PostFilter message, which already ends with "." — hence "..".
    const expected =
      "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod..";
    const condition = await eventually(async () => {
      const pod = await podApi().get("default", "big");
      return pod.status?.conditions?.find((c) => c.type === "PodScheduled");
    });
    assert.ok(condition);
    assert.equal(condition.status, "False");
    assert.equal(condition.reason, "Unschedulable");
    assert.equal(condition.message, expected);
    assert.ok(
      recorder.events.some((e) => e.type === "Warning" && e.reason === "FailedScheduling" && e.message === expected),
    );
    assert.equal(await nodeOf("big"), undefined);
    const stored = await eventually(async () =>
      (await cluster.client.resource(events).list("default")).items.find(
        (e) => e.reason === "FailedScheduling" && e.involvedObject.name === "big",
      ),
    );
    assert.equal(stored?.type, "Warning");
    assert.equal(stored?.message, expected);
    // A new node with room makes it schedulable.
    await createNode(makeNode("n4", { cpu: "8" }));
    await eventually(async () => (await nodeOf("big")) === "n4");
  });

  it("honours nodeSelector and taints", async () => {
    await createNode(makeNode("plain", {}));
    await createNode(makeNode("ssd", { labels: { disk: "ssd" } }));
    await createNode(
      makeNode("tainted", {
        labels: { disk: "ssd" },
        taints: [{ key: "dedicated", value: "db", effect: "NoSchedule" }],
      }),
    );
    start();
    for (let i = 0; i < 4; i++) await podApi().create(makePod(`sel${i}`, {}, { nodeSelector: { disk: "ssd" } }));
    await podApi().create(
      makePod(
        "tolerant",
        {},
        {
          nodeSelector: { disk: "ssd" },
          tolerations: [{ key: "dedicated", operator: "Equal", value: "db", effect: "NoSchedule" }],
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["tainted"] }] }],
              },
            },
          },
        },
      ),
    );
    for (let i = 0; i < 4; i++) await eventually(async () => (await nodeOf(`sel${i}`)) === "ssd");
    await eventually(async () => (await nodeOf("tolerant")) === "tainted");
    await podApi().create(makePod("nowhere", {}, { nodeSelector: { disk: "nvme" } }));
    const message = await eventually(async () => {
      const pod = await podApi().get("default", "nowhere");
      return pod.status?.conditions?.find((c) => c.type === "PodScheduled")?.message;
    });
    assert.equal(
      message,
      "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: db}, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..",
    );
  });

  it("preempts a lower-priority pod for a higher-priority one", async () => {
    await cluster.client.resource(priorityClasses).create({
      apiVersion: "scheduling.k8s.io/v1",
      kind: "PriorityClass",
      metadata: { name: "high" },
      value: 1000,
    });
    await createNode(makeNode("only", { cpu: "2" }));
    start();
    await podApi().create(makePod("low", { cpu: "2" }));
    await eventually(async () => (await nodeOf("low")) === "only");
    await podApi().create(makePod("high", { cpu: "2" }, { priorityClassName: "high" }));
    const nominated = await eventually(async () => (await podApi().get("default", "high")).status?.nominatedNodeName);
    assert.equal(nominated, "only");
    assert.ok(recorder.events.some((e) => e.object === "default/low" && e.reason === "Preempted"));
    // The victim is deleted (no kubelet here: force its removal as the kubelet would once it stopped).
    await eventually(async () => {
      const low = await podApi()
        .get("default", "low")
        .catch(() => undefined);
      if (low?.metadata?.deletionTimestamp) await podApi().delete("default", "low", { gracePeriodSeconds: 0 });
      return !low || !!low.metadata?.deletionTimestamp;
    });
    await eventually(async () => (await nodeOf("high")) === "only");
  });

  it("keeps required anti-affinity pods apart", async () => {
    for (const n of ["n1", "n2"]) await createNode(makeNode(n, {}));
    start();
    const lonely = (name: string) =>
      makePod(
        name,
        { labels: { app: "solo" } },
        {
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { app: "solo" } } },
              ],
            },
          },
        },
      );
    for (const name of ["s1", "s2", "s3"]) await podApi().create(lonely(name));
    const message = await eventually(async () => {
      const all = (await podApi().list("default")).items;
      const pending = all.filter((p) => !p.spec?.nodeName);
      if (all.length - pending.length !== 2 || pending.length !== 1) return undefined;
      return pending[0]!.status?.conditions?.find((c) => c.type === "PodScheduled")?.message;
    });
    assert.equal(
      message,
      "0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod..",
    );
    const bound = (await podApi().list("default")).items.filter((p) => p.spec?.nodeName).map((p) => p.spec!.nodeName);
    assert.deepEqual(bound.sort(), ["n1", "n2"]);
  });

  it("ignores pods for another scheduler", async () => {
    await createNode(makeNode("n1", {}));
    start();
    await podApi().create(makePod("other", {}, { schedulerName: "other-scheduler" }));
    await podApi().create(makePod("mine", {}));
    await eventually(async () => (await nodeOf("mine")) === "n1");
    const other: Pod = await podApi().get("default", "other");
    assert.equal(other.spec?.nodeName, undefined);
    assert.equal(other.status?.conditions, undefined);
  });
});
