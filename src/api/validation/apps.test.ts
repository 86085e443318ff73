import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyDefaults } from "../defaults/index.js";
import { apps, check, clone, type Triple } from "./testutil.js";

/** What `kubectl create deployment nginx --image=nginx` sends. */
const DEPLOYMENT = {
  kind: "Deployment",
  apiVersion: "apps/v1",
  metadata: { name: "nginx", namespace: "default", labels: { app: "nginx" } },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: "nginx" } },
    template: {
      metadata: { labels: { app: "nginx" } },
      spec: { containers: [{ name: "nginx", image: "nginx", resources: {} }] },
    },
    strategy: {},
  },
  status: {},
};

interface Dep {
  metadata: Record<string, unknown>;
  spec: Record<string, unknown> & {
    replicas?: number;
    selector?: unknown;
    strategy?: unknown;
    template: { metadata: { labels?: Record<string, string> }; spec: Record<string, unknown> };
  };
}

function dep(mutate: (d: Dep) => void): object {
  const d = clone(DEPLOYMENT) as unknown as Dep;
  mutate(d);
  return d;
}

const MISMATCH = "`selector` does not match template `labels`";

describe("validation: Deployment", () => {
  it("accepts kubectl create deployment", () => assert.deepEqual(check(apps("Deployment"), DEPLOYMENT), []));

  const cases: [string, object, Triple[]][] = [
    [
      "selector does not match template labels",
      dep((d) => (d.spec.template.metadata.labels = { app: "web", tier: "fe" })),
      [
        [
          "FieldValueInvalid",
          "spec.template.metadata.labels",
          `Invalid value: map[string]string{"app":"web", "tier":"fe"}: ${MISMATCH}`,
        ],
      ],
    ],
    [
      "missing selector",
      dep((d) => delete d.spec.selector),
      [
        ["FieldValueRequired", "spec.selector", "Required value"],
        [
          "FieldValueInvalid",
          "spec.template.metadata.labels",
          `Invalid value: map[string]string{"app":"nginx"}: ${MISMATCH}`,
        ],
      ],
    ],
    [
      "empty selector",
      dep((d) => (d.spec.selector = {})),
      [
        [
          "FieldValueInvalid",
          "spec.selector",
          "Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment",
        ],
      ],
    ],
    [
      "negative replicas",
      dep((d) => (d.spec.replicas = -1)),
      [["FieldValueInvalid", "spec.replicas", "Invalid value: -1: must be greater than or equal to 0"]],
    ],
    [
      "template restartPolicy",
      dep((d) => ((d.spec.template.spec as Record<string, unknown>).restartPolicy = "Never")),
      [
        [
          "FieldValueNotSupported",
          "spec.template.spec.restartPolicy",
          'Unsupported value: "Never": supported values: "Always"',
        ],
      ],
    ],
    [
      "Recreate with rollingUpdate",
      dep((d) => (d.spec.strategy = { type: "Recreate", rollingUpdate: { maxSurge: 1 } })),
      [
        [
          "FieldValueForbidden",
          "spec.strategy.rollingUpdate",
          "Forbidden: may not be specified when strategy `type` is 'Recreate'",
        ],
      ],
    ],
    [
      "rolling update values",
      dep(
        (d) => (d.spec.strategy = { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "120%", maxSurge: "x" } }),
      ),
      [
        [
          "FieldValueInvalid",
          "spec.strategy.rollingUpdate.maxSurge",
          `Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"x"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`,
        ],
        [
          "FieldValueInvalid",
          "spec.strategy.rollingUpdate.maxUnavailable",
          'Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"120%"}: must not be greater than 100%',
        ],
      ],
    ],
    [
      "both zero",
      dep((d) => (d.spec.strategy = { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "0%" } })),
      [
        [
          "FieldValueInvalid",
          "spec.strategy.rollingUpdate.maxUnavailable",
          'Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0',
        ],
      ],
    ],
    [
      "progressDeadlineSeconds not above minReadySeconds",
      dep((d) => Object.assign(d.spec, { minReadySeconds: 600, progressDeadlineSeconds: 600 })),
      [
        [
          "FieldValueInvalid",
          "spec.progressDeadlineSeconds",
          "Invalid value: 600: must be greater than minReadySeconds",
        ],
      ],
    ],
  ];
  for (const [name, obj, want] of cases) it(name, () => assert.deepEqual(check(apps("Deployment"), obj), want));

  it("keeps the selector immutable on update", () => {
    const stored = clone(DEPLOYMENT) as unknown as Dep;
    applyDefaults(apps("Deployment"), stored as unknown as Record<string, unknown>);
    const next = clone(stored);
    next.spec.selector = { matchLabels: { app: "nginx2" } };
    next.spec.template.metadata.labels = { app: "nginx2" };
    assert.deepEqual(check(apps("Deployment"), next, stored), [
      [
        "FieldValueInvalid",
        "spec.selector",
        'Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"nginx2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
      ],
    ]);
    const scaled = clone(stored);
    scaled.spec.replicas = 3;
    assert.deepEqual(check(apps("Deployment"), scaled, stored), []);
  });
});

describe("validation: ReplicaSet, StatefulSet, DaemonSet", () => {
  const template = {
    metadata: { labels: { app: "db" } },
    spec: { containers: [{ name: "db", image: "postgres:16" }] },
  };

  it("ReplicaSet", () => {
    assert.deepEqual(
      check(apps("ReplicaSet"), {
        metadata: { name: "rs", namespace: "ns" },
        spec: { selector: { matchLabels: { app: "db" } }, template },
      }),
      [],
    );
    assert.deepEqual(
      check(apps("ReplicaSet"), {
        metadata: { name: "rs", namespace: "ns" },
        spec: { selector: { matchLabels: { app: "x" } }, template },
      }),
      [
        [
          "FieldValueInvalid",
          "spec.template.metadata.labels",
          `Invalid value: map[string]string{"app":"db"}: ${MISMATCH}`,
        ],
      ],
    );
  });

  it("StatefulSet: DNS-label names, selector, spec immutability", () => {
    const ss = {
      metadata: { name: "db", namespace: "ns" },
      spec: { serviceName: "db", selector: { matchLabels: { app: "db" } }, template },
    };
    assert.deepEqual(check(apps("StatefulSet"), ss), []);
    assert.deepEqual(check(apps("StatefulSet"), { ...ss, metadata: { name: "db.v1", namespace: "ns" } }), [
      ["FieldValueInvalid", "metadata.name", 'Invalid value: "db.v1": must not contain dots'],
    ]);
    assert.deepEqual(check(apps("StatefulSet"), { ...ss, spec: { ...ss.spec, podManagementPolicy: "Random" } }), [
      [
        "FieldValueInvalid",
        "spec.podManagementPolicy",
        "Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'",
      ],
    ]);
    const stored = { ...ss, metadata: { ...ss.metadata, uid: "u" } };
    assert.deepEqual(check(apps("StatefulSet"), { ...stored, spec: { ...ss.spec, serviceName: "other" } }, stored), [
      [
        "FieldValueForbidden",
        "spec",
        "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ],
    ]);
    assert.deepEqual(check(apps("StatefulSet"), { ...stored, spec: { ...ss.spec, replicas: 5 } }, stored), []);
  });

  it("DaemonSet: selector/template match and update strategy", () => {
    const ds = {
      metadata: { name: "agent", namespace: "ns" },
      spec: { selector: { matchLabels: { app: "db" } }, template },
    };
    assert.deepEqual(check(apps("DaemonSet"), ds), []);
    assert.deepEqual(
      check(apps("DaemonSet"), {
        ...ds,
        spec: {
          ...ds.spec,
          updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } },
        },
      }),
      [
        [
          "FieldValueInvalid",
          "spec.updateStrategy.rollingUpdate.maxSurge",
          'Invalid value: intstr.IntOrString{Type:0, IntVal:1, StrVal:""}: may not be set when maxUnavailable is non-zero',
        ],
      ],
    );
    assert.deepEqual(check(apps("DaemonSet"), { ...ds, spec: { template } }), [
      [
        "FieldValueInvalid",
        "spec.template.metadata.labels",
        `Invalid value: map[string]string{"app":"db"}: ${MISMATCH}`,
      ],
    ]);
  });
});
