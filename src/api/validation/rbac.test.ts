import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { check, clone } from "./testutil.js";

const rbac = (kind: string): { group: string; version: string; kind: string } => ({
  group: "rbac.authorization.k8s.io",
  version: "v1",
  kind,
});

/** `kubectl create role pod-reader --verb=get,list --resource=pods`. */
const ROLE = {
  metadata: { name: "pod-reader", namespace: "default" },
  rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }],
};

/** `kubectl create rolebinding rb --role=pod-reader --user=jane --serviceaccount=default:builder`. */
const BINDING = {
  metadata: { name: "rb", namespace: "default" },
  roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "pod-reader" },
  subjects: [
    { kind: "User", name: "jane", apiGroup: "rbac.authorization.k8s.io" },
    { kind: "ServiceAccount", name: "builder", namespace: "default" },
  ],
};

describe("validation: Role and ClusterRole", () => {
  it("accepts kubectl create role", () => assert.deepEqual(check(rbac("Role"), ROLE), []));

  it("checks rules", () => {
    const role = clone(ROLE) as { metadata: unknown; rules: Record<string, unknown>[] };
    role.rules = [{}, { verbs: ["get"], nonResourceURLs: ["/healthz"], resources: ["pods"] }];
    assert.deepEqual(check(rbac("Role"), role), [
      ["FieldValueRequired", "rules[0].verbs", "Required value: verbs must contain at least one value"],
      ["FieldValueRequired", "rules[0].apiGroups", "Required value: resource rules must supply at least one api group"],
      ["FieldValueRequired", "rules[0].resources", "Required value: resource rules must supply at least one resource"],
      [
        "FieldValueInvalid",
        "rules[1].nonResourceURLs",
        'Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs',
      ],
      [
        "FieldValueInvalid",
        "rules[1].nonResourceURLs",
        'Invalid value: []string{"/healthz"}: rules cannot apply to both regular resources and non-resource URLs',
      ],
    ]);
  });

  it("allows nonResourceURLs in ClusterRoles and checks aggregation rules", () => {
    const cr = { metadata: { name: "system:health" }, rules: [{ verbs: ["get"], nonResourceURLs: ["/healthz"] }] };
    assert.deepEqual(check(rbac("ClusterRole"), cr), []);
    assert.deepEqual(check(rbac("ClusterRole"), { ...cr, aggregationRule: {} }), [
      [
        "FieldValueRequired",
        "aggregationRule.clusterRoleSelectors",
        "Required value: at least one clusterRoleSelector required if aggregationRule is non-nil",
      ],
    ]);
    const bad = { matchExpressions: [{ key: "a", operator: "In" }] };
    assert.deepEqual(check(rbac("ClusterRole"), { ...cr, aggregationRule: { clusterRoleSelectors: [bad] } }), [
      [
        "FieldValueRequired",
        "aggregationRule.clusterRoleSelectors[0].matchExpressions[0].values",
        "Required value: must be specified when `operator` is 'In' or 'NotIn'",
      ],
      [
        "FieldValueInvalid",
        "aggregationRule.clusterRoleSelectors[0]",
        'Invalid value: "null": invalid label selector.',
      ],
    ]);
  });

  it("uses path-segment names", () => {
    assert.deepEqual(check(rbac("ClusterRole"), { metadata: { name: "a/b" } }), [
      ["FieldValueInvalid", "metadata.name", "Invalid value: \"a/b\": may not contain '/'"],
    ]);
  });
});

describe("validation: RoleBinding and ClusterRoleBinding", () => {
  it("accepts kubectl create rolebinding", () => assert.deepEqual(check(rbac("RoleBinding"), BINDING), []));

  it("checks roleRef and subjects", () => {
    const rb = {
      metadata: BINDING.metadata,
      roleRef: { apiGroup: "example.com", kind: "Policy" },
      subjects: [
        { kind: "Robot", name: "r2" },
        { kind: "ServiceAccount", name: "Bad_Name", apiGroup: "v1" },
        { kind: "Group" },
      ],
    };
    assert.deepEqual(check(rbac("RoleBinding"), rb), [
      [
        "FieldValueNotSupported",
        "roleRef.apiGroup",
        'Unsupported value: "example.com": supported values: "rbac.authorization.k8s.io"',
      ],
      [
        "FieldValueNotSupported",
        "roleRef.kind",
        'Unsupported value: "Policy": supported values: "Role", "ClusterRole"',
      ],
      ["FieldValueRequired", "roleRef.name", "Required value"],
      [
        "FieldValueNotSupported",
        "subjects[0].kind",
        'Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
      ],
      [
        "FieldValueInvalid",
        "subjects[1].name",
        "Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      ],
      ["FieldValueNotSupported", "subjects[1].apiGroup", 'Unsupported value: "v1": supported values: ""'],
      ["FieldValueRequired", "subjects[2].name", "Required value"],
    ]);
  });

  it("ClusterRoleBindings bind only ClusterRoles and need service account namespaces", () => {
    const crb = {
      metadata: { name: "crb" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "pod-reader" },
      subjects: [{ kind: "ServiceAccount", name: "builder" }],
    };
    assert.deepEqual(check(rbac("ClusterRoleBinding"), crb), [
      ["FieldValueNotSupported", "roleRef.kind", 'Unsupported value: "Role": supported values: "ClusterRole"'],
      ["FieldValueRequired", "subjects[0].namespace", "Required value"],
    ]);
  });

  it("refuses a roleRef change on update", () => {
    const changed = clone(BINDING);
    changed.roleRef.name = "pod-writer";
    assert.deepEqual(check(rbac("RoleBinding"), changed, BINDING), [
      [
        "FieldValueInvalid",
        "roleRef",
        'Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"pod-writer"}: cannot change roleRef',
      ],
    ]);
    const subjectsOnly = clone(BINDING);
    subjectsOnly.subjects.pop();
    assert.deepEqual(check(rbac("RoleBinding"), subjectsOnly, BINDING), []);
  });
});
