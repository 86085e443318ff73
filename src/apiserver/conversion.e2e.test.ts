// Resources served in two versions over one storage prefix (HPAs, Events): stored in the storage version,
// served in the version of the request's URL for get, list, watch, Table and write responses.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { findKubectl, kubectl, type Kubectl } from "../../test/harness/kubectl.js";
import { jsonBody as json, startTestApiServer, type TestApiServer } from "./testing.js";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const V1 = "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers";
const V2 = "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers";
const CORE_EVENTS = "/api/v1/namespaces/default/events";
const EVENTS = "/apis/events.k8s.io/v1/namespaces/default/events";

const target = { apiVersion: "apps/v1", kind: "Deployment", name: "web" };

/** The first `count` lines of a watch stream. */
async function watchLines(res: Response, count: number): Promise<Obj[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const lines: Obj[] = [];
  while (lines.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    let nl: number;
    while ((nl = text.indexOf("\n")) >= 0) {
      lines.push(JSON.parse(text.slice(0, nl)) as Obj);
      text = text.slice(nl + 1);
    }
  }
  await reader.cancel();
  return lines;
}

describe("API server version conversion", () => {
  let server: TestApiServer;
  before(async () => {
    server = await startTestApiServer();
  });
  after(async () => {
    await server.close();
  });

  const send = async (path: string, init?: RequestInit): Promise<{ status: number; body: Obj }> => {
    const res = await server.fetch(path, init);
    return { status: res.status, body: (await res.json()) as Obj };
  };

  it("an HPA created through autoscaling/v1 reads through v2, and is stored as v2", async () => {
    const created = await send(
      V1,
      json({
        apiVersion: "autoscaling/v1",
        kind: "HorizontalPodAutoscaler",
        metadata: { name: "from-v1" },
        spec: { scaleTargetRef: target, minReplicas: 1, maxReplicas: 4, targetCPUUtilizationPercentage: 50 },
      }),
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.apiVersion, "autoscaling/v1");
    assert.equal(created.body.spec.targetCPUUtilizationPercentage, 50);

    const v2 = await send(`${V2}/from-v1`);
    assert.equal(v2.body.apiVersion, "autoscaling/v2");
    assert.deepEqual(v2.body.spec.metrics, [
      { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } } },
    ]);
    assert.equal(v2.body.spec.targetCPUUtilizationPercentage, undefined);
    assert.equal(v2.body.metadata.resourceVersion, created.body.metadata.resourceVersion);
    // From the watch cache too.
    const cached = await send(`${V2}/from-v1?resourceVersion=0`);
    assert.equal(cached.body.apiVersion, "autoscaling/v2");
    assert.equal(cached.body.spec.metrics[0].resource.target.averageUtilization, 50);

    const kv = await server.store.get("/registry/autoscaling/horizontalpodautoscalers/default/from-v1");
    const stored = JSON.parse(kv!.value.toString("utf8")) as Obj;
    assert.equal(stored.apiVersion, "autoscaling/v2");
    assert.equal(stored.spec.metrics[0].resource.target.averageUtilization, 50);
  });

  it("an HPA created through autoscaling/v2 reads through v1, extra metrics in annotations", async () => {
    const created = await send(
      V2,
      json({
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: { name: "from-v2" },
        spec: {
          scaleTargetRef: target,
          maxReplicas: 6,
          metrics: [
            { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
            {
              type: "Resource",
              resource: { name: "memory", target: { type: "AverageValue", averageValue: "100Mi" } },
            },
          ],
        },
      }),
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.apiVersion, "autoscaling/v2");
    const v1 = await send(`${V1}/from-v2`);
    assert.equal(v1.body.apiVersion, "autoscaling/v1");
    assert.equal(v1.body.spec.targetCPUUtilizationPercentage, 70);
    assert.equal(v1.body.spec.minReplicas, 1);
    assert.deepEqual(JSON.parse(v1.body.metadata.annotations["autoscaling.alpha.kubernetes.io/metrics"]), [
      { type: "Resource", resource: { name: "memory", targetAverageValue: "100Mi" } },
    ]);

    // A v1 client writes the object back with a new target: the memory metric survives.
    v1.body.spec.targetCPUUtilizationPercentage = 60;
    const updated = await send(`${V1}/from-v2`, json(v1.body, "PUT"));
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.equal(updated.body.apiVersion, "autoscaling/v1");
    assert.equal(updated.body.spec.targetCPUUtilizationPercentage, 60);
    const again = await send(`${V2}/from-v2`);
    assert.deepEqual(
      again.body.spec.metrics.map((m: Obj) => m.resource.name),
      ["memory", "cpu"],
    );
    assert.equal(again.body.spec.metrics[1].resource.target.averageUtilization, 60);
    assert.equal(again.body.metadata.annotations, undefined);

    // A merge patch through v1 answers in v1.
    const patched = await send(
      `${V1}/from-v2`,
      json({ spec: { maxReplicas: 9 } }, "PATCH", "application/merge-patch+json"),
    );
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(patched.body.apiVersion, "autoscaling/v1");
    assert.equal(patched.body.spec.maxReplicas, 9);
    assert.equal((await send(`${V2}/from-v2`)).body.spec.maxReplicas, 9);
  });

  it("status moves in the storage version: v1 writes keep v2-only status, v1 /status writes take effect", async () => {
    const conditions = [
      {
        type: "AbleToScale",
        status: "True",
        lastTransitionTime: "2026-01-01T00:00:00Z",
        reason: "Ready",
        message: "ok",
      },
    ];
    const currentMetrics = [
      { type: "Resource", resource: { name: "memory", current: { averageValue: "50Mi" } } },
      { type: "Resource", resource: { name: "cpu", current: { averageValue: "100m", averageUtilization: 20 } } },
    ];
    await send(V2, json({ metadata: { name: "stat" }, spec: { scaleTargetRef: target, maxReplicas: 3 } }));
    const current = (await send(`${V2}/stat`)).body;
    const withStatus = await send(
      `${V2}/stat/status`,
      json({ ...current, status: { currentReplicas: 1, desiredReplicas: 1, currentMetrics, conditions } }, "PUT"),
    );
    assert.equal(withStatus.status, 200, JSON.stringify(withStatus.body));

    // A v1 client replaces the spec without the round-trip annotations: the v2 status survives.
    const v1 = (await send(`${V1}/stat`)).body;
    assert.equal(v1.status.currentCPUUtilizationPercentage, 20);
    assert.ok(v1.metadata.annotations["autoscaling.alpha.kubernetes.io/conditions"]);
    delete v1.metadata.annotations;
    v1.spec.maxReplicas = 7;
    const put = await send(`${V1}/stat`, json(v1, "PUT"));
    assert.equal(put.status, 200, JSON.stringify(put.body));
    let v2 = (await send(`${V2}/stat`)).body;
    assert.equal(v2.spec.maxReplicas, 7);
    assert.deepEqual(v2.status.conditions, conditions);
    assert.deepEqual(v2.status.currentMetrics, currentMetrics);

    // A v1 /status write (without the annotations) sets the cpu utilization.
    const v1again = (await send(`${V1}/stat`)).body;
    delete v1again.metadata.annotations;
    v1again.status = { currentReplicas: 2, desiredReplicas: 2, currentCPUUtilizationPercentage: 90 };
    const status = await send(`${V1}/stat/status`, json(v1again, "PUT"));
    assert.equal(status.status, 200, JSON.stringify(status.body));
    assert.equal(status.body.status.currentCPUUtilizationPercentage, 90);
    v2 = (await send(`${V2}/stat`)).body;
    assert.equal(v2.spec.maxReplicas, 7);
    assert.deepEqual(v2.status.currentMetrics, [
      { type: "Resource", resource: { name: "cpu", current: { averageUtilization: 90 } } },
    ]);
    await send(`${V2}/stat`, { method: "DELETE" });
  });

  it("lists and watches HPAs in the version of the URL", async () => {
    for (const [path, version] of [
      [V1, "autoscaling/v1"],
      [V2, "autoscaling/v2"],
    ] as const) {
      for (const rv of ["", "0"]) {
        const list = await send(`${path}?resourceVersion=${rv}`);
        assert.equal(list.body.apiVersion, version);
        assert.ok(list.body.items.length >= 2);
        for (const item of list.body.items) assert.equal(item.apiVersion, version, `${path} rv=${rv}`);
      }
      const limited = await send(`${path}?limit=1`);
      assert.equal(limited.body.items[0].apiVersion, version);
    }
    const list = await send(V2);
    const rv = list.body.metadata.resourceVersion as string;
    const w1 = server.fetch(`${V1}?watch=1&resourceVersion=${rv}`);
    const w2 = server.fetch(`${V2}?watch=1&resourceVersion=${rv}`);
    const initial1 = server.fetch(`${V1}?watch=1`);
    const [r1, r2, r0] = await Promise.all([w1, w2, initial1]);
    await send(
      V1,
      json({
        metadata: { name: "watched" },
        spec: { scaleTargetRef: target, maxReplicas: 2, targetCPUUtilizationPercentage: 30 },
      }),
    );
    const [e1] = await watchLines(r1, 1);
    const [e2] = await watchLines(r2, 1);
    assert.equal(e1!.type, "ADDED");
    assert.equal(e1!.object.apiVersion, "autoscaling/v1");
    assert.equal(e1!.object.spec.targetCPUUtilizationPercentage, 30);
    assert.equal(e2!.object.apiVersion, "autoscaling/v2");
    assert.equal(e2!.object.spec.metrics[0].resource.target.averageUtilization, 30);
    const initial = await watchLines(r0, 2);
    for (const e of initial) assert.equal(e.object.apiVersion, "autoscaling/v1");

    // Table rows carry the object in the request's version.
    const table = await send(`${V1}?includeObject=Object`, {
      headers: { Accept: "application/json;as=Table;v=v1;g=meta.k8s.io" },
    });
    assert.equal(table.body.kind, "Table");
    const row = table.body.rows.find((r: Obj) => r.object.metadata.name === "from-v1");
    assert.equal(row.object.apiVersion, "autoscaling/v1");
    assert.equal(row.cells[2], "cpu: <unknown>/50%");
    // Printed from the storage version, as upstream prints the internal object: every metric shows.
    const both = table.body.rows.find((r: Obj) => r.object.metadata.name === "from-v2");
    assert.equal(both.cells[2], "memory: <unknown>/100Mi, cpu: <unknown>/60%");
  });

  it("a core/v1 Event lists through events.k8s.io/v1 with regarding/note, and vice versa", async () => {
    const created = await send(
      CORE_EVENTS,
      json({
        apiVersion: "v1",
        kind: "Event",
        metadata: { name: "ev1" },
        involvedObject: { kind: "Pod", namespace: "default", name: "p1", apiVersion: "v1" },
        reason: "Started",
        message: "Started container c",
        source: { component: "kubelet", host: "n1" },
        firstTimestamp: "2026-01-01T00:00:00Z",
        lastTimestamp: "2026-01-01T00:00:00Z",
        count: 1,
        type: "Normal",
      }),
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const list = await send(EVENTS);
    assert.equal(list.body.apiVersion, "events.k8s.io/v1");
    const ev = list.body.items.find((e: Obj) => e.metadata.name === "ev1");
    assert.equal(ev.apiVersion, "events.k8s.io/v1");
    assert.deepEqual(ev.regarding, { kind: "Pod", namespace: "default", name: "p1", apiVersion: "v1" });
    assert.equal(ev.note, "Started container c");
    assert.deepEqual(ev.deprecatedSource, { component: "kubelet", host: "n1" });
    assert.equal(ev.deprecatedCount, 1);
    assert.equal(ev.involvedObject, undefined);
    assert.equal(ev.message, undefined);

    const fromEvents = await send(
      EVENTS,
      json({
        apiVersion: "events.k8s.io/v1",
        kind: "Event",
        metadata: { name: "ev2" },
        eventTime: "2026-01-01T00:00:00.000000Z",
        reportingController: "example.com/ctl",
        reportingInstance: "ctl-1",
        action: "Scale",
        reason: "Scaled",
        regarding: { kind: "Deployment", namespace: "default", name: "web", apiVersion: "apps/v1" },
        note: "scaled up",
        type: "Normal",
      }),
    );
    assert.equal(fromEvents.status, 201, JSON.stringify(fromEvents.body));
    assert.equal(fromEvents.body.apiVersion, "events.k8s.io/v1");
    const core = await send(`${CORE_EVENTS}/ev2`);
    assert.equal(core.body.apiVersion, "v1");
    assert.equal(core.body.message, "scaled up");
    assert.equal(core.body.involvedObject.name, "web");
    assert.equal(core.body.reportingComponent, "example.com/ctl");
    const kv = await server.store.get("/registry/core/events/default/ev2");
    assert.equal((JSON.parse(kv!.value.toString("utf8")) as Obj).apiVersion, "v1");
    const cached = await send(`${EVENTS}/ev1?resourceVersion=0`);
    assert.equal(cached.body.note, "Started container c");
  });

  const binary = findKubectl();
  it("kubectl get hpa / events keep working", { skip: !binary }, async () => {
    const k: Kubectl = kubectl({ server: server.url });
    try {
      const hpa = await k.ok(["get", "hpa"]);
      assert.match(hpa, /from-v1\s+Deployment\/web\s+cpu: <unknown>\/50%\s+1\s+4/);
      const v1 = JSON.parse(
        await k.ok(["get", "horizontalpodautoscalers.v1.autoscaling", "from-v2", "-o", "json"]),
      ) as Obj;
      assert.equal(v1.apiVersion, "autoscaling/v1");
      assert.equal(v1.spec.targetCPUUtilizationPercentage, 60);
      const events = await k.ok(["get", "events"]);
      assert.match(events, /Started container c/);
      assert.match(events, /scaled up/);
      const ev = JSON.parse(await k.ok(["get", "events.v1.events.k8s.io", "ev1", "-o", "json"])) as Obj;
      assert.equal(ev.note, "Started container c");
    } finally {
      k.cleanup();
    }
  });
});
