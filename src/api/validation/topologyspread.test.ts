import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { batch, check, clone, core, type Triple } from "./testutil.js";

const POD = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p1", namespace: "default", labels: { app: "web" } },
  spec: { containers: [{ name: "c", image: "busybox" }] },
};

function withConstraints(tsc: unknown[]): object {
  const p = clone(POD) as typeof POD & { spec: Record<string, unknown> };
  p.spec.topologySpreadConstraints = tsc;
  return p;
}

const T = "spec.topologySpreadConstraints";
const ZONE = "topology.kubernetes.io/zone";

describe("validation: topology spread constraints", () => {
  it("accepts well-formed constraints", () => {
    const ok = withConstraints([
      {
        maxSkew: 1,
        topologyKey: ZONE,
        whenUnsatisfiable: "DoNotSchedule",
        minDomains: 2,
        nodeAffinityPolicy: "Honor",
        nodeTaintsPolicy: "Ignore",
        labelSelector: { matchLabels: { app: "web" } },
        matchLabelKeys: ["pod-template-hash"],
      },
      { maxSkew: 2, topologyKey: ZONE, whenUnsatisfiable: "ScheduleAnyway" },
    ]);
    assert.deepEqual(check(core("Pod"), ok), []);
  });

  const cases: [string, unknown[], Triple[]][] = [
    [
      "maxSkew, topologyKey and whenUnsatisfiable",
      [{ maxSkew: 0 }, { maxSkew: -1, topologyKey: "zone", whenUnsatisfiable: "Sometimes" }],
      [
        ["FieldValueInvalid", `${T}[0].maxSkew`, "Invalid value: 0: must be greater than zero"],
        ["FieldValueRequired", `${T}[0].topologyKey`, "Required value: can not be empty"],
        [
          "FieldValueNotSupported",
          `${T}[0].whenUnsatisfiable`,
          'Unsupported value: "": supported values: "DoNotSchedule", "ScheduleAnyway"',
        ],
        ["FieldValueInvalid", `${T}[1].maxSkew`, "Invalid value: -1: must be greater than zero"],
        [
          "FieldValueNotSupported",
          `${T}[1].whenUnsatisfiable`,
          'Unsupported value: "Sometimes": supported values: "DoNotSchedule", "ScheduleAnyway"',
        ],
      ],
    ],
    [
      "duplicate {topologyKey, whenUnsatisfiable} reported on the first of the pair",
      [
        { maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: "DoNotSchedule" },
        { maxSkew: 2, topologyKey: ZONE, whenUnsatisfiable: "ScheduleAnyway" },
        { maxSkew: 3, topologyKey: ZONE, whenUnsatisfiable: "DoNotSchedule" },
      ],
      [
        [
          "FieldValueDuplicate",
          `${T}[0].{topologyKey, whenUnsatisfiable}`,
          `Duplicate value: "{${ZONE}, DoNotSchedule}"`,
        ],
      ],
    ],
    [
      "minDomains positive and only with DoNotSchedule",
      [
        { maxSkew: 1, topologyKey: "a", whenUnsatisfiable: "DoNotSchedule", minDomains: 0 },
        { maxSkew: 1, topologyKey: "b", whenUnsatisfiable: "ScheduleAnyway", minDomains: 3 },
      ],
      [
        ["FieldValueInvalid", `${T}[0].minDomains`, "Invalid value: 0: must be greater than zero"],
        [
          "FieldValueInvalid",
          `${T}[1].minDomains`,
          "Invalid value: 3: can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway",
        ],
      ],
    ],
    [
      "node inclusion policies",
      [
        {
          maxSkew: 1,
          topologyKey: "a",
          whenUnsatisfiable: "DoNotSchedule",
          nodeAffinityPolicy: "Always",
          nodeTaintsPolicy: "honor",
        },
      ],
      [
        [
          "FieldValueNotSupported",
          `${T}[0].nodeAffinityPolicy`,
          'Unsupported value: "Always": supported values: "Honor", "Ignore"',
        ],
        [
          "FieldValueNotSupported",
          `${T}[0].nodeTaintsPolicy`,
          'Unsupported value: "honor": supported values: "Honor", "Ignore"',
        ],
      ],
    ],
    [
      "matchLabelKeys and labelSelector",
      [
        { maxSkew: 1, topologyKey: "a", whenUnsatisfiable: "DoNotSchedule", matchLabelKeys: ["app"] },
        {
          maxSkew: 1,
          topologyKey: "b",
          whenUnsatisfiable: "DoNotSchedule",
          labelSelector: { matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "Gt" }] },
          matchLabelKeys: ["app"],
        },
      ],
      [
        [
          "FieldValueForbidden",
          `${T}[0].matchLabelKeys`,
          "Forbidden: must not be specified when labelSelector is not set",
        ],
        [
          "FieldValueInvalid",
          `${T}[1].matchLabelKeys[0]`,
          'Invalid value: "app": exists in both matchLabelKeys and labelSelector',
        ],
        [
          "FieldValueInvalid",
          `${T}[1].labelSelector.matchExpressions[0].operator`,
          'Invalid value: "Gt": not a valid selector operator',
        ],
      ],
    ],
  ];

  for (const [name, tsc, want] of cases) {
    it(name, () => assert.deepEqual(check(core("Pod"), withConstraints(tsc)), want));
  }

  it("applies to pod templates (Job)", () => {
    const job = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "j", namespace: "default", uid: "0b6f1a86-0000-4000-8000-000000000001" },
      spec: {
        template: {
          spec: {
            restartPolicy: "Never",
            containers: [{ name: "c", image: "busybox" }],
            topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "a", whenUnsatisfiable: "Never" }],
          },
        },
      },
    };
    assert.deepEqual(check(batch("Job"), job), [
      [
        "FieldValueNotSupported",
        "spec.template.spec.topologySpreadConstraints[0].whenUnsatisfiable",
        'Unsupported value: "Never": supported values: "DoNotSchedule", "ScheduleAnyway"',
      ],
    ]);
  });
});
