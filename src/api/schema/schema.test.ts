import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  definitionForKind,
  fieldSchema,
  findUnknownFields,
  getDefinition,
  strictDecodingMessage,
  type GroupVersionKindRef,
} from "./index.js";

const gvk = (group: string, version: string, kind: string): GroupVersionKindRef => ({ group, version, kind });
const DEPLOYMENT = gvk("apps", "v1", "Deployment");
const POD = gvk("", "v1", "Pod");

describe("structural schema", () => {
  it("has every served group/version", () => {
    const kinds = [
      gvk("", "v1", "Pod"),
      gvk("", "v1", "ConfigMap"),
      gvk("", "v1", "Namespace"),
      gvk("apps", "v1", "Deployment"),
      gvk("apps", "v1", "StatefulSet"),
      gvk("batch", "v1", "CronJob"),
      gvk("autoscaling", "v1", "Scale"),
      gvk("autoscaling", "v1", "HorizontalPodAutoscaler"),
      gvk("autoscaling", "v2", "HorizontalPodAutoscaler"),
      gvk("coordination.k8s.io", "v1", "Lease"),
      gvk("discovery.k8s.io", "v1", "EndpointSlice"),
      gvk("networking.k8s.io", "v1", "Ingress"),
      gvk("policy", "v1", "PodDisruptionBudget"),
      gvk("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding"),
      gvk("storage.k8s.io", "v1", "StorageClass"),
      gvk("scheduling.k8s.io", "v1", "PriorityClass"),
      gvk("events.k8s.io", "v1", "Event"),
      gvk("authentication.k8s.io", "v1", "TokenReview"),
      gvk("authorization.k8s.io", "v1", "SubjectAccessReview"),
      gvk("", "v1", "Status"),
    ];
    for (const k of kinds) assert.ok(definitionForKind(k), `${k.group}/${k.version} ${k.kind}`);
    assert.equal(definitionForKind(gvk("example.com", "v1", "Widget")), undefined);
    assert.equal(definitionForKind(DEPLOYMENT)?.name, "io.k8s.api.apps.v1.Deployment");
    assert.equal(getDefinition("io.k8s.api.core.v1.PodSpec")?.goName, "PodSpec");
    assert.deepEqual(getDefinition("io.k8s.api.core.v1.Container")?.required, ["name"]);
  });

  it("carries patch strategies, merge keys and list/map metadata", () => {
    const pod = definitionForKind(POD)!;
    assert.deepEqual(fieldSchema(pod, "spec.containers"), {
      type: "array",
      items: { ref: "io.k8s.api.core.v1.Container" },
      patchStrategy: "merge",
      patchMergeKey: "name",
      listType: "map",
      listMapKeys: ["name"],
    });
    assert.equal(fieldSchema(pod, "spec.containers[0].ports")?.patchMergeKey, "containerPort");
    assert.equal(fieldSchema(pod, "spec.containers.0.env")?.patchMergeKey, "name");
    assert.equal(fieldSchema(pod, "spec.volumes")?.patchStrategy, "merge,retainKeys");
    assert.equal(fieldSchema(pod, "status.conditions")?.patchMergeKey, "type");
    assert.equal(fieldSchema(pod, "metadata.finalizers")?.patchStrategy, "merge");
    assert.equal(fieldSchema("io.k8s.api.core.v1.Service", "spec.ports")?.patchMergeKey, "port");
    assert.equal(fieldSchema(definitionForKind(DEPLOYMENT)!, "spec.strategy")?.patchStrategy, "retainKeys");
    assert.equal(fieldSchema(pod, "metadata.labels")?.additionalProperties?.type, "string");
    assert.equal(fieldSchema(pod, "metadata.labels.app")?.type, "string");
    assert.equal(fieldSchema(pod, "spec.containers[].resources.limits.cpu")?.format, "quantity");
    assert.equal(fieldSchema(pod, "spec.containers[].ports[].targetPort"), undefined);
    assert.equal(fieldSchema("io.k8s.api.core.v1.ServicePort", "targetPort")?.format, "int-or-string");
    assert.equal(fieldSchema(pod, "metadata.creationTimestamp")?.format, "date-time");
    assert.equal(fieldSchema(pod, "spec.priority")?.format, "int32");
    assert.equal(fieldSchema(pod, "spec.bogus"), undefined);
    assert.deepEqual(definitionForKind(DEPLOYMENT)?.groupVersionKinds, [
      { group: "apps", version: "v1", kind: "Deployment" },
    ]);
  });

  it("finds unknown fields with upstream's paths", () => {
    const obj = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", labels: { anything: "goes" }, Bogus: 1 },
      spec: {
        bogusField: true,
        template: {
          spec: {
            containers: [
              { name: "a", image: "x" },
              { name: "b", foo: 1, resources: { limits: { cpu: "1" } }, ports: [{ containerPort: 1, nope: 2 }] },
            ],
            initContainers: [{ name: "i", restartPolicy: "Always", bar: null }],
          },
        },
      },
      status: {},
    };
    assert.deepEqual(findUnknownFields(DEPLOYMENT, obj), [
      "metadata.Bogus",
      "spec.bogusField",
      "spec.template.spec.containers[1].foo",
      "spec.template.spec.containers[1].ports[0].nope",
      "spec.template.spec.initContainers[0].bar",
    ]);
    assert.deepEqual(findUnknownFields(DEPLOYMENT, { spec: { Replicas: 1 } }), ["spec.Replicas"]);
    // Keys named like Object.prototype members are unknown fields, not schema lookups.
    assert.deepEqual(findUnknownFields(POD, JSON.parse('{"spec": {"constructor": {"x": 1}, "toString": 1}}')), [
      "spec.constructor",
      "spec.toString",
    ]);
    assert.deepEqual(findUnknownFields(POD, { metadata: { name: "p" }, spec: { containers: [] } }), []);
    // free-form values (RawExtension) are not inspected; unknown kinds yield nothing
    assert.deepEqual(findUnknownFields(gvk("apps", "v1", "ControllerRevision"), { data: { any: { thing: 1 } } }), []);
    assert.deepEqual(findUnknownFields(gvk("example.com", "v1", "Widget"), { x: 1 }), []);
  });

  it("formats the strict decoding error like upstream", () => {
    assert.equal(strictDecodingMessage(["spec.bogusField"]), 'strict decoding error: unknown field "spec.bogusField"');
    assert.equal(
      strictDecodingMessage(["a", "b.c[0].d"]),
      'strict decoding error: unknown field "a", unknown field "b.c[0].d"',
    );
  });

  it("keeps the generated file small and structural", () => {
    const candidates = ["./definitions.json", "../../../../src/api/schema/definitions.json"];
    const text = candidates
      .map((c) => {
        try {
          return readFileSync(fileURLToPath(new URL(c, import.meta.url)), "utf8");
        } catch {
          return "";
        }
      })
      .find((t) => t !== "")!;
    assert.ok(text.length < 1024 * 1024, `${text.length} bytes`);
    assert.ok(!/"description":\s*"/.test(text), "no descriptions");
    const names = Object.keys((JSON.parse(text) as { defs: object }).defs);
    assert.deepEqual(names, [...names].sort());
  });
});
