/** Integration tests of the StatefulSet controller against a real API server (startTestCluster). */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { StatefulSet } from "kubernetes-types/apps/v1.js";
import { controllerRevisions, persistentVolumeClaims, pods, statefulSets } from "../../client/resources.js";
import { eventually } from "../../client/testing.js";
import type { Client } from "../../client/types.js";
import {
  type ControllerTest,
  markPodReady,
  podRef,
  setPodPhase,
  startControllerTest,
  startFakeKubelet,
} from "../testing.js";
import { statefulSetController } from "./index.js";

/** Plays the kubelet for the pods whose name starts with `prefix`, until the returned function is called. */
function autoReady(client: Client, namespace: string, prefix: string): () => Promise<void> {
  return startFakeKubelet(client, namespace, { mayBecomeReady: (pod) => pod.metadata!.name!.startsWith(prefix) });
}

function statefulSet(name: string, replicas: number, extra: Partial<StatefulSet["spec"]> = {}): StatefulSet {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name, namespace: "default" },
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "c", image: "nginx:1" }] },
      },
      ...extra,
    },
  };
}

async function podNames(client: Client, prefix: string): Promise<string[]> {
  const list = await client.resource(pods).list("default");
  return list.items
    .map((p) => p.metadata!.name!)
    .filter((n) => n.startsWith(`${prefix}-`))
    .sort();
}

describe("statefulset controller", () => {
  let t: ControllerTest;
  /** The events recorded so far, as "type reason message". */
  const events = (): string[] => t.events.map((e) => `${e.type} ${e.reason} ${e.message}`);

  before(async () => {
    t = await startControllerTest(statefulSetController);
  });

  after(() => t.close());

  it("OrderedReady creates web-0, and web-1 only once web-0 is Ready; PVCs come first", async () => {
    const { client } = t;
    const template = {
      metadata: { name: "www" },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
    };
    await client.resource(statefulSets).create(statefulSet("web", 2, { volumeClaimTemplates: [template] }));
    const web0 = await eventually(() => client.resource(pods).get("default", "web-0"));
    assert.deepEqual(await podNames(client, "web"), ["web-0"], "web-1 must wait for web-0");
    assert.equal(web0.spec?.hostname, "web-0");
    assert.equal(web0.spec?.subdomain, "web");
    assert.equal(web0.metadata?.labels?.["statefulset.kubernetes.io/pod-name"], "web-0");
    assert.equal(web0.metadata?.labels?.["apps.kubernetes.io/pod-index"], "0");
    assert.match(web0.metadata?.labels?.["controller-revision-hash"] ?? "", /^web-[a-z0-9]+$/);
    const volume = web0.spec?.volumes?.find((v) => v.name === "www");
    assert.equal(volume?.persistentVolumeClaim?.claimName, "www-web-0");
    const claim = await client.resource(persistentVolumeClaims).get("default", "www-web-0");
    assert.equal(claim.metadata?.labels?.app, "web");

    await markPodReady(client, podRef("default", "web-0"));
    await eventually(() => client.resource(pods).get("default", "web-1"));
    await markPodReady(client, podRef("default", "web-1"));
    const set = await eventually(async () => {
      const s = await client.resource(statefulSets).get("default", "web");
      return s.status?.readyReplicas === 2 && s.status.currentRevision ? s : undefined;
    });
    assert.equal(set.status?.replicas, 2);
    assert.equal(set.status?.updatedReplicas, 2);
    assert.equal(set.status?.currentRevision, set.status?.updateRevision);
    assert.equal(set.status?.observedGeneration, set.metadata?.generation);
    const revision = await client.resource(controllerRevisions).get("default", set.status!.updateRevision!);
    assert.equal(revision.revision, 1);
    assert.equal(revision.metadata?.ownerReferences?.[0]?.name, "web");
    assert.ok(events().includes("Normal SuccessfulCreate create Pod web-0 in StatefulSet web successful"));
    assert.ok(events().includes("Normal SuccessfulCreate create Claim www-web-0 Pod web-0 in StatefulSet web success"));
    // Claims survive scale down (default retention policy Retain).
    await client.resource(statefulSets).patch("default", "web", "merge", { spec: { replicas: 0 } });
    await eventually(async () => (await podNames(client, "web")).length === 0);
    await client.resource(persistentVolumeClaims).get("default", "www-web-1");
  });

  it("scales down from the highest ordinal, one at a time", async () => {
    const { client } = t;
    const stop = autoReady(client, "default", "down-");
    try {
      await client.resource(statefulSets).create(statefulSet("down", 3));
      await eventually(
        async () => (await client.resource(statefulSets).get("default", "down")).status?.readyReplicas === 3,
      );
      await client.resource(statefulSets).patch("default", "down", "merge", { spec: { replicas: 1 } });
      await eventually(async () => (await podNames(client, "down")).join() === "down-0");
      const deletions = events().filter((e) => e.includes("SuccessfulDelete") && e.includes("StatefulSet down "));
      assert.deepEqual(deletions, [
        "Normal SuccessfulDelete delete Pod down-2 in StatefulSet down successful",
        "Normal SuccessfulDelete delete Pod down-1 in StatefulSet down successful",
      ]);
    } finally {
      await stop();
    }
  });

  it("Parallel creates every pod without waiting, honouring spec.ordinals.start", async () => {
    const { client } = t;
    await client
      .resource(statefulSets)
      .create(statefulSet("par", 3, { podManagementPolicy: "Parallel", ordinals: { start: 5 } }));
    await eventually(async () => (await podNames(client, "par")).join() === "par-5,par-6,par-7");
    const status = await eventually(async () => {
      const s = await client.resource(statefulSets).get("default", "par");
      return s.status?.replicas === 3 ? s.status : undefined;
    });
    assert.equal(status.readyReplicas, 0);
  });

  it("rolls an update from the highest ordinal down to the partition", async () => {
    const { client } = t;
    const stop = autoReady(client, "default", "roll-");
    try {
      await client
        .resource(statefulSets)
        .create(statefulSet("roll", 3, { updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 1 } } }));
      const before = await eventually(async () => {
        const s = await client.resource(statefulSets).get("default", "roll");
        return s.status?.readyReplicas === 3 && s.status.currentRevision ? s : undefined;
      });
      const oldRevision = before.status!.currentRevision!;
      await client.resource(statefulSets).patch("default", "roll", "merge", {
        spec: { template: { spec: { containers: [{ name: "c", image: "nginx:2" }] } } },
      });
      const after = await eventually(async () => {
        const s = await client.resource(statefulSets).get("default", "roll");
        return s.status?.updatedReplicas === 2 && s.status.readyReplicas === 3 ? s : undefined;
      });
      assert.notEqual(after.status?.updateRevision, oldRevision);
      assert.equal(after.status?.currentRevision, oldRevision, "a partitioned rollout does not complete");
      const byName = new Map(
        (await client.resource(pods).list("default")).items.map((p) => [p.metadata!.name!, p] as const),
      );
      assert.equal(byName.get("roll-0")?.spec?.containers[0]?.image, "nginx:1");
      assert.equal(byName.get("roll-1")?.spec?.containers[0]?.image, "nginx:2");
      assert.equal(byName.get("roll-2")?.spec?.containers[0]?.image, "nginx:2");
      const deletions = events().filter((e) => e.includes("SuccessfulDelete") && e.includes("StatefulSet roll "));
      assert.deepEqual(deletions, [
        "Normal SuccessfulDelete delete Pod roll-2 in StatefulSet roll successful",
        "Normal SuccessfulDelete delete Pod roll-1 in StatefulSet roll successful",
      ]);
      // Lifting the partition finishes the rollout: the update revision becomes current.
      await client.resource(statefulSets).patch("default", "roll", "merge", {
        spec: { updateStrategy: { rollingUpdate: { partition: 0 } } },
      });
      const done = await eventually(async () => {
        const s = await client.resource(statefulSets).get("default", "roll");
        return s.status?.currentRevision === s.status?.updateRevision && s.status?.currentReplicas === 3
          ? s
          : undefined;
      });
      assert.equal(done.status?.updatedReplicas, 3);
    } finally {
      await stop();
    }
  });

  it("rolls back by renumbering the equal old revision (kubectl rollout undo)", async () => {
    const { client } = t;
    const stop = autoReady(client, "default", "undo-");
    const image = (tag: string): unknown => ({
      spec: { template: { spec: { containers: [{ name: "c", image: `nginx:${tag}` }] } } },
    });
    try {
      await client.resource(statefulSets).create(statefulSet("undo", 1));
      const first = await eventually(async () => {
        const s = await client.resource(statefulSets).get("default", "undo");
        return s.status?.currentRevision ? s.status.currentRevision : undefined;
      });
      await client.resource(statefulSets).patch("default", "undo", "merge", image("2"));
      await eventually(async () => {
        const s = await client.resource(statefulSets).get("default", "undo");
        return s.status?.updateRevision !== first && s.status?.currentRevision === s.status?.updateRevision;
      });
      await client.resource(statefulSets).patch("default", "undo", "merge", image("1"));
      await eventually(async () => {
        const s = await client.resource(statefulSets).get("default", "undo");
        return s.status?.updateRevision === first && s.status.currentRevision === first && s.status.readyReplicas === 1;
      });
      const owned = (await client.resource(controllerRevisions).list("default")).items.filter(
        (r) => r.metadata?.ownerReferences?.[0]?.name === "undo",
      );
      assert.equal(owned.length, 2);
      assert.equal(owned.find((r) => r.metadata?.name === first)?.revision, 3);
      assert.equal((await client.resource(pods).get("default", "undo-0")).spec?.containers[0]?.image, "nginx:1");
    } finally {
      await stop();
    }
  });

  it("adopts an orphan pod that matches its selector and name", async () => {
    const { client } = t;
    const orphan = await client.resource(pods).create({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "adopt-0", namespace: "default", labels: { app: "adopt" } },
      spec: { containers: [{ name: "c", image: "nginx:1" }] },
    });
    await client.resource(statefulSets).create(statefulSet("adopt", 1));
    const adopted = await eventually(async () => {
      const p = await client.resource(pods).get("default", "adopt-0");
      return p.metadata?.ownerReferences?.some((r) => r.kind === "StatefulSet" && r.controller) ? p : undefined;
    });
    assert.equal(adopted.metadata?.uid, orphan.metadata?.uid);
  });

  it("recreates a failed pod", async () => {
    const { client } = t;
    await client.resource(statefulSets).create(statefulSet("fail", 1));
    const first = await eventually(() => client.resource(pods).get("default", "fail-0"));
    await setPodPhase(client, first, "Failed");
    const second = await eventually(async () => {
      const p = await client.resource(pods).get("default", "fail-0");
      return p.metadata?.uid !== first.metadata?.uid ? p : undefined;
    });
    assert.notEqual(second.status?.phase, "Failed");
  });
});
