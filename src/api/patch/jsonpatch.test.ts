import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyPatch, type JSONObject } from "./index.js";
import { causeOf, DEPLOYMENT, deepFreeze, deployment, get, pluck, throwsStatus } from "./testutil.js";

const jp = (original: object, ops: unknown): JSONObject =>
  applyPatch("json", original, JSON.stringify(ops), DEPLOYMENT);

/** A JSON patch that upstream rejects with 422 and this cause. */
function rejects(ops: unknown, cause: string, original: object = deployment()): void {
  const err = throwsStatus(
    () => jp(original, ops),
    422,
    "Invalid",
    "the server rejected our request due to an error in our request",
  );
  assert.equal(causeOf(err), cause);
  assert.equal(err.status.details?.causes?.[0]?.reason, "UnexpectedServerResponse");
}

describe("JSON patch (RFC 6902, evanphx/json-patch v4 semantics)", () => {
  it("applies kubectl rollout undo's patch", () => {
    const template = {
      metadata: { labels: { app: "web" }, annotations: { "kubectl.kubernetes.io/restartedAt": "x" } },
      spec: { containers: [{ name: "nginx", image: "nginx:1.24" }] },
    };
    const annotations = { "deployment.kubernetes.io/revision": "1" };
    const original = deepFreeze(deployment());
    const out = jp(original, [
      { op: "replace", path: "/spec/template", value: template },
      { op: "replace", path: "/metadata/annotations", value: annotations },
    ]);
    assert.deepEqual(get(out, "spec.template"), template);
    assert.deepEqual(get(out, "metadata.annotations"), annotations);
    assert.equal(get(out, "spec.replicas"), 1);
    assert.deepEqual(original, deployment());
  });

  it("add: object members, array indices, '-', negative indices, ~1 escapes", () => {
    const out = jp(deployment(), [
      { op: "add", path: "/metadata/labels/app.kubernetes.io~1name", value: "web" },
      { op: "add", path: "/spec/template/spec/containers/0/args", value: ["-g"] },
      { op: "add", path: "/spec/template/spec/containers/-", value: { name: "last", image: "x" } },
      { op: "add", path: "/spec/template/spec/containers/0", value: { name: "first", image: "x" } },
      { op: "add", path: "/spec/template/spec/containers/-1", value: { name: "end", image: "x" } },
    ]);
    assert.equal((get(out, "metadata.labels") as Record<string, string>)["app.kubernetes.io/name"], "web");
    assert.deepEqual(pluck(out, "spec.template.spec.containers"), ["first", "nginx", "sidecar", "last", "end"]);
    assert.deepEqual(get(out, "spec.template.spec.containers.1.args"), ["-g"]);
    // a missing value adds null, as evanphx does
    assert.equal(get(jp(deployment(), [{ op: "add", path: "/spec/paused" }]), "spec.paused"), null);
  });

  it("remove, replace, move, copy, test", () => {
    const out = jp(deployment(), [
      { op: "test", path: "/spec/replicas", value: 1 },
      { op: "replace", path: "/spec/replicas", value: 5 },
      { op: "remove", path: "/spec/template/spec/containers/1" },
      { op: "copy", from: "/metadata/labels", path: "/metadata/annotations" },
      { op: "move", from: "/spec/strategy/rollingUpdate", path: "/spec/rollingUpdateSaved" },
      { op: "remove", path: "/spec/template/spec/containers/0/env/-1" },
      { op: "test", path: "/spec/template/spec/containers/0/env", value: [{ name: "A", value: "1" }] },
      { op: "test", path: "/spec/doesNotExist", value: null },
    ]);
    assert.equal(get(out, "spec.replicas"), 5);
    assert.deepEqual(pluck(out, "spec.template.spec.containers"), ["nginx"]);
    assert.deepEqual(get(out, "metadata.annotations"), { app: "web" });
    assert.deepEqual(get(out, "spec.strategy"), { type: "RollingUpdate" });
    assert.deepEqual(get(out, "spec.rollingUpdateSaved"), { maxSurge: "25%", maxUnavailable: "25%" });
  });

  it("replace of a missing object member adds it (evanphx v4); root replace swaps the document", () => {
    assert.equal(get(jp(deployment(), [{ op: "replace", path: "/spec/paused", value: true }]), "spec.paused"), true);
    assert.deepEqual(jp(deployment(), [{ op: "replace", path: "", value: { kind: "X" } }]), { kind: "X" });
  });

  it("a null or empty operation list changes nothing", () => {
    assert.deepEqual(applyPatch("json", deployment(), "null", DEPLOYMENT), deployment());
    assert.deepEqual(applyPatch("json", deployment(), "[]", DEPLOYMENT), deployment());
  });

  it("operations that do not apply are 422 with evanphx's messages", () => {
    rejects([{ op: "test", path: "/spec/replicas", value: 2 }], "testing value /spec/replicas failed: test failed");
    rejects([{ op: "test", path: "/spec/nope", value: 2 }], "testing value /spec/nope failed: test failed");
    rejects(
      [{ op: "add", path: "/spec/missing/deeper", value: 1 }],
      'add operation does not apply: doc is missing path: "/spec/missing/deeper": missing value',
    );
    rejects(
      [{ op: "remove", path: "/metadata/labels/nope" }],
      "error in remove for path: '/metadata/labels/nope': Unable to remove nonexistent key: nope: missing value",
    );
    rejects(
      [{ op: "remove", path: "/spec/template/spec/containers/7" }],
      "error in remove for path: '/spec/template/spec/containers/7': Unable to access invalid index: 7: invalid index referenced",
    );
    rejects(
      [{ op: "replace", path: "/spec/template/spec/containers/5", value: {} }],
      "replace operation does not apply: doc is missing key: /spec/template/spec/containers/5: missing value",
    );
    rejects(
      [{ op: "replace", path: "/spec/x/y", value: 2 }],
      "replace operation does not apply: doc is missing path: /spec/x/y: missing value",
    );
    rejects(
      [{ op: "add", path: "/spec/template/spec/containers/x", value: {} }],
      "error in add for path: '/spec/template/spec/containers/x': value was not a proper array index: 'x': strconv.Atoi: parsing \"x\": invalid syntax",
    );
    rejects(
      [{ op: "add", path: "/spec/template/spec/containers/9", value: {} }],
      "error in add for path: '/spec/template/spec/containers/9': Unable to access invalid index: 9: invalid index referenced",
    );
    rejects(
      [{ op: "move", from: "/spec/nope", path: "/spec/x" }],
      "error in move for path: 'nope': Unable to remove nonexistent key: nope: missing value",
    );
    rejects(
      [{ op: "copy", from: "/spec/nope/x", path: "/spec/x" }],
      "copy operation does not apply: doc is missing from path: /spec/nope/x: missing value",
    );
    rejects([{ op: "bogus", path: "/a" }], "Unexpected kind: bogus");
    rejects([{ path: "/a" }], "Unexpected kind: unknown");
    rejects([{ op: "add", value: 1 }], "add operation failed to decode path: missing value");
    rejects(
      [{ op: "replace", value: 1 }],
      "replace operation failed to decode path: operation missing path field: missing value",
    );
    rejects(
      [{ op: "test", path: 5 }],
      "test operation failed to decode path: json: cannot unmarshal number into Go value of type string",
    );
    rejects(
      [{ op: "move", path: "/a" }],
      "move operation failed to decode from: operation, missing from field: missing value",
    );
    rejects([{ op: "replace", path: "", value: 3 }], "replace operation value must be object or array: %!w(<nil>)");
  });

  it("malformed patches are 400, too many operations 413", () => {
    throwsStatus(() => applyPatch("json", {}, "", DEPLOYMENT), 400, "BadRequest", "unexpected end of JSON input");
    throwsStatus(
      () => applyPatch("json", {}, "[{]", DEPLOYMENT),
      400,
      "BadRequest",
      "invalid character ']' looking for beginning of object key string",
    );
    throwsStatus(
      () => applyPatch("json", {}, '{"op":"add"}', DEPLOYMENT),
      400,
      "BadRequest",
      "json: cannot unmarshal object into Go value of type jsonpatch.Patch",
    );
    throwsStatus(
      () => applyPatch("json", {}, '["add"]', DEPLOYMENT),
      400,
      "BadRequest",
      "json: cannot unmarshal string into Go value of type jsonpatch.Operation",
    );
    const ops = Array.from({ length: 10001 }, () => ({ op: "test", path: "/a", value: null }));
    throwsStatus(
      () => jp({}, ops),
      413,
      "RequestEntityTooLarge",
      "Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001",
    );
  });

  it("a result that is not an object is 422 on field patch, as upstream's decode failure", () => {
    const err = throwsStatus(() => jp({}, [{ op: "replace", path: "", value: [1] }]), 422, "Invalid");
    assert.match(
      err.status.message ?? "",
      /^ "" is invalid: patch: Invalid value: "\[1\]": json: cannot unmarshal array into Go value/,
    );
    assert.equal(err.status.details?.causes?.[0]?.field, "patch");
  });
});
