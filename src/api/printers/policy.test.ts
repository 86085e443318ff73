import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatHPAMetrics, horizontalPodAutoscalerPrinter, podDisruptionBudgetPrinter } from "./policy.js";
import { clusterRoleBindingPrinter, roleBindingPrinter } from "./rbac.js";
import { ago, cellsOf, header, narrowCells } from "./testutil.js";

describe("printers: horizontalpodautoscalers", () => {
  it("has upstream's columns", () => {
    assert.deepEqual(header(horizontalPodAutoscalerPrinter), [
      "NAME",
      "REFERENCE",
      "TARGETS",
      "MINPODS",
      "MAXPODS",
      "REPLICAS",
      "AGE",
    ]);
  });

  // After upstream's TestPrintHPA.
  const cpu = (averageUtilization?: number) => ({
    type: "Resource",
    resource: { name: "cpu", target: { type: "Utilization", averageUtilization } },
  });
  const metricCases: { name: string; specs: object[]; statuses: object[]; want: string }[] = [
    { name: "no metrics", specs: [], statuses: [], want: "<none>" },
    { name: "resource utilization, no current", specs: [cpu(80)], statuses: [], want: "cpu: <unknown>/80%" },
    {
      name: "resource utilization with current",
      specs: [cpu(80)],
      statuses: [
        { type: "Resource", resource: { name: "cpu", current: { averageUtilization: 50, averageValue: "10m" } } },
      ],
      want: "cpu: 50%/80%",
    },
    { name: "resource without a target utilization", specs: [cpu()], statuses: [], want: "cpu: <unknown>/<auto>" },
    {
      name: "resource average value",
      specs: [
        { type: "Resource", resource: { name: "memory", target: { type: "AverageValue", averageValue: "100Mi" } } },
      ],
      statuses: [{ type: "Resource", resource: { name: "memory", current: { averageValue: "50Mi" } } }],
      want: "memory: 50Mi/100Mi",
    },
    {
      name: "pods metric",
      specs: [
        { type: "Pods", pods: { metric: { name: "qps" }, target: { type: "AverageValue", averageValue: "100" } } },
      ],
      statuses: [{ type: "Pods", pods: { metric: { name: "qps" }, current: { averageValue: "50" } } }],
      want: "50/100",
    },
    {
      name: "external value and average value",
      specs: [
        { type: "External", external: { metric: { name: "q" }, target: { type: "Value", value: "10" } } },
        { type: "External", external: { metric: { name: "q" }, target: { type: "AverageValue", averageValue: "5" } } },
      ],
      statuses: [],
      want: "<unknown>/10, <unknown>/5 (avg)",
    },
    {
      name: "object metric",
      specs: [{ type: "Object", object: { metric: { name: "hits" }, target: { type: "Value", value: "1k" } } }],
      statuses: [{ type: "Object", object: { metric: { name: "hits" }, current: { value: "800" } } }],
      want: "800/1k",
    },
    {
      name: "container resource",
      specs: [
        {
          type: "ContainerResource",
          containerResource: { name: "cpu", container: "app", target: { type: "Utilization", averageUtilization: 60 } },
        },
      ],
      statuses: [],
      want: "cpu: <unknown>/60%",
    },
    {
      name: "more than two metrics",
      specs: [cpu(80), cpu(70), cpu(60)],
      statuses: [],
      want: "cpu: <unknown>/80%, cpu: <unknown>/70% + 1 more...",
    },
  ];
  for (const c of metricCases) {
    it(`TARGETS: ${c.name}`, () => assert.equal(formatHPAMetrics(c.specs as never, c.statuses as never), c.want));
  }

  it("prints a full row, also for an autoscaling/v1-shaped object", () => {
    const hpa = {
      metadata: { name: "web", creationTimestamp: ago(20) },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
        minReplicas: 2,
        maxReplicas: 10,
        metrics: [cpu(80)],
      },
      status: { currentReplicas: 3, desiredReplicas: 3 },
    };
    assert.deepEqual(cellsOf(horizontalPodAutoscalerPrinter, hpa), [
      "web",
      "Deployment/web",
      "cpu: <unknown>/80%",
      "2",
      10,
      3,
      "20s",
    ]);
    const v1 = {
      metadata: { name: "v1" },
      spec: { scaleTargetRef: { kind: "Deployment", name: "web" }, maxReplicas: 5, targetCPUUtilizationPercentage: 50 },
      status: { currentReplicas: 1, currentCPUUtilizationPercentage: 20 },
    };
    assert.deepEqual(cellsOf(horizontalPodAutoscalerPrinter, v1), [
      "v1",
      "Deployment/web",
      "cpu: 20%/50%",
      "1",
      5,
      1,
      "<unknown>",
    ]);
  });
});

describe("printers: poddisruptionbudgets", () => {
  it("prints min available / max unavailable as int-or-string, N/A when unset (TestPrintPodDisruptionBudget)", () => {
    assert.deepEqual(header(podDisruptionBudgetPrinter), [
      "NAME",
      "MIN AVAILABLE",
      "MAX UNAVAILABLE",
      "ALLOWED DISRUPTIONS",
      "AGE",
    ]);
    const pdb = (spec: object) => ({
      metadata: { name: "pdb1", creationTimestamp: ago(10) },
      spec,
      status: { disruptionsAllowed: 5 },
    });
    assert.deepEqual(cellsOf(podDisruptionBudgetPrinter, pdb({ minAvailable: 22 })), ["pdb1", "22", "N/A", 5, "10s"]);
    assert.deepEqual(cellsOf(podDisruptionBudgetPrinter, pdb({ maxUnavailable: "50%" })), [
      "pdb1",
      "N/A",
      "50%",
      5,
      "10s",
    ]);
  });
});

describe("printers: rolebindings and clusterrolebindings", () => {
  it("prints the role and the subjects (TestPrintRoleBinding)", () => {
    const rb = {
      metadata: { name: "binding1", creationTimestamp: ago(10) },
      subjects: [
        { kind: "User", name: "system:kube-controller-manager" },
        { kind: "Group", name: "system:masters" },
        { kind: "User", name: "alice" },
        { kind: "ServiceAccount", namespace: "kube-system", name: "default" },
      ],
      roleRef: {
        apiGroup: "rbac.authorization.k8s.io",
        kind: "Role",
        name: "extension-apiserver-authentication-reader",
      },
    };
    assert.deepEqual(header(roleBindingPrinter, true), ["NAME", "ROLE", "AGE", "USERS", "GROUPS", "SERVICEACCOUNTS"]);
    assert.deepEqual(cellsOf(roleBindingPrinter, rb), [
      "binding1",
      "Role/extension-apiserver-authentication-reader",
      "10s",
      "system:kube-controller-manager, alice",
      "system:masters",
      "kube-system/default",
    ]);
    const crb = { metadata: { name: "cluster-admin" }, roleRef: { kind: "ClusterRole", name: "cluster-admin" } };
    assert.deepEqual(narrowCells(clusterRoleBindingPrinter, crb), [
      "cluster-admin",
      "ClusterRole/cluster-admin",
      "<unknown>",
    ]);
    assert.deepEqual(cellsOf(clusterRoleBindingPrinter, crb).slice(3), ["", "", ""]);
  });
});
