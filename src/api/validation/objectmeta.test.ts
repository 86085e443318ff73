import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { invalid as invalidStatus } from "../status.js";
import { validateObject } from "./index.js";
import { applyDefaults } from "../defaults/index.js";
import { check, core, LABEL_MSG, SUBDOMAIN_MSG } from "./testutil.js";

const CM = { metadata: { name: "cfg", namespace: "default" }, data: { a: "b" } };

describe("validation: ObjectMeta", () => {
  it("requires a name unless generateName is set", () => {
    assert.deepEqual(check(core("ConfigMap"), { metadata: { namespace: "default" } }), [
      ["FieldValueRequired", "metadata.name", "Required value: name or generateName is required"],
    ]);
    assert.deepEqual(check(core("ConfigMap"), { metadata: { generateName: "cfg-", namespace: "default" } }), []);
    assert.deepEqual(check(core("ConfigMap"), { metadata: { generateName: "Cfg-", namespace: "default" } }), [
      ["FieldValueInvalid", "metadata.generateName", `Invalid value: "Cfg-": ${SUBDOMAIN_MSG}`],
    ]);
  });

  it("checks name format, namespace presence and format", () => {
    assert.deepEqual(check(core("ConfigMap"), { metadata: { name: "Bad_Name" } }), [
      ["FieldValueInvalid", "metadata.name", `Invalid value: "Bad_Name": ${SUBDOMAIN_MSG}`],
      ["FieldValueRequired", "metadata.namespace", "Required value"],
    ]);
    assert.deepEqual(check(core("ConfigMap"), { metadata: { name: "a", namespace: "Prod" } }), [
      ["FieldValueInvalid", "metadata.namespace", `Invalid value: "Prod": ${LABEL_MSG}`],
    ]);
    assert.deepEqual(check(core("ConfigMap"), { metadata: { name: "a".repeat(254), namespace: "default" } }), [
      [
        "FieldValueInvalid",
        "metadata.name",
        `Invalid value: "${"a".repeat(254)}": must be no more than 253 characters`,
      ],
    ]);
  });

  it("forbids a namespace on cluster-scoped kinds", () => {
    assert.deepEqual(
      check(
        { group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRole" },
        { metadata: { name: "x", namespace: "default" } },
      ),
      [["FieldValueForbidden", "metadata.namespace", "Forbidden: not allowed on this type"]],
    );
  });

  it("validates labels, annotations and finalizers", () => {
    const errs = check(core("ConfigMap"), {
      metadata: {
        name: "a",
        namespace: "default",
        labels: { "bad key!": "v", ok: "bad value!" },
        annotations: { "a/b/c": "x" },
        finalizers: ["custom", "example.com/ok"],
      },
    });
    assert.deepEqual(errs, [
      [
        "FieldValueInvalid",
        "metadata.labels",
        "Invalid value: \"bad key!\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      ],
      [
        "FieldValueInvalid",
        "metadata.labels",
        "Invalid value: \"bad value!\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      ],
      [
        "FieldValueInvalid",
        "metadata.annotations",
        "Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
      ],
      [
        "FieldValueInvalid",
        "metadata.finalizers[0]",
        'Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified',
      ],
    ]);
  });

  it("limits annotations to 256 KiB in total", () => {
    const errs = check(core("ConfigMap"), {
      metadata: { name: "a", namespace: "default", annotations: { big: "x".repeat(262142) } },
    });
    assert.deepEqual(errs, [
      ["FieldValueTooLong", "metadata.annotations", "Too long: may not be more than 262144 bytes"],
    ]);
    assert.deepEqual(
      check(core("ConfigMap"), {
        metadata: { name: "a", namespace: "default", annotations: { big: "x".repeat(262141) } },
      }),
      [],
    );
  });

  it("keeps name, namespace and uid immutable on update", () => {
    const old = { ...CM, metadata: { ...CM.metadata, uid: "u1", resourceVersion: "5" } };
    const renamed = { ...CM, metadata: { name: "other", namespace: "kube-system", uid: "u2", resourceVersion: "5" } };
    assert.deepEqual(check(core("ConfigMap"), renamed, old), [
      ["FieldValueInvalid", "metadata.name", 'Invalid value: "other": field is immutable'],
      ["FieldValueInvalid", "metadata.namespace", 'Invalid value: "kube-system": field is immutable'],
      ["FieldValueInvalid", "metadata.uid", 'Invalid value: "u2": field is immutable'],
    ]);
    // uid omitted by the client: carried over from the stored object; generation/creationTimestamp are the store's.
    assert.deepEqual(check(core("ConfigMap"), CM, old), []);
    const stale = { ...CM, metadata: { ...CM.metadata, generation: 1, creationTimestamp: "2020-01-01T00:00:00Z" } };
    const current = { ...CM, metadata: { ...CM.metadata, generation: 4, creationTimestamp: "2024-01-01T00:00:00Z" } };
    assert.deepEqual(check(core("ConfigMap"), stale, current), []);
    const deleting = { ...CM, metadata: { ...CM.metadata, deletionTimestamp: "2024-01-02T03:04:05Z" } };
    assert.deepEqual(check(core("ConfigMap"), deleting, CM), [
      [
        "FieldValueInvalid",
        "metadata.deletionTimestamp",
        "Invalid value: 2024-01-02 03:04:05 +0000 UTC: field is immutable",
      ],
    ]);
  });

  it("forbids new finalizers on an object being deleted", () => {
    const old = { metadata: { ...CM.metadata, deletionTimestamp: "2024-01-01T00:00:00Z", finalizers: ["a.io/x"] } };
    const next = { metadata: { ...old.metadata, finalizers: ["a.io/x", "b.io/y"] } };
    assert.deepEqual(check(core("ConfigMap"), next, old), [
      [
        "FieldValueForbidden",
        "metadata.finalizers",
        'Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b.io/y"}',
      ],
    ]);
  });

  it("renders the 422 kubectl prints for a defaulted pod without an image", () => {
    const pod = { metadata: { name: "Bad_Pod", namespace: "default" }, spec: { containers: [{ name: "c" }] } };
    applyDefaults(core("Pod"), pod);
    const errs = validateObject(core("Pod"), pod);
    assert.equal(
      invalidStatus({ group: "", kind: "Pod" }, "Bad_Pod", errs).message,
      `Pod "Bad_Pod" is invalid: [metadata.name: Invalid value: "Bad_Pod": ${SUBDOMAIN_MSG}, spec.containers[0].image: Required value]`,
    );
  });

  it("falls back to metadata-only rules, with RBAC path-segment names and unknown scopes", () => {
    const rbac = { group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRole" };
    assert.deepEqual(check(rbac, { metadata: { name: "system:controller:foo" } }), []);
    assert.deepEqual(check(rbac, { metadata: { name: "a/b" } }), [
      ["FieldValueInvalid", "metadata.name", `Invalid value: "a/b": may not contain '/'`],
    ]);
    const widget = { group: "example.com", version: "v1", kind: "Widget" };
    assert.deepEqual(check(widget, { metadata: { name: "w1" } }), []);
    assert.deepEqual(check(widget, { metadata: { name: "W1", finalizers: ["custom"] } }), [
      ["FieldValueInvalid", "metadata.name", `Invalid value: "W1": ${SUBDOMAIN_MSG}`],
    ]);
  });
});
