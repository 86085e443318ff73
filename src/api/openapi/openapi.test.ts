/** Structure of the OpenAPI documents: operations, GVK extensions, parameters, schemas and their references. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { registry } from "../resources/registry.js";
import { definitionForKind } from "../schema/index.js";
import { gvPathOf, type JsonObject, type JsonValue } from "./json.js";
import { openApiResponder } from "./respond.js";
import { buildOpenApiV3Document, buildOpenApiV3Index } from "./v3.js";

const obj = (v: JsonValue | undefined): JsonObject => {
  assert.ok(v !== null && typeof v === "object" && !Array.isArray(v), `not an object: ${JSON.stringify(v)}`);
  return v;
};
const arr = (v: JsonValue | undefined): JsonValue[] => {
  assert.ok(Array.isArray(v), `not an array: ${JSON.stringify(v)}`);
  return v;
};

function doc(gvPath: string): JsonObject {
  const d = buildOpenApiV3Document(gvPath);
  assert.ok(d, `no document for ${gvPath}`);
  return d;
}

/** kubectl's lookup: the first PATCH operation whose operation-level GVK matches. */
function patchOperationFor(d: JsonObject, group: string, version: string, kind: string): JsonObject | undefined {
  for (const item of Object.values(obj(d["paths"]))) {
    const patch = obj(item)["patch"];
    if (patch === undefined) continue;
    const gvk = obj(obj(patch)["x-kubernetes-group-version-kind"]);
    if (gvk["group"] === group && gvk["version"] === version && gvk["kind"] === kind) return obj(patch);
  }
  return undefined;
}

function collectRefs(v: JsonValue, out: string[]): void {
  if (Array.isArray(v)) for (const x of v) collectRefs(x, out);
  else if (v !== null && typeof v === "object")
    for (const [k, x] of Object.entries(v)) {
      if (k === "$ref" && typeof x === "string") out.push(x);
      else collectRefs(x, out);
    }
}

describe("OpenAPI v3", () => {
  it("the index lists every served group/version with a hashed URL", () => {
    const paths = obj(buildOpenApiV3Index()["paths"]);
    const expected = registry.groupVersions().map((gv) => gvPathOf(gv.group, gv.version));
    assert.deepEqual(Object.keys(paths).sort(), [...expected].sort());
    const url = obj(paths["apis/apps/v1"])["serverRelativeURL"];
    assert.match(String(url), /^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
  });

  it("the PATCH operation of apps/v1 Deployment carries its GVK and fieldValidation", () => {
    const d = doc("apis/apps/v1");
    const item = obj(obj(d["paths"])["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]);
    const patch = obj(item["patch"]);
    assert.equal(patch["operationId"], "patchAppsV1NamespacedDeployment");
    assert.equal(patch["x-kubernetes-action"], "patch");
    assert.deepEqual(patch["x-kubernetes-group-version-kind"], { group: "apps", kind: "Deployment", version: "v1" });
    const names = arr(patch["parameters"]).map((p) => obj(p)["name"]);
    for (const n of ["dryRun", "fieldManager", "fieldValidation", "force"]) assert.ok(names.includes(n), n);
    const types = Object.keys(obj(obj(patch["requestBody"])["content"])).sort();
    assert.deepEqual(types, [
      "application/apply-patch+yaml",
      "application/json-patch+json",
      "application/merge-patch+json",
      "application/strategic-merge-patch+json",
    ]);
    assert.deepEqual(
      arr(item["parameters"]).map((p) => obj(p)["name"]),
      ["name", "namespace", "pretty"],
    );
    assert.ok(patchOperationFor(d, "apps", "v1", "Deployment"));
  });

  it("operationIds and actions follow upstream's conventions", () => {
    const paths = obj(doc("api/v1")["paths"]);
    const op = (path: string, method: string): JsonObject => obj(obj(paths[path])[method]);
    assert.equal(
      op("/api/v1/namespaces/{namespace}/configmaps", "get")["operationId"],
      "listCoreV1NamespacedConfigMap",
    );
    assert.equal(
      op("/api/v1/namespaces/{namespace}/configmaps", "post")["operationId"],
      "createCoreV1NamespacedConfigMap",
    );
    assert.equal(
      op("/api/v1/namespaces/{namespace}/configmaps", "delete")["operationId"],
      "deleteCoreV1CollectionNamespacedConfigMap",
    );
    assert.equal(op("/api/v1/namespaces/{namespace}/configmaps", "delete")["x-kubernetes-action"], "deletecollection");
    assert.equal(
      op("/api/v1/namespaces/{namespace}/configmaps/{name}", "put")["operationId"],
      "replaceCoreV1NamespacedConfigMap",
    );
    assert.equal(op("/api/v1/configmaps", "get")["operationId"], "listCoreV1ConfigMapForAllNamespaces");
    assert.equal(op("/api/v1/watch/namespaces/{namespace}/configmaps", "get")["x-kubernetes-action"], "watchlist");
    assert.equal(
      op("/api/v1/namespaces/{namespace}/pods/{name}/status", "patch")["operationId"],
      "patchCoreV1NamespacedPodStatus",
    );
    assert.equal(op("/api/v1/namespaces/{name}/finalize", "put")["operationId"], "replaceCoreV1NamespaceFinalize");
    assert.equal(op("/api/v1/namespaces/{namespace}/pods/{name}/exec", "post")["x-kubernetes-action"], "connect");
    const list = op("/api/v1/namespaces/{namespace}/pods", "get");
    const listParams = arr(list["parameters"]).map((p) => obj(p)["name"]);
    for (const n of [
      "labelSelector",
      "fieldSelector",
      "limit",
      "continue",
      "resourceVersion",
      "watch",
      "timeoutSeconds",
    ])
      assert.ok(listParams.includes(n), n);
    const post = op("/api/v1/namespaces/{namespace}/pods", "post");
    assert.ok(arr(post["parameters"]).some((p) => obj(p)["name"] === "fieldValidation"));
    const scale = obj(doc("apis/apps/v1")["paths"])["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"];
    assert.deepEqual(obj(obj(scale)["patch"])["x-kubernetes-group-version-kind"], {
      group: "autoscaling",
      kind: "Scale",
      version: "v1",
    });
    const rbac = obj(doc("apis/rbac.authorization.k8s.io/v1")["paths"]);
    const clusterRole = obj(obj(rbac["/apis/rbac.authorization.k8s.io/v1/clusterroles/{name}"])["patch"]);
    assert.equal(clusterRole["operationId"], "patchRbacAuthorizationV1ClusterRole");
  });

  it("every served kind has a schema with its GVK array, and a PATCH operation when it is patchable", () => {
    for (const r of registry.resources) {
      const d = doc(gvPathOf(r.group, r.version));
      const schemas = obj(obj(d["components"])["schemas"]);
      const def = definitionForKind({ group: r.group, version: r.version, kind: r.kind });
      assert.ok(def, `no definition for ${r.kind}`);
      const schema = obj(schemas[def.name]);
      const gvks = arr(schema["x-kubernetes-group-version-kind"]);
      assert.ok(
        gvks.some((g) => obj(g)["group"] === r.group && obj(g)["version"] === r.version && obj(g)["kind"] === r.kind),
        `${def.name} lacks its GVK`,
      );
      if (r.verbs.includes("patch")) {
        const patch = patchOperationFor(d, r.group, r.version, r.kind);
        assert.ok(patch, `no PATCH for ${r.kind}`);
        assert.ok(arr(patch["parameters"]).some((p) => obj(p)["name"] === "fieldValidation"));
      }
    }
  });

  it("every $ref resolves inside its own document", () => {
    for (const gv of registry.groupVersions()) {
      const d = doc(gvPathOf(gv.group, gv.version));
      const schemas = obj(obj(d["components"])["schemas"]);
      const refs: string[] = [];
      collectRefs(d, refs);
      assert.ok(refs.length > 0);
      for (const ref of refs) {
        assert.ok(ref.startsWith("#/components/schemas/"), ref);
        assert.ok(schemas[ref.slice("#/components/schemas/".length)], `${ref} does not resolve`);
      }
    }
  });

  it("schemas wrap references as upstream does and carry the Kubernetes extensions", () => {
    const schemas = obj(obj(doc("apis/apps/v1")["components"])["schemas"]);
    const spec = obj(schemas["io.k8s.api.apps.v1.DeploymentSpec"]);
    assert.deepEqual(spec["required"], ["selector", "template"]);
    const { description, ...template } = obj(obj(spec["properties"])["template"]);
    assert.equal(typeof description, "string");
    assert.deepEqual(template, {
      default: {},
      allOf: [{ $ref: "#/components/schemas/io.k8s.api.core.v1.PodTemplateSpec" }],
    });
    const podSpec = obj(obj(schemas["io.k8s.api.core.v1.PodSpec"])["properties"]);
    const containers = obj(podSpec["containers"]);
    assert.equal(containers["type"], "array");
    assert.equal(containers["x-kubernetes-patch-strategy"], "merge");
    assert.equal(containers["x-kubernetes-patch-merge-key"], "name");
    assert.deepEqual(containers["items"], {
      default: {},
      allOf: [{ $ref: "#/components/schemas/io.k8s.api.core.v1.Container" }],
    });
    const intOrString = obj(schemas["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]);
    assert.equal(intOrString["x-kubernetes-int-or-string"], true);
    assert.equal(intOrString["format"], "int-or-string");
    const meta = obj(obj(schemas["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"])["properties"]);
    assert.deepEqual(obj(meta["labels"])["additionalProperties"], { type: "string" });
    assert.equal(obj(meta["creationTimestamp"])["allOf"] !== undefined, true);
    // Only what this group/version reaches: no batch types in apps/v1.
    assert.equal(schemas["io.k8s.api.batch.v1.Job"], undefined);
  });

  it("unknown group/versions have no document", () => {
    assert.equal(buildOpenApiV3Document("apis/nope/v1"), undefined);
    assert.equal(buildOpenApiV3Document("garbage"), undefined);
  });
});

describe("openApiResponder", () => {
  const responder = openApiResponder();

  it("serves the index and a document with an ETag, and 304 on If-None-Match", () => {
    const index = responder.respond("/openapi/v3", new URLSearchParams(), {});
    assert.equal(index?.status, 200);
    assert.equal(index?.headers["Content-Type"], "application/json");
    const indexDoc = JSON.parse(String(index?.body)) as { paths: Record<string, { serverRelativeURL: string }> };
    const target = new URL(indexDoc.paths["api/v1"]?.serverRelativeURL ?? "", "http://x");
    const first = responder.respond(target.pathname, target.searchParams, {});
    assert.equal(first?.status, 200);
    assert.equal(first?.headers["Cache-Control"], "public, immutable");
    const etag = first?.headers["ETag"] ?? "";
    assert.match(etag, /^"[0-9A-F]+"$/);
    const again = responder.respond(target.pathname, target.searchParams, { "if-none-match": etag });
    assert.equal(again?.status, 304);
    assert.equal(again?.body, "");
    assert.equal(responder.respond("/openapi/v3/apis/nope/v1", new URLSearchParams(), {})?.status, 404);
    assert.equal(responder.respond("/api/v1", new URLSearchParams(), {}), undefined);
  });

  it("serves the same cached body twice", () => {
    const a = responder.respond("/openapi/v3/apis/apps/v1", new URLSearchParams(), {});
    const b = responder.respond("/openapi/v3/apis/apps/v1", new URLSearchParams(), {});
    assert.ok(a && b);
    assert.equal(a.body, b.body);
    assert.equal(a.headers["Cache-Control"], "no-cache, private");
  });
});
