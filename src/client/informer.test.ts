/** Informers against a real API server: initial list, live events, indexes, resuming watches, relisting on 410. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { ConfigMap } from "kubernetes-types/core/v1.js";
import { logger } from "../util/log.js";
import { createInformerFactory } from "./informer.js";
import { createClient } from "./rest.js";
import { configMaps, namespaces } from "./resources.js";
import { eventually, startTestCluster, type TestCluster } from "./testing.js";
import type { Client, KubeObject, Resource, ResourceClient, WatchEvent, WatchOptions } from "./types.js";

/** A client whose watches can be held back and cut, and whose list calls are counted. */
function controllable(client: Client) {
  let gate: Promise<void> = Promise.resolve();
  let open: () => void = () => undefined;
  const live = new Set<AbortController>();
  const state = {
    lists: 0,
    watches: 0,
    /** Later watch calls wait until `resume()`. */
    pause() {
      gate = new Promise((resolve) => (open = resolve));
    },
    resume() {
      open();
    },
    /** Ends every open watch (as a server closing them would). */
    cut() {
      for (const controller of live) controller.abort();
    },
    client: {
      userAgent: client.userAgent,
      close: () => client.close(),
      request: (method, path, body) => client.request(method, path, body),
      resource<T extends KubeObject>(resource: Resource<T>): ResourceClient<T> {
        const real = client.resource(resource);
        return {
          ...real,
          get: real.get.bind(real),
          list: real.list.bind(real),
          listAll: (namespace, options) => {
            state.lists++;
            return real.listAll(namespace, options);
          },
          watch: (namespace, options?: WatchOptions) =>
            (async function* (): AsyncGenerator<WatchEvent<T>> {
              await gate;
              state.watches++;
              const controller = new AbortController();
              live.add(controller);
              options?.signal?.addEventListener("abort", () => controller.abort(), { once: true });
              try {
                yield* real.watch(namespace, { ...options, signal: controller.signal });
              } finally {
                live.delete(controller);
              }
            })(),
        };
      },
    } satisfies Client,
  };
  return state;
}

const cm = (namespace: string, name: string, labels: Record<string, string> = {}, data = "1"): ConfigMap => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace, labels },
  data: { v: data },
});

describe("informer", () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster({ apiServer: { watchCacheSize: 8 } });
    for (const ns of ["inf-a", "inf-b", "inf-c", "inf-d"]) {
      await cluster.client.resource(namespaces).create({ metadata: { name: ns } });
    }
  });
  after(() => cluster.close());

  test("lists, then follows live events; namespace and custom indexes; late handlers get onAdd", async () => {
    const client = cluster.client.resource(configMaps);
    await client.create(cm("inf-a", "one", { app: "x" }));
    await client.create(cm("inf-b", "two", { app: "y" }));
    const informers = createInformerFactory(cluster.client);
    const informer = informers.informerFor(configMaps);
    assert.equal(informers.informerFor(configMaps), informer, "one informer per resource and options");
    assert.notEqual(informers.informerFor(configMaps, { namespace: "inf-a" }), informer);
    informer.addIndex("app", (o) => (o.metadata?.labels?.app ? [o.metadata.labels.app] : []));
    const seen: string[] = [];
    informer.addEventHandler({
      onAdd: (o) => seen.push(`add ${o.metadata?.name}`),
      onUpdate: (old, o) => seen.push(`update ${o.metadata?.name} ${old.data?.v}->${o.data?.v}`),
      onDelete: (o) => seen.push(`delete ${o.metadata?.name}`),
    });
    informers.start();
    await informers.waitForSync();
    assert.ok(informer.hasSynced());
    assert.ok(informer.lastSyncResourceVersion() !== "");
    assert.ok(seen.includes("add one") && seen.includes("add two"));
    assert.deepEqual(
      informer.lister.list("inf-a").map((o) => o.metadata?.name),
      ["one"],
    );
    assert.equal(informer.lister.get("inf-b/two")?.data?.v, "1");
    assert.deepEqual(
      informer.lister.byIndex("app", "y").map((o) => o.metadata?.name),
      ["two"],
    );

    const created = await client.create(cm("inf-a", "three", { app: "y" }));
    await client.update({ ...created, metadata: { ...created.metadata, labels: { app: "z" } }, data: { v: "2" } });
    await client.delete("inf-b", "two");
    await eventually(() => seen.includes("delete two"), { message: "delete observed" });
    assert.deepEqual(seen.slice(-3), ["add three", "update three 1->2", "delete two"]);
    assert.deepEqual(informer.lister.byIndex("app", "y"), []);
    assert.deepEqual(
      informer.lister.byIndex("app", "z").map((o) => o.metadata?.name),
      ["three"],
    );
    assert.equal(informer.lister.list("inf-b").length, 0);

    const late: string[] = [];
    informer.addEventHandler({ onAdd: (o) => late.push(o.metadata?.name ?? "") });
    assert.ok(late.includes("one") && late.includes("three"));
    informers.stop();
  });

  test("a selector-narrowed informer only holds matching objects", async () => {
    const client = cluster.client.resource(configMaps);
    await client.create(cm("inf-c", "match", { pick: "yes" }));
    await client.create(cm("inf-c", "other", { pick: "no" }));
    const informers = createInformerFactory(cluster.client);
    const informer = informers.informerFor(configMaps, { namespace: "inf-c", labelSelector: "pick=yes" });
    informers.start();
    await informers.waitForSync();
    assert.deepEqual(
      informer.lister.list().map((o) => o.metadata?.name),
      ["match"],
    );
    // Leaving the selector is a delete for this informer.
    const match = await client.get("inf-c", "match");
    await client.update({ ...match, metadata: { ...match.metadata, labels: { pick: "no" } } });
    await eventually(() => informer.lister.list().length === 0, { message: "object left the selector" });
    informers.stop();
  });

  test("resumes from the last resourceVersion after the watch ends, without relisting", async () => {
    const control = controllable(cluster.client);
    const informers = createInformerFactory(control.client);
    const informer = informers.informerFor(configMaps, { namespace: "inf-d" });
    informers.start();
    await informers.waitForSync();
    assert.equal(control.lists, 1);
    control.pause();
    control.cut();
    await cluster.client.resource(configMaps).create(cm("inf-d", "while-away"));
    control.resume();
    await eventually(() => informer.lister.get("inf-d/while-away"), { message: "event from the gap delivered" });
    assert.equal(control.lists, 1, "no relist");
    assert.ok(control.watches >= 2);
    informers.stop();
  });

  test("resumes after the server ends the watch (timeoutSeconds)", async () => {
    const control = controllable(cluster.client);
    const informers = createInformerFactory(control.client, { watchTimeoutSeconds: 1 });
    const informer = informers.informerFor(configMaps, { namespace: "inf-d" });
    informers.start();
    await informers.waitForSync();
    await eventually(() => control.watches >= 2, { message: "the server ended the first watch" });
    await cluster.client.resource(configMaps).create(cm("inf-d", "after-timeout"));
    await eventually(() => informer.lister.get("inf-d/after-timeout"), { message: "event after resume" });
    assert.equal(control.lists, 1, "no relist");
    informers.stop();
  });

  test("relists on 410 Expired and reconciles the cache (add, update, delete)", async () => {
    const client = cluster.client.resource(configMaps);
    await cluster.client.resource(namespaces).create({ metadata: { name: "inf-e" } });
    await client.create(cm("inf-e", "stays"));
    const changed = await client.create(cm("inf-e", "changes"));
    await client.create(cm("inf-e", "vanishes"));
    const control = controllable(cluster.client);
    const informers = createInformerFactory(control.client);
    const informer = informers.informerFor(configMaps, { namespace: "inf-e" });
    const seen: string[] = [];
    informer.addEventHandler({
      onAdd: (o) => seen.push(`add ${o.metadata?.name}`),
      onUpdate: (_old, o) => seen.push(`update ${o.metadata?.name}`),
      onDelete: (o) => seen.push(`delete ${o.metadata?.name}`),
    });
    informers.start();
    await informers.waitForSync();
    seen.length = 0;

    control.pause();
    control.cut();
    await client.update({ ...changed, data: { v: "2" } });
    await client.delete("inf-e", "vanishes");
    await client.create(cm("inf-e", "appears"));
    // Push the informer's resourceVersion out of the server's watch window (8 events).
    for (let i = 0; i < 12; i++) await client.create(cm("inf-d", `filler-${i}`));
    control.resume();

    await eventually(() => control.lists === 2 && seen.length >= 3, { message: "relisted" });
    assert.deepEqual([...seen].sort(), ["add appears", "delete vanishes", "update changes"]);
    assert.deepEqual(
      informer.lister
        .list("inf-e")
        .map((o) => o.metadata?.name)
        .sort(),
      ["appears", "changes", "stays"],
    );
    assert.equal(informer.lister.get("inf-e/changes")?.data?.v, "2");
    informers.stop();
  });

  test("waitForSync rejects when the signal aborts before the first list succeeds", async () => {
    const dead = createClient({ url: "http://127.0.0.1:1", userAgent: "dead" });
    const informers = createInformerFactory(dead, { log: logger("informer-test"), initialBackoffMs: 60_000 });
    const informer = informers.informerFor(configMaps);
    informers.start();
    const controller = new AbortController();
    const waiting = informers.waitForSync(controller.signal);
    controller.abort(new Error("gave up"));
    await assert.rejects(waiting, /gave up/);
    assert.equal(informer.hasSynced(), false);
    informers.stop();
    dead.close();
  });
});
