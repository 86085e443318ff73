import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { check, clone } from "./testutil.js";

const pdbGVK = { group: "policy", version: "v1", kind: "PodDisruptionBudget" };

/** `kubectl create pdb p --selector=app=x --min-available=50%`. */
const PDB = {
  metadata: { name: "p", namespace: "default" },
  spec: { minAvailable: "50%", selector: { matchLabels: { app: "x" } } },
};

const withSpec = (spec: Record<string, unknown>): object => ({ metadata: PDB.metadata, spec });

describe("validation: PodDisruptionBudget", () => {
  it("accepts kubectl create pdb", () => assert.deepEqual(check(pdbGVK, PDB), []));

  it("checks minAvailable/maxUnavailable as int or percent", () => {
    assert.deepEqual(check(pdbGVK, withSpec({ maxUnavailable: "150%" })), [
      [
        "FieldValueInvalid",
        "spec.maxUnavailable",
        'Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%',
      ],
    ]);
    assert.deepEqual(check(pdbGVK, withSpec({ minAvailable: -1, maxUnavailable: "half" })), [
      [
        "FieldValueInvalid",
        "spec",
        "Invalid value: policy.PodDisruptionBudgetSpec{…}: minAvailable and maxUnavailable cannot be both set",
      ],
      ["FieldValueInvalid", "spec.minAvailable", "Invalid value: -1: must be greater than or equal to 0"],
      [
        "FieldValueInvalid",
        "spec.maxUnavailable",
        "Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"half\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      ],
    ]);
  });

  it("checks the selector and unhealthyPodEvictionPolicy", () => {
    const spec = {
      minAvailable: 1,
      selector: { matchExpressions: [{ key: "app", operator: "Exists", values: ["x"] }] },
      unhealthyPodEvictionPolicy: "Never",
    };
    assert.deepEqual(check(pdbGVK, withSpec(spec)), [
      [
        "FieldValueForbidden",
        "spec.selector.matchExpressions[0].values",
        "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      ],
      [
        "FieldValueNotSupported",
        "spec.unhealthyPodEvictionPolicy",
        'Unsupported value: "Never": supported values: "AlwaysAllow", "IfHealthyBudget"',
      ],
    ]);
  });

  it("checks metadata generically (path-segment names), after a valid spec only", () => {
    const pdb = clone(PDB) as typeof PDB & { metadata: { name: string } };
    pdb.metadata.name = "Not_A_DNS_Name";
    assert.deepEqual(check(pdbGVK, pdb), []);
    pdb.metadata.name = "a/b";
    assert.deepEqual(check(pdbGVK, pdb), [
      ["FieldValueInvalid", "metadata.name", "Invalid value: \"a/b\": may not contain '/'"],
    ]);
    assert.deepEqual(check(pdbGVK, { ...pdb, spec: { minAvailable: -1 } }), [
      ["FieldValueInvalid", "spec.minAvailable", "Invalid value: -1: must be greater than or equal to 0"],
    ]);
  });
});
