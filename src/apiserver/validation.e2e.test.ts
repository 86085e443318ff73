// Type validation through the API server: a bad HorizontalPodAutoscaler is a 422 Invalid with upstream's causes;
// the Job strategy generates the selector before (pure) validation.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { jsonBody, startTestApiServer, type TestApiServer } from "./testing.js";

interface Status {
  kind: string;
  code: number;
  reason: string;
  message: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: { reason: string; field: string; message: string }[];
  };
}

describe("API server: HorizontalPodAutoscaler validation", () => {
  let srv: TestApiServer;
  before(async () => {
    srv = await startTestApiServer();
  });
  after(async () => {
    await srv.close();
  });

  const hpa = (spec: Record<string, unknown>): Record<string, unknown> => ({
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: "web" },
    spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, maxReplicas: 5, ...spec },
  });

  it("POST of a bad autoscaling/v2 HPA answers 422 with causes", async () => {
    const res = await srv.fetch(
      "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers",
      jsonBody(hpa({ minReplicas: 0, maxReplicas: 0, behavior: { scaleUp: { policies: [] } } })),
    );
    assert.equal(res.status, 422);
    const st = (await res.json()) as Status;
    assert.equal(st.reason, "Invalid");
    assert.deepEqual(st.details?.causes, [
      {
        reason: "FieldValueInvalid",
        field: "spec.minReplicas",
        message: "Invalid value: 0: must be greater than or equal to 1",
      },
      { reason: "FieldValueInvalid", field: "spec.maxReplicas", message: "Invalid value: 0: must be greater than 0" },
      {
        reason: "FieldValueForbidden",
        field: "spec.metrics",
        message: "Forbidden: must specify at least one Object or External metric to support scaling to zero replicas",
      },
      {
        reason: "FieldValueRequired",
        field: "spec.behavior.scaleUp.policies",
        message: "Required value: must specify at least one Policy",
      },
    ]);
    assert.match(
      st.message,
      /^HorizontalPodAutoscaler.autoscaling "web" is invalid: \[spec.minReplicas: Invalid value/,
    );
  });

  it("validates autoscaling/v1 objects after conversion, and accepts a good one", async () => {
    const path = "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers";
    const v1 = {
      apiVersion: "autoscaling/v1",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "v1" },
      spec: { scaleTargetRef: { kind: "Deployment", name: "web" }, minReplicas: 3, maxReplicas: 2 },
    };
    const bad = await srv.fetch(path, jsonBody(v1));
    assert.equal(bad.status, 422);
    const st = (await bad.json()) as Status;
    assert.deepEqual(st.details?.causes, [
      {
        reason: "FieldValueInvalid",
        field: "spec.maxReplicas",
        message: "Invalid value: 2: must be greater than or equal to `minReplicas`",
      },
    ]);
    const ok = await srv.fetch(path, jsonBody({ ...v1, spec: { ...v1.spec, maxReplicas: 4 } }));
    assert.equal(ok.status, 201);
  });

  it("Job create: the strategy generates the selector and labels (dry run too)", async () => {
    const job = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "pi" },
      spec: { template: { spec: { containers: [{ name: "pi", image: "perl" }], restartPolicy: "Never" } } },
    };
    for (const query of ["?dryRun=All", ""]) {
      const res = await srv.fetch(`/apis/batch/v1/namespaces/default/jobs${query}`, jsonBody(job));
      assert.equal(res.status, 201, query);
      const created = (await res.json()) as {
        metadata: { uid: string; labels?: Record<string, string> };
        spec: { selector: unknown; template: { metadata: { labels: Record<string, string> } } };
      };
      const uid = created.metadata.uid;
      assert.deepEqual(created.spec.selector, { matchLabels: { "batch.kubernetes.io/controller-uid": uid } }, query);
      assert.deepEqual(
        created.spec.template.metadata.labels,
        {
          "batch.kubernetes.io/controller-uid": uid,
          "batch.kubernetes.io/job-name": "pi",
          "controller-uid": uid,
          "job-name": "pi",
        },
        query,
      );
    }
  });
});
