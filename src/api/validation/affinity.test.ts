import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { jsonBody, startTestApiServer } from "../../apiserver/testing.js";
import { apps, check, clone, core, LABEL_MSG, SUBDOMAIN_MSG, type Triple } from "./testutil.js";

const POD = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p1", namespace: "default", labels: { app: "web" } },
  spec: { containers: [{ name: "c", image: "busybox" }] },
};

function withAffinity(affinity: unknown): object {
  const p = clone(POD) as typeof POD & { spec: Record<string, unknown> };
  p.spec.affinity = affinity;
  return p;
}

const KEY_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const NA = "spec.affinity.nodeAffinity";
const REQ = `${NA}.requiredDuringSchedulingIgnoredDuringExecution`;
const PA = "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution";
const PAA = "spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution";

describe("validation: pod affinity", () => {
  it("accepts well-formed node, pod and anti affinity", () => {
    const ok = withAffinity({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            {
              matchExpressions: [
                { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
                { key: "gpu-count", operator: "Gt", values: ["1"] },
                { key: "spot", operator: "DoesNotExist" },
              ],
              matchFields: [{ key: "metadata.name", operator: "NotIn", values: ["node-1"] }],
            },
          ],
        },
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, preference: { matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] } },
        ],
      },
      podAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          {
            labelSelector: { matchLabels: { app: "db" } },
            namespaces: ["default"],
            topologyKey: "topology.kubernetes.io/zone",
            matchLabelKeys: ["pod-template-hash"],
          },
        ],
      },
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 1,
            podAffinityTerm: { labelSelector: { matchLabels: { app: "web" } }, topologyKey: "kubernetes.io/hostname" },
          },
        ],
      },
    });
    assert.deepEqual(check(core("Pod"), ok), []);
  });

  const cases: [string, unknown, Triple[]][] = [
    [
      "required node affinity without terms",
      { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } },
      [["FieldValueRequired", `${REQ}.nodeSelectorTerms`, "Required value: must have at least one node selector term"]],
    ],
    [
      "node selector requirement operators and values",
      {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              {
                matchExpressions: [
                  { key: "a", operator: "In" },
                  { key: "b", operator: "Exists", values: ["x"] },
                  { key: "c", operator: "Gt", values: ["1", "2"] },
                  { key: "d", operator: "Near", values: ["x"] },
                  { key: "-bad", operator: "In", values: ["not ok"] },
                ],
              },
            ],
          },
        },
      },
      [
        [
          "FieldValueRequired",
          `${REQ}.nodeSelectorTerms[0].matchExpressions[0].values`,
          "Required value: must be specified when `operator` is 'In' or 'NotIn'",
        ],
        [
          "FieldValueForbidden",
          `${REQ}.nodeSelectorTerms[0].matchExpressions[1].values`,
          "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
        ],
        [
          "FieldValueRequired",
          `${REQ}.nodeSelectorTerms[0].matchExpressions[2].values`,
          "Required value: must be specified single value when `operator` is 'Lt' or 'Gt'",
        ],
        [
          "FieldValueInvalid",
          `${REQ}.nodeSelectorTerms[0].matchExpressions[3].operator`,
          'Invalid value: "Near": not a valid selector operator',
        ],
        [
          "FieldValueInvalid",
          `${REQ}.nodeSelectorTerms[0].matchExpressions[4].key`,
          `Invalid value: "-bad": ${KEY_MSG}`,
        ],
        [
          "FieldValueInvalid",
          `${REQ}.nodeSelectorTerms[0].matchExpressions[4].values[0]`,
          `Invalid value: "not ok": ${VALUE_MSG}`,
        ],
      ],
    ],
    [
      "node field selector: key, operator and value count",
      {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              {
                matchFields: [
                  { key: "metadata.name", operator: "In", values: ["a", "b"] },
                  { key: "spec.nodeName", operator: "Exists" },
                  { key: "metadata.name", operator: "In", values: ["Node_1"] },
                ],
              },
            ],
          },
        },
      },
      [
        [
          "FieldValueRequired",
          `${REQ}.nodeSelectorTerms[0].matchFields[0].values`,
          "Required value: must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
        ],
        [
          "FieldValueInvalid",
          `${REQ}.nodeSelectorTerms[0].matchFields[1].operator`,
          'Invalid value: "Exists": not a valid selector operator',
        ],
        [
          "FieldValueInvalid",
          `${REQ}.nodeSelectorTerms[0].matchFields[1].key`,
          'Invalid value: "spec.nodeName": not a valid field selector key',
        ],
        [
          "FieldValueInvalid",
          `${REQ}.nodeSelectorTerms[0].matchFields[2].values[0]`,
          `Invalid value: "Node_1": ${SUBDOMAIN_MSG}`,
        ],
      ],
    ],
    [
      "preferred node terms: weight range, invalid label values tolerated",
      {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 0, preference: { matchExpressions: [{ key: "a", operator: "In", values: ["not ok"] }] } },
            { weight: 101, preference: {} },
          ],
        },
      },
      [
        [
          "FieldValueInvalid",
          `${NA}.preferredDuringSchedulingIgnoredDuringExecution[0].weight`,
          "Invalid value: 0: must be in the range 1-100",
        ],
        [
          "FieldValueInvalid",
          `${NA}.preferredDuringSchedulingIgnoredDuringExecution[1].weight`,
          "Invalid value: 101: must be in the range 1-100",
        ],
      ],
    ],
    [
      "pod affinity term: topologyKey, selectors, namespaces",
      {
        podAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            {
              labelSelector: { matchExpressions: [{ key: "app", operator: "In" }] },
              namespaceSelector: { matchLabels: { "bad key!": "x" } },
              namespaces: ["Default"],
            },
          ],
        },
      },
      [
        [
          "FieldValueRequired",
          `${PA}[0].labelSelector.matchExpressions[0].values`,
          "Required value: must be specified when `operator` is 'In' or 'NotIn'",
        ],
        ["FieldValueInvalid", `${PA}[0].namespaceSelector.matchLabels`, `Invalid value: "bad key!": ${KEY_MSG}`],
        ["FieldValueInvalid", `${PA}[0].namespace`, `Invalid value: "Default": ${LABEL_MSG}`],
        ["FieldValueRequired", `${PA}[0].topologyKey`, "Required value: can not be empty"],
        ["FieldValueInvalid", `${PA}[0].topologyKey`, `Invalid value: "": name part must be non-empty`],
        ["FieldValueInvalid", `${PA}[0].topologyKey`, `Invalid value: "": ${KEY_MSG}`],
      ],
    ],
    [
      "matchLabelKeys / mismatchLabelKeys",
      {
        podAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { topologyKey: "zone", matchLabelKeys: ["a"] },
            {
              topologyKey: "zone",
              labelSelector: { matchLabels: { app: "x" }, matchExpressions: [{ key: "app", operator: "Exists" }] },
              matchLabelKeys: ["app", "tier"],
              mismatchLabelKeys: ["tier"],
            },
          ],
        },
      },
      [
        [
          "FieldValueForbidden",
          `${PA}[0].matchLabelKeys`,
          "Forbidden: must not be specified when labelSelector is not set",
        ],
        ["FieldValueInvalid", `${PA}[1][0]`, 'Invalid value: "app": exists in both matchLabelKeys and labelSelector'],
        [
          "FieldValueInvalid",
          `${PA}[1].matchLabelKeys[1]`,
          'Invalid value: "tier": exists in both matchLabelKeys and mismatchLabelKeys',
        ],
      ],
    ],
    [
      "weighted anti-affinity term",
      {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [{ weight: -1, podAffinityTerm: { topologyKey: "a/b/c" } }],
        },
      },
      [
        ["FieldValueInvalid", `${PAA}[0].weight`, "Invalid value: -1: must be in the range 1-100"],
        [
          "FieldValueInvalid",
          `${PAA}[0].podAffinityTerm.topologyKey`,
          `Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
        ],
      ],
    ],
  ];

  for (const [name, affinity, want] of cases) {
    it(name, () => assert.deepEqual(check(core("Pod"), withAffinity(affinity)), want));
  }

  it("applies to pod templates (Deployment)", () => {
    const d = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "d", namespace: "default" },
      spec: {
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: {
            containers: [{ name: "c", image: "nginx" }],
            affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "" }] } },
          },
        },
      },
    };
    const at = "spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]";
    assert.deepEqual(check(apps("Deployment"), d), [
      ["FieldValueRequired", `${at}.topologyKey`, "Required value: can not be empty"],
      ["FieldValueInvalid", `${at}.topologyKey`, 'Invalid value: "": name part must be non-empty'],
      ["FieldValueInvalid", `${at}.topologyKey`, `Invalid value: "": ${KEY_MSG}`],
    ]);
  });

  it("API server answers 422 with causes for a bad affinity", async () => {
    const srv = await startTestApiServer();
    try {
      const body = withAffinity({
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } },
      });
      const res = await srv.fetch("/api/v1/namespaces/default/pods", jsonBody(body));
      assert.equal(res.status, 422);
      const status = (await res.json()) as {
        reason: string;
        message: string;
        details: { causes: { reason: string; message: string; field: string }[] };
      };
      assert.equal(status.reason, "Invalid");
      const field = `${REQ}.nodeSelectorTerms`;
      assert.equal(
        status.message,
        `Pod "p1" is invalid: ${field}: Required value: must have at least one node selector term`,
      );
      assert.deepEqual(status.details.causes, [
        { reason: "FieldValueRequired", message: "Required value: must have at least one node selector term", field },
      ]);
    } finally {
      await srv.close();
    }
  });
});
