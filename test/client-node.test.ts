// The official JavaScript client, @kubernetes/client-node, against a real `skiff server`: it loads the
// server's admin kubeconfig unchanged and drives typed CRUD (CoreV1Api, AppsV1Api), surfaces API errors
// with their Status bodies, and runs an informer that lists and then watches.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  makeInformer,
  setHeaderOptions,
  type V1ConfigMap,
  type V1Deployment,
} from "@kubernetes/client-node";
import { startSkiffServer, type SkiffServer } from "./harness/skiff.js";

/** Resolve once `check()` returns a value other than undefined; reject after `ms` with `what`. */
async function waitFor<T>(what: string, check: () => T | undefined, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The error thrown by `fn`, asserted to be an ApiException; its body parsed as a Status. */
async function apiError(fn: () => Promise<unknown>): Promise<{ code: number; status: Record<string, unknown> }> {
  try {
    await fn();
  } catch (error) {
    assert.ok(error instanceof ApiException, `expected an ApiException, got ${String(error)}`);
    const body = (error as ApiException<unknown>).body;
    const status = (typeof body === "string" ? JSON.parse(body) : body) as Record<string, unknown>;
    return { code: (error as ApiException<unknown>).code, status };
  }
  assert.fail("expected the call to fail");
}

describe("@kubernetes/client-node against skiff server", () => {
  let server: SkiffServer;
  let kc: KubeConfig;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  before(async () => {
    server = await startSkiffServer();
    kc = new KubeConfig();
    kc.loadFromFile(server.kubeconfig);
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
  });
  after(async () => {
    await server?.stop();
  });

  it("loads the server's kubeconfig unchanged", () => {
    assert.equal(kc.getCurrentCluster()?.server, server.url);
    assert.ok(kc.getCurrentUser(), "the kubeconfig names a user");
  });

  it("namespaces: create, read, list, delete", async () => {
    const created = await core.createNamespace({ body: { metadata: { name: "client-ns", labels: { team: "js" } } } });
    assert.equal(created.metadata?.name, "client-ns");
    assert.match(created.metadata?.uid ?? "", /^[0-9a-f-]{36}$/);
    const read = await core.readNamespace({ name: "client-ns" });
    assert.equal(read.status?.phase, "Active");
    assert.deepEqual(read.metadata?.labels?.team, "js");
    const list = await core.listNamespace({ labelSelector: "team=js" });
    assert.deepEqual(
      list.items.map((n) => n.metadata?.name),
      ["client-ns"],
    );
    const all = await core.listNamespace();
    assert.ok(all.items.some((n) => n.metadata?.name === "kube-system"));
    await core.deleteNamespace({ name: "client-ns" });
    // Namespace deletion may be graceful (Terminating) or immediate; either way it is on its way out.
    try {
      const gone = await core.readNamespace({ name: "client-ns" });
      assert.ok(gone.metadata?.deletionTimestamp, "a namespace still present after DELETE is terminating");
      assert.equal(gone.status?.phase, "Terminating");
    } catch (error) {
      assert.ok(error instanceof ApiException);
      assert.equal((error as ApiException<unknown>).code, 404);
    }
  });

  it("configmaps: create, read, list with labelSelector, replace, merge patch, delete", async () => {
    const ns = "default";
    const created = await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: "js-a", labels: { app: "js", tier: "front" } }, data: { color: "blue" } },
    });
    assert.equal(created.metadata?.namespace, ns);
    assert.match(created.metadata?.resourceVersion ?? "", /^\d+$/);
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: "js-b", labels: { app: "js", tier: "back" } }, data: { color: "red" } },
    });

    const read = await core.readNamespacedConfigMap({ name: "js-a", namespace: ns });
    assert.deepEqual(read.data, { color: "blue" });
    assert.equal(read.metadata?.uid, created.metadata?.uid);

    const front = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: "app=js,tier=front" });
    assert.deepEqual(
      front.items.map((c) => c.metadata?.name),
      ["js-a"],
    );
    const both = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: "app=js" });
    assert.deepEqual(both.items.map((c) => c.metadata?.name).sort(), ["js-a", "js-b"]);
    assert.match(both.metadata?.resourceVersion ?? "", /^\d+$/);
    const everywhere = await core.listConfigMapForAllNamespaces({ labelSelector: "tier in (back)" });
    assert.deepEqual(
      everywhere.items.map((c) => c.metadata?.name),
      ["js-b"],
    );

    const replaced = await core.replaceNamespacedConfigMap({
      name: "js-a",
      namespace: ns,
      body: { ...read, data: { color: "green", size: "L" } },
    });
    assert.deepEqual(replaced.data, { color: "green", size: "L" });
    assert.ok(Number(replaced.metadata?.resourceVersion) > Number(read.metadata?.resourceVersion));

    // client-node 1.x sends application/json-patch+json unless told otherwise: the Content-Type is set
    // per call with setHeaderOptions.
    const patched = await core.patchNamespacedConfigMap(
      { name: "js-a", namespace: ns, body: { metadata: { labels: { patched: "yes" } }, data: { size: null } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    assert.deepEqual(patched.data, { color: "green" }, "null removes a key in a merge patch");
    assert.deepEqual(patched.metadata?.labels, { app: "js", tier: "front", patched: "yes" });
    const jsonPatched = await core.patchNamespacedConfigMap(
      { name: "js-a", namespace: ns, body: [{ op: "add", path: "/data/shape", value: "round" }] },
      setHeaderOptions("Content-Type", PatchStrategy.JsonPatch),
    );
    assert.deepEqual(jsonPatched.data, { color: "green", shape: "round" });

    const status = await core.deleteNamespacedConfigMap({ name: "js-a", namespace: ns });
    assert.ok(status, "DELETE answers with a body");
    await core.deleteNamespacedConfigMap({ name: "js-b", namespace: ns });
    const left = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: "app=js" });
    assert.deepEqual(left.items, []);
  });

  it("deployments: create (with upstream defaults), read, list", async () => {
    const body: V1Deployment = {
      metadata: { name: "js-web", labels: { app: "js-web" } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: "js-web" } },
        template: {
          metadata: { labels: { app: "js-web" } },
          spec: { containers: [{ name: "web", image: "nginx:1.27", ports: [{ containerPort: 80 }] }] },
        },
      },
    };
    const created = await apps.createNamespacedDeployment({ namespace: "default", body });
    assert.equal(created.metadata?.generation, 1);
    assert.equal(created.spec?.strategy?.type, "RollingUpdate", "defaults applied");
    assert.equal(created.spec?.template.spec?.containers[0]?.imagePullPolicy, "IfNotPresent");
    assert.equal(created.spec?.revisionHistoryLimit, 10);
    const read = await apps.readNamespacedDeployment({ name: "js-web", namespace: "default" });
    assert.equal(read.spec?.replicas, 2);
    assert.equal(read.spec?.template.spec?.containers[0]?.image, "nginx:1.27");
    const list = await apps.listNamespacedDeployment({ namespace: "default", labelSelector: "app=js-web" });
    assert.deepEqual(
      list.items.map((d) => d.metadata?.name),
      ["js-web"],
    );
    const all = await apps.listDeploymentForAllNamespaces();
    assert.ok(all.items.some((d) => d.metadata?.name === "js-web" && d.metadata.namespace === "default"));
    await apps.deleteNamespacedDeployment({ name: "js-web", namespace: "default" });
  });

  it("surfaces 404 NotFound and 409 AlreadyExists with the Status body", async () => {
    const missing = await apiError(() => core.readNamespacedConfigMap({ name: "nope", namespace: "default" }));
    assert.equal(missing.code, 404);
    assert.equal(missing.status.kind, "Status");
    assert.equal(missing.status.status, "Failure");
    assert.equal(missing.status.reason, "NotFound");
    assert.equal(missing.status.code, 404);
    assert.equal(missing.status.message, 'configmaps "nope" not found');
    assert.deepEqual(missing.status.details, { name: "nope", kind: "configmaps" });

    await core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "twice" } } });
    const dup = await apiError(() =>
      core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "twice" } } }),
    );
    assert.equal(dup.code, 409);
    assert.equal(dup.status.kind, "Status");
    assert.equal(dup.status.reason, "AlreadyExists");
    assert.equal(dup.status.code, 409);
    assert.equal(dup.status.message, 'configmaps "twice" already exists');

    const stale = await core.readNamespacedConfigMap({ name: "twice", namespace: "default" });
    await core.replaceNamespacedConfigMap({
      name: "twice",
      namespace: "default",
      body: { ...stale, data: { a: "1" } },
    });
    const conflict = await apiError(() =>
      core.replaceNamespacedConfigMap({ name: "twice", namespace: "default", body: { ...stale, data: { a: "2" } } }),
    );
    assert.equal(conflict.code, 409);
    assert.equal(conflict.status.reason, "Conflict");
    assert.match(String(conflict.status.message), /the object has been modified/);
    await core.deleteNamespacedConfigMap({ name: "twice", namespace: "default" });
  });

  it("an informer lists, then watches adds, updates and deletes", { timeout: 30_000 }, async () => {
    const ns = "informed";
    await core.createNamespace({ body: { metadata: { name: ns } } });
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: "before", labels: { watched: "yes" } }, data: { n: "0" } },
    });
    // Not selected by the informer's label selector: must never show up.
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "ignored" } } });

    const informer = makeInformer<V1ConfigMap>(
      kc,
      `/api/v1/namespaces/${ns}/configmaps`,
      () => core.listNamespacedConfigMap({ namespace: ns, labelSelector: "watched=yes" }),
      "watched=yes",
    );
    const events: { type: string; name: string; data: Record<string, string> | undefined; rv: string }[] = [];
    const errors: unknown[] = [];
    const record = (type: string) => (cm: V1ConfigMap) =>
      events.push({
        type,
        name: cm.metadata?.name ?? "",
        data: cm.data,
        rv: cm.metadata?.resourceVersion ?? "",
      });
    informer.on("add", record("add"));
    informer.on("update", record("update"));
    informer.on("delete", record("delete"));
    informer.on("error", (err) => errors.push(err));
    const find = (type: string, name: string, n?: string) => () =>
      events.find((e) => e.type === type && e.name === name && (n === undefined || e.data?.n === n));

    try {
      await informer.start();
      // The initial list reports the existing object as an add and fills the cache.
      await waitFor("the listed ConfigMap", find("add", "before"));
      assert.equal(informer.get("before", ns)?.data?.n, "0");
      assert.equal(informer.list(ns).length, 1);

      const created = await core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name: "live", labels: { watched: "yes" } }, data: { n: "1" } },
      });
      const added = await waitFor("ADDED live", find("add", "live"));
      assert.deepEqual(added.data, { n: "1" });
      assert.equal(added.rv, created.metadata?.resourceVersion);

      const updated = await core.patchNamespacedConfigMap(
        { name: "live", namespace: ns, body: { data: { n: "2" } } },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      );
      const update = await waitFor("MODIFIED live", find("update", "live", "2"));
      assert.equal(update.rv, updated.metadata?.resourceVersion);
      await core.patchNamespacedConfigMap(
        { name: "before", namespace: ns, body: { data: { n: "3" } } },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      );
      await waitFor("MODIFIED before", find("update", "before", "3"));

      await core.deleteNamespacedConfigMap({ name: "live", namespace: ns });
      const deleted = await waitFor("DELETED live", find("delete", "live"));
      assert.equal(deleted.name, "live");
      await waitFor("the cache to drop live", () => (informer.get("live", ns) === undefined ? true : undefined));
      assert.equal(informer.get("before", ns)?.data?.n, "3");

      assert.deepEqual(
        events.filter((e) => e.name === "ignored"),
        [],
        "the label selector is honoured on list and watch",
      );
      assert.deepEqual(
        events.map((e) => `${e.type} ${e.name}`),
        ["add before", "add live", "update live", "update before", "delete live"],
      );
      assert.deepEqual(errors, []);
    } finally {
      await informer.stop();
    }
    await core.deleteNamespace({ name: ns });
  });
});
