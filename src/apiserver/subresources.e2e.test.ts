// Subresources (status, scale, binding, finalize), delete flavours, list resourceVersion semantics and watch
// edge cases (streaming lists, slow watchers) over HTTP.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { forbidden } from "../api/status.js";
import { metricsRegistry } from "../metrics/registry.js";
import { jsonBody as json, startTestApiServer, type TestApiServer } from "./testing.js";

interface Obj {
  kind: string;
  metadata: {
    name: string;
    resourceVersion: string;
    generation?: number;
    deletionTimestamp?: string;
    finalizers?: string[];
    annotations?: Record<string, string>;
  };
  spec: Record<string, unknown>;
  status: Record<string, unknown>;
  items: Obj[];
  code?: number;
  reason?: string;
  message?: string;
  details?: Record<string, unknown>;
}

const deployment = (name: string) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image: "nginx" }] } },
  },
});

describe("API server subresources and semantics", () => {
  let s: TestApiServer;
  const body = async (res: Response, code: number): Promise<Obj> => {
    const text = await res.text();
    assert.equal(res.status, code, text);
    return JSON.parse(text) as Obj;
  };
  before(async () => {
    s = await startTestApiServer({
      watch: { bookmarkIntervalMs: 100, slowWatcherCutoffMs: 300, maxBufferedBytes: 64 * 1024 },
    });
  });
  after(async () => s.close());

  it("status and scale subresources", async () => {
    const base = "/apis/apps/v1/namespaces/default/deployments";
    const d = await body(await s.fetch(base, json(deployment("web"))), 201);
    assert.equal(d.metadata.generation, 1);
    const st = await body(
      await s.fetch(
        `${base}/web/status`,
        json({ status: { replicas: 2, observedGeneration: 1 } }, "PATCH", "application/merge-patch+json"),
      ),
      200,
    );
    assert.deepEqual(st.status, { replicas: 2, observedGeneration: 1 });
    assert.equal(st.metadata.generation, 1);

    const scale = await body(await s.fetch(`${base}/web/scale`), 200);
    assert.equal(scale.kind, "Scale");
    assert.deepEqual(scale.spec, { replicas: 2 });
    assert.deepEqual(scale.status, { replicas: 2, selector: "app=web" });
    const put = await body(
      await s.fetch(
        `${base}/web/scale`,
        { method: "PUT", body: Buffer.from(JSON.stringify({ ...scale, spec: { replicas: 4 } })) }, // no Content-Type, as kubectl
      ),
      200,
    );
    assert.equal(put.spec.replicas, 4);
    const stale = await body(await s.fetch(`${base}/web/scale`, json({ ...scale, spec: { replicas: 5 } }, "PUT")), 409);
    assert.equal(stale.reason, "Conflict");
    const patched = await body(
      await s.fetch(`${base}/web/scale`, json({ spec: { replicas: 6 } }, "PATCH", "application/merge-patch+json")),
      200,
    );
    assert.equal(patched.spec.replicas, 6);
    const negative = await body(
      await s.fetch(`${base}/web/scale`, json({ spec: { replicas: -1 } }, "PATCH", "application/merge-patch+json")),
      422,
    );
    assert.match(negative.message ?? "", /spec.replicas: Invalid value: -1: must be greater than or equal to 0/);
    const after = await body(await s.fetch(`${base}/web`), 200);
    assert.equal(after.spec.replicas, 6);
    assert.equal(after.metadata.generation, 3);
    assert.deepEqual(after.status, { replicas: 2, observedGeneration: 1 }, "scale keeps status");
    await body(await s.fetch(`${base}/web/nope`), 404);
    await body(await s.fetch(`${base}/web/scale`, json({}, "DELETE")), 405);
  });

  it("pods/binding assigns a node once", async () => {
    const pods = "/api/v1/namespaces/default/pods";
    await body(
      await s.fetch(pods, json({ metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "busybox" }] } })),
      201,
    );
    const binding = {
      apiVersion: "v1",
      kind: "Binding",
      metadata: { name: "p" },
      target: { kind: "Node", name: "n1" },
    };
    const ok = await body(await s.fetch(`${pods}/p/binding`, json(binding)), 201);
    assert.equal(ok.kind, "Status");
    const pod = await body(await s.fetch(`${pods}/p`), 200);
    assert.equal(pod.spec.nodeName, "n1");
    assert.equal((pod.status.conditions as { type: string }[])[0]!.type, "PodScheduled");
    const again = await body(await s.fetch(`${pods}/p/binding`, json({ ...binding, target: { name: "n2" } })), 409);
    assert.match(again.message ?? "", /already assigned to node "n1"/);
    // A scheduled pod is deleted gracefully: 200 with the object and a deletionTimestamp.
    const graceful = await body(await s.fetch(`${pods}/p`, json({ propagationPolicy: "Background" }, "DELETE")), 200);
    assert.ok(graceful.metadata.deletionTimestamp);
    const forced = await body(await s.fetch(`${pods}/p`, json({ gracePeriodSeconds: 0 }, "DELETE")), 200);
    assert.equal(forced.kind, "Pod", "pods return the deleted object");
    await body(await s.fetch(`${pods}/p`), 404);
  });

  it("pods from the watch cache: selectors on lists and watches, the same bytes as the datastore", async () => {
    const pods = "/api/v1/namespaces/kube-public/pods";
    const pod = (name: string, app: string) => ({
      metadata: { name, labels: { app } },
      spec: { containers: [{ name: "c", image: "busybox" }] },
    });
    const start = await body(await s.fetch(`${pods}?resourceVersion=0`), 200);
    const watchText = (query: string, headers: Record<string, string> = {}) =>
      s
        .fetch(`${pods}?watch=true&resourceVersion=${start.metadata.resourceVersion}&timeoutSeconds=1&${query}`, {
          headers,
        })
        .then((res) => res.text())
        .then((text) =>
          text
            .trim()
            .split("\n")
            .map((l) => JSON.parse(l) as { type: string; object: Obj & { rows?: { cells: unknown[] }[] } }),
        );
    const pending = watchText("fieldSelector=status.phase%3DPending,metadata.name!%3Dsel-b");
    const onNode = watchText("fieldSelector=spec.nodeName%3Dn1&labelSelector=app%3Dsel");
    const tables = watchText("labelSelector=app%3Dsel", { Accept: "application/json;as=Table;v=v1;g=meta.k8s.io" });
    await new Promise((r) => setTimeout(r, 100));
    await body(await s.fetch(pods, json(pod("sel-a", "sel"))), 201);
    await body(await s.fetch(pods, json(pod("sel-b", "sel"))), 201);
    await body(await s.fetch(pods, json(pod("other", "x"))), 201);
    const binding = { apiVersion: "v1", kind: "Binding", metadata: { name: "sel-a" }, target: { name: "n1" } };
    await body(await s.fetch(`${pods}/sel-a/binding`, json(binding)), 201);
    const running = json({ status: { phase: "Running" } }, "PATCH", "application/merge-patch+json");
    const ran = await body(await s.fetch(`${pods}/sel-a/status`, running), 200);

    const p = await pending;
    assert.deepEqual(
      p.map((e) => `${e.type} ${e.object.metadata.name}`),
      ["ADDED sel-a", "ADDED other", "MODIFIED sel-a", "DELETED sel-a"],
    );
    assert.equal(p[3]!.object.metadata.resourceVersion, ran.metadata.resourceVersion, "left at the event's RV");
    assert.equal(p[3]!.object.status.phase, "Pending", "with its previous state");
    const n = await onNode;
    assert.deepEqual(
      n.map((e) => `${e.type} ${e.object.metadata.name}`),
      ["ADDED sel-a", "MODIFIED sel-a"],
    );
    const t = await tables;
    assert.deepEqual(
      t.map((e) => `${e.type} ${e.object.kind} ${String(e.object.rows?.[0]?.cells[0])}`),
      ["ADDED Table sel-a", "ADDED Table sel-b", "MODIFIED Table sel-a", "MODIFIED Table sel-a"],
    );

    for (const query of [
      "",
      "labelSelector=app%3Dsel",
      "fieldSelector=spec.nodeName%3Dn1",
      "fieldSelector=status.phase%3DPending",
      "labelSelector=app&fieldSelector=metadata.name%3Dother",
    ]) {
      const cached = await s.fetch(`${pods}?resourceVersion=0&${query}`);
      const text = await cached.text();
      const rv = (JSON.parse(text) as Obj).metadata.resourceVersion;
      const stored = await s.fetch(`${pods}?resourceVersion=${rv}&resourceVersionMatch=Exact&${query}`);
      assert.equal(text, await stored.text(), `same list for "${query}"`);
      assert.equal(cached.headers.get("content-length"), String(Buffer.byteLength(text)));
    }
    const names = (await body(await s.fetch(`${pods}?resourceVersion=0&fieldSelector=spec.nodeName%3Dn1`), 200)).items;
    assert.deepEqual(
      names.map((o) => o.metadata.name),
      ["sel-a"],
    );
    const table = await s.fetch(`${pods}?resourceVersion=0&labelSelector=app%3Dsel`, {
      headers: { Accept: "application/json;as=Table;v=v1;g=meta.k8s.io" },
    });
    const rows = ((await table.json()) as { rows: { cells: unknown[] }[] }).rows;
    assert.deepEqual(
      rows.map((r) => r.cells[0]),
      ["sel-a", "sel-b"],
    );
    const yaml = await (await s.fetch(`${pods}?resourceVersion=0`, { headers: { Accept: "application/yaml" } })).text();
    assert.match(yaml, /^kind: PodList\napiVersion: v1\n/);
    assert.match(yaml, /name: sel-b/);
  });

  it("legacy bindings and pods/eviction", async () => {
    const pods = "/api/v1/namespaces/default/pods";
    const spec = { containers: [{ name: "c", image: "busybox" }] };
    await body(await s.fetch(pods, json({ metadata: { name: "lb" }, spec })), 201);
    await body(
      await s.fetch(
        "/api/v1/namespaces/default/bindings",
        json({ metadata: { name: "lb" }, target: { kind: "Node", name: "n9" } }),
      ),
      201,
    );
    assert.equal((await body(await s.fetch(`${pods}/lb`), 200)).spec.nodeName, "n9");
    const eviction = {
      apiVersion: "policy/v1",
      kind: "Eviction",
      metadata: { name: "lb" },
      deleteOptions: { gracePeriodSeconds: 0 },
    };
    await body(await s.fetch(`${pods}/lb/eviction`, json({ ...eviction, metadata: { name: "other" } })), 400);
    const evicted = await body(await s.fetch(`${pods}/lb/eviction`, json(eviction)), 201);
    assert.equal(evicted.kind, "Status");
    await body(await s.fetch(`${pods}/lb`), 404);
    await body(await s.fetch(`${pods}/lb/eviction`, json(eviction)), 404);
  });

  it("PUT creates where upstream allows it (leases), 404 elsewhere", async () => {
    const lease = {
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name: "l1" },
      spec: { holderIdentity: "a" },
    };
    await body(await s.fetch("/apis/coordination.k8s.io/v1/namespaces/default/leases/l1", json(lease, "PUT")), 201);
    await body(await s.fetch("/apis/coordination.k8s.io/v1/namespaces/default/leases/l1", json(lease, "PUT")), 200);
    await body(
      await s.fetch("/api/v1/namespaces/default/configmaps/put1", json({ metadata: { name: "put1" } }, "PUT")),
      404,
    );
  });

  it("self reviews: whoami, can-i, rules", async () => {
    const who = await body(
      await s.fetch(
        "/apis/authentication.k8s.io/v1/selfsubjectreviews",
        json({ apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" }),
      ),
      201,
    );
    assert.deepEqual(who.status, {
      userInfo: { username: "system:admin", groups: ["system:masters", "system:authenticated"] },
    });
    const ssar = await body(
      await s.fetch(
        "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        json({ spec: { resourceAttributes: { namespace: "default", verb: "create", resource: "pods" } } }),
      ),
      201,
    );
    assert.equal(ssar.status.allowed, true);
    await body(await s.fetch("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", json({ spec: {} })), 422);
    const rules = await body(
      await s.fetch("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", json({ spec: { namespace: "default" } })),
      201,
    );
    assert.equal(rules.status.incomplete, false);
    await body(await s.fetch("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"), 405);
  });

  it("delete answers: Status for most kinds, preconditions, deletecollection, dryRun", async () => {
    const cms = "/api/v1/namespaces/default/configmaps";
    for (const n of ["a", "b", "c"]) {
      await body(
        await s.fetch(cms, json({ metadata: { name: n, labels: { group: n === "c" ? "two" : "one" } } })),
        201,
      );
    }
    const dry = await body(await s.fetch(`${cms}/a?dryRun=All`, { method: "DELETE" }), 200);
    assert.equal(dry.kind, "Status");
    await body(await s.fetch(`${cms}/a`), 200);
    const pre = await body(await s.fetch(`${cms}/a`, json({ preconditions: { resourceVersion: "1" } }, "DELETE")), 409);
    assert.match(pre.message ?? "", /Precondition failed: ResourceVersion in precondition: 1/);
    const st = await body(await s.fetch(`${cms}/a`, { method: "DELETE" }), 200);
    assert.deepEqual(
      {
        kind: st.kind,
        status: (st as unknown as { status: string }).status,
        name: st.details?.name,
        kind2: st.details?.kind,
      },
      { kind: "Status", status: "Success", name: "a", kind2: "configmaps" },
    );
    const bad = await body(await s.fetch(`${cms}/b`, json({ propagationPolicy: "Sideways" }, "DELETE")), 422);
    assert.equal(bad.reason, "Invalid");
    const collection = await body(await s.fetch(`${cms}?labelSelector=group%3Done`, { method: "DELETE" }), 200);
    assert.deepEqual(
      collection.items.map((o) => o.metadata.name),
      ["b"],
    );
    const left = await body(await s.fetch(cms), 200);
    assert.deepEqual(
      left.items.map((o) => o.metadata.name),
      ["c"],
    );
  });

  it("namespaces: create content only in existing namespaces; finalize", async () => {
    await body(await s.fetch("/api/v1/namespaces", json({ metadata: { name: "fin" } })), 201);
    const fin = await body(
      await s.fetch(
        "/api/v1/namespaces/fin/finalize",
        json({ metadata: { name: "fin" }, spec: { finalizers: ["x/y"] } }, "PUT"),
      ),
      200,
    );
    assert.deepEqual(fin.spec.finalizers, ["x/y"]);
    const ns = await body(await s.fetch("/api/v1/namespaces/fin"), 200);
    assert.deepEqual(ns.status, { phase: "Active" });
    await body(await s.fetch("/api/v1/namespaces/fin", { method: "DELETE" }), 200);
  });

  it("list resourceVersion semantics", async () => {
    const cms = "/api/v1/namespaces/kube-system/configmaps";
    const created = await body(await s.fetch(cms, json({ metadata: { name: "rv" } })), 201);
    const rv = Number(created.metadata.resourceVersion);
    const fromCache = await body(await s.fetch(`${cms}?resourceVersion=0`), 200);
    assert.ok(fromCache.items.some((o) => o.metadata.name === "rv"));
    const notOlder = await body(await s.fetch(`${cms}?resourceVersion=${rv}&resourceVersionMatch=NotOlderThan`), 200);
    assert.ok(Number(notOlder.metadata.resourceVersion) >= rv);
    await body(await s.fetch(`${cms}/rv`, { method: "DELETE" }), 200);
    const exact = await body(await s.fetch(`${cms}?resourceVersion=${rv}&resourceVersionMatch=Exact`), 200);
    assert.deepEqual(
      exact.items.map((o) => o.metadata.name),
      ["rv"],
      "the snapshot at that revision",
    );
    const future = await body(
      await s.fetch(`${cms}?resourceVersion=${rv + 1000}&resourceVersionMatch=NotOlderThan`),
      504,
    );
    assert.equal(future.reason, "Timeout");
    await body(await s.fetch(`${cms}?resourceVersion=0&resourceVersionMatch=Exact`), 400);
    await body(await s.fetch(`${cms}?continue=abc&resourceVersion=5`), 400);
    await body(await s.fetch(`${cms}?resourceVersion=abc`), 400);
  });

  it("watch: a streaming list ends its initial events with a bookmark", async () => {
    const cms = "/api/v1/namespaces/kube-node-lease/configmaps";
    await body(await s.fetch(cms, json({ metadata: { name: "i1" } })), 201);
    const res = await s.fetch(
      `${cms}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1`,
    );
    const lines = (await res.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; object: Obj });
    assert.equal(lines[0]!.type, "ADDED");
    assert.equal(lines[1]!.type, "BOOKMARK");
    assert.equal(lines[1]!.object.metadata.annotations?.["k8s.io/initial-events-end"], "true");
    await body(await s.fetch(`${cms}?watch=true&sendInitialEvents=true`), 400);
  });

  it("watch: a client that stops reading is cut off, others keep going", async () => {
    const cms = "/api/v1/namespaces/default/configmaps";
    const url = new URL(s.url);
    const socket = connect(Number(url.port), "127.0.0.1");
    let ended = false;
    socket.on("close", () => (ended = true));
    socket.on("error", () => (ended = true));
    await new Promise<void>((resolve) => socket.once("connect", resolve));
    socket.write(`GET ${cms}?watch=true HTTP/1.1\r\nHost: x\r\n\r\n`);
    await new Promise((r) => setTimeout(r, 100));
    socket.pause(); // never read: the server's socket buffer fills up
    const big = "x".repeat(1024 * 1024);
    for (let i = 0; i < 12; i++) {
      await body(await s.fetch(cms, json({ metadata: { name: `big${i}` }, data: { v: big } })), 201);
      await new Promise((r) => setTimeout(r, 50));
    }
    // Read what was sent: a cut-off watch ends (closes); a live one would stay open.
    socket.resume();
    for (let i = 0; i < 100 && !ended; i++) await new Promise((r) => setTimeout(r, 20));
    socket.destroy();
    assert.ok(ended, "the slow watcher was disconnected");
    // The server still serves.
    await body(await s.fetch(`${cms}?limit=1`), 200);
    await body(await s.fetch(`${cms}?labelSelector=x`, { method: "DELETE" }), 200);
  });

  it("namespace lifecycle (opt-in): Terminating until spec.finalizers is empty", async () => {
    const t = await startTestApiServer({ namespaceLifecycle: true });
    try {
      await body(await t.fetch("/api/v1/namespaces", json({ metadata: { name: "doomed" } })), 201);
      const created = await body(await t.fetch("/api/v1/namespaces/doomed"), 200);
      assert.deepEqual(created.spec.finalizers, ["kubernetes"]);
      const first = await body(await t.fetch("/api/v1/namespaces/doomed", { method: "DELETE" }), 200);
      assert.equal(first.status.phase, "Terminating");
      assert.ok(first.metadata.deletionTimestamp);
      const refused = await body(
        await t.fetch("/api/v1/namespaces/doomed/configmaps", json({ metadata: { name: "c" } })),
        403,
      );
      assert.match(refused.message ?? "", /because it is being terminated/);
      const again = await body(await t.fetch("/api/v1/namespaces/doomed", { method: "DELETE" }), 409);
      assert.match(again.message ?? "", /ensuring all content is removed/);
      // A plain update cannot drop spec.finalizers; /finalize can, and that removes the namespace.
      await body(
        await t.fetch(
          "/api/v1/namespaces/doomed",
          json({ metadata: { name: "doomed" }, spec: { finalizers: [] } }, "PUT"),
        ),
        200,
      );
      assert.equal((await body(await t.fetch("/api/v1/namespaces/doomed"), 200)).metadata.name, "doomed");
      await body(
        await t.fetch(
          "/api/v1/namespaces/doomed/finalize",
          json({ metadata: { name: "doomed" }, spec: { finalizers: [] } }, "PUT"),
        ),
        200,
      );
      await body(await t.fetch("/api/v1/namespaces/doomed"), 404);
    } finally {
      await t.close();
    }
  });

  it("admission plugins mutate before and validate after the registry's own rules", async () => {
    const seen: string[] = [];
    const t = await startTestApiServer({
      admission: [
        {
          name: "LabelEverything",
          admit(attrs, object) {
            seen.push(`${attrs.operation} ${attrs.resource}/${attrs.subresource} ${attrs.user.name}`);
            object.metadata.labels = { ...object.metadata.labels, admitted: "yes" };
          },
        },
        {
          name: "Protect",
          validate(attrs, object) {
            if (object.metadata.labels?.protected === "true") {
              throw forbidden(
                { group: attrs.group, resource: attrs.resource },
                object.metadata.name ?? "",
                "it is protected",
              );
            }
          },
        },
      ],
    });
    try {
      const cms = "/api/v1/namespaces/default/configmaps";
      const c = await body(await t.fetch(cms, json({ metadata: { generateName: "a-" } })), 201);
      assert.equal(c.metadata.annotations, undefined);
      assert.equal((c.metadata as { labels?: Record<string, string> }).labels?.admitted, "yes");
      await body(await t.fetch(cms, json({ metadata: { name: "p", labels: { protected: "true" } } })), 403);
      await body(await t.fetch(cms, json({ metadata: { name: "q" } })), 201);
      await body(
        await t.fetch(
          `${cms}/q`,
          json({ metadata: { labels: { protected: "true" } } }, "PATCH", "application/merge-patch+json"),
        ),
        403,
      );
      assert.ok(seen.includes("CREATE configmaps/ system:admin"));
      assert.ok(seen.includes("UPDATE configmaps/ system:admin"));
    } finally {
      await t.close();
    }
  });

  it("request metrics with upstream's names and labels", async () => {
    await body(await s.fetch("/api/v1/namespaces"), 200);
    await body(await s.fetch("/api/v1/namespaces/default/configmaps/none"), 404);
    const text = await metricsRegistry.getSingleMetricAsString("apiserver_request_total");
    assert.match(
      text,
      /apiserver_request_total\{verb="LIST",group="",version="v1",resource="namespaces",subresource="",scope="cluster",component="apiserver",code="200"\} \d+/,
    );
    assert.match(text, /verb="GET".*resource="configmaps".*scope="namespace".*code="404"/);
    assert.match(
      await metricsRegistry.getSingleMetricAsString("apiserver_request_duration_seconds"),
      /_bucket\{le="0.005",verb="LIST"/,
    );
  });
});
