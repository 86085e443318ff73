import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isStatusError } from "../api/status.js";
import { parseRequestInfo } from "./requestinfo.js";

const info = (method: string, path: string) => parseRequestInfo(method, new URL(path, "http://x"));

describe("parseRequestInfo (upstream RequestInfoFactory)", () => {
  // [method, url, verb, namespace, resource, subresource, name, group, version]
  const cases: [string, string, string, string, string, string, string, string, string][] = [
    ["GET", "/api/v1/namespaces", "list", "", "namespaces", "", "", "", "v1"],
    ["GET", "/api/v1/namespaces/other", "get", "other", "namespaces", "", "other", "", "v1"],
    ["GET", "/api/v1/namespaces/other/pods", "list", "other", "pods", "", "", "", "v1"],
    ["GET", "/api/v1/namespaces/other/pods/foo", "get", "other", "pods", "", "foo", "", "v1"],
    ["HEAD", "/api/v1/namespaces/other/pods/foo", "get", "other", "pods", "", "foo", "", "v1"],
    ["GET", "/api/v1/pods", "list", "", "pods", "", "", "", "v1"],
    ["GET", "/api/v1/namespaces/other/pods/foo/status", "get", "other", "pods", "status", "foo", "", "v1"],
    ["GET", "/api/v1/namespaces/other/status", "get", "other", "namespaces", "status", "other", "", "v1"],
    ["PUT", "/api/v1/namespaces/other/finalize", "update", "other", "namespaces", "finalize", "other", "", "v1"],
    ["GET", "/api/v1/watch/pods", "watch", "", "pods", "", "", "", "v1"],
    ["GET", "/api/v1/pods?watch=true", "watch", "", "pods", "", "", "", "v1"],
    ["GET", "/api/v1/pods?watch=false", "list", "", "pods", "", "", "", "v1"],
    ["GET", "/api/v1/pods?watch=1", "watch", "", "pods", "", "", "", "v1"],
    ["GET", "/api/v1/watch/namespaces/other/pods", "watch", "other", "pods", "", "", "", "v1"],
    ["GET", "/api/v1/watch/namespaces/other/pods/foo", "watch", "other", "pods", "", "foo", "", "v1"],
    ["GET", "/api/v1/proxy/namespaces/other/pods/foo/a/b", "proxy", "other", "pods", "", "foo", "", "v1"],
    ["POST", "/api/v1/namespaces/other/pods", "create", "other", "pods", "", "", "", "v1"],
    ["POST", "/api/v1/namespaces/other/pods/foo/binding", "create", "other", "pods", "binding", "foo", "", "v1"],
    ["PUT", "/api/v1/namespaces/other/pods/foo", "update", "other", "pods", "", "foo", "", "v1"],
    ["PATCH", "/api/v1/namespaces/other/pods/foo", "patch", "other", "pods", "", "foo", "", "v1"],
    ["DELETE", "/api/v1/namespaces/other/pods/foo", "delete", "other", "pods", "", "foo", "", "v1"],
    ["DELETE", "/api/v1/namespaces/other/pods", "deletecollection", "other", "pods", "", "", "", "v1"],
    [
      "GET",
      "/apis/apps/v1/namespaces/ns/deployments/web/scale",
      "get",
      "ns",
      "deployments",
      "scale",
      "web",
      "apps",
      "v1",
    ],
    ["GET", "/apis/apps/v1/deployments", "list", "", "deployments", "", "", "apps", "v1"],
    ["GET", "/apis/apps/v1/watch/namespaces/ns/deployments", "watch", "ns", "deployments", "", "", "apps", "v1"],
    ["GET", "/api/v1/namespaces/ns/pods?fieldSelector=metadata.name%3Dp1", "list", "ns", "pods", "", "p1", "", "v1"],
    ["GET", "/api/v1/nodes/n1/proxy/stats", "get", "", "nodes", "proxy", "n1", "", "v1"],
  ];
  for (const [method, url, verb, namespace, resource, subresource, name, group, version] of cases) {
    it(`${method} ${url}`, () => {
      const i = info(method, url);
      assert.equal(i.isResourceRequest, true);
      assert.deepEqual(
        {
          verb: i.verb,
          namespace: i.namespace,
          resource: i.resource,
          subresource: i.subresource,
          name: i.name,
          group: i.apiGroup,
          version: i.apiVersion,
        },
        { verb, namespace, resource, subresource, name, group, version },
      );
    });
  }

  it("non-resource paths", () => {
    for (const path of [
      "/",
      "/api",
      "/apis",
      "/api/v1",
      "/apis/apps",
      "/apis/apps/v1",
      "/healthz",
      "/version",
      "/openapi/v3",
    ]) {
      const i = info("GET", path);
      assert.equal(i.isResourceRequest, false, path);
      assert.equal(i.verb, "get");
      assert.equal(i.path, path);
    }
  });

  it("a watch prefix with nothing after it is a 400", () => {
    assert.throws(
      () => info("GET", "/api/v1/watch"),
      (e: unknown) => isStatusError(e) && e.code === 400,
    );
    // "/api/v1/watch" has three parts… but only "watch" after the version.
  });

  it("the metadata.name field selector only names a valid path segment", () => {
    assert.equal(info("GET", "/api/v1/pods?fieldSelector=metadata.name%3Da%2Fb").name, "");
    assert.equal(info("GET", "/api/v1/pods?fieldSelector=metadata.name%3D%3Dx").name, "x");
  });
});
