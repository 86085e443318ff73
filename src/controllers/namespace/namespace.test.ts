// The namespace controller against a real API server with namespace lifecycle on: content goes, conditions
// tell what remains, finalizers hold the namespace, and the namespace disappears once empty.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Namespace, Pod } from "kubernetes-types/core/v1.js";
import { configMaps, deployments, namespaces, pods, secrets } from "../../client/resources.js";
import { eventually, type TestCluster } from "../../client/testing.js";
import { isStatusError } from "../../api/status.js";
import { type ControllerTest, startControllerTest } from "../testing.js";
import { createNamespaceController } from "./controller.js";

function pod(name: string, nodeName?: string): Pod {
  return {
    metadata: { name },
    spec: { containers: [{ name: "c", image: "busybox" }], ...(nodeName ? { nodeName } : {}) },
  };
}

async function gone(cluster: TestCluster, name: string): Promise<boolean> {
  try {
    await cluster.client.resource(namespaces).get(undefined, name);
    return false;
  } catch (error) {
    if (isStatusError(error) && error.code === 404) return true;
    throw error;
  }
}

/** `eventually` for a value that shows up. */
async function found<T>(fn: () => Promise<T | undefined>): Promise<T> {
  return (await eventually(fn)) as T;
}

function condition(ns: Namespace, type: string) {
  return ns.status?.conditions?.find((c) => c.type === type);
}

describe("namespace controller", () => {
  let cluster: ControllerTest;

  before(async () => {
    cluster = await startControllerTest(createNamespaceController({ recheckCapMs: 200 }), {
      apiServer: { namespaceLifecycle: true, garbageCollection: true },
    });
  });
  after(async () => {
    await cluster.close();
  });

  it("deletes configmaps, secrets, deployments and pods (graceful ones once gone), then the namespace", async () => {
    const { client } = cluster;
    await client.resource(namespaces).create({ metadata: { name: "doomed" } });
    for (let i = 0; i < 3; i++) {
      await client.resource(configMaps).create({ metadata: { name: `cm${i}`, namespace: "doomed" }, data: { a: "b" } });
    }
    await client.resource(secrets).create({ metadata: { name: "s", namespace: "doomed" }, stringData: { a: "b" } });
    await client.resource(deployments).create({
      metadata: { name: "web", namespace: "doomed" },
      spec: {
        selector: { matchLabels: { app: "web" } },
        template: { metadata: { labels: { app: "web" } }, spec: pod("x").spec! },
      },
    });
    await client
      .resource(pods)
      .create({ ...pod("unscheduled"), metadata: { name: "unscheduled", namespace: "doomed" } });
    // A pod on a node is deleted gracefully: it stays (terminating) until its kubelet removes it.
    await client
      .resource(pods)
      .create({ ...pod("running", "node-1"), metadata: { name: "running", namespace: "doomed" } });

    await client.resource(namespaces).delete(undefined, "doomed");
    const waiting = await found(async () => {
      const ns = await client.resource(namespaces).get(undefined, "doomed");
      return condition(ns, "NamespaceContentRemaining")?.status === "True" ? ns : undefined;
    });
    assert.equal(waiting.status?.phase, "Terminating");
    assert.equal(
      condition(waiting, "NamespaceContentRemaining")?.message,
      "Some resources are remaining: pods. has 1 resource instances",
    );
    assert.equal(condition(waiting, "NamespaceContentRemaining")?.reason, "SomeResourcesRemain");
    assert.equal(condition(waiting, "NamespaceDeletionDiscoveryFailure")?.reason, "ResourcesDiscovered");
    assert.equal(condition(waiting, "NamespaceDeletionContentFailure")?.status, "False");
    assert.equal((await client.resource(configMaps).list("doomed")).items.length, 0);
    assert.equal((await client.resource(secrets).list("doomed")).items.length, 0);
    assert.equal((await client.resource(deployments).list("doomed")).items.length, 0);
    const left = (await client.resource(pods).list("doomed")).items;
    assert.deepEqual(
      left.map((p) => p.metadata?.name),
      ["running"],
    );
    assert.ok(left[0]!.metadata?.deletionTimestamp);

    // The kubelet's final delete.
    await client.resource(pods).delete("doomed", "running", { gracePeriodSeconds: 0 });
    await eventually(() => gone(cluster, "doomed"), { message: "namespace doomed removed" });
  });

  it("a finalizer on a configmap keeps the namespace Terminating until it is removed", async () => {
    const { client } = cluster;
    await client.resource(namespaces).create({ metadata: { name: "held" } });
    await client
      .resource(configMaps)
      .create({ metadata: { name: "kept", namespace: "held", finalizers: ["example.com/hold"] } });
    await client.resource(configMaps).create({ metadata: { name: "plain", namespace: "held" } });
    await client.resource(namespaces).delete(undefined, "held");

    const ns = await found(async () => {
      const current = await client.resource(namespaces).get(undefined, "held");
      return condition(current, "NamespaceFinalizersRemaining")?.status === "True" ? current : undefined;
    });
    assert.equal(ns.status?.phase, "Terminating");
    assert.deepEqual(
      {
        reason: condition(ns, "NamespaceFinalizersRemaining")?.reason,
        message: condition(ns, "NamespaceFinalizersRemaining")?.message,
      },
      {
        reason: "SomeFinalizersRemain",
        message: "Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances",
      },
    );
    assert.equal(
      condition(ns, "NamespaceContentRemaining")?.message,
      "Some resources are remaining: configmaps. has 1 resource instances",
    );
    assert.equal(await gone(cluster, "held"), false);

    await client.resource(configMaps).patch("held", "kept", "merge", { metadata: { finalizers: null } });
    await eventually(() => gone(cluster, "held"), { message: "namespace held removed" });
  });

  it("a namespace with 1,000 pods goes within seconds", async () => {
    const { client } = cluster;
    await client.resource(namespaces).create({ metadata: { name: "crowded" } });
    const names = Array.from({ length: 1000 }, (_, i) => `p${i}`);
    for (let i = 0; i < names.length; i += 50) {
      await Promise.all(
        names
          .slice(i, i + 50)
          .map((n) => client.resource(pods).create({ ...pod(n), metadata: { name: n, namespace: "crowded" } })),
      );
    }
    await client.resource(namespaces).delete(undefined, "crowded");
    await eventually(() => gone(cluster, "crowded"), { message: "namespace crowded removed", timeoutMs: 10_000 });
    assert.equal((await client.resource(pods).list("crowded")).items.length, 0);
  });

  it("leaves namespaces that are not being deleted alone", async () => {
    const { client } = cluster;
    await client.resource(namespaces).create({ metadata: { name: "alive" } });
    await client.resource(configMaps).create({ metadata: { name: "c", namespace: "alive" } });
    // The deletion of another namespace is a point after which this one has been seen by the controller.
    await client.resource(namespaces).create({ metadata: { name: "marker" } });
    await client.resource(namespaces).delete(undefined, "marker");
    await eventually(() => gone(cluster, "marker"));
    assert.equal((await client.resource(configMaps).get("alive", "c")).metadata?.name, "c");
    assert.equal((await client.resource(namespaces).get(undefined, "alive")).status?.phase, "Active");
  });
});
