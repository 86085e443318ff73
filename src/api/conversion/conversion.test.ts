import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { canConvert, convertObject, storageVersionFor } from "./index.js";
import {
  BEHAVIOR_SPECS_ANNOTATION,
  CONDITIONS_ANNOTATION,
  METRIC_SPECS_ANNOTATION,
  METRIC_STATUSES_ANNOTATION,
} from "./hpa.js";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const hpaV1 = (): Obj => ({
  apiVersion: "autoscaling/v1",
  kind: "HorizontalPodAutoscaler",
  metadata: { name: "web", namespace: "default", labels: { a: "b" } },
  spec: {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
    minReplicas: 1,
    maxReplicas: 5,
    targetCPUUtilizationPercentage: 50,
  },
  status: { currentReplicas: 2, desiredReplicas: 3, currentCPUUtilizationPercentage: 40 },
});

const hpaV2Full = (): Obj => ({
  apiVersion: "autoscaling/v2",
  kind: "HorizontalPodAutoscaler",
  metadata: { name: "web", namespace: "default", annotations: { keep: "me" } },
  spec: {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
    minReplicas: 2,
    maxReplicas: 10,
    metrics: [
      { type: "Resource", resource: { name: "memory", target: { type: "AverageValue", averageValue: "100Mi" } } },
      {
        type: "Pods",
        pods: { metric: { name: "qps" }, target: { type: "AverageValue", averageValue: "10" } },
      },
      {
        type: "External",
        external: {
          metric: { name: "queue", selector: { matchLabels: { q: "a" } } },
          target: { type: "Value", value: "30" },
        },
      },
      {
        type: "Object",
        object: {
          describedObject: { apiVersion: "networking.k8s.io/v1", kind: "Ingress", name: "main" },
          metric: { name: "rps" },
          target: { type: "Value", value: "2k" },
        },
      },
      {
        type: "ContainerResource",
        containerResource: { name: "cpu", container: "app", target: { type: "Utilization", averageUtilization: 60 } },
      },
      { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
    ],
    behavior: {
      scaleDown: {
        stabilizationWindowSeconds: 300,
        selectPolicy: "Max",
        policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
      },
      scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: "Pods", value: 4, periodSeconds: 15 }] },
    },
  },
  status: {
    currentReplicas: 3,
    desiredReplicas: 4,
    currentMetrics: [
      { type: "Resource", resource: { name: "cpu", current: { averageUtilization: 65, averageValue: "120m" } } },
      { type: "Pods", pods: { metric: { name: "qps" }, current: { averageValue: "9" } } },
    ],
    conditions: [
      {
        type: "AbleToScale",
        status: "True",
        lastTransitionTime: "2026-01-01T00:00:00Z",
        reason: "ReadyForNewScale",
        message: "ok",
      },
    ],
  },
});

describe("HPA conversion (autoscaling/v1 ↔ v2)", () => {
  it("maps targetCPUUtilizationPercentage to a cpu Utilization metric and back", () => {
    const v2 = convertObject(hpaV1(), "autoscaling/v2");
    assert.equal(v2.apiVersion, "autoscaling/v2");
    assert.deepEqual(v2.spec.metrics, [
      { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } } },
    ]);
    assert.equal(v2.spec.targetCPUUtilizationPercentage, undefined);
    assert.deepEqual(v2.status.currentMetrics, [
      { type: "Resource", resource: { name: "cpu", current: { averageUtilization: 40 } } },
    ]);
    assert.deepEqual(v2.metadata, { name: "web", namespace: "default", labels: { a: "b" } });

    const back = convertObject(v2, "autoscaling/v1");
    assert.equal(back.spec.targetCPUUtilizationPercentage, 50);
    assert.equal(back.spec.metrics, undefined);
    assert.equal(back.status.currentCPUUtilizationPercentage, 40);
    // The raw status is kept in the current-metrics annotation (upstream saves it even for cpu).
    assert.deepEqual(JSON.parse(back.metadata.annotations[METRIC_STATUSES_ANNOTATION]), [
      { type: "Resource", resource: { name: "cpu", currentAverageUtilization: 40, currentAverageValue: "0" } },
    ]);
    // … and reading that back through v2 is stable.
    assert.deepEqual(convertObject(back, "autoscaling/v2"), {
      ...v2,
      status: {
        ...v2.status,
        currentMetrics: [
          { type: "Resource", resource: { name: "cpu", current: { averageValue: "0", averageUtilization: 40 } } },
        ],
      },
    });
  });

  it("defaults a v1 HPA without a target to 80% cpu", () => {
    const v1 = hpaV1();
    delete v1.spec.targetCPUUtilizationPercentage;
    const v2 = convertObject(v1, "autoscaling/v2");
    assert.deepEqual(v2.spec.metrics, [
      { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } },
    ]);
  });

  it("keeps v2-only fields in annotations and restores them", () => {
    const v2 = hpaV2Full();
    const v1 = convertObject(v2, "autoscaling/v1");
    assert.equal(v1.spec.targetCPUUtilizationPercentage, 70);
    assert.equal(v1.status.currentCPUUtilizationPercentage, 65);
    const annotations = v1.metadata.annotations as Record<string, string>;
    assert.equal(annotations.keep, "me");
    const other = JSON.parse(annotations[METRIC_SPECS_ANNOTATION]!) as Obj[];
    assert.equal(other.length, 5);
    assert.deepEqual(other[0], { type: "Resource", resource: { name: "memory", targetAverageValue: "100Mi" } });
    assert.deepEqual(other[1], { type: "Pods", pods: { metricName: "qps", targetAverageValue: "10" } });
    assert.deepEqual(other[2], {
      type: "External",
      external: { metricName: "queue", metricSelector: { matchLabels: { q: "a" } }, targetValue: "30" },
    });
    assert.deepEqual(JSON.parse(annotations[BEHAVIOR_SPECS_ANNOTATION]!).ScaleDown, {
      StabilizationWindowSeconds: 300,
      SelectPolicy: "Max",
      Policies: [{ Type: "Percent", Value: 100, PeriodSeconds: 15 }],
      Tolerance: null,
    });
    assert.equal(JSON.parse(annotations[CONDITIONS_ANNOTATION]!)[0].type, "AbleToScale");

    const back = convertObject(v1, "autoscaling/v2");
    assert.deepEqual(back.metadata, v2.metadata);
    assert.deepEqual(back.spec.behavior, v2.spec.behavior);
    assert.deepEqual(back.status.conditions, v2.status.conditions);
    assert.deepEqual(back.status.currentMetrics[1], {
      type: "Pods",
      pods: { metric: { name: "qps" }, current: { averageValue: "9" } },
    });
    // Same metrics; the cpu target from the v1 field goes last (it already is).
    const metrics = back.spec.metrics as Obj[];
    assert.equal(metrics.length, 6);
    assert.deepEqual(metrics[5], v2.spec.metrics[5]);
    assert.deepEqual(metrics[4], v2.spec.metrics[4]);
    assert.deepEqual(metrics[0], v2.spec.metrics[0]);
    assert.deepEqual(metrics[2], v2.spec.metrics[2]);
    assert.deepEqual(metrics[3]!.object.describedObject, v2.spec.metrics[3].object.describedObject);
    assert.equal(metrics[3]!.object.target.value, "2k");
    // A second round trip changes nothing.
    assert.deepEqual(convertObject(convertObject(back, "autoscaling/v1"), "autoscaling/v2"), back);
  });

  it("drops stale round-trip annotations when writing v2", () => {
    const v2 = hpaV2Full();
    v2.metadata.annotations[METRIC_SPECS_ANNOTATION] = "[]";
    const v1 = convertObject(v2, "autoscaling/v1");
    assert.notEqual(v1.metadata.annotations[METRIC_SPECS_ANNOTATION], "[]");
    const stored = convertObject(v1, "autoscaling/v2");
    assert.deepEqual(stored.metadata.annotations, { keep: "me" });
  });
});

describe("Event conversion (core/v1 ↔ events.k8s.io/v1)", () => {
  const core = (): Obj => ({
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: "e1", namespace: "default" },
    involvedObject: { kind: "Pod", namespace: "default", name: "p", uid: "u1", apiVersion: "v1" },
    reason: "Started",
    message: "Started container",
    source: { component: "kubelet", host: "node-1" },
    firstTimestamp: "2026-01-01T00:00:00Z",
    lastTimestamp: "2026-01-01T00:01:00Z",
    count: 3,
    type: "Normal",
    eventTime: null,
    reportingComponent: "kubelet",
    reportingInstance: "node-1",
    related: { kind: "Node", name: "node-1" },
    action: "Start",
    series: { count: 2, lastObservedTime: "2026-01-01T00:01:00.000000Z" },
  });

  it("renames the core fields", () => {
    const ev = convertObject(core(), "events.k8s.io/v1");
    assert.deepEqual(ev, {
      apiVersion: "events.k8s.io/v1",
      kind: "Event",
      metadata: { name: "e1", namespace: "default" },
      regarding: { kind: "Pod", namespace: "default", name: "p", uid: "u1", apiVersion: "v1" },
      reason: "Started",
      note: "Started container",
      deprecatedSource: { component: "kubelet", host: "node-1" },
      deprecatedFirstTimestamp: "2026-01-01T00:00:00Z",
      deprecatedLastTimestamp: "2026-01-01T00:01:00Z",
      deprecatedCount: 3,
      type: "Normal",
      eventTime: null,
      reportingController: "kubelet",
      reportingInstance: "node-1",
      related: { kind: "Node", name: "node-1" },
      action: "Start",
      series: { count: 2, lastObservedTime: "2026-01-01T00:01:00.000000Z" },
    });
    assert.deepEqual(convertObject(ev, "v1"), core());
  });

  it("leaves other kinds, same versions and unknown versions alone", () => {
    const c = core();
    assert.equal(convertObject(c, "v1"), c);
    const pod = { apiVersion: "v1", kind: "Pod", metadata: {} };
    assert.equal(convertObject(pod, "events.k8s.io/v1"), pod);
    assert.equal(canConvert("Event", "events.k8s.io/v1beta1"), false);
    assert.equal(storageVersionFor("", "events"), "v1");
    assert.equal(storageVersionFor("autoscaling", "horizontalpodautoscalers"), "autoscaling/v2");
    assert.equal(storageVersionFor("", "pods"), undefined);
  });
});
