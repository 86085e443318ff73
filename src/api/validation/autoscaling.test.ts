import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { check, clone } from "./testutil.js";

const hpaGVK = { group: "autoscaling", version: "v2", kind: "HorizontalPodAutoscaler" };

/** `kubectl autoscale deployment web --min=2 --max=5 --cpu-percent=80`, as stored (autoscaling/v2). */
const HPA = {
  metadata: { name: "web", namespace: "default" },
  spec: {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
    minReplicas: 2,
    maxReplicas: 5,
    metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } }],
  },
};

type Spec = Record<string, unknown>;
const withSpec = (patch: Spec): object => {
  const h = clone(HPA);
  Object.assign(h.spec, patch);
  return h;
};

describe("validation: HorizontalPodAutoscaler", () => {
  it("accepts kubectl autoscale", () => assert.deepEqual(check(hpaGVK, HPA), []));

  it("checks replicas and the scale target", () => {
    assert.deepEqual(check(hpaGVK, withSpec({ minReplicas: 0, maxReplicas: 0, scaleTargetRef: { name: "a/b" } })), [
      ["FieldValueInvalid", "spec.minReplicas", "Invalid value: 0: must be greater than or equal to 1"],
      ["FieldValueInvalid", "spec.maxReplicas", "Invalid value: 0: must be greater than 0"],
      ["FieldValueRequired", "spec.scaleTargetRef.kind", "Required value"],
      ["FieldValueInvalid", "spec.scaleTargetRef.name", "Invalid value: \"a/b\": may not contain '/'"],
      [
        "FieldValueForbidden",
        "spec.metrics",
        "Forbidden: must specify at least one Object or External metric to support scaling to zero replicas",
      ],
    ]);
    assert.deepEqual(check(hpaGVK, withSpec({ minReplicas: 3, maxReplicas: 2 })), [
      ["FieldValueInvalid", "spec.maxReplicas", "Invalid value: 2: must be greater than or equal to `minReplicas`"],
    ]);
  });

  it("keeps minReplicas 0 valid on update when it was already 0", () => {
    const old = withSpec({
      minReplicas: 0,
      metrics: [
        {
          type: "External",
          external: { metric: { name: "queue" }, target: { type: "AverageValue", averageValue: "30" } },
        },
      ],
    });
    assert.deepEqual(check(hpaGVK, old, old), []);
    assert.deepEqual(check(hpaGVK, withSpec({ minReplicas: 0 }), HPA), [
      ["FieldValueInvalid", "spec.minReplicas", "Invalid value: 0: must be greater than or equal to 1"],
      [
        "FieldValueForbidden",
        "spec.metrics",
        "Forbidden: must specify at least one Object or External metric to support scaling to zero replicas",
      ],
    ]);
  });

  it("checks metric sources and targets", () => {
    const metrics = [
      { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 0 } } },
      { type: "Pods", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } } },
      { type: "Bogus" },
      {
        type: "Object",
        object: { describedObject: { kind: "Ingress" }, metric: { name: "rps" }, target: { type: "Total" } },
      },
      {
        type: "ContainerResource",
        containerResource: {
          name: "memory",
          container: "App",
          target: { type: "AverageValue", averageValue: "1Gi", averageUtilization: 50 },
        },
      },
    ];
    assert.deepEqual(check(hpaGVK, withSpec({ metrics })), [
      [
        "FieldValueInvalid",
        "spec.metrics[0].resource.target.averageUtilization",
        "Invalid value: 0: must be greater than 0",
      ],
      [
        "FieldValueRequired",
        "spec.metrics[1].pods",
        "Required value: must populate information for the given metric source",
      ],
      [
        "FieldValueNotSupported",
        "spec.metrics[2].type",
        'Unsupported value: "Bogus": supported values: "ContainerResource", "External", "Object", "Pods", "Resource"',
      ],
      [
        "FieldValueNotSupported",
        "spec.metrics[2].type",
        'Unsupported value: "Bogus": supported values: "ContainerResource", "External", "Object", "Pods", "Resource"',
      ],
      ["FieldValueRequired", "spec.metrics[3].object.describedObject.name", "Required value"],
      [
        "FieldValueInvalid",
        "spec.metrics[3].object.target.type",
        'Invalid value: "Total": must be either Utilization, Value, or AverageValue',
      ],
      [
        "FieldValueRequired",
        "spec.metrics[3].object.target.averageValue",
        "Required value: must set either a target value or averageValue",
      ],
      [
        "FieldValueInvalid",
        "spec.metrics[4].containerResource.container",
        "Invalid value: \"App\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      ],
      [
        "FieldValueForbidden",
        "spec.metrics[4].containerResource.target.averageValue",
        "Forbidden: may not set both a target raw value and a target utilization",
      ],
    ]);
  });

  it("accepts behavior without policies (upstream defaults them)", () => {
    const behavior = { scaleDown: { stabilizationWindowSeconds: 60 }, scaleUp: { selectPolicy: "Disabled" } };
    assert.deepEqual(check(hpaGVK, withSpec({ behavior })), []);
  });

  it("checks scaling behavior", () => {
    const behavior = {
      scaleUp: { stabilizationWindowSeconds: 3601, selectPolicy: "Fastest", policies: [] },
      scaleDown: { stabilizationWindowSeconds: -1, policies: [{ type: "Replicas", value: 0, periodSeconds: 1801 }] },
    };
    assert.deepEqual(check(hpaGVK, withSpec({ behavior })), [
      [
        "FieldValueInvalid",
        "spec.behavior.scaleUp.stabilizationWindowSeconds",
        "Invalid value: 3601: must be less than or equal to 3600",
      ],
      [
        "FieldValueNotSupported",
        "spec.behavior.scaleUp.selectPolicy",
        'Unsupported value: "Fastest": supported values: "Disabled", "Max", "Min"',
      ],
      ["FieldValueRequired", "spec.behavior.scaleUp.policies", "Required value: must specify at least one Policy"],
      [
        "FieldValueInvalid",
        "spec.behavior.scaleDown.stabilizationWindowSeconds",
        "Invalid value: -1: must be greater than or equal to zero",
      ],
      [
        "FieldValueNotSupported",
        "spec.behavior.scaleDown.policies[0].type",
        'Unsupported value: "Replicas": supported values: "Percent", "Pods"',
      ],
      ["FieldValueInvalid", "spec.behavior.scaleDown.policies[0].value", "Invalid value: 0: must be greater than zero"],
      [
        "FieldValueInvalid",
        "spec.behavior.scaleDown.policies[0].periodSeconds",
        "Invalid value: 1801: must be less than or equal to 1800",
      ],
    ]);
  });
});
