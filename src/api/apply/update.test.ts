import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { trackUpdate, trackedManagedFields } from "./update.js";
import {
  CONFIGMAP,
  DEPLOY,
  T0,
  T1,
  T2,
  deployConfig,
  entry,
  get,
  managedFields,
  stored,
  type Obj,
} from "./testutil.js";

const track = (live: object | undefined, updated: object, manager: string, now = T1, subresource?: string): Obj =>
  trackUpdate({ live, updated, manager, gvk: DEPLOY, now, ...(subresource ? { subresource } : {}) }) as Obj;

/** What `kubectl create -f` stores: the defaulted object tracked for kubectl-create. */
const createdBy = (manager: string): Obj => {
  const body = deployConfig();
  (body["spec"] as Obj)["strategy"] = { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%" } };
  return stored(track(undefined, body, manager, T0));
};

describe("trackUpdate: ownership of create/update/patch", () => {
  it("on create, records every set field under an Update entry", () => {
    const out = createdBy("kubectl-create");
    assert.deepEqual(managedFields(out), [
      {
        manager: "kubectl-create",
        operation: "Update",
        apiVersion: "apps/v1",
        time: "2026-01-01T00:00:00Z",
        fieldsType: "FieldsV1",
        fieldsV1: {
          "f:metadata": { "f:labels": { ".": {}, "f:app": {} } },
          "f:spec": {
            "f:replicas": {},
            "f:selector": {},
            // strategy is always serialized by Go (no "."), rollingUpdate is a pointer (".").
            "f:strategy": { "f:rollingUpdate": { ".": {}, "f:maxSurge": {} }, "f:type": {} },
            "f:template": {
              "f:metadata": { "f:labels": { ".": {}, "f:app": {} } },
              "f:spec": { "f:containers": { 'k:{"name":"nginx"}': { ".": {}, "f:image": {}, "f:name": {} } } },
            },
          },
        },
      },
    ]);
  });

  it("records only what a patch changed, under the patching manager", () => {
    const live = createdBy("kubectl-create");
    const labeled = structuredClone(live);
    (get(labeled, "metadata.labels") as Obj)["env"] = "prod";
    const out = track(live, labeled, "kubectl-label");
    assert.deepEqual(entry(out, "kubectl-label")?.fieldsV1, { "f:metadata": { "f:labels": { "f:env": {} } } });
    assert.deepEqual(entry(out, "kubectl-create"), entry(live, "kubectl-create"));
  });

  it("takes changed fields away from their previous owner", () => {
    const live = createdBy("kubectl-create");
    const scaled = structuredClone(live);
    (scaled["spec"] as Obj)["replicas"] = 5;
    const out = track(live, scaled, "kubectl-edit");
    assert.deepEqual(entry(out, "kubectl-edit")?.fieldsV1, { "f:spec": { "f:replicas": {} } });
    assert.equal(get(entry(out, "kubectl-create")?.fieldsV1, "f:spec.f:replicas"), undefined);
    assert.equal(entry(out, "kubectl-create")?.time, "2026-01-01T00:00:00Z");
  });

  it("removing a field removes it from every owner", () => {
    const live = createdBy("kubectl-create");
    const next = structuredClone(live);
    delete (next["spec"] as Obj)["strategy"];
    const out = track(live, next, "kubectl-replace");
    assert.equal(get(entry(out, "kubectl-create")?.fieldsV1, "f:spec.f:strategy"), undefined);
    assert.equal(entry(out, "kubectl-replace"), undefined, "nothing added or modified: no entry");
  });

  it("a no-op write keeps managedFields exactly", () => {
    const live = createdBy("kubectl-create");
    const out = track(live, structuredClone(live), "kubectl-patch", T2);
    assert.deepEqual(out, live);
  });

  it("merges repeated updates of one manager into one entry with the latest time", () => {
    const live = createdBy("ctl");
    const a = structuredClone(live);
    (a["spec"] as Obj)["replicas"] = 5;
    const once = stored(track(live, a, "kubectl-edit", T1));
    const b = structuredClone(once);
    (b["spec"] as Obj)["minReadySeconds"] = 3;
    const twice = track(once, b, "kubectl-edit", T2);
    assert.deepEqual(entry(twice, "kubectl-edit")?.fieldsV1, {
      "f:spec": { "f:minReadySeconds": {}, "f:replicas": {} },
    });
    assert.equal(entry(twice, "kubectl-edit")?.time, "2026-01-01T00:02:00Z");
    assert.equal(managedFields(twice).length, 2);
  });

  it("an empty managedFields list (or one empty entry) resets them", () => {
    for (const reset of [[], [{}]]) {
      const live = createdBy("kubectl-create");
      const next = structuredClone(live);
      (next["metadata"] as Obj)["managedFields"] = reset;
      (next["spec"] as Obj)["replicas"] = 7;
      const out = track(live, next, "kubectl-replace");
      assert.equal(get(out, "metadata.managedFields"), undefined, JSON.stringify(reset));
      assert.equal(get(out, "spec.replicas"), 7);
    }
  });

  it("managedFields sent by the client replace the live ones when valid, are ignored otherwise", () => {
    const live = createdBy("kubectl-create");
    const mine = [
      {
        manager: "custom",
        operation: "Update",
        apiVersion: "apps/v1",
        time: "2025-01-01T00:00:00Z",
        fieldsType: "FieldsV1",
        fieldsV1: { "f:spec": { "f:replicas": {} } },
      },
    ];
    const next = structuredClone(live);
    (next["metadata"] as Obj)["managedFields"] = mine;
    assert.deepEqual(managedFields(track(live, next, "kubectl-replace")), mine);

    const bad = structuredClone(live);
    (bad["metadata"] as Obj)["managedFields"] = [{ ...mine[0], operation: "Bogus" }];
    assert.deepEqual(managedFields(track(live, bad, "kubectl-replace")), managedFields(live));
  });

  it("a subresource write ignores managedFields in the body and records its subresource", () => {
    const live = createdBy("kubectl-create");
    const next = structuredClone(live);
    (next["metadata"] as Obj)["managedFields"] = [];
    next["status"] = { replicas: 3 };
    const out = track(live, next, "kube-controller-manager", T1, "status");
    const e = entry(out, "kube-controller-manager");
    assert.equal(e?.subresource, "status");
    assert.deepEqual(e?.fieldsV1, { "f:status": { "f:replicas": {} } });
    assert.ok(entry(out, "kubectl-create"));
  });

  it("trackedManagedFields returns just the entries", () => {
    const live = createdBy("kubectl-create");
    const next = structuredClone(live);
    (next["spec"] as Obj)["replicas"] = 4;
    const mf = trackedManagedFields({ live, updated: next, manager: "kubectl-scale", gvk: DEPLOY, now: T1 });
    assert.deepEqual(mf, managedFields(track(live, next, "kubectl-scale")));
    const untracked = stored(deployConfig());
    assert.equal(
      trackedManagedFields({ live: untracked, updated: untracked, manager: "x", gvk: DEPLOY, now: T1 }),
      undefined,
    );
  });

  it("status is not owned through the main resource", () => {
    const live = createdBy("kubectl-create");
    const next = structuredClone(live);
    next["status"] = { replicas: 3 };
    const out = track(live, next, "someone");
    assert.equal(entry(out, "someone"), undefined);
  });

  it("an existing object without managedFields stays untracked (skipNonAppliedManager)", () => {
    const live = stored(deployConfig());
    const next = structuredClone(live);
    (next["spec"] as Obj)["replicas"] = 9;
    assert.equal(get(track(live, next, "kubectl-edit"), "metadata.managedFields"), undefined);
  });

  it("marks granular maps with '.' (ConfigMap data)", () => {
    const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { k: "v" } };
    const out = trackUpdate({ live: undefined, updated: cm, manager: "kubectl-create", gvk: CONFIGMAP, now: T0 });
    assert.deepEqual(entry(out, "kubectl-create")?.fieldsV1, { "f:data": { ".": {}, "f:k": {} } });
  });

  it("caps Update entries at 10, folding the oldest into ancient-changes", () => {
    let live = createdBy("m0");
    for (let i = 1; i <= 11; i++) {
      const next = structuredClone(live);
      (get(next, "metadata.labels") as Obj)[`k${i}`] = "v";
      live = stored(track(live, next, `m${i}`, new Date(T0.getTime() + i * 1000)));
    }
    const all = managedFields(live);
    assert.equal(all.length, 10);
    const ancient = entry(live, "ancient-changes");
    assert.equal(ancient?.operation, "Update");
    assert.ok(get(ancient?.fieldsV1, "f:spec.f:replicas"), "m0's fields were folded in");
    assert.ok(entry(live, "m11"));
    assert.equal(entry(live, "m0"), undefined);
  });
});
