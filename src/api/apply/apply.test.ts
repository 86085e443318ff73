import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyConfiguration, LAST_APPLIED_ANNOTATION } from "./apply.js";
import { trackUpdate } from "./update.js";
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
  statusOf,
  stored,
  type Obj,
} from "./testutil.js";

const ssa = (live: object | undefined, applied: object, manager = "kubectl", force = false, now = T1): Obj =>
  applyConfiguration({ live, applied, manager, force, gvk: DEPLOY, now }) as Obj;

/** `kubectl apply --server-side` on a missing object, then what the server stores. */
const created = (): Obj => stored(ssa(undefined, deployConfig(), "kubectl", false, T0));

describe("applyConfiguration: kubectl apply --server-side", () => {
  it("creates the object with one Apply entry by kubectl", () => {
    const out = ssa(undefined, deployConfig(), "kubectl", false, T0);
    assert.equal(get(out, "spec.replicas"), 3);
    assert.deepEqual(managedFields(out), [
      {
        manager: "kubectl",
        operation: "Apply",
        apiVersion: "apps/v1",
        time: "2026-01-01T00:00:00Z",
        fieldsType: "FieldsV1",
        fieldsV1: {
          "f:metadata": { "f:labels": { "f:app": {} } },
          "f:spec": {
            "f:replicas": {},
            "f:selector": {},
            "f:template": {
              "f:metadata": { "f:labels": { "f:app": {} } },
              "f:spec": { "f:containers": { 'k:{"name":"nginx"}': { ".": {}, "f:image": {}, "f:name": {} } } },
            },
          },
        },
      },
    ]);
  });

  it("a second manager changing spec.replicas gets the 409 naming the owner", () => {
    const err = statusOf(() => ssa(created(), deployConfig(5), "other"));
    assert.equal(err.code, 409);
    assert.equal(err.status.reason, "Conflict");
    assert.equal(err.status.message, 'Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas');
    assert.deepEqual(err.status.details, {
      causes: [{ reason: "FieldManagerConflict", message: 'conflict with "kubectl"', field: ".spec.replicas" }],
    });
  });

  it("force=true takes ownership", () => {
    const out = ssa(created(), { ...deployConfig(5) }, "other", true, T2);
    assert.equal(get(out, "spec.replicas"), 5);
    assert.ok(get(entry(out, "other")?.fieldsV1, "f:spec.f:replicas"));
    assert.equal(get(entry(out, "kubectl")?.fieldsV1, "f:spec.f:replicas"), undefined);
    assert.equal(entry(out, "other")?.time, "2026-01-01T00:02:00Z");
    assert.equal(entry(out, "kubectl")?.time, "2026-01-01T00:00:00Z");
    // Both still own the shared, unchanged fields.
    assert.ok(get(entry(out, "kubectl")?.fieldsV1, "f:spec.f:selector"));
    assert.ok(get(entry(out, "other")?.fieldsV1, "f:spec.f:selector"));
  });

  it("applying the same values as another manager shares ownership without conflict", () => {
    const live = created();
    const out = ssa(live, deployConfig(), "other");
    // Nothing changed, so upstream sets no time on the new entry (and time-less entries sort first).
    assert.deepEqual(
      managedFields(out).map((e) => [e.manager, e.time]),
      [
        ["other", undefined],
        ["kubectl", "2026-01-01T00:00:00Z"],
      ],
    );
    assert.deepEqual(entry(out, "other")?.fieldsV1, entry(live, "kubectl")?.fieldsV1);
  });

  it("lists every conflict, grouped by manager", () => {
    const err = statusOf(() => ssa(created(), deployConfig(5, "nginx:1.26"), "other"));
    assert.equal(
      err.status.message,
      'Apply failed with 2 conflicts: conflicts with "kubectl":\n- .spec.replicas\n' +
        '- .spec.template.spec.containers[name="nginx"].image',
    );
    assert.deepEqual(
      err.status.details?.causes?.map((c) => c.field),
      [".spec.replicas", '.spec.template.spec.containers[name="nginx"].image'],
    );
  });

  it("an apply that drops a field it owned removes it", () => {
    const live = stored(ssa(undefined, deployConfig(3, "nginx:1.25", { minReadySeconds: 5 }), "kubectl", false, T0));
    assert.equal(get(live, "spec.minReadySeconds"), 5);
    const out = ssa(live, deployConfig());
    assert.equal(get(out, "spec.minReadySeconds"), undefined);
    assert.equal(get(entry(out, "kubectl")?.fieldsV1, "f:spec.f:minReadySeconds"), undefined);
  });

  it("a dropped field another manager also owns stays", () => {
    const live = stored(ssa(undefined, deployConfig(3, "nginx:1.25", { minReadySeconds: 5 }), "kubectl", false, T0));
    const shared = ssa(live, deployConfig(3, "nginx:1.25", { minReadySeconds: 5 }), "other");
    const out = ssa(shared, deployConfig());
    assert.equal(get(out, "spec.minReadySeconds"), 5);
    assert.ok(get(entry(out, "other")?.fieldsV1, "f:spec.f:minReadySeconds"));
  });

  it("drops a container it no longer applies, keeps ones owned by others", () => {
    const two = deployConfig();
    (get(two, "spec.template.spec") as Obj)["containers"] = [
      { name: "nginx", image: "nginx:1.25" },
      { name: "sidecar", image: "busybox" },
    ];
    const live = stored(ssa(undefined, two, "kubectl", false, T0));
    const out = ssa(live, deployConfig());
    assert.deepEqual(get(out, "spec.template.spec.containers"), [{ name: "nginx", image: "nginx:1.25" }]);
  });

  it("merges containers by name and keeps the other manager's container and fields", () => {
    const live = created();
    // Another manager (an Update) added a sidecar and an env var on nginx.
    const edited = structuredClone(live);
    (get(edited, "spec.template.spec") as Obj)["containers"] = [
      { name: "nginx", image: "nginx:1.25", env: [{ name: "A", value: "1" }] },
      { name: "sidecar", image: "busybox" },
    ];
    const updated = trackUpdate({ live, updated: edited, manager: "kubectl-edit", gvk: DEPLOY, now: T1 }) as Obj;
    const out = ssa(updated, deployConfig(3, "nginx:1.26"), "kubectl", false, T2);
    assert.deepEqual(get(out, "spec.template.spec.containers"), [
      { name: "nginx", image: "nginx:1.26", env: [{ name: "A", value: "1" }] },
      { name: "sidecar", image: "busybox" },
    ]);
  });

  it("replaces atomic lists as a whole", () => {
    const withArgs = (args: string[]): Obj => {
      const c = deployConfig();
      (get(c, "spec.template.spec.containers") as Obj[])[0]!["args"] = args;
      return c;
    };
    const live = stored(ssa(undefined, withArgs(["a", "b"]), "kubectl", false, T0));
    const cfields = get(entry(live, "kubectl")?.fieldsV1, "f:spec.f:template.f:spec.f:containers") as Obj;
    assert.deepEqual(cfields['k:{"name":"nginx"}'], { ".": {}, "f:args": {}, "f:image": {}, "f:name": {} });
    const out = ssa(live, withArgs(["c"]));
    assert.deepEqual((get(out, "spec.template.spec.containers") as Obj[])[0]!["args"], ["c"]);
  });

  it("owns set items as v: elements", () => {
    const c = deployConfig();
    (c["metadata"] as Obj)["finalizers"] = ["example.com/a"];
    const out = ssa(undefined, c, "kubectl", false, T0);
    assert.deepEqual(get(entry(out, "kubectl")?.fieldsV1, "f:metadata.f:finalizers"), { 'v:"example.com/a"': {} });
  });

  it("re-applying the same configuration changes nothing (time and object kept)", () => {
    const live = created();
    const out = ssa(live, deployConfig(), "kubectl", false, T2);
    assert.deepEqual(out, live);
  });

  it("a no-op re-apply is detected even when the stored object carries nulls", () => {
    const c = deployConfig();
    (get(c, "spec.template.metadata") as Obj)["creationTimestamp"] = null;
    const live = stored(ssa(undefined, c, "kubectl", false, T0));
    (get(live, "spec.template.metadata") as Obj)["creationTimestamp"] = null;
    const out = ssa(live, c, "kubectl", false, T2);
    assert.deepEqual(out, live);
    assert.ok(get(entry(out, "kubectl")?.fieldsV1, "f:spec.f:template.f:metadata.f:creationTimestamp"));
  });

  it("does not own or change status on the main resource", () => {
    const c = deployConfig();
    c["status"] = { replicas: 9 };
    const live = stored(ssa(undefined, deployConfig(), "kubectl", false, T0));
    (live as Obj)["status"] = { replicas: 1 };
    const out = ssa(live, c);
    assert.deepEqual(get(out, "status"), { replicas: 1 });
    assert.equal(get(entry(out, "kubectl")?.fieldsV1, "f:status"), undefined);
  });

  it("rejects managedFields in the body and a wrong apiVersion or kind (400)", () => {
    const withMF = deployConfig();
    (withMF["metadata"] as Obj)["managedFields"] = [];
    let err = statusOf(() => ssa(undefined, withMF));
    assert.equal(err.code, 400);
    assert.equal(err.status.message, "metadata.managedFields must be nil");
    err = statusOf(() => ssa(undefined, { ...deployConfig(), apiVersion: "apps/v1beta1" }));
    assert.equal(
      err.status.message,
      "Incorrect version specified in apply patch. Specified patch version: apps/v1beta1, expected: apps/v1",
    );
    err = statusOf(() => ssa(undefined, { ...deployConfig(), kind: "StatefulSet" }));
    assert.equal(err.status.message, "invalid object type: apps/v1, Kind=StatefulSet");
  });

  it("handles kinds with granular maps (ConfigMap data)", () => {
    const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: "1", b: "2" } };
    const out = applyConfiguration({
      live: undefined,
      applied: cm,
      manager: "m",
      force: false,
      gvk: CONFIGMAP,
      now: T0,
    });
    assert.deepEqual(entry(out, "m")?.fieldsV1, { "f:data": { "f:a": {}, "f:b": {} } });
    const next = applyConfiguration({
      live: stored(out),
      applied: { ...cm, data: { a: "1" } },
      manager: "m",
      force: false,
      gvk: CONFIGMAP,
      now: T1,
    });
    assert.deepEqual(get(next, "data"), { a: "1" });
  });
});

describe("applyConfiguration after client-side apply", () => {
  const lastApplied = (o: Obj): string => `${JSON.stringify(o)}\n`;
  /** `kubectl apply` (client-side) creating the Deployment: a POST by kubectl-client-side-apply. */
  const csaCreated = (): Obj => {
    const body = deployConfig();
    (body["metadata"] as Obj)["annotations"] = { [LAST_APPLIED_ANNOTATION]: lastApplied(deployConfig()) };
    return stored(
      trackUpdate({ live: undefined, updated: body, manager: "kubectl-client-side-apply", gvk: DEPLOY, now: T0 }),
    );
  };

  it("records the client-side apply as an Update entry", () => {
    const live = csaCreated();
    const e = entry(live, "kubectl-client-side-apply");
    assert.equal(e?.operation, "Update");
    assert.ok(get(e?.fieldsV1, "f:spec.f:replicas"));
    const annotations = get(e?.fieldsV1, "f:metadata.f:annotations") as Obj;
    assert.deepEqual(annotations, { ".": {}, [`f:${LAST_APPLIED_ANNOTATION}`]: {} });
  });

  it("a server-side apply of a different replicas conflicts with kubectl-client-side-apply", () => {
    const err = statusOf(() => ssa(csaCreated(), deployConfig(5), "my-ssa"));
    assert.equal(
      err.status.message,
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
    );
    assert.deepEqual(err.status.details?.causes, [
      {
        reason: "FieldManagerConflict",
        message: 'conflict with "kubectl-client-side-apply" using apps/v1',
        field: ".spec.replicas",
      },
    ]);
  });

  it("as kubectl, without a last-applied annotation, also conflicts", () => {
    const live = stored(
      trackUpdate({ live: undefined, updated: deployConfig(), manager: "kubectl-create", gvk: DEPLOY, now: T0 }),
    );
    const err = statusOf(() => ssa(live, deployConfig(5)));
    assert.equal(
      err.status.message,
      'Apply failed with 1 conflict: conflict with "kubectl-create" using apps/v1: .spec.replicas',
    );
  });

  it("as kubectl, fields unchanged since the last client-side apply are taken over (upgrade path)", () => {
    const out = ssa(csaCreated(), deployConfig(5), "kubectl", false, T2);
    assert.equal(get(out, "spec.replicas"), 5);
    assert.ok(get(entry(out, "kubectl")?.fieldsV1, "f:spec.f:replicas"));
    assert.equal(get(entry(out, "kubectl-client-side-apply")?.fieldsV1, "f:spec.f:replicas"), undefined);
    const annotation = get(out, "metadata.annotations") as Obj;
    const synced = JSON.parse(annotation[LAST_APPLIED_ANNOTATION] as string) as Obj;
    assert.equal(get(synced, "spec.replicas"), 5);
  });

  it("as kubectl, a field changed since the last client-side apply still conflicts", () => {
    const live = csaCreated();
    (live["spec"] as Obj)["replicas"] = 4; // changed by the same manager without updating the annotation
    const err = statusOf(() => ssa(live, deployConfig(5)));
    assert.match(
      err.status.message ?? "",
      /conflict with "kubectl-client-side-apply" using apps\/v1: \.spec\.replicas/,
    );
  });
});
