/** Integration tests of the DaemonSet controller against a real API server (startTestCluster). */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DaemonSet } from "kubernetes-types/apps/v1.js";
import type { Node, Pod, Taint } from "kubernetes-types/core/v1.js";
import { controllerRevisions, daemonSets, nodes, pods } from "../../client/resources.js";
import { eventually } from "../../client/testing.js";
import type { Client } from "../../client/types.js";
import { type ControllerTest, setPodPhase, startControllerTest, startFakeKubelet } from "../testing.js";
import { daemonSetController, targetNodeName } from "./index.js";

function node(name: string, labels: Record<string, string> = {}, taints: Taint[] = []): Node {
  return { apiVersion: "v1", kind: "Node", metadata: { name, labels }, spec: { taints } };
}

function daemonSet(
  name: string,
  extra: Partial<DaemonSet["spec"]> = {},
  nodeSelector?: Record<string, string>,
): DaemonSet {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name, namespace: "default" },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "c", image: "agent:1" }], ...(nodeSelector ? { nodeSelector } : {}) },
      },
      ...extra,
    },
  };
}

async function podsOf(client: Client, ds: string): Promise<Pod[]> {
  const list = await client.resource(pods).list("default", { labelSelector: `app=${ds}` });
  return list.items;
}

async function nodesWithPods(client: Client, ds: string): Promise<string> {
  const list = await podsOf(client, ds);
  return list
    .filter((p) => !p.metadata?.deletionTimestamp)
    .map((p) => targetNodeName(p) ?? "?")
    .sort()
    .join();
}

describe("daemonset controller", () => {
  let t: ControllerTest;
  /** The events recorded so far, as "type reason message". */
  const events = (): string[] => t.events.map((e) => `${e.type} ${e.reason} ${e.message}`);
  let readyGate = (_pod: Pod): boolean => true;
  let stopNodes: () => Promise<void>;

  before(async () => {
    t = await startControllerTest(daemonSetController);
    const api = t.client.resource(nodes);
    await api.create(node("n1", { zone: "a" }));
    await api.create(node("n2", { zone: "b" }));
    await api.create(node("n3", { zone: "a" }, [{ key: "dedicated", value: "db", effect: "NoSchedule" }]));
    // Plays scheduler and kubelets: binds pods to the node their daemon affinity names.
    stopNodes = startFakeKubelet(t.client, "default", {
      nodeFor: targetNodeName,
      mayBecomeReady: (pod) => readyGate(pod),
    });
  });

  after(async () => {
    await stopNodes();
    await t.close();
  });

  it("creates one pod per eligible node, skipping a tainted node, with daemon affinity and tolerations", async () => {
    const { client } = t;
    await client.resource(daemonSets).create(daemonSet("agent"));
    await eventually(async () => (await nodesWithPods(client, "agent")) === "n1,n2");
    const pod = (await podsOf(client, "agent")).find((p) => targetNodeName(p) === "n1")!;
    const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    assert.deepEqual(terms, [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["n1"] }] }]);
    const tolerated = (pod.spec?.tolerations ?? []).map((t) => `${t.key}:${t.effect}`);
    assert.ok(tolerated.includes("node.kubernetes.io/not-ready:NoExecute"));
    assert.ok(tolerated.includes("node.kubernetes.io/unschedulable:NoSchedule"));
    assert.ok(pod.metadata?.labels?.["controller-revision-hash"]);
    const status = await eventually(async () => {
      const ds = await client.resource(daemonSets).get("default", "agent");
      return ds.status?.numberAvailable === 2 ? ds.status : undefined;
    });
    assert.equal(status?.desiredNumberScheduled, 2);
    assert.equal(status?.currentNumberScheduled, 2);
    assert.equal(status?.updatedNumberScheduled, 2);
    assert.equal(status?.numberMisscheduled, 0);
    assert.equal(status?.numberUnavailable, 0);
    const revisions = await client.resource(controllerRevisions).list("default");
    const mine = revisions.items.filter((r) => r.metadata?.ownerReferences?.[0]?.name === "agent");
    assert.equal(mine.length, 1);
    assert.equal(mine[0]?.metadata?.name, `agent-${pod.metadata?.labels?.["controller-revision-hash"]}`);
  });

  it("follows node label changes through its nodeSelector", async () => {
    const { client } = t;
    await client.resource(daemonSets).create(daemonSet("zonal", {}, { zone: "a" }));
    await eventually(async () => (await nodesWithPods(client, "zonal")) === "n1");
    await client.resource(nodes).patch(undefined, "n2", "merge", { metadata: { labels: { zone: "a" } } });
    await eventually(async () => (await nodesWithPods(client, "zonal")) === "n1,n2");
    await client.resource(nodes).patch(undefined, "n1", "merge", { metadata: { labels: { zone: "c" } } });
    await eventually(async () => (await nodesWithPods(client, "zonal")) === "n2");
    await client.resource(nodes).patch(undefined, "n1", "merge", { metadata: { labels: { zone: "a" } } });
    await client.resource(nodes).patch(undefined, "n2", "merge", { metadata: { labels: { zone: "b" } } });
    await eventually(async () => (await nodesWithPods(client, "zonal")) === "n1");
  });

  it("rolls an update with at most maxUnavailable nodes down", async () => {
    const { client } = t;
    await client.resource(nodes).create(node("n4"));
    await client
      .resource(daemonSets)
      .create(daemonSet("roll", { updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } } }));
    await eventually(
      async () => (await client.resource(daemonSets).get("default", "roll")).status?.numberAvailable === 3,
    );
    const oldHash = (await podsOf(client, "roll"))[0]!.metadata!.labels!["controller-revision-hash"];
    readyGate = (pod) => pod.metadata?.labels?.app !== "roll";
    await client.resource(daemonSets).patch("default", "roll", "merge", {
      spec: { template: { spec: { containers: [{ name: "c", image: "agent:2" }] } } },
    });
    // One node is replaced; its new pod cannot become ready, so no other old pod may go.
    const stuck = await eventually(async () => {
      const all = await podsOf(client, "roll");
      const fresh = all.filter((p) => p.metadata?.labels?.["controller-revision-hash"] !== oldHash);
      return fresh.length === 1 && fresh[0]!.spec?.nodeName ? all : undefined;
    });
    const old = stuck.filter((p) => p.metadata?.labels?.["controller-revision-hash"] === oldHash);
    assert.equal(old.filter((p) => !p.metadata?.deletionTimestamp).length, 2);
    const ds = await eventually(async () => {
      const d = await client.resource(daemonSets).get("default", "roll");
      return d.status?.updatedNumberScheduled === 1 ? d : undefined;
    });
    assert.equal(ds.status?.numberUnavailable, 1);
    assert.equal(events().filter((e) => e.startsWith("Normal SuccessfulDelete Deleted pod: roll-")).length, 1);

    readyGate = () => true;
    await eventually(async () => {
      const d = await client.resource(daemonSets).get("default", "roll");
      return d.status?.updatedNumberScheduled === 3 && d.status.numberAvailable === 3;
    });
    const revisions = (await client.resource(controllerRevisions).list("default")).items
      .filter((r) => r.metadata?.ownerReferences?.[0]?.name === "roll")
      .map((r) => r.revision)
      .sort();
    assert.deepEqual(revisions, [1, 2]);
  });

  it("deletes a failed daemon pod and creates a new one", async () => {
    const { client } = t;
    await client.resource(daemonSets).create(daemonSet("crash", {}, { zone: "b" }));
    const first = (await eventually(async () =>
      (await podsOf(client, "crash")).find((p) => p.status?.phase === "Running"),
    ))!;
    await setPodPhase(client, first, "Failed");
    await eventually(async () =>
      (await podsOf(client, "crash")).some(
        (p) => p.metadata?.uid !== first.metadata?.uid && p.status?.phase === "Running",
      ),
    );
    assert.ok(events().some((e) => e.startsWith("Warning FailedDaemonPod Found failed daemon pod default/crash-")));
  });
});
