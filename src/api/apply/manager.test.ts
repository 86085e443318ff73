import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaultFieldManager, managerFor, validatePatchOptions } from "./manager.js";

describe("field manager names", () => {
  it("defaults to the User-Agent's first path segment (prefixFromUserAgent)", () => {
    assert.equal(defaultFieldManager("kubectl/v1.32.0 (linux/amd64) kubernetes/70d3cc9"), "kubectl");
    assert.equal(
      defaultFieldManager("kube-controller-manager/v1.32.0 (linux/amd64)/system:serviceaccount"),
      "kube-controller-manager",
    );
    assert.equal(defaultFieldManager("Go-http-client/1.1"), "Go-http-client");
    assert.equal(defaultFieldManager(undefined), "");
    assert.equal(defaultFieldManager("a\u0001b"), "ab");
    assert.equal(defaultFieldManager("x".repeat(200)).length, 128);
    assert.equal(managerFor("kubectl-edit", "kubectl/v1.32.0"), "kubectl-edit");
    assert.equal(managerFor(undefined, "kubectl/v1.32.0"), "kubectl");
  });

  it("validates PatchOptions as upstream (422 on PatchOptions.meta.k8s.io)", () => {
    const err = validatePatchOptions({ apply: true, fieldManager: undefined, force: "false" });
    assert.equal(err?.code, 422);
    assert.equal(
      err?.status.message,
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    );
    assert.equal(
      validatePatchOptions({ apply: false, fieldManager: "kubectl-patch", force: "true" })?.status.message,
      'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
    );
    assert.equal(validatePatchOptions({ apply: true, fieldManager: "kubectl", force: "false" }), undefined);
    assert.equal(validatePatchOptions({ apply: false, fieldManager: undefined, force: undefined }), undefined);
  });
});
