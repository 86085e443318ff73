/** Tests of the DefaultTolerationSeconds admission plugin, alone and in a real API server. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { StoredObject } from "../apiserver/object.js";
import { defaultTolerationSecondsAdmission } from "./defaulttolerationseconds.js";
import { podAttributes } from "./testing.js";

function pod(tolerations?: NonNullable<Pod["spec"]>["tolerations"]): StoredObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", namespace: "default" },
    spec: { containers: [{ name: "c", image: "nginx" }], ...(tolerations ? { tolerations } : {}) },
  } as StoredObject;
}

const admit = async (object: StoredObject, attrs = podAttributes(), seconds?: number): Promise<Pod> => {
  await defaultTolerationSecondsAdmission(seconds).admit!(attrs, object, undefined);
  return object as Pod;
};

describe("DefaultTolerationSeconds admission", () => {
  it("adds not-ready and unreachable NoExecute tolerations with 300 s by default", async () => {
    const p = await admit(pod());
    assert.deepEqual(p.spec!.tolerations, [
      { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
      { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
    ]);
  });

  it("uses the configured seconds and keeps existing tolerations", async () => {
    const own = { key: "dedicated", operator: "Equal", value: "gpu", effect: "NoSchedule" };
    const p = await admit(pod([own]), podAttributes(), 42);
    assert.equal(p.spec!.tolerations!.length, 3);
    assert.deepEqual(p.spec!.tolerations![0], own);
    assert.ok(p.spec!.tolerations!.slice(1).every((t) => t.tolerationSeconds === 42));
  });

  it("leaves a pod that already tolerates one of the taints alone for that taint", async () => {
    const forever = { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" };
    const p = await admit(pod([forever]));
    assert.deepEqual(p.spec!.tolerations, [
      forever,
      { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
    ]);
  });

  it("treats a toleration with empty key and effect as tolerating everything", async () => {
    const all = { operator: "Exists" };
    const p = await admit(pod([all]));
    assert.deepEqual(p.spec!.tolerations, [all]);
  });

  it("ignores updates, subresources and other resources", async () => {
    for (const attrs of [
      podAttributes({ operation: "UPDATE" }),
      podAttributes({ subresource: "status" }),
      podAttributes({ resource: "podtemplates", kind: "PodTemplate" }),
    ]) {
      const p = await admit(pod(), attrs);
      assert.equal(p.spec!.tolerations, undefined);
    }
  });
});

describe("DefaultTolerationSeconds admission in a real API server", () => {
  it("adds the tolerations to created pods", async (t) => {
    const { startTestCluster } = await import("../client/testing.js");
    const { pods } = await import("../client/resources.js");
    const cluster = await startTestCluster({ apiServer: { admission: [defaultTolerationSecondsAdmission(120)] } });
    t.after(() => cluster.close());
    const created = await cluster.client.resource(pods).create({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p", namespace: "default" },
      spec: { containers: [{ name: "c", image: "nginx" }] },
    });
    assert.deepEqual(
      created.spec!.tolerations!.map((t) => [t.key, t.effect, t.tolerationSeconds]),
      [
        ["node.kubernetes.io/not-ready", "NoExecute", 120],
        ["node.kubernetes.io/unreachable", "NoExecute", 120],
      ],
    );
  });
});
