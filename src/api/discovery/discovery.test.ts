import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { aggregatedContentType, buildAggregatedDiscovery } from "./aggregated.js";
import { discoveryETag, etagMatches } from "./etag.js";
import { buildAPIGroup, buildAPIGroupList, buildAPIResourceList, buildAPIVersions } from "./legacy.js";
import { negotiateDiscovery } from "./negotiate.js";
import { DiscoveryResponder } from "./respond.js";

const KUBECTL_130 =
  "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList," +
  "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
const KUBECTL_127 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

describe("aggregated discovery", () => {
  it("answers /apis with every named group in upstream order, the shape kubectl reads", () => {
    const doc = buildAggregatedDiscovery("/apis", "v2");
    assert.equal(doc.kind, "APIGroupDiscoveryList");
    assert.equal(doc.apiVersion, "apidiscovery.k8s.io/v2");
    assert.deepEqual(doc.metadata, {});
    assert.deepEqual(
      doc.items.map((g) => g.metadata.name),
      [
        "apps",
        "events.k8s.io",
        "authentication.k8s.io",
        "authorization.k8s.io",
        "autoscaling",
        "batch",
        "networking.k8s.io",
        "policy",
        "rbac.authorization.k8s.io",
        "storage.k8s.io",
        "scheduling.k8s.io",
        "coordination.k8s.io",
        "discovery.k8s.io",
      ],
    );
    const apps = doc.items[0];
    assert.ok(apps);
    assert.equal(apps.versions.length, 1);
    assert.equal(apps.versions[0]?.freshness, "Current");
    const deployments = apps.versions[0]?.resources.find((r) => r.resource === "deployments");
    assert.deepEqual(deployments, {
      resource: "deployments",
      responseKind: { group: "apps", version: "v1", kind: "Deployment" },
      scope: "Namespaced",
      singularResource: "deployment",
      verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
      shortNames: ["deploy"],
      categories: ["all"],
      subresources: [
        {
          subresource: "scale",
          responseKind: { group: "autoscaling", version: "v1", kind: "Scale" },
          verbs: ["get", "patch", "update"],
        },
        {
          subresource: "status",
          responseKind: { group: "apps", version: "v1", kind: "Deployment" },
          verbs: ["get", "patch", "update"],
        },
      ],
    });
    const autoscaling = doc.items.find((g) => g.metadata.name === "autoscaling");
    assert.deepEqual(
      autoscaling?.versions.map((v) => v.version),
      ["v2", "v1"],
      "preferred version first",
    );
  });

  it("answers /api with the core group alone, unnamed", () => {
    const doc = buildAggregatedDiscovery("/api", "v2beta1");
    assert.equal(doc.apiVersion, "apidiscovery.k8s.io/v2beta1");
    assert.equal(doc.items.length, 1);
    const core = doc.items[0];
    assert.deepEqual(core?.metadata, {});
    assert.deepEqual(
      core?.versions.map((v) => v.version),
      ["v1"],
    );
    const resources = core?.versions[0]?.resources ?? [];
    const pods = resources.find((r) => r.resource === "pods");
    assert.deepEqual(pods?.responseKind, { group: "", version: "v1", kind: "Pod" });
    assert.equal(pods?.scope, "Namespaced");
    assert.deepEqual(pods?.shortNames, ["po"]);
    assert.deepEqual(pods?.categories, ["all"]);
    assert.deepEqual(
      pods?.subresources?.map((s) => s.subresource),
      [
        "attach",
        "binding",
        "ephemeralcontainers",
        "eviction",
        "exec",
        "log",
        "portforward",
        "proxy",
        "resize",
        "status",
      ],
    );
    assert.deepEqual(pods?.subresources?.find((s) => s.subresource === "eviction")?.responseKind, {
      group: "policy",
      version: "v1",
      kind: "Eviction",
    });
    const ns = resources.find((r) => r.resource === "namespaces");
    assert.equal(ns?.scope, "Cluster");
    assert.ok(!ns?.verbs.includes("deletecollection"));
    const secrets = resources.find((r) => r.resource === "secrets");
    assert.ok(secrets && !("shortNames" in secrets) && !("categories" in secrets) && !("subresources" in secrets));
    const bindings = resources.find((r) => r.resource === "bindings");
    assert.deepEqual(bindings?.verbs, ["create"]);
    assert.deepEqual(
      resources.map((r) => r.resource),
      resources.map((r) => r.resource).sort(),
    );
  });

  it("names the content type kubectl requires", () => {
    assert.equal(aggregatedContentType("v2"), "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
    assert.equal(
      aggregatedContentType("v2beta1"),
      "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList",
    );
  });
});

describe("legacy discovery", () => {
  it("answers /api with APIVersions and the server address", () => {
    assert.deepEqual(buildAPIVersions("10.0.0.5:6443"), {
      kind: "APIVersions",
      versions: ["v1"],
      serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "10.0.0.5:6443" }],
    });
  });

  it("answers /apis with an APIGroupList with preferred versions", () => {
    const list = buildAPIGroupList();
    assert.equal(list.kind, "APIGroupList");
    assert.equal(list.apiVersion, "v1");
    assert.equal(list.groups[0]?.name, "apps");
    assert.ok(!list.groups.some((g) => g.name === ""));
    assert.deepEqual(
      list.groups.find((g) => g.name === "autoscaling"),
      {
        name: "autoscaling",
        versions: [
          { groupVersion: "autoscaling/v2", version: "v2" },
          { groupVersion: "autoscaling/v1", version: "v1" },
        ],
        preferredVersion: { groupVersion: "autoscaling/v2", version: "v2" },
      },
    );
    assert.equal(buildAPIGroup("batch")?.kind, "APIGroup");
    assert.equal(buildAPIGroup("nope"), undefined);
    assert.equal(buildAPIGroup(""), undefined);
  });

  it("answers /api/v1 and /apis/G/V with resources and subresource entries", () => {
    const core = buildAPIResourceList("", "v1");
    assert.equal(core?.groupVersion, "v1");
    const byName = new Map(core?.resources.map((r) => [r.name, r]));
    assert.deepEqual(byName.get("pods"), {
      name: "pods",
      singularName: "pod",
      namespaced: true,
      kind: "Pod",
      verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
      shortNames: ["po"],
      categories: ["all"],
    });
    assert.deepEqual(byName.get("pods/status"), {
      name: "pods/status",
      singularName: "",
      namespaced: true,
      kind: "Pod",
      verbs: ["get", "patch", "update"],
    });
    assert.deepEqual(byName.get("serviceaccounts/token"), {
      name: "serviceaccounts/token",
      singularName: "",
      namespaced: true,
      group: "authentication.k8s.io",
      version: "v1",
      kind: "TokenRequest",
      verbs: ["create"],
    });
    assert.deepEqual(byName.get("pods/exec")?.verbs, ["create", "get"]);
    assert.equal(byName.get("nodes")?.namespaced, false);

    const apps = buildAPIResourceList("apps", "v1");
    assert.equal(apps?.groupVersion, "apps/v1");
    assert.deepEqual(
      apps?.resources.find((r) => r.name === "deployments/scale"),
      {
        name: "deployments/scale",
        singularName: "",
        namespaced: true,
        group: "autoscaling",
        version: "v1",
        kind: "Scale",
        verbs: ["get", "patch", "update"],
      },
    );
    const names = apps?.resources.map((r) => r.name) ?? [];
    assert.deepEqual(names, [...names].sort());
    assert.equal(buildAPIResourceList("apps", "v1beta1"), undefined);
  });
});

describe("discovery negotiation", () => {
  it("answers kubectl 1.30+ with v2 and 1.27–1.29 with v2beta1", () => {
    assert.deepEqual(negotiateDiscovery(KUBECTL_130), {
      form: "aggregated",
      version: "v2",
      contentType: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
    });
    assert.equal(negotiateDiscovery(KUBECTL_127).form, "aggregated");
    assert.equal(negotiateDiscovery(KUBECTL_127).contentType, aggregatedContentType("v2beta1"));
  });

  it("falls back to legacy JSON", () => {
    for (const accept of [
      undefined,
      "",
      "application/json",
      "*/*",
      "application/json, */*",
      "application/vnd.kubernetes.protobuf, */*",
      "application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList,application/json",
      "application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
    ]) {
      assert.deepEqual(negotiateDiscovery(accept), { form: "legacy", contentType: "application/json" }, `${accept}`);
    }
  });

  it("honours q values and tolerates spaces and quotes", () => {
    assert.equal(
      negotiateDiscovery(
        'application/json;q=0.5, application/json; g=apidiscovery.k8s.io; v="v2beta1"; as=APIGroupDiscoveryList',
      ).contentType,
      aggregatedContentType("v2beta1"),
    );
    assert.equal(
      negotiateDiscovery("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;q=0").form,
      "legacy",
    );
  });
});

describe("discovery responses", () => {
  const responder = new DiscoveryResponder({ serverAddress: "127.0.0.1:6443" });

  it("serves each form with its content type, an ETag and Vary: Accept", () => {
    const v2 = responder.respond("/apis", KUBECTL_130);
    assert.equal(v2?.status, 200);
    assert.equal(v2?.headers["Content-Type"], aggregatedContentType("v2"));
    assert.equal(v2?.headers["Vary"], "Accept");
    assert.deepEqual(JSON.parse(v2?.body ?? ""), buildAggregatedDiscovery("/apis", "v2"));
    assert.equal(v2?.headers["ETag"], discoveryETag(v2?.body ?? ""));

    const legacy = responder.respond("/api/", "application/json");
    assert.equal(legacy?.headers["Content-Type"], "application/json");
    assert.deepEqual(JSON.parse(legacy?.body ?? ""), buildAPIVersions("127.0.0.1:6443"));

    assert.equal(JSON.parse(responder.respond("/api/v1", KUBECTL_130)?.body ?? "").kind, "APIResourceList");
    assert.equal(JSON.parse(responder.respond("/apis/apps")?.body ?? "").kind, "APIGroup");
    assert.equal(JSON.parse(responder.respond("/apis/apps/v1")?.body ?? "").groupVersion, "apps/v1");
  });

  it("answers 304 when If-None-Match matches", () => {
    const first = responder.respond("/api", KUBECTL_130);
    const etag = first?.headers["ETag"] ?? "";
    const again = responder.respond("/api", KUBECTL_130, etag);
    assert.equal(again?.status, 304);
    assert.equal(again?.body, "");
    assert.equal(responder.respond("/api", KUBECTL_130, '"other"')?.status, 200);
    assert.notEqual(responder.respond("/api", KUBECTL_127)?.headers["ETag"], etag, "each form has its own tag");
  });

  it("leaves other paths to the caller", () => {
    for (const path of ["/api/v1/pods", "/apis/apps/v2", "/apis/nope", "/apis/apps/v1/deployments", "/version", "/"]) {
      assert.equal(responder.respond(path), undefined, path);
    }
  });
});

describe("discovery ETags", () => {
  it("are strong, quoted, stable and content-dependent", () => {
    const a = discoveryETag('{"a":1}');
    assert.match(a, /^"[0-9a-f]{32}"$/);
    assert.equal(discoveryETag({ a: 1 }), a);
    assert.equal(discoveryETag(Buffer.from('{"a":1}')), a);
    assert.notEqual(discoveryETag('{"a":2}'), a);
    assert.ok(etagMatches(`W/${a}, "x"`, a));
    assert.ok(etagMatches("*", a));
    assert.ok(!etagMatches(undefined, a));
    assert.ok(!etagMatches('"x"', a));
  });
});
