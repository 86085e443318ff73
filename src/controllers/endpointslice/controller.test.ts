// The EndpointSlice controller against a real API server: slices carry ready/serving/terminating, zones and
// target refs, split at 100 endpoints, follow changes without churn, and go with their Service.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { EndpointSlice } from "kubernetes-types/discovery/v1.js";
import { endpointSlices, namespaces, nodes, pods, services } from "../../client/resources.js";
import { eventually, type TestCluster } from "../../client/testing.js";
import { type ControllerTest, markPodReady, podRef, startControllerTest } from "../testing.js";
import { endpointSliceController } from "./controller.js";

const NS = "eps";

function pod(name: string, labels: Record<string, string>): Pod {
  return {
    metadata: { name, namespace: NS, labels },
    spec: {
      nodeName: "node-1",
      containers: [{ name: "c", image: "busybox", ports: [{ name: "http", containerPort: 8080 }] }],
    },
  };
}

async function slicesOf(cluster: TestCluster, service: string): Promise<EndpointSlice[]> {
  const list = await cluster.client
    .resource(endpointSlices)
    .list(NS, { labelSelector: `kubernetes.io/service-name=${service}` });
  return list.items;
}

describe("endpointslice controller", () => {
  let cluster: ControllerTest;

  before(async () => {
    cluster = await startControllerTest(endpointSliceController);
    await cluster.client.resource(namespaces).create({ metadata: { name: NS } });
    await cluster.client
      .resource(nodes)
      .create({ metadata: { name: "node-1", labels: { "topology.kubernetes.io/zone": "zone-a" } } });
  });
  after(async () => {
    await cluster.close();
  });

  it("publishes ready, not-ready and terminating endpoints with zone, node and target ref", async () => {
    const { client } = cluster;
    const service = await client.resource(services).create({
      metadata: { name: "web", namespace: NS },
      spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "http", appProtocol: "http" }] },
    });
    // Before any pod: one empty placeholder slice.
    await eventually(async () => (await slicesOf(cluster, "web")).length === 1, { message: "placeholder slice" });

    for (const name of ["a", "b", "c"]) await client.resource(pods).create(pod(name, { app: "web" }));
    await markPodReady(cluster.client, podRef(NS, "a"), { podIP: "10.2.0.1", ready: true });
    await markPodReady(cluster.client, podRef(NS, "b"), { podIP: "10.2.0.2", ready: false });
    await markPodReady(cluster.client, podRef(NS, "c"), { podIP: "10.2.0.3", ready: true });
    // Pods on a node are deleted gracefully: c stays, terminating.
    await client.resource(pods).delete(NS, "c");

    const conditionsOf = (slices: EndpointSlice[]) =>
      Object.fromEntries(slices.flatMap((s) => s.endpoints).map((e) => [e.targetRef?.name, e.conditions]));
    const slices = await eventually(
      async () => {
        const current = await slicesOf(cluster, "web");
        const conditions = conditionsOf(current);
        return current.length === 1 && conditions["c"]?.terminating === true && conditions["b"] ? current : undefined;
      },
      { message: "slice with three endpoints, one terminating" },
    );
    const slice = slices![0]!;
    assert.deepEqual(conditionsOf(slices!), {
      a: { ready: true, serving: true, terminating: false },
      b: { ready: false, serving: false, terminating: false },
      c: { ready: false, serving: true, terminating: true },
    });
    assert.equal(slice.addressType, "IPv4");
    assert.equal(slice.metadata?.generateName, "web-");
    assert.match(slice.metadata?.name ?? "", /^web-[a-z0-9]{5}$/);
    assert.equal(slice.metadata?.labels?.["endpointslice.kubernetes.io/managed-by"], "endpointslice-controller.k8s.io");
    assert.deepEqual(
      slice.metadata?.ownerReferences?.map((r) => [r.kind, r.name, r.uid, r.controller]),
      [["Service", "web", service.metadata?.uid, true]],
    );
    assert.deepEqual(slice.ports, [{ name: "http", port: 8080, protocol: "TCP", appProtocol: "http" }]);
    const a = slice.endpoints.find((e) => e.targetRef?.name === "a");
    assert.deepEqual(
      { addresses: a?.addresses, nodeName: a?.nodeName, zone: a?.zone, kind: a?.targetRef?.kind },
      { addresses: ["10.2.0.1"], nodeName: "node-1", zone: "zone-a", kind: "Pod" },
    );

    // The kubelet's final delete removes c; the same slice is updated in place.
    await client.resource(pods).delete(NS, "c", { gracePeriodSeconds: 0 });
    const after = await eventually(
      async () => {
        const current = await slicesOf(cluster, "web");
        return current.length === 1 && current[0]!.endpoints.length === 2 ? current : undefined;
      },
      { message: "terminated pod removed" },
    );
    assert.equal(after![0]!.metadata?.name, slice.metadata?.name);

    await client.resource(services).delete(NS, "web");
    await eventually(async () => (await slicesOf(cluster, "web")).length === 0, { message: "slices deleted" });
  });

  it("publishes a pod on a node that was not known yet once the node appears", async () => {
    const { client } = cluster;
    await client.resource(services).create({
      metadata: { name: "late", namespace: NS },
      spec: { selector: { app: "late" }, ports: [{ port: 80, targetPort: 8080 }] },
    });
    await client
      .resource(pods)
      .create({ ...pod("late-0", { app: "late" }), spec: { ...pod("x", {}).spec!, nodeName: "node-2" } });
    await markPodReady(cluster.client, podRef(NS, "late-0"), { podIP: "10.4.0.1", ready: true });
    await eventually(async () => (await slicesOf(cluster, "late")).length === 1, { message: "placeholder slice" });
    assert.equal((await slicesOf(cluster, "late"))[0]!.endpoints.length, 0, "pod on an unknown node is skipped");
    await client
      .resource(nodes)
      .create({ metadata: { name: "node-2", labels: { "topology.kubernetes.io/zone": "zone-b" } } });
    const slices = await eventually(
      async () => {
        const current = await slicesOf(cluster, "late");
        return current[0]?.endpoints.length === 1 ? current : undefined;
      },
      { message: "pod published once node-2 exists" },
    );
    assert.equal(slices![0]!.endpoints[0]!.zone, "zone-b");
  });

  it("splits more than 100 endpoints over several slices", async () => {
    const { client } = cluster;
    await client.resource(services).create({
      metadata: { name: "big", namespace: NS },
      spec: { selector: { app: "big" }, ports: [{ port: 80, targetPort: 8080 }] },
    });
    const names = Array.from({ length: 105 }, (_, i) => `big-${i}`);
    for (let i = 0; i < names.length; i += 35) {
      await Promise.all(
        names.slice(i, i + 35).map(async (name, j) => {
          await client.resource(pods).create(pod(name, { app: "big" }));
          await markPodReady(cluster.client, podRef(NS, name), {
            podIP: `10.3.${Math.floor((i + j) / 200)}.${(i + j) % 200}`,
            ready: true,
          });
        }),
      );
    }
    const slices = await eventually(
      async () => {
        const current = await slicesOf(cluster, "big");
        const total = current.reduce((n, s) => n + s.endpoints.length, 0);
        return total === 105 ? current : undefined;
      },
      { message: "105 endpoints published" },
    );
    assert.ok(slices!.every((s) => s.endpoints.length <= 100));
    assert.equal(slices!.length, 2);
    assert.ok(slices!.flatMap((s) => s.endpoints).every((e) => e.conditions?.ready === true));
  });
});
