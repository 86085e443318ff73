import { test } from "node:test";
import assert from "node:assert/strict";
import type { Pod, ResourceQuota, Service } from "kubernetes-types/core/v1.js";
import type { KubeObject } from "../../client/types.js";
import { podRequests, podLimits, isBestEffort } from "./pod-resources.js";
import { formatQuantity } from "./quantity.js";
import { computeQuotaUsed, podUsage, serviceUsage, usageToResourceList } from "./usage.js";

function pod(name: string, spec: Partial<NonNullable<Pod["spec"]>>, extra: Partial<Pod> = {}): Pod {
  return { metadata: { name, namespace: "ns" }, spec: { containers: [], ...spec }, ...extra };
}
const container = (name: string, requests?: Record<string, string>, limits?: Record<string, string>) => ({
  name,
  image: "x",
  resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) },
});
const text = (m: Map<string, { num: bigint; den: bigint; format: "DecimalSI" | "BinarySI" | "DecimalExponent" }>) =>
  Object.fromEntries([...m].map(([k, v]) => [k, formatQuantity(v)]));

test("pod requests: max of the container sum and each init container, plus overhead", () => {
  const p = pod("p", {
    containers: [container("a", { cpu: "100m", memory: "64Mi" }), container("b", { cpu: "200m", memory: "64Mi" })],
    initContainers: [container("init", { cpu: "1", memory: "32Mi" })],
    overhead: { cpu: "10m" },
  });
  assert.deepEqual(text(podRequests(p)), { cpu: "1010m", memory: "128Mi" });
});

test("restartable init containers (sidecars) add to the long-running total", () => {
  const p = pod("p", {
    containers: [container("app", { cpu: "100m" })],
    initContainers: [
      { ...container("sidecar", { cpu: "50m" }), restartPolicy: "Always" },
      container("init", { cpu: "120m" }),
    ],
  });
  // Long-running: 100m + 50m; init peak: 50m (sidecar) + 120m = 170m.
  assert.deepEqual(text(podRequests(p)), { cpu: "170m" });
  assert.deepEqual(text(podLimits(p)), {});
});

test("pod usage charges pods, compute and count/pods; terminal pods only count/pods", () => {
  const running = pod("p", {
    containers: [container("a", { cpu: "250m", memory: "1Gi" }, { cpu: "500m", memory: "2Gi" })],
  });
  assert.deepEqual(usageToResourceList(podUsage(running)), {
    "count/pods": "1",
    cpu: "250m",
    "limits.cpu": "500m",
    "limits.memory": "2Gi",
    memory: "1Gi",
    pods: "1",
    "requests.cpu": "250m",
    "requests.memory": "1Gi",
  });
  const done = { ...running, status: { phase: "Succeeded" } };
  assert.deepEqual(usageToResourceList(podUsage(done)), { "count/pods": "1" });
  const pastGrace: Pod = {
    ...running,
    metadata: { ...running.metadata, deletionTimestamp: "2020-01-01T00:00:00Z", deletionGracePeriodSeconds: 30 },
  };
  assert.deepEqual(usageToResourceList(podUsage(pastGrace)), { "count/pods": "1" });
});

test("hugepages and extended resources are charged from pod requests", () => {
  const p = pod("p", { containers: [container("a", { "hugepages-2Mi": "4Mi", "example.com/gpu": "1" })] });
  const used = podUsage(p);
  assert.equal(formatQuantity(used.get("hugepages-2Mi")!), "4Mi");
  assert.equal(formatQuantity(used.get("requests.hugepages-2Mi")!), "4Mi");
  assert.equal(formatQuantity(used.get("requests.example.com/gpu")!), "1");
  const quota: ResourceQuota = { metadata: { name: "q" }, spec: { hard: { "requests.example.com/gpu": "4" } } };
  const total = computeQuotaUsed(quota, (_group, resource) => (resource === "pods" ? [p, p] : undefined));
  assert.deepEqual(usageToResourceList(total), { "requests.example.com/gpu": "2" });
});

test("service usage counts node ports and load balancers", () => {
  const ports = [
    { port: 80, name: "a" },
    { port: 443, name: "b" },
  ];
  const lb: Service = { metadata: { name: "s" }, spec: { type: "LoadBalancer", ports } };
  assert.deepEqual(usageToResourceList(serviceUsage(lb)), {
    "count/services": "1",
    services: "1",
    "services.loadbalancers": "1",
    "services.nodeports": "2",
  });
  const np: Service = { metadata: { name: "s" }, spec: { type: "NodePort", ports } };
  assert.equal(usageToResourceList(serviceUsage(np))["services.nodeports"], "2");
});

test("computeQuotaUsed sums matching objects for every countable hard key; uncountable keys keep their value", () => {
  const quota: ResourceQuota = {
    metadata: { name: "q", namespace: "ns" },
    spec: {
      hard: {
        pods: "10",
        "requests.cpu": "4",
        "requests.memory": "8Gi",
        "limits.memory": "16Gi",
        configmaps: "5",
        "count/deployments.apps": "3",
        "example.com/unknown": "1",
        "count/widgets.example.com": "9",
      },
    },
    status: { used: { "example.com/unknown": "1", "count/widgets.example.com": "4" } },
  };
  const objects: Record<string, KubeObject[]> = {
    "/pods": [
      pod("a", { containers: [container("c", { cpu: "500m", memory: "512Mi" }, { memory: "1Gi" })] }),
      pod("b", { containers: [container("c", { cpu: "1", memory: "512Mi" })] }),
      pod("c", { containers: [container("c", { cpu: "2" })] }, { status: { phase: "Failed" } }),
    ],
    "/configmaps": [{ metadata: { name: "x" } }, { metadata: { name: "y" } }],
    "apps/deployments": [{ metadata: { name: "d" } }],
  };
  const used = computeQuotaUsed(quota, (group, resource) => objects[`${group}/${resource}`]);
  assert.deepEqual(usageToResourceList(used), {
    configmaps: "2",
    "count/deployments.apps": "1",
    "count/widgets.example.com": "4",
    "example.com/unknown": "1",
    "limits.memory": "1Gi",
    pods: "2",
    "requests.cpu": "1500m",
    "requests.memory": "1Gi",
  });
});

test("scoped quotas count only matching pods, and nothing else", () => {
  const bestEffort = pod("be", { containers: [container("c")] });
  const burstable = pod("bu", { containers: [container("c", { cpu: "100m" })], priorityClassName: "high" });
  const deadline = pod("dl", { containers: [container("c")], activeDeadlineSeconds: 60 });
  assert.equal(isBestEffort(bestEffort), true);
  assert.equal(isBestEffort(burstable), false);
  const objects = (group: string, resource: string): KubeObject[] =>
    resource === "pods" ? [bestEffort, burstable, deadline] : [{ metadata: { name: "cm" } }];
  const count = (spec: ResourceQuota["spec"]) =>
    usageToResourceList(computeQuotaUsed({ metadata: { name: "q" }, spec }, objects));
  assert.deepEqual(count({ hard: { pods: "9" }, scopes: ["BestEffort"] }), { pods: "2" });
  assert.deepEqual(count({ hard: { pods: "9" }, scopes: ["NotBestEffort"] }), { pods: "1" });
  assert.deepEqual(count({ hard: { pods: "9" }, scopes: ["Terminating"] }), { pods: "1" });
  assert.deepEqual(count({ hard: { pods: "9", configmaps: "9" }, scopes: ["NotTerminating"] }), {
    configmaps: "0",
    pods: "2",
  });
  assert.deepEqual(
    count({
      hard: { pods: "9" },
      scopeSelector: { matchExpressions: [{ scopeName: "PriorityClass", operator: "In", values: ["high"] }] },
    }),
    { pods: "1" },
  );
});
