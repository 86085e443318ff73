// The garbage collector against a real API server with garbage collection on: background, foreground and
// orphan deletion, several owners, a deployment → replicaset → pods chain, dangling and cluster-scoped owners.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ConfigMap, Pod } from "kubernetes-types/core/v1.js";
import type { OwnerReference } from "kubernetes-types/meta/v1.js";
import { isStatusError } from "../../api/status.js";
import { configMaps, deployments, namespaces, nodes, pods, replicaSets } from "../../client/resources.js";
import { eventually } from "../../client/testing.js";
import type { KubeObject, Resource } from "../../client/types.js";
import { createGarbageCollectorController } from "./controller.js";
import { type ControllerTest, startControllerTest } from "../testing.js";

const NS = "default";

function ref(owner: KubeObject, apiVersion: string, kind: string, block = false): OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.metadata!.name!,
    uid: owner.metadata!.uid!,
    ...(block ? { controller: true, blockOwnerDeletion: true } : {}),
  };
}

const podSpec = { containers: [{ name: "c", image: "busybox" }] };

describe("garbage collector", () => {
  let cluster: ControllerTest;

  const get = <T extends KubeObject>(resource: Resource<T>, name: string, namespace: string | undefined = NS) =>
    cluster.client.resource(resource).get(namespace, name);
  const absent = async (resource: Resource, name: string, namespace: string | undefined = NS): Promise<boolean> => {
    try {
      await cluster.client.resource(resource).get(namespace, name);
      return false;
    } catch (error) {
      if (isStatusError(error) && error.code === 404) return true;
      throw error;
    }
  };
  const configMap = (name: string, owners: OwnerReference[] = [], finalizers?: string[]) =>
    cluster.client.resource(configMaps).create({
      metadata: { name, namespace: NS, ownerReferences: owners, ...(finalizers ? { finalizers } : {}) },
    });
  const pod = (name: string, owners: OwnerReference[]) =>
    cluster.client.resource(pods).create({ metadata: { name, namespace: NS, ownerReferences: owners }, spec: podSpec });

  before(async () => {
    cluster = await startControllerTest(createGarbageCollectorController({ workers: 4 }), {
      apiServer: { garbageCollection: true, namespaceLifecycle: true },
    });
  });
  after(async () => {
    await cluster.close();
  });

  it("background: the owner's deletion removes its dependents", async () => {
    const owner = await configMap("bg-owner");
    await configMap("bg-dep1", [ref(owner, "v1", "ConfigMap")]);
    await pod("bg-dep2", [ref(owner, "v1", "ConfigMap")]);
    await cluster.client.resource(configMaps).delete(NS, "bg-owner");
    await eventually(async () => (await absent(configMaps, "bg-dep1")) && (await absent(pods, "bg-dep2")), {
      message: "dependents collected",
    });
  });

  it("foreground: dependents go first (blocking ones hold the owner), then the owner", async () => {
    const owner = await configMap("fg-owner");
    // The held dependent keeps a finalizer so the owner's wait can be observed.
    await configMap("fg-held", [ref(owner, "v1", "ConfigMap", true)], ["example.com/hold"]);
    await pod("fg-pod", [ref(owner, "v1", "ConfigMap", true)]);
    await cluster.client.resource(configMaps).delete(NS, "fg-owner", { propagationPolicy: "Foreground" });

    const held = await eventually(async () => {
      const cm = await get(configMaps, "fg-held");
      return cm.metadata?.deletionTimestamp ? cm : undefined;
    });
    assert.ok(held);
    await eventually(() => absent(pods, "fg-pod"));
    const waiting = await get(configMaps, "fg-owner");
    assert.ok(waiting.metadata?.deletionTimestamp);
    assert.deepEqual(waiting.metadata?.finalizers, ["foregroundDeletion"]);

    await cluster.client.resource(configMaps).patch(NS, "fg-held", "merge", { metadata: { finalizers: null } });
    await eventually(async () => (await absent(configMaps, "fg-held")) && (await absent(configMaps, "fg-owner")), {
      message: "owner removed after its dependents",
    });
  });

  it("orphan: dependents stay, without the reference to the owner", async () => {
    const owner = await configMap("or-owner");
    const other = await configMap("or-other");
    await configMap("or-dep", [ref(owner, "v1", "ConfigMap"), ref(other, "v1", "ConfigMap")]);
    await pod("or-pod", [ref(owner, "v1", "ConfigMap", true)]);
    await cluster.client.resource(configMaps).delete(NS, "or-owner", { propagationPolicy: "Orphan" });
    await eventually(() => absent(configMaps, "or-owner"), { message: "owner removed" });
    const dep = await get(configMaps, "or-dep");
    assert.deepEqual(
      dep.metadata?.ownerReferences?.map((r) => r.name),
      ["or-other"],
    );
    const orphanPod = await get(pods, "or-pod");
    assert.equal(orphanPod.metadata?.ownerReferences, undefined);
    assert.equal(orphanPod.metadata?.deletionTimestamp, undefined);
  });

  it("a dependent with two owners survives until both are gone", async () => {
    const a = await configMap("two-a");
    const b = await configMap("two-b");
    await configMap("two-dep", [ref(a, "v1", "ConfigMap"), ref(b, "v1", "ConfigMap")]);
    await cluster.client.resource(configMaps).delete(NS, "two-a");
    // The dangling reference is removed; the object stays.
    const dep = await eventually(async () => {
      const cm = await get(configMaps, "two-dep");
      return cm.metadata?.ownerReferences?.length === 1 ? cm : undefined;
    });
    assert.equal(dep?.metadata?.ownerReferences?.[0]?.name, "two-b");
    assert.equal(dep?.metadata?.deletionTimestamp, undefined);
    await cluster.client.resource(configMaps).delete(NS, "two-b");
    await eventually(() => absent(configMaps, "two-dep"), { message: "dependent collected after both owners" });
  });

  it("a deployment → replicaset → pods chain is collected from the top", async () => {
    const template = { metadata: { labels: { app: "chain" } }, spec: podSpec };
    const deployment = await cluster.client.resource(deployments).create({
      metadata: { name: "chain", namespace: NS },
      spec: { replicas: 0, selector: { matchLabels: { app: "chain" } }, template },
    });
    const rs = await cluster.client.resource(replicaSets).create({
      metadata: { name: "chain-1", namespace: NS, ownerReferences: [ref(deployment, "apps/v1", "Deployment", true)] },
      spec: { replicas: 0, selector: { matchLabels: { app: "chain" } }, template },
    });
    for (let i = 0; i < 5; i++) await pod(`chain-1-${i}`, [ref(rs, "apps/v1", "ReplicaSet", true)]);
    await cluster.client.resource(deployments).delete(NS, "chain");
    await eventually(
      async () => {
        if (!(await absent(replicaSets, "chain-1"))) return false;
        const left = (await cluster.client.resource(pods).list(NS)).items.filter((p: Pod) =>
          p.metadata?.name?.startsWith("chain-1-"),
        );
        return left.length === 0;
      },
      { message: "replicaset and pods collected" },
    );
  });

  it("foreground through a chain: pods, then the replicaset, then the deployment", async () => {
    const template = { metadata: { labels: { app: "fgchain" } }, spec: podSpec };
    const deployment = await cluster.client.resource(deployments).create({
      metadata: { name: "fgchain", namespace: NS },
      spec: { replicas: 0, selector: { matchLabels: { app: "fgchain" } }, template },
    });
    const rs = await cluster.client.resource(replicaSets).create({
      metadata: { name: "fgchain-1", namespace: NS, ownerReferences: [ref(deployment, "apps/v1", "Deployment", true)] },
      spec: { replicas: 0, selector: { matchLabels: { app: "fgchain" } }, template },
    });
    await pod("fgchain-1-a", [ref(rs, "apps/v1", "ReplicaSet", true)]);
    // A finalizer holds the pod, so the replicaset (deleted in foreground too) and the deployment must wait.
    await cluster.client
      .resource(pods)
      .patch(NS, "fgchain-1-a", "merge", { metadata: { finalizers: ["example.com/hold"] } });
    await cluster.client.resource(deployments).delete(NS, "fgchain", { propagationPolicy: "Foreground" });
    const rsWaiting = await eventually(async () => {
      const current = await get(replicaSets, "fgchain-1");
      return current.metadata?.finalizers?.includes("foregroundDeletion") ? current : undefined;
    });
    assert.ok(rsWaiting?.metadata?.deletionTimestamp);
    await eventually(async () => !!(await get(pods, "fgchain-1-a")).metadata?.deletionTimestamp);
    assert.deepEqual((await get(deployments, "fgchain")).metadata?.finalizers, ["foregroundDeletion"]);
    await cluster.client.resource(pods).patch(NS, "fgchain-1-a", "merge", { metadata: { finalizers: null } });
    await eventually(
      async () =>
        (await absent(pods, "fgchain-1-a")) &&
        (await absent(replicaSets, "fgchain-1")) &&
        (await absent(deployments, "fgchain")),
      { message: "chain removed bottom-up" },
    );
  });

  it("1,000 pods of a deleted replicaset are collected", async () => {
    const rs = await cluster.client.resource(replicaSets).create({
      metadata: { name: "big", namespace: NS },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: "big" } },
        template: { metadata: { labels: { app: "big" } }, spec: podSpec },
      },
    });
    const owner = [ref(rs, "apps/v1", "ReplicaSet", true)];
    for (let i = 0; i < 1000; i += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, j) => pod(`big-${i + j}`, owner)));
    }
    await cluster.client.resource(replicaSets).delete(NS, "big");
    await eventually(
      async () =>
        (await cluster.client.resource(pods).list(NS, { labelSelector: "" })).items.every(
          (p: Pod) => !p.metadata?.name?.startsWith("big-"),
        ),
      { message: "all 1,000 pods collected", timeoutMs: 10_000, intervalMs: 200 },
    );
  });

  it("a dependent whose owner never existed is collected; one with a live owner is not", async () => {
    const live = await configMap("dangling-live");
    await configMap("dangling-dep", [{ apiVersion: "v1", kind: "ConfigMap", name: "nobody", uid: "0000-missing" }]);
    await configMap("kept-dep", [ref(live, "v1", "ConfigMap")]);
    await eventually(() => absent(configMaps, "dangling-dep"), { message: "dangling dependent collected" });
    assert.equal((await get(configMaps, "kept-dep")).metadata?.name, "kept-dep");
  });

  it("namespaced dependents of a cluster-scoped owner go with it", async () => {
    const node = await cluster.client.resource(nodes).create({ metadata: { name: "gc-node" } });
    await configMap("node-dep", [ref(node, "v1", "Node")]);
    await cluster.client.resource(nodes).delete(undefined, "gc-node");
    await eventually(() => absent(configMaps, "node-dep"), { message: "dependent of the node collected" });
  });

  it("a cluster-scoped object naming a namespaced owner is left alone, with a warning event", async () => {
    const owner: ConfigMap = await configMap("ns-owner");
    await cluster.client
      .resource(namespaces)
      .create({ metadata: { name: "owned-ns", ownerReferences: [ref(owner, "v1", "ConfigMap")] } });
    await eventually(() => cluster.events.some((e) => e.reason === "OwnerRefInvalidNamespace"), {
      message: "OwnerRefInvalidNamespace event",
    });
    const event = cluster.events.find((e) => e.reason === "OwnerRefInvalidNamespace")!;
    assert.equal(event.type, "Warning");
    assert.equal(event.object.metadata?.name, "owned-ns");
    assert.equal(await absent(namespaces, "owned-ns", undefined), false);
  });
});
