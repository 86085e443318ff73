/** The v2 protobuf decodes as gnostic's openapi.v2.Document: read back with a tiny wire-format reader. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { openApiResponder } from "./respond.js";
import { buildOpenApiV2Protobuf } from "./v2.js";

type Wire = Map<number, (Uint8Array | number)[]>;

/** Decodes one message level: field number → values (bytes for length-delimited, numbers for varints). */
function decode(buf: Uint8Array): Wire {
  const out: Wire = new Map();
  let i = 0;
  const varint = (): number => {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = buf[i++] ?? 0;
      v += (b & 0x7f) * mul;
      mul *= 128;
      if (b < 0x80) return v;
    }
  };
  while (i < buf.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    let value: Uint8Array | number;
    if (wire === 0) value = varint();
    else if (wire === 2) {
      const len = varint();
      value = buf.subarray(i, i + len);
      i += len;
    } else throw new Error(`unexpected wire type ${wire}`);
    out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}

const bytes = (w: Wire, f: number): Uint8Array[] =>
  (w.get(f) ?? []).filter((v): v is Uint8Array => v instanceof Uint8Array);
const one = (w: Wire, f: number): Wire => decode(bytes(w, f)[0] ?? new Uint8Array());
const text = (w: Wire, f: number): string => Buffer.from(bytes(w, f)[0] ?? new Uint8Array()).toString("utf8");

/** NamedAny list → name → parsed YAML value. */
function vendorExtensions(w: Wire, f: number): Map<string, unknown> {
  return new Map(
    bytes(w, f).map((b) => {
      const named = decode(b);
      return [text(named, 1), parse(text(one(named, 2), 2)) as unknown];
    }),
  );
}

describe("OpenAPI v2 protobuf", () => {
  const doc = decode(buildOpenApiV2Protobuf());

  it("is a swagger 2.0 document", () => {
    assert.equal(text(doc, 1), "2.0");
    assert.equal(text(one(doc, 2), 1), "Kubernetes");
  });

  it("has the PATCH operation of apps/v1 Deployment with its GVK and a fieldValidation query parameter", () => {
    const paths = bytes(one(doc, 8), 2).map(decode);
    const named = paths.find((p) => text(p, 1) === "/apis/apps/v1/namespaces/{namespace}/deployments/{name}");
    assert.ok(named);
    const patch = one(one(named, 2), 8);
    assert.equal(text(patch, 5), "patchAppsV1NamespacedDeployment");
    assert.deepEqual(vendorExtensions(patch, 13).get("x-kubernetes-group-version-kind"), {
      group: "apps",
      kind: "Deployment",
      version: "v1",
    });
    const queryNames = bytes(patch, 8)
      .map((item) => one(one(one(decode(item), 1), 2), 3))
      .map((q) => text(q, 4))
      .filter((n) => n !== "");
    assert.ok(queryNames.includes("fieldValidation"), queryNames.join(","));
  });

  it("has the definitions with GVK and patch extensions", () => {
    const defs = new Map(bytes(one(doc, 9), 1).map((b) => [text(decode(b), 1), one(decode(b), 2)] as const));
    const pod = defs.get("io.k8s.api.core.v1.Pod");
    assert.ok(pod);
    assert.deepEqual(vendorExtensions(pod, 31).get("x-kubernetes-group-version-kind"), [
      { group: "", kind: "Pod", version: "v1" },
    ]);
    const podSpec = defs.get("io.k8s.api.core.v1.PodSpec");
    assert.ok(podSpec);
    const props = new Map(bytes(one(podSpec, 25), 1).map((b) => [text(decode(b), 1), one(decode(b), 2)] as const));
    const containers = props.get("containers");
    assert.ok(containers);
    assert.equal(text(one(containers, 22), 1), "array");
    assert.equal(text(one(one(containers, 23), 1), 1), "#/definitions/io.k8s.api.core.v1.Container");
    const ext = vendorExtensions(containers, 31);
    assert.equal(ext.get("x-kubernetes-patch-merge-key"), "name");
    assert.equal(ext.get("x-kubernetes-patch-strategy"), "merge");
    // Every reference resolves.
    for (const def of defs.values())
      for (const p of bytes(one(def, 25), 1)) {
        const ref = text(one(decode(p), 2), 1);
        if (ref) assert.ok(defs.has(ref.replace("#/definitions/", "")), ref);
      }
  });

  it("is served as protobuf to kubectl's Accept header", () => {
    const responder = openApiResponder();
    const accept = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
    const res = responder.respond("/openapi/v2", new URLSearchParams(), { accept });
    assert.equal(res?.status, 200);
    assert.equal(res?.headers["Content-Type"], "application/octet-stream");
    assert.ok(res?.body instanceof Uint8Array);
    const json = responder.respond("/openapi/v2", new URLSearchParams(), { accept: "application/json" });
    assert.equal(json?.status, 406);
  });
});
