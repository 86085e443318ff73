import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyPatchWithValidation, patchTypeForContentType } from "./index.js";
import { DEPLOYMENT, deployment, get, throwsStatus } from "./testutil.js";

describe("PATCH with fieldValidation", () => {
  const smp = JSON.stringify({
    spec: {
      template: {
        spec: {
          "$setElementOrder/containers": [{ name: "nginx" }, { name: "sidecar" }],
          containers: [{ name: "nginx", image: "x" }],
        },
      },
      volumes: [{ name: "v" }],
    },
  });

  it("Strict: 422 on field patch with the consumed patch map, as upstream prints it", () => {
    const err = throwsStatus(
      () => applyPatchWithValidation("strategic", deployment(), smp, DEPLOYMENT, "Strict"),
      422,
      "Invalid",
      ' "" is invalid: patch: Invalid value: "map[spec:map[template:map[spec:map[]] volumes:[map[name:v]]]]": strict decoding error: unknown field "spec.volumes"',
    );
    assert.deepEqual(err.status.details?.causes, [
      {
        reason: "FieldValueInvalid",
        field: "patch",
        message:
          'Invalid value: "map[spec:map[template:map[spec:map[]] volumes:[map[name:v]]]]": strict decoding error: unknown field "spec.volumes"',
      },
    ]);
  });

  it("Strict: JSON and merge patches print the patched document as Go encodes it", () => {
    const err = throwsStatus(
      () =>
        applyPatchWithValidation("merge", { spec: { replicas: 1 } }, '{"spec":{"bogus":"<a>"}}', DEPLOYMENT, "Strict"),
      422,
      "Invalid",
    );
    assert.equal(
      err.status.message,
      ' "" is invalid: patch: Invalid value: "{\\"spec\\":{\\"bogus\\":\\"\\\\u003ca\\\\u003e\\",\\"replicas\\":1}}": strict decoding error: unknown field "spec.bogus"',
    );
  });

  it("Warn returns warnings, Ignore and clean patches return none", () => {
    const warned = applyPatchWithValidation("strategic", deployment(), smp, DEPLOYMENT, "Warn");
    assert.deepEqual(warned.warnings, ['unknown field "spec.volumes"']);
    assert.equal(get(warned.object, "spec.template.spec.containers.0.image"), "x");
    assert.deepEqual(applyPatchWithValidation("strategic", deployment(), smp, DEPLOYMENT).warnings, [
      'unknown field "spec.volumes"',
    ]);
    assert.deepEqual(applyPatchWithValidation("strategic", deployment(), smp, DEPLOYMENT, "Ignore").warnings, []);
    const clean = applyPatchWithValidation("merge", deployment(), '{"spec":{"replicas":2}}', DEPLOYMENT, "Strict");
    assert.deepEqual(clean.warnings, []);
  });

  it("Strict/Warn decode JSON and merge patches strictly first (400 error decoding patch)", () => {
    const cases: ["json" | "merge", string, string][] = [
      [
        "merge",
        "[1]",
        "error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}",
      ],
      ["merge", "{", "error decoding patch: unexpected end of JSON input"],
      [
        "json",
        "{}",
        "error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp",
      ],
      ["json", "[1]", "error decoding patch: json: cannot unmarshal number into Go value of type handlers.jsonPatchOp"],
      [
        "json",
        '[{"op":"add","path":5}]',
        "error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.path of type string",
      ],
    ];
    for (const [type, body, message] of cases) {
      throwsStatus(
        () => applyPatchWithValidation(type, deployment(), body, DEPLOYMENT, "Warn"),
        400,
        "BadRequest",
        message,
      );
    }
    // with Ignore the plain path answers: merge patch arrays fail to decode later (422), bad ops are 422
    throwsStatus(() => applyPatchWithValidation("merge", deployment(), "[1]", DEPLOYMENT, "Ignore"), 422, "Invalid");
    throwsStatus(
      () => applyPatchWithValidation("json", deployment(), '[{"op":"add","path":5}]', DEPLOYMENT, "Ignore"),
      422,
      "Invalid",
    );
  });

  it("maps Content-Type to the patch type", () => {
    assert.equal(patchTypeForContentType("application/strategic-merge-patch+json"), "strategic");
    assert.equal(patchTypeForContentType("application/merge-patch+json; charset=utf-8"), "merge");
    assert.equal(patchTypeForContentType("application/json-patch+json"), "json");
    assert.equal(patchTypeForContentType("application/apply-patch+yaml"), undefined);
    assert.equal(patchTypeForContentType(undefined), undefined);
  });
});
