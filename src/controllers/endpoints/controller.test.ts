// The Endpoints controller against a real API server: Endpoints follow pod readiness, named target ports,
// pod deletion and Service deletion.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Endpoints, Pod } from "kubernetes-types/core/v1.js";
import { isStatusError } from "../../api/status.js";
import { endpoints, namespaces, pods, services } from "../../client/resources.js";
import { eventually, type TestCluster } from "../../client/testing.js";
import { endpointsController } from "./controller.js";
import { type ControllerTest, markPodReady, podRef, startControllerTest } from "../testing.js";

const NS = "ep";

function pod(name: string, labels: Record<string, string>, httpPort = 8080): Pod {
  return {
    metadata: { name, namespace: NS, labels },
    spec: { containers: [{ name: "c", image: "busybox", ports: [{ name: "http", containerPort: httpPort }] }] },
  };
}

async function endpointsOf(cluster: TestCluster, name: string): Promise<Endpoints | undefined> {
  try {
    return await cluster.client.resource(endpoints).get(NS, name);
  } catch (error) {
    if (isStatusError(error) && error.code === 404) return undefined;
    throw error;
  }
}

/** "ready:ip,ip|notReady:ip" for every subset, as a compact comparable summary. */
function summary(ep: Endpoints | undefined): string[] {
  return (ep?.subsets ?? []).map(
    (s) =>
      `${(s.ports ?? []).map((p) => `${p.name}:${p.port}`).join(",")} ready=${(s.addresses ?? []).map((a) => a.ip).join(",")}` +
      ` notReady=${(s.notReadyAddresses ?? []).map((a) => a.ip).join(",")}`,
  );
}

describe("endpoints controller", () => {
  let cluster: ControllerTest;

  before(async () => {
    cluster = await startControllerTest(endpointsController);
    await cluster.client.resource(namespaces).create({ metadata: { name: NS } });
  });
  after(async () => {
    await cluster.close();
  });

  it("lists ready and not-ready pods with named target ports, and follows readiness and deletion", async () => {
    const { client } = cluster;
    await client.resource(services).create({
      metadata: { name: "web", namespace: NS, labels: { team: "a" } },
      spec: {
        selector: { app: "web" },
        ports: [
          { name: "http", port: 80, targetPort: "http" },
          { name: "admin", port: 81, targetPort: 9000 },
        ],
      },
    });
    await client.resource(pods).create(pod("a", { app: "web" }));
    await client.resource(pods).create(pod("b", { app: "web" }, 8081));
    await client.resource(pods).create(pod("other", { app: "db" }));
    await markPodReady(cluster.client, podRef(NS, "a"), { podIP: "10.1.0.1", ready: true });
    await markPodReady(cluster.client, podRef(NS, "b"), { podIP: "10.1.0.2", ready: false });
    await markPodReady(cluster.client, podRef(NS, "other"), { podIP: "10.1.0.3", ready: true });

    const expected = [
      "admin:9000 ready=10.1.0.1 notReady=10.1.0.2",
      "http:8080 ready=10.1.0.1 notReady=",
      "http:8081 ready= notReady=10.1.0.2",
    ];
    const first = (await eventually(
      async () => {
        const ep = await endpointsOf(cluster, "web");
        return JSON.stringify(summary(ep).sort()) === JSON.stringify(expected) ? ep : undefined;
      },
      { message: "endpoints with a ready and a not-ready pod" },
    )) as Endpoints;
    assert.equal(first.metadata?.labels?.["team"], "a");
    assert.equal(first.metadata?.labels?.["endpoints.kubernetes.io/managed-by"], "endpoint-controller");
    assert.ok(first.metadata?.annotations?.["endpoints.kubernetes.io/last-change-trigger-time"]);
    const address = first.subsets?.flatMap((s) => s.addresses ?? [])[0];
    assert.deepEqual(
      { kind: address?.targetRef?.kind, name: address?.targetRef?.name, namespace: address?.targetRef?.namespace },
      { kind: "Pod", name: "a", namespace: NS },
    );

    await markPodReady(cluster.client, podRef(NS, "b"), { podIP: "10.1.0.2", ready: true });
    await eventually(
      async () =>
        JSON.stringify(summary(await endpointsOf(cluster, "web")).sort()) ===
        JSON.stringify([
          "admin:9000 ready=10.1.0.1,10.1.0.2 notReady=",
          "http:8080 ready=10.1.0.1 notReady=",
          "http:8081 ready=10.1.0.2 notReady=",
        ]),
      { message: "b becomes ready" },
    );

    await client.resource(pods).delete(NS, "a");
    await eventually(
      async () =>
        JSON.stringify(summary(await endpointsOf(cluster, "web")).sort()) ===
        JSON.stringify(["admin:9000,http:8081 ready=10.1.0.2 notReady="]),
      { message: "a removed after deletion" },
    );

    await client.resource(services).delete(NS, "web");
    await eventually(async () => (await endpointsOf(cluster, "web")) === undefined, { message: "endpoints deleted" });
  });

  it("gives selector-less services no endpoints and publishes not-ready pods when asked", async () => {
    const { client } = cluster;
    await client.resource(services).create({
      metadata: { name: "manual", namespace: NS },
      spec: { ports: [{ port: 80 }] },
    });
    await client.resource(services).create({
      metadata: { name: "peers", namespace: NS },
      spec: { selector: { app: "peer" }, clusterIP: "None", publishNotReadyAddresses: true, ports: [{ port: 7000 }] },
    });
    await client
      .resource(pods)
      .create({ ...pod("p1", { app: "peer" }), spec: { ...pod("p1", {}).spec!, hostname: "p1", subdomain: "peers" } });
    await markPodReady(cluster.client, podRef(NS, "p1"), { podIP: "10.1.0.9", ready: false });
    const ep = (await eventually(async () => {
      const current = await endpointsOf(cluster, "peers");
      return current?.subsets?.[0]?.addresses?.length === 1 ? current : undefined;
    })) as Endpoints;
    assert.equal(ep.subsets?.[0]?.addresses?.[0]?.hostname, "p1");
    assert.equal(ep.metadata?.labels?.["service.kubernetes.io/headless"], "");
    assert.equal(await endpointsOf(cluster, "manual"), undefined);
  });
});
