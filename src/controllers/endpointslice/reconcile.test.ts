import { test } from "node:test";
import assert from "node:assert/strict";
import type { Pod, Service } from "kubernetes-types/core/v1.js";
import type { EndpointSlice } from "kubernetes-types/discovery/v1.js";
import { desiredEndpoints } from "./desired.js";
import { MANAGED_BY_LABEL, planSlices, SERVICE_NAME_LABEL } from "./reconcile.js";

const service: Service = {
  metadata: { name: "web", namespace: "ns", uid: "svc-uid", labels: { tier: "front" } },
  spec: { selector: { app: "web" }, clusterIP: "10.0.0.1", ports: [{ name: "http", port: 80, targetPort: 8080 }] },
};

function pod(i: number, ready = true, terminating = false): Pod {
  return {
    metadata: {
      name: `p${String(i).padStart(3, "0")}`,
      namespace: "ns",
      uid: `u${i}`,
      labels: { app: "web" },
      ...(terminating ? { deletionTimestamp: "2024-01-01T00:00:00Z" } : {}),
    },
    spec: { containers: [{ name: "c", image: "x" }], nodeName: "n1" },
    status: {
      phase: "Running",
      podIP: `10.1.${Math.floor(i / 200)}.${i % 200}`,
      conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
    },
  };
}

const node = { metadata: { name: "n1", labels: { "topology.kubernetes.io/zone": "z1" } } };
const desired = (pods: Pod[]) => desiredEndpoints(service, pods, "IPv4", (n) => (n === "n1" ? node : undefined)).groups;

/** Applies a plan the way the API server would, naming created slices. */
function apply(existing: EndpointSlice[], plan: ReturnType<typeof planSlices>, counter = { n: 0 }): EndpointSlice[] {
  const deleted = new Set(plan.toDelete.map((s) => s.metadata!.name));
  const updated = new Map(plan.toUpdate.map((s) => [s.metadata!.name, s]));
  const kept = existing.filter((s) => !deleted.has(s.metadata!.name)).map((s) => updated.get(s.metadata!.name) ?? s);
  const created = plan.toCreate.map((s) => ({ ...s, metadata: { ...s.metadata, name: `web-${counter.n++}` } }));
  return [...kept, ...created];
}

test("endpoint conditions: ready, serving and terminating as upstream", () => {
  const groups = desired([pod(1), pod(2, false), pod(3, true, true)]);
  const endpoints = [...[...groups.values()][0]!.endpoints.values()];
  const byName = Object.fromEntries(endpoints.map((e) => [e.targetRef?.name, e]));
  assert.deepEqual(byName["p001"]?.conditions, { ready: true, serving: true, terminating: false });
  assert.deepEqual(byName["p002"]?.conditions, { ready: false, serving: false, terminating: false });
  assert.deepEqual(byName["p003"]?.conditions, { ready: false, serving: true, terminating: true });
  assert.equal(byName["p001"]?.zone, "z1");
  assert.equal(byName["p001"]?.nodeName, "n1");
});

test("pods on unknown nodes are skipped and reported", () => {
  const lost = pod(9);
  lost.spec!.nodeName = "gone";
  const result = desiredEndpoints(service, [lost, pod(1)], "IPv4", (n) => (n === "n1" ? node : undefined));
  assert.deepEqual(result.podsOnUnknownNodes, [{ pod: "p009", node: "gone" }]);
});

test("250 endpoints pack into slices of at most 100, labelled and owned by the service", () => {
  const pods = Array.from({ length: 250 }, (_, i) => pod(i));
  const plan = planSlices(service, "IPv4", [], desired(pods));
  assert.deepEqual(
    plan.toCreate.map((s) => s.endpoints.length),
    [100, 100, 50],
  );
  const slice = plan.toCreate[0]!;
  assert.equal(slice.metadata?.generateName, "web-");
  assert.deepEqual(slice.metadata?.labels, {
    tier: "front",
    [SERVICE_NAME_LABEL]: "web",
    [MANAGED_BY_LABEL]: "endpointslice-controller.k8s.io",
  });
  assert.equal(slice.metadata?.ownerReferences?.[0]?.uid, "svc-uid");
  assert.deepEqual(slice.ports, [{ name: "http", port: 8080, protocol: "TCP" }]);
});

test("reconciling again changes nothing; one changed pod updates one slice", () => {
  const pods = Array.from({ length: 150 }, (_, i) => pod(i));
  let slices = apply([], planSlices(service, "IPv4", [], desired(pods)));
  const again = planSlices(service, "IPv4", slices, desired(pods));
  assert.deepEqual([again.toCreate.length, again.toUpdate.length, again.toDelete.length], [0, 0, 0]);
  pods[3] = pod(3, false);
  const plan = planSlices(service, "IPv4", slices, desired(pods));
  assert.deepEqual([plan.toCreate.length, plan.toUpdate.length, plan.toDelete.length], [0, 1, 0]);
  slices = apply(slices, plan);
  const notReady = slices.flatMap((s) => s.endpoints).find((e) => e.targetRef?.name === "p003");
  assert.equal(notReady?.conditions?.ready, false);
});

test("new endpoints fill an existing slice with room before a new slice is created", () => {
  const pods = Array.from({ length: 120 }, (_, i) => pod(i));
  const counter = { n: 0 };
  let slices = apply([], planSlices(service, "IPv4", [], desired(pods)), counter);
  assert.deepEqual(
    slices.map((s) => s.endpoints.length),
    [100, 20],
  );
  pods.push(pod(500), pod(501));
  const plan = planSlices(service, "IPv4", slices, desired(pods));
  assert.equal(plan.toCreate.length, 0);
  assert.equal(plan.toUpdate.length, 1);
  slices = apply(slices, plan, counter);
  assert.deepEqual(
    slices.map((s) => s.endpoints.length).sort((a, b) => a - b),
    [22, 100],
  );
});

test("a service without endpoints keeps one placeholder slice", () => {
  const first = planSlices(service, "IPv4", [], desired([]));
  assert.equal(first.toCreate.length, 1);
  assert.deepEqual(first.toCreate[0]!.endpoints, []);
  const slices = apply([], first);
  const again = planSlices(service, "IPv4", slices, desired([]));
  assert.deepEqual([again.toCreate.length, again.toUpdate.length, again.toDelete.length], [0, 0, 0]);
  const withPods = planSlices(service, "IPv4", slices, desired([pod(1)]));
  assert.deepEqual([withPods.toCreate.length, withPods.toUpdate.length, withPods.toDelete.length], [0, 1, 0]);
  assert.equal(withPods.toUpdate[0]!.metadata?.name, slices[0]!.metadata?.name, "the placeholder is reused");
  assert.equal(withPods.toUpdate[0]!.endpoints.length, 1);
  const filled = apply(slices, withPods);
  const emptied = planSlices(service, "IPv4", filled, desired([]));
  assert.deepEqual([emptied.toCreate.length, emptied.toUpdate.length, emptied.toDelete.length], [0, 1, 0]);
  assert.deepEqual(emptied.toUpdate[0]!.endpoints, []);
  assert.deepEqual(emptied.toUpdate[0]!.ports, []);
});

test("slices owned by an earlier Service of the same name are replaced", () => {
  const stale = apply(
    [],
    planSlices({ ...service, metadata: { ...service.metadata, uid: "old-uid" } }, "IPv4", [], desired([pod(1)])),
  );
  const plan = planSlices(service, "IPv4", stale, desired([pod(1)]));
  assert.deepEqual([plan.toCreate.length, plan.toUpdate.length, plan.toDelete.length], [1, 0, 1]);
  assert.equal(plan.toCreate[0]!.metadata?.ownerReferences?.[0]?.uid, "svc-uid");
});
