import { test } from "node:test";
import assert from "node:assert/strict";
import type { EndpointSubset, Pod, Service } from "kubernetes-types/core/v1.js";
import { findPort, shouldPodBeInEndpoints } from "./pod-endpoints.js";
import { desiredSubsets, repackSubsets, truncateSubsets } from "./subsets.js";

function pod(name: string, ip: string | undefined, ready: boolean, extra: Partial<NonNullable<Pod["spec"]>> = {}): Pod {
  return {
    metadata: { name, namespace: "ns", uid: `uid-${name}`, labels: { app: "web" } },
    spec: {
      containers: [{ name: "c", image: "x", ports: [{ name: "http", containerPort: 8080 }] }],
      ...extra,
    },
    status: {
      ...(ip ? { podIP: ip } : {}),
      phase: "Running",
      conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
    },
  };
}

const service: Service = {
  metadata: { name: "web", namespace: "ns" },
  spec: {
    selector: { app: "web" },
    clusterIP: "10.0.0.1",
    ports: [
      { name: "http", port: 80, targetPort: "http", protocol: "TCP" },
      { name: "metrics", port: 9090, targetPort: 9100, protocol: "TCP", appProtocol: "http" },
    ],
  },
};

test("findPort resolves numbers, defaults and named container ports of the same protocol", () => {
  const p = pod("a", "10.1.0.1", true);
  assert.equal(findPort(p, { port: 80, targetPort: 8081 }), 8081);
  assert.equal(findPort(p, { port: 80 }), 80);
  assert.equal(findPort(p, { port: 80, targetPort: "http" }), 8080);
  assert.equal(findPort(p, { port: 80, targetPort: "http", protocol: "UDP" }), undefined);
  assert.equal(findPort(p, { port: 80, targetPort: "missing" }), undefined);
  const sidecar = pod("b", "10.1.0.2", true, {
    initContainers: [
      { name: "s", image: "x", restartPolicy: "Always", ports: [{ name: "proxy", containerPort: 15001 }] },
    ],
  });
  assert.equal(findPort(sidecar, { port: 80, targetPort: "proxy" }), 15001);
});

test("pods without IP, terminal or terminating are left out", () => {
  assert.equal(shouldPodBeInEndpoints(pod("a", undefined, true), false), false);
  const failed = pod("b", "10.1.0.2", false);
  failed.status!.phase = "Failed";
  assert.equal(shouldPodBeInEndpoints(failed, true), false);
  const running = pod("c", "10.1.0.3", true);
  const terminating: Pod = { ...running, metadata: { ...running.metadata, deletionTimestamp: "2024-01-01T00:00:00Z" } };
  assert.equal(shouldPodBeInEndpoints(terminating, false), false);
  assert.equal(shouldPodBeInEndpoints(terminating, true), true);
});

test("subsets: ready and not-ready addresses, repacked per port set and sorted", () => {
  const pods = [
    pod("b", "10.1.0.2", true),
    pod("a", "10.1.0.1", true),
    pod("c", "10.1.0.3", false, { nodeName: "n1" }),
  ];
  pods[1]!.spec!.hostname = "a";
  pods[1]!.spec!.subdomain = "web";
  const subsets = repackSubsets(desiredSubsets(service, pods));
  assert.equal(subsets.length, 1);
  const [subset] = subsets as [EndpointSubset];
  assert.deepEqual(
    subset.addresses?.map((a) => [a.ip, a.hostname, a.targetRef?.name]),
    [
      ["10.1.0.1", "a", "a"],
      ["10.1.0.2", undefined, "b"],
    ],
  );
  assert.deepEqual(
    subset.notReadyAddresses?.map((a) => [a.ip, a.nodeName]),
    [["10.1.0.3", "n1"]],
  );
  assert.deepEqual(subset.ports, [
    { name: "http", port: 8080, protocol: "TCP" },
    { name: "metrics", port: 9100, protocol: "TCP", appProtocol: "http" },
  ]);
});

test("pods resolving a named port differently land in different subsets", () => {
  const other = pod("z", "10.1.0.9", true);
  other.spec!.containers[0]!.ports = [{ name: "http", containerPort: 9999 }];
  const subsets = repackSubsets(desiredSubsets(service, [pod("a", "10.1.0.1", true), other]));
  assert.equal(subsets.length, 3, "http:8080 for a, http:9999 for z, metrics:9100 for both");
  const metrics = subsets.find((s) => s.ports?.[0]?.name === "metrics");
  assert.deepEqual(
    metrics?.addresses?.map((a) => a.ip),
    ["10.1.0.1", "10.1.0.9"],
  );
});

test("publishNotReadyAddresses makes every address ready", () => {
  const published: Service = { ...service, spec: { ...service.spec, publishNotReadyAddresses: true } };
  const subsets = repackSubsets(desiredSubsets(published, [pod("a", "10.1.0.1", false)]));
  assert.equal(subsets[0]?.addresses?.length, 1);
  assert.equal(subsets[0]?.notReadyAddresses, undefined);
});

test("truncation keeps 1000 addresses, ready first", () => {
  const addresses = (n: number, prefix: string) =>
    Array.from({ length: n }, (_, i) => ({ ip: `${prefix}.${Math.floor(i / 250)}.${i % 250}` }));
  const subsets: EndpointSubset[] = [
    { addresses: addresses(600, "10.1"), notReadyAddresses: addresses(300, "10.2"), ports: [{ port: 80 }] },
    { addresses: addresses(200, "10.3"), notReadyAddresses: addresses(100, "10.4"), ports: [{ port: 81 }] },
  ];
  const truncated = truncateSubsets(subsets)!;
  const total = (s: EndpointSubset[]) => s.reduce((n, x) => n + (x.addresses?.length ?? 0), 0);
  const notReady = truncated.reduce((n, x) => n + (x.notReadyAddresses?.length ?? 0), 0);
  assert.equal(total(truncated), 800);
  assert.equal(notReady, 200);
  assert.equal(truncateSubsets(subsets.slice(1)), undefined);
});
