import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { makeTempDir } from "../../../test/harness/tmp.js";
import { RESOURCES } from "../../api/resources/catalog.js";
import type { ResourceType } from "../../api/resources/types.js";
import { isStatusError, type StatusError } from "../../api/status.js";
import { parseListSelection } from "../../api/selectors/index.js";
import { SqliteStore } from "../../storage/sqlite/index.js";
import type { KubeObject, StoredObject } from "../object.js";
import { listObjects, type ListQuery } from "./list.js";
import { strategyFor } from "./strategy.js";
import { RegistryStore } from "./store.js";
import { ensureSystemNamespaces } from "../bootstrap.js";
import { jsonOf } from "../encoded.js";

function type(group: string, resource: string): ResourceType {
  const t = RESOURCES.find((r) => r.group === group && r.resource === resource);
  assert.ok(t, `${group}/${resource} in the catalog`);
  return t;
}

async function rejects(p: Promise<unknown>, code: number, message?: RegExp): Promise<StatusError> {
  try {
    await p;
  } catch (error) {
    assert.ok(isStatusError(error), `expected a StatusError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return error;
  }
  assert.fail(`expected ${code}, but it succeeded`);
}

describe("generic registry store (SQLite)", () => {
  let store: SqliteStore;
  let remove: () => Promise<void>;
  let namespaces: RegistryStore;
  let configmaps: RegistryStore;
  let pods: RegistryStore;
  let deployments: RegistryStore;
  const make = (t: ResourceType) =>
    new RegistryStore(t, strategyFor(t), store, async (name) => {
      try {
        return await namespaces.get("", name);
      } catch {
        return undefined;
      }
    });
  const cm = (name: string, extra: Partial<KubeObject> = {}): KubeObject => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name },
    data: { a: "1" },
    ...extra,
  });
  const list = (r: RegistryStore, q: Partial<ListQuery>) =>
    listObjects(r, undefined, {
      namespace: "default",
      selection: parseListSelection({ group: r.type.group, resource: r.type.resource }, {}),
      limit: 0,
      continueToken: "",
      resourceVersion: "",
      resourceVersionMatch: "",
      ...q,
    });

  before(async () => {
    const tmp = await makeTempDir("registry");
    remove = tmp.remove;
    store = await SqliteStore.open({ file: join(tmp.path, "state.db") });
    namespaces = make(type("", "namespaces"));
    configmaps = make(type("", "configmaps"));
    pods = make(type("", "pods"));
    deployments = make(type("apps", "deployments"));
    await ensureSystemNamespaces(namespaces);
  });
  after(async () => {
    await store.close();
    await remove();
  });

  it("create fills uid, creationTimestamp, resourceVersion; a second create is 409 AlreadyExists", async () => {
    const created = await configmaps.create("default", cm("c1"), { dryRun: false });
    assert.match(created.metadata.uid ?? "", /^[0-9a-f-]{36}$/);
    assert.match(created.metadata.creationTimestamp ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(created.metadata.resourceVersion ?? "", /^\d+$/);
    assert.equal(created.metadata.namespace, "default");
    assert.equal(created.metadata.generation, undefined, "configmaps have no generation");
    const again = await rejects(configmaps.create("default", cm("c1"), { dryRun: false }), 409);
    assert.equal(again.status.reason, "AlreadyExists");
    assert.equal(again.message, 'configmaps "c1" already exists');
    const got = await configmaps.get("default", "c1");
    assert.deepEqual(got, created);
  });

  it("generateName, missing names, invalid names (422) and namespaces (404, 400)", async () => {
    const g = await configmaps.create("default", cm("", { metadata: { generateName: "gen-" } }), { dryRun: false });
    assert.match(g.metadata.name ?? "", /^gen-[a-z0-9]{5}$/);
    const missing = await rejects(configmaps.create("default", cm(""), { dryRun: false }), 422);
    assert.match(missing.message, /metadata.name: Required value: name or generateName is required/);
    const bad = await rejects(configmaps.create("default", cm("Bad_Name"), { dryRun: false }), 422);
    assert.equal(bad.status.details?.causes?.[0]?.field, "metadata.name");
    assert.match(
      bad.message,
      /^ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/,
    );
    await rejects(configmaps.create("nope", cm("x"), { dryRun: false }), 404, /^namespaces "nope" not found$/);
    await rejects(
      configmaps.create("default", cm("x", { metadata: { name: "x", namespace: "other" } }), { dryRun: false }),
      400,
      /does not match the namespace/,
    );
    await rejects(
      namespaces.create("", { metadata: { name: "a.b" } }, { dryRun: false }),
      422,
      /metadata.name: Invalid value: "a.b"/,
    );
  });

  it("the served JSON of a write is its stored bytes plus resourceVersion, without a second encode", async () => {
    const seen: StoredObject[] = [];
    const watch = store.watch({
      prefix: "/registry/core/configmaps/default/",
      fromRevision: 0,
      onEvents: (events) => events.forEach((e) => seen.push(configmaps.decodeStored(e.kv))),
      onError: () => undefined,
    });
    try {
      const created = await configmaps.create("default", cm("served", { metadata: { name: "served", labels: {} } }), {
        dryRun: false,
        fieldManager: "test",
      });
      const updated = await configmaps.update(
        "default",
        "served",
        (c) => ({ ...c, data: { a: "2", b: "<&> \u2028 é" } }),
        { dryRun: false, fieldManager: "other" },
      );
      await new Promise((resolve) => setImmediate(resolve));
      for (const object of [created, updated, ...seen]) {
        // What the answer and the watch cache write (remembered) is what serializing the object gives.
        assert.equal(jsonOf(object), JSON.stringify(object));
        assert.deepEqual(JSON.parse(jsonOf(object)), object);
      }
      assert.equal(seen.length, 2);
      assert.equal(seen[1]!.metadata.resourceVersion, updated.metadata.resourceVersion);
      // And it is what decoding the stored bytes gives.
      const stored = await store.get("/registry/core/configmaps/default/served");
      assert.deepEqual(configmaps.decode(stored!), updated);
    } finally {
      watch.close();
    }
  });

  it("core Events (stored in v1, also served as events.k8s.io/v1) take the same one-encoding path", async () => {
    const coreEvents = make(type("", "events"));
    const newEvents = make(type("events.k8s.io", "events"));
    const created = await coreEvents.create(
      "default",
      {
        apiVersion: "v1",
        kind: "Event",
        metadata: { name: "e1" },
        involvedObject: { kind: "Pod", name: "p", namespace: "default" },
        reason: "Scheduled",
        message: "Successfully assigned default/p to n1",
        type: "Normal",
        source: { component: "default-scheduler" },
      },
      { dryRun: false, fieldManager: "test" },
    );
    assert.equal(jsonOf(created), JSON.stringify(created));
    const stored = await store.get("/registry/core/events/default/e1");
    assert.deepEqual(coreEvents.decode(stored!), created);
    // The other version still converts from what was stored.
    const asNew = newEvents.decode(stored!);
    assert.equal(asNew.apiVersion, "events.k8s.io/v1");
    assert.equal((asNew as { note?: string }).note, "Successfully assigned default/p to n1");
  });

  it("updates starting from a stale cached copy re-read the datastore", async () => {
    const first = await configmaps.create("default", cm("stale"), { dryRun: false });
    const second = await configmaps.update("default", "stale", (c) => ({ ...c, data: { a: "2" } }), {
      dryRun: false,
    });
    // A cache that still holds the first version (as a watch cache that is behind would).
    const staleCache = make(type("", "configmaps"));
    staleCache.readCurrentFrom({
      getCached: () => ({ json: Buffer.from(JSON.stringify(first)), revision: Number(first.metadata.resourceVersion) }),
    });
    // A write carrying the newest resourceVersion is not refused because the cache is behind…
    const put = await staleCache.update("default", "stale", () => ({ ...second, data: { a: "3" } }) as StoredObject, {
      dryRun: false,
    });
    assert.deepEqual(put.data, { a: "3" });
    // …a mutation without one lands on the newest object, not the cached one…
    const patched = await staleCache.update(
      "default",
      "stale",
      (c) => ({ ...c, data: { ...(c.data as Record<string, string>), b: "x" } }),
      { dryRun: false },
    );
    assert.deepEqual(patched.data, { a: "3", b: "x" });
    // …and an old resourceVersion still gets its 409.
    await rejects(
      staleCache.update("default", "stale", () => ({ ...first, data: { a: "4" } }) as StoredObject, { dryRun: false }),
      409,
    );
  });

  it("dryRun validates but stores nothing", async () => {
    const before = await store.currentRevision();
    const dry = await configmaps.create("default", cm("dry"), { dryRun: true });
    assert.equal(dry.metadata.name, "dry");
    await rejects(configmaps.get("default", "dry"), 404);
    await rejects(configmaps.create("default", cm("c1"), { dryRun: true }), 409);
    assert.equal(await store.currentRevision(), before);
  });

  it("update: precondition conflicts, no-op writes keep the resourceVersion", async () => {
    const c = await configmaps.create("default", cm("u1"), { dryRun: false });
    const same = await configmaps.update("default", "u1", (cur) => cur, { dryRun: false });
    assert.equal(same.metadata.resourceVersion, c.metadata.resourceVersion);
    const changed = await configmaps.update("default", "u1", (cur) => ({ ...cur, data: { a: "2" } }), {
      dryRun: false,
    });
    assert.notEqual(changed.metadata.resourceVersion, c.metadata.resourceVersion);
    const stale = await rejects(
      configmaps.update(
        "default",
        "u1",
        () => ({ ...cm("u1"), metadata: { name: "u1", resourceVersion: c.metadata.resourceVersion } }) as StoredObject,
        { dryRun: false },
      ),
      409,
    );
    assert.equal(
      stale.message,
      'Operation cannot be fulfilled on configmaps "u1": the object has been modified; please apply your changes to the latest version and try again',
    );
    await rejects(
      configmaps.update("default", "missing", (x) => x, { dryRun: false }),
      404,
    );
    await rejects(
      configmaps.update("default", "u1", (cur) => ({ ...cur, metadata: { ...cur.metadata, name: "other" } }), {
        dryRun: false,
      }),
      400,
      /does not match the name on the URL/,
    );
    // System fields survive a PUT that omits them.
    const put = await configmaps.update("default", "u1", () => cm("u1", { data: { b: "3" } }) as StoredObject, {
      dryRun: false,
    });
    assert.equal(put.metadata.uid, c.metadata.uid);
    assert.equal(put.metadata.creationTimestamp, c.metadata.creationTimestamp);
  });

  it("generation moves with spec only; status is its own subresource", async () => {
    const d = await deployments.create(
      "default",
      {
        metadata: { name: "web" },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: "web" } },
          template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx" }] } },
        },
        status: { replicas: 9 },
      },
      { dryRun: false },
    );
    assert.equal(d.metadata.generation, 1);
    assert.deepEqual(d.status, {}, "status is reset on create");
    const labelled = await deployments.update(
      "default",
      "web",
      (cur) => ({ ...cur, metadata: { ...cur.metadata, labels: { a: "b" } } }),
      { dryRun: false },
    );
    assert.equal(labelled.metadata.generation, 1);
    const scaled = await deployments.update(
      "default",
      "web",
      (cur) => ({ ...cur, spec: { ...(cur.spec as object), replicas: 3 }, status: { replicas: 7 } }),
      { dryRun: false },
    );
    assert.equal(scaled.metadata.generation, 2);
    assert.deepEqual(scaled.status, {}, "main-resource writes ignore status");
    const status = await deployments.update(
      "default",
      "web",
      (cur) => ({
        ...cur,
        spec: { ...(cur.spec as object), replicas: 100 },
        status: { replicas: 3, observedGeneration: 2 },
      }),
      { dryRun: false, subresource: "status" },
    );
    assert.deepEqual(status.status, { replicas: 3, observedGeneration: 2 });
    assert.equal((status.spec as { replicas: number }).replicas, 3, "status writes ignore spec");
    assert.equal(status.metadata.generation, 2);
  });

  it("delete: immediate, preconditions, finalizers keep the object until removed", async () => {
    const c = await configmaps.create("default", cm("d1"), { dryRun: false });
    await rejects(
      configmaps.delete("default", "d1", { preconditions: { uid: "nope" } }, false),
      409,
      /Precondition failed: UID in precondition: nope/,
    );
    const gone = await configmaps.delete("default", "d1", {}, false);
    assert.equal(gone.deleted, true);
    assert.equal(gone.object.metadata.uid, c.metadata.uid);
    await rejects(configmaps.get("default", "d1"), 404);

    await configmaps.create("default", cm("f1", { metadata: { name: "f1", finalizers: ["example.com/x"] } }), {
      dryRun: false,
    });
    const marked = await configmaps.delete("default", "f1", {}, false);
    assert.equal(marked.deleted, false);
    assert.ok(marked.object.metadata.deletionTimestamp);
    assert.equal(marked.object.metadata.deletionGracePeriodSeconds, 0);
    await rejects(
      configmaps.update(
        "default",
        "f1",
        (cur) => ({ ...cur, metadata: { ...cur.metadata, finalizers: ["example.com/x", "new"] } }),
        { dryRun: false },
      ),
      422,
      /no new finalizers can be added/,
    );
    await configmaps.update("default", "f1", (cur) => ({ ...cur, metadata: { ...cur.metadata, finalizers: [] } }), {
      dryRun: false,
    });
    await rejects(configmaps.get("default", "f1"), 404);

    // Without the garbage collector the policy is ignored; with it, it becomes a finalizer.
    await configmaps.create("default", cm("o0"), { dryRun: false });
    assert.equal((await configmaps.delete("default", "o0", { propagationPolicy: "Orphan" }, false)).deleted, true);
    const gcType = type("", "configmaps");
    const withGc = new RegistryStore(gcType, strategyFor(gcType, { garbageCollection: true }), store, async (n) =>
      namespaces.get("", n),
    );
    await withGc.create("default", cm("o1"), { dryRun: false });
    const orphan = await withGc.delete("default", "o1", { propagationPolicy: "Orphan" }, false);
    assert.deepEqual(orphan.object.metadata.finalizers, ["orphan"]);
    const fg = await withGc.delete("default", "o1", { propagationPolicy: "Foreground" }, false);
    assert.deepEqual(fg.object.metadata.finalizers, ["foregroundDeletion"]);
  });

  it("pods: graceful deletion only when scheduled", async () => {
    const spec = { containers: [{ name: "c", image: "busybox" }] };
    await pods.create("default", { metadata: { name: "p1" }, spec }, { dryRun: false });
    const p1 = await pods.delete("default", "p1", {}, false);
    assert.equal(p1.deleted, true, "an unscheduled pod goes at once");
    await pods.create("default", { metadata: { name: "p2" }, spec: { ...spec, nodeName: "n1" } }, { dryRun: false });
    const p2 = await pods.delete("default", "p2", {}, false);
    assert.equal(p2.deleted, false);
    assert.equal(p2.object.metadata.deletionGracePeriodSeconds, 30);
    const again = await pods.delete("default", "p2", { gracePeriodSeconds: 0 }, false);
    assert.equal(again.deleted, true, "grace 0 (--force) deletes");
  });

  it("list: limit/continue pages from one snapshot, remainingItemCount, selectors", async () => {
    for (let i = 0; i < 5; i++) {
      await configmaps.create(
        "kube-public",
        cm(`l${i}`, { metadata: { name: `l${i}`, labels: { i: String(i % 2) } } }),
        {
          dryRun: false,
        },
      );
    }
    const page1 = await list(configmaps, { namespace: "kube-public", limit: 2 });
    assert.deepEqual(
      page1.items.map((o) => o.metadata.name),
      ["l0", "l1"],
    );
    assert.equal(page1.remainingItemCount, 3);
    assert.ok(page1.continueToken);
    const token = JSON.parse(Buffer.from(page1.continueToken, "base64").toString());
    assert.deepEqual(token, { v: "meta.k8s.io/v1", rv: Number(page1.resourceVersion), start: "l1\u0000" });
    await configmaps.create("kube-public", cm("l10"), { dryRun: false }); // not in the snapshot
    const page2 = await list(configmaps, { namespace: "kube-public", limit: 2, continueToken: page1.continueToken });
    assert.deepEqual(
      page2.items.map((o) => o.metadata.name),
      ["l2", "l3"],
    );
    assert.equal(page2.resourceVersion, page1.resourceVersion);
    const page3 = await list(configmaps, { namespace: "kube-public", limit: 2, continueToken: page2.continueToken });
    assert.deepEqual(
      page3.items.map((o) => o.metadata.name),
      ["l4"],
    );
    assert.equal(page3.continueToken, undefined);

    const odd = await list(configmaps, {
      namespace: "kube-public",
      selection: parseListSelection({ group: "", resource: "configmaps" }, { labelSelector: "i=1" }),
    });
    assert.deepEqual(
      odd.items.map((o) => o.metadata.name),
      ["l1", "l3"],
    );
    await rejects(list(configmaps, { continueToken: "garbage!" }), 400);
    await rejects(list(configmaps, { resourceVersionMatch: "Exact" }), 400, /resourceVersionMatch is forbidden unless/);
    const exact = await list(configmaps, {
      namespace: "kube-public",
      resourceVersion: page1.resourceVersion,
      resourceVersionMatch: "Exact",
    });
    assert.equal(exact.items.length, 5, "the list as it was at that revision");
  });

  it("strategy overrides add to the built-in hooks (async allowed)", async () => {
    const released: string[] = [];
    const t = type("", "services");
    const services = new RegistryStore(
      t,
      strategyFor(t, {
        async prepareForCreate(o) {
          (o.spec as Record<string, unknown>).clusterIP = "10.43.0.10";
        },
        validate: (o) =>
          o.metadata.name === "forbidden"
            ? [{ type: "FieldValueForbidden", field: "metadata.name", detail: "no" }]
            : [],
        afterDelete: async (o) => void released.push(String((o.spec as Record<string, unknown>).clusterIP)),
      }),
      store,
      async (name) => namespaces.get("", name),
    );
    const spec = { ports: [{ port: 80 }], selector: { app: "a" } };
    const svc = await services.create("default", { metadata: { name: "svc" }, spec }, { dryRun: false });
    assert.equal((svc.spec as Record<string, unknown>).clusterIP, "10.43.0.10");
    assert.deepEqual(svc.status, {}, "the built-in prepareForCreate still ran");
    await rejects(
      services.create("default", { metadata: { name: "forbidden" }, spec }, { dryRun: false }),
      422,
      /Forbidden: no/,
    );
    await services.delete("default", "svc", {}, false);
    assert.deepEqual(released, ["10.43.0.10"]);
  });
});
