/** The REST client against a real API server: CRUD, errors as StatusError, patch types, watch, pagination. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { ConfigMap } from "kubernetes-types/core/v1.js";
import { isStatusError, StatusError } from "../api/status.js";
import { configMaps, namespaces, pods } from "./resources.js";
import { createClient } from "./rest.js";
import { startTestCluster, type TestCluster } from "./testing.js";
import type { WatchEvent } from "./types.js";

async function rejectsWith(promise: Promise<unknown>, code: number, reason: string): Promise<StatusError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isStatusError(error), `expected a StatusError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.equal(error.status.reason, reason);
    return error;
  }
  assert.fail(`expected ${code} ${reason}`);
}

describe("rest client", () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster();
  });
  after(() => cluster.close());

  const cm = (name: string, data: Record<string, string> = { a: "1" }): ConfigMap => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace: "default" },
    data,
  });

  test("create, get, update, delete; 404, 409 AlreadyExists, 409 Conflict as StatusError", async () => {
    const client = cluster.client.resource(configMaps);
    const created = await client.create(cm("crud"));
    assert.equal(created.metadata?.name, "crud");
    assert.ok(created.metadata?.resourceVersion);
    const got = await client.get("default", "crud");
    assert.deepEqual(got.data, { a: "1" });
    await rejectsWith(client.create(cm("crud")), 409, "AlreadyExists");

    const updated = await client.update({ ...got, data: { a: "2" } });
    assert.equal(updated.data?.a, "2");
    assert.notEqual(updated.metadata?.resourceVersion, got.metadata?.resourceVersion);
    // The stale resourceVersion is the precondition: the update conflicts.
    await rejectsWith(client.update({ ...got, data: { a: "3" } }), 409, "Conflict");

    await client.delete("default", "crud");
    const missing = await rejectsWith(client.get("default", "crud"), 404, "NotFound");
    assert.match(missing.message, /"crud" not found/);
    await rejectsWith(client.delete("default", "crud"), 404, "NotFound");
  });

  test("422 Invalid carries causes", async () => {
    const error = await rejectsWith(
      cluster.client.resource(pods).create({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "bad", namespace: "default" },
        spec: { containers: [{ name: "c", image: "" }] },
      }),
      422,
      "Invalid",
    );
    assert.ok((error.status.details?.causes?.length ?? 0) > 0);
  });

  test("dryRun writes nothing", async () => {
    const client = cluster.client.resource(configMaps);
    const result = await client.create(cm("dry"), { dryRun: true });
    assert.equal(result.metadata?.name, "dry");
    await rejectsWith(client.get("default", "dry"), 404, "NotFound");
  });

  test("cluster-scoped resources ignore the namespace", async () => {
    const client = cluster.client.resource(namespaces);
    await client.create({ metadata: { name: "rest-ns" } });
    const got = await client.get("ignored", "rest-ns");
    assert.equal(got.metadata?.name, "rest-ns");
  });

  test("json, merge, strategic and apply patches", async () => {
    const client = cluster.client.resource(configMaps);
    await client.create(cm("patched"));
    let result = await client.patch("default", "patched", "json", [{ op: "add", path: "/data/b", value: "2" }]);
    assert.deepEqual(result.data, { a: "1", b: "2" });
    result = await client.patch("default", "patched", "merge", { data: { a: null, c: "3" } });
    assert.deepEqual(result.data, { b: "2", c: "3" });
    result = await client.patch("default", "patched", "strategic", { metadata: { labels: { x: "y" } } });
    assert.deepEqual(result.metadata?.labels, { x: "y" });

    const applied = await client.patch(
      "default",
      "applied",
      "apply",
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "applied", namespace: "default" }, data: { k: "v" } },
      { fieldManager: "tester" },
    );
    assert.deepEqual(applied.data, { k: "v" });
    assert.ok(applied.metadata?.managedFields?.some((f) => f.manager === "tester" && f.operation === "Apply"));
    // Another manager taking the field conflicts unless forced.
    const body = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "applied", namespace: "default" },
      data: { k: "w" },
    };
    await rejectsWith(client.patch("default", "applied", "apply", body), 409, "Conflict");
    const forced = await client.patch("default", "applied", "apply", body, { force: true });
    assert.equal(forced.data?.k, "w");
    assert.ok(forced.metadata?.managedFields?.some((f) => f.manager === "test" && f.operation === "Apply"));
  });

  test("updateStatus and createSubresource (binding)", async () => {
    const client = cluster.client.resource(pods);
    const pod = await client.create({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "sub", namespace: "default" },
      spec: { containers: [{ name: "c", image: "busybox" }] },
    });
    const withStatus = await client.updateStatus({ ...pod, status: { phase: "Running" } });
    assert.equal(withStatus.status?.phase, "Running");
    await client.createSubresource("default", "sub", "binding", {
      apiVersion: "v1",
      kind: "Binding",
      metadata: { name: "sub", namespace: "default" },
      target: { apiVersion: "v1", kind: "Node", name: "node-1" },
    });
    const bound = await client.get("default", "sub");
    assert.equal(bound.spec?.nodeName, "node-1");
  });

  test("list with label selector, listAll pages through everything", async () => {
    const client = cluster.client.resource(configMaps);
    await client.create({ metadata: { name: "pages-ns-marker", namespace: "default" } });
    await cluster.client.resource(namespaces).create({ metadata: { name: "pages" } });
    for (let i = 0; i < 12; i++) {
      await client.create({ metadata: { name: `p${i}`, namespace: "pages", labels: { even: String(i % 2 === 0) } } });
    }
    const page = await client.list("pages", { limit: 5 });
    assert.equal(page.items.length, 5);
    assert.ok(page.metadata.continue);
    const all = await client.listAll("pages", { limit: 5 });
    assert.equal(all.items.length, 12);
    assert.equal(new Set(all.items.map((c) => c.metadata?.name)).size, 12);
    assert.equal(all.metadata.continue, undefined);
    const even = await client.listAll("pages", { labelSelector: "even=true", limit: 2 });
    assert.equal(even.items.length, 6);
  });

  test("deleteCollection deletes by selector", async () => {
    const client = cluster.client.resource(configMaps);
    await cluster.client.resource(namespaces).create({ metadata: { name: "dc" } });
    await client.create({ metadata: { name: "x1", namespace: "dc", labels: { gone: "yes" } } });
    await client.create({ metadata: { name: "x2", namespace: "dc", labels: { gone: "yes" } } });
    await client.create({ metadata: { name: "x3", namespace: "dc" } });
    await client.deleteCollection("dc", { labelSelector: "gone=yes" });
    const left = await client.list("dc");
    assert.deepEqual(
      left.items.map((c) => c.metadata?.name),
      ["x3"],
    );
  });

  test("watch sees ADDED, MODIFIED, DELETED and ends on abort", async () => {
    const client = cluster.client.resource(configMaps);
    await cluster.client.resource(namespaces).create({ metadata: { name: "watched" } });
    const start = await client.list("watched");
    const controller = new AbortController();
    const seen: WatchEvent<ConfigMap>[] = [];
    const done = (async () => {
      for await (const event of client.watch("watched", {
        resourceVersion: start.metadata.resourceVersion,
        signal: controller.signal,
      })) {
        seen.push(event);
        if (event.type === "DELETED") controller.abort();
      }
    })();
    const created = await client.create({ metadata: { name: "w", namespace: "watched" }, data: { a: "1" } });
    await client.update({ ...created, data: { a: "2" } });
    await client.delete("watched", "w");
    await done; // ends because of the abort, without an error
    assert.deepEqual(
      seen.map((e) => e.type),
      ["ADDED", "MODIFIED", "DELETED"],
    );
    assert.equal((seen[1]!.object as ConfigMap).data?.a, "2");
  });

  test("watch from a resourceVersion older than the watch window ends with an ERROR event (410)", async (t) => {
    const small = await startTestCluster({ apiServer: { watchCacheSize: 4 } });
    t.after(() => small.close());
    const client = small.client.resource(configMaps);
    const first = await client.create(cm("old-0"));
    for (let i = 1; i < 10; i++) await client.create(cm(`old-${i}`));
    const events: string[] = [];
    let code: number | undefined;
    for await (const event of client.watch("default", { resourceVersion: first.metadata!.resourceVersion })) {
      events.push(event.type);
      if (event.type === "ERROR") code = event.object.code;
    }
    assert.deepEqual(events, ["ERROR"]);
    assert.equal(code, 410);
  });

  test("close() ends open watches quietly", async () => {
    const own = createClient({ url: cluster.url, userAgent: "closer" });
    const watching = (async () => {
      const seen: string[] = [];
      for await (const event of own.resource(configMaps).watch("default", { resourceVersion: "0" })) {
        seen.push(event.type);
        if (seen.length === 1) own.close();
      }
      return seen;
    })();
    const seen = await watching;
    assert.ok(seen.length >= 1);
  });

  test("raw requests and transport failures", async () => {
    const api = await cluster.client.request<{ versions: string[] }>("GET", "/api");
    assert.deepEqual(api.versions, ["v1"]);
    const dead = createClient({ url: "http://127.0.0.1:1", userAgent: "dead" });
    await rejectsWith(dead.resource(pods).get("default", "x"), 503, "ServiceUnavailable");
    dead.close();
  });
});
