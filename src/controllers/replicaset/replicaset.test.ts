import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ReplicaSet } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { pods, replicaSets } from "../../client/resources.js";
import { eventually } from "../../client/testing.js";
import { replicaSetController } from "./index.js";
import { listActivePods, markPodReady, patchRetrying, startControllerTest, type ControllerTest } from "../testing.js";

const NS = "default";

function replicaSet(name: string, replicas: number, extra: Partial<ReplicaSet["spec"]> = {}): ReplicaSet {
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: { name, namespace: NS },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, tier: "web" } },
        spec: { containers: [{ name: "c", image: "nginx" }] },
      },
      ...extra,
    },
  };
}

describe("ReplicaSet controller (real API server)", () => {
  let t: ControllerTest;
  before(async () => {
    t = await startControllerTest([replicaSetController]);
  });
  after(async () => {
    await t.close();
  });

  it("creates the desired pods with a controller reference and reports status", async () => {
    const rs = await t.client.resource(replicaSets).create(replicaSet("create", 3));
    const created = await eventually(async () => {
      const list = await listActivePods(t.client, NS, "app=create");
      return list.length === 3 ? list : undefined;
    });
    for (const pod of created) {
      const ref = pod.metadata?.ownerReferences?.[0];
      assert.equal(ref?.uid, rs.metadata?.uid);
      assert.equal(ref?.kind, "ReplicaSet");
      assert.equal(ref?.controller, true);
      assert.match(pod.metadata!.name!, /^create-[a-z0-9]{5}$/);
      assert.equal(pod.metadata?.labels?.tier, "web");
    }
    await markPodReady(t.client, created[0]!);
    const status = await eventually(async () => {
      const s = (await t.client.resource(replicaSets).get(NS, "create")).status;
      return s?.readyReplicas === 1 ? s : undefined;
    });
    assert.equal(status.replicas, 3);
    assert.equal(status.fullyLabeledReplicas, 3);
    assert.equal(status.availableReplicas, 1);
    assert.equal(status.observedGeneration, rs.metadata?.generation);
    assert.equal(
      t.events.filter((e) => e.ref === "ReplicaSet/default/create" && e.reason === "SuccessfulCreate").length,
      3,
    );
    assert.ok(t.events.some((e) => /^Created pod: create-/.test(e.message)));
  });

  it("replaces a deleted pod", async () => {
    await t.client.resource(replicaSets).create(replicaSet("replace", 2));
    const first = await eventually(async () => {
      const list = await listActivePods(t.client, NS, "app=replace");
      return list.length === 2 ? list : undefined;
    });
    await t.client.resource(pods).delete(NS, first[0]!.metadata!.name!);
    await eventually(async () => {
      const list = await listActivePods(t.client, NS, "app=replace");
      return list.length === 2 && !list.some((p) => p.metadata?.name === first[0]!.metadata!.name);
    });
  });

  it("scales down deleting not-ready pods before ready ones", async () => {
    await t.client.resource(replicaSets).create(replicaSet("scale", 4));
    const all = await eventually(async () => {
      const list = await listActivePods(t.client, NS, "app=scale");
      return list.length === 4 ? list : undefined;
    });
    const keep = all.slice(0, 2);
    for (const pod of keep) await markPodReady(t.client, pod);
    await eventually(async () => (await t.client.resource(replicaSets).get(NS, "scale")).status?.readyReplicas === 2);
    await patchRetrying(t.client, replicaSets, NS, "scale", "merge", { spec: { replicas: 2 } });
    const left = await eventually(async () => {
      const list = await listActivePods(t.client, NS, "app=scale");
      return list.length === 2 ? list : undefined;
    });
    assert.deepEqual(left.map((p) => p.metadata?.name).sort(), keep.map((p) => p.metadata?.name).sort());
    // The event is recorded once the DELETE returned, which can be after the pods are seen gone.
    await eventually(() =>
      t.events.some((e) => e.reason === "SuccessfulDelete" && e.message.startsWith("Deleted pod: scale-")),
    );
    await eventually(async () => (await t.client.resource(replicaSets).get(NS, "scale")).status?.replicas === 2);
  });

  it("adopts matching orphans and releases pods whose labels stop matching", async () => {
    const orphan: Pod = {
      metadata: { name: "orphan-1", namespace: NS, labels: { app: "adopt", tier: "web" } },
      spec: { containers: [{ name: "c", image: "nginx" }] },
    };
    await t.client.resource(pods).create(orphan);
    const rs = await t.client.resource(replicaSets).create(replicaSet("adopt", 2));
    const adopted = await eventually(async () => {
      const pod = await t.client.resource(pods).get(NS, "orphan-1");
      return pod.metadata?.ownerReferences?.[0]?.uid === rs.metadata?.uid ? pod : undefined;
    });
    assert.equal(adopted.metadata?.ownerReferences?.[0]?.controller, true);
    await eventually(async () => (await listActivePods(t.client, NS, "app=adopt")).length === 2);
    // Relabel the adopted pod: it is released and replaced.
    await patchRetrying(t.client, pods, NS, "orphan-1", "merge", { metadata: { labels: { app: "gone" } } });
    await eventually(async () => {
      const pod = await t.client.resource(pods).get(NS, "orphan-1");
      return (pod.metadata?.ownerReferences ?? []).length === 0;
    });
    await eventually(async () => (await listActivePods(t.client, NS, "app=adopt")).length === 2);
  });

  it("counts a ready pod as available only after minReadySeconds (requeued, no further events needed)", async () => {
    await t.client.resource(replicaSets).create(replicaSet("minready", 1, { minReadySeconds: 1 }));
    const [pod] = await eventually(async () => {
      const list = await listActivePods(t.client, NS, "app=minready");
      return list.length === 1 ? list : undefined;
    });
    await markPodReady(t.client, pod!);
    const early = await eventually(async () => {
      const s = (await t.client.resource(replicaSets).get(NS, "minready")).status;
      return s?.readyReplicas === 1 ? s : undefined;
    });
    assert.equal(early.availableReplicas ?? 0, 0);
    await eventually(
      async () => (await t.client.resource(replicaSets).get(NS, "minready")).status?.availableReplicas === 1,
    );
  });

  it("never double-creates while many syncs run (expectations)", async () => {
    await t.client.resource(replicaSets).create(replicaSet("burst", 5));
    await eventually(async () => (await listActivePods(t.client, NS, "app=burst")).length === 5);
    // Several quick updates trigger many syncs; the pod count must stay exact.
    for (let i = 0; i < 5; i++) {
      await patchRetrying(t.client, replicaSets, NS, "burst", "merge", { metadata: { labels: { round: String(i) } } });
    }
    await eventually(async () => (await t.client.resource(replicaSets).get(NS, "burst")).status?.replicas === 5);
    const all = await t.client.resource(pods).list(NS, { labelSelector: "app=burst" });
    assert.equal(all.items.length, 5);
  });
});
