import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RESOURCES } from "./catalog.js";
import { compareVersions, ResourceRegistry, registry } from "./registry.js";

describe("resource registry", () => {
  it("finds a resource by group, version and plural", () => {
    assert.equal(registry.get("", "v1", "pods")?.kind, "Pod");
    assert.equal(registry.get("apps", "v1", "deployments")?.kind, "Deployment");
    assert.equal(registry.get("autoscaling", "v1", "horizontalpodautoscalers")?.version, "v1");
    assert.equal(registry.get("apps", "v1", "pods"), undefined);
    assert.equal(registry.get("", "v2", "pods"), undefined);
  });

  it("finds a resource by group, version and kind, and by apiVersion and kind", () => {
    assert.equal(registry.byKind("apps", "v1", "Deployment")?.resource, "deployments");
    assert.equal(registry.byKind("", "v1", "Endpoints")?.resource, "endpoints");
    assert.equal(registry.byApiVersionKind("v1", "Pod")?.resource, "pods");
    assert.equal(registry.byApiVersionKind("events.k8s.io/v1", "Event")?.group, "events.k8s.io");
    assert.equal(registry.byApiVersionKind("autoscaling/v2", "HorizontalPodAutoscaler")?.version, "v2");
    assert.equal(registry.byApiVersionKind("apps/v1", "Pod"), undefined);
  });

  it("finds subresources", () => {
    assert.deepEqual(registry.subresource("apps", "v1", "deployments", "scale")?.responseKind, {
      group: "autoscaling",
      version: "v1",
      kind: "Scale",
    });
    assert.equal(registry.subresource("", "v1", "pods", "eviction")?.responseKind.group, "policy");
    assert.equal(registry.subresource("", "v1", "configmaps", "status"), undefined);
  });

  it("resolves what kubectl users type: short names, singulars, plurals, name.group", () => {
    const first = (n: string): string | undefined => {
      const r = registry.find(n)[0];
      return r ? `${r.group}/${r.version}/${r.resource}` : undefined;
    };
    assert.equal(first("po"), "/v1/pods");
    assert.equal(first("Pod"), "/v1/pods");
    assert.equal(first("deploy"), "apps/v1/deployments");
    assert.equal(first("svc"), "/v1/services");
    assert.equal(first("hpa"), "autoscaling/v2/horizontalpodautoscalers");
    assert.equal(first("horizontalpodautoscalers.v1.autoscaling"), "autoscaling/v1/horizontalpodautoscalers");
    assert.equal(first("deployments.apps"), "apps/v1/deployments");
    assert.equal(first("ev"), "/v1/events", "core events come first, as kubectl resolves them");
    assert.deepEqual(
      registry.find("events").map((r) => r.group),
      ["", "events.k8s.io"],
    );
    assert.equal(first("events.events.k8s.io"), "events.k8s.io/v1/events");
    assert.deepEqual(registry.find("nothing"), []);
  });

  it("orders groups as upstream's /apis does, with preferred versions first", () => {
    assert.deepEqual(
      registry.groupVersions().map((gv) => (gv.group ? `${gv.group}/${gv.version}` : gv.version)),
      [
        "v1",
        "apps/v1",
        "events.k8s.io/v1",
        "authentication.k8s.io/v1",
        "authentication.k8s.io/v1beta1",
        "authorization.k8s.io/v1",
        "autoscaling/v2",
        "autoscaling/v1",
        "batch/v1",
        "networking.k8s.io/v1",
        "policy/v1",
        "rbac.authorization.k8s.io/v1",
        "storage.k8s.io/v1",
        "scheduling.k8s.io/v1",
        "coordination.k8s.io/v1",
        "discovery.k8s.io/v1",
      ],
    );
    assert.equal(registry.preferredVersion("autoscaling"), "v2");
    assert.equal(registry.preferredVersion(""), "v1");
    assert.equal(registry.preferredVersion("nope"), undefined);
  });

  it("lists one group/version's resources sorted by name", () => {
    assert.deepEqual(
      registry.resourcesIn("apps", "v1").map((r) => r.resource),
      ["controllerrevisions", "daemonsets", "deployments", "replicasets", "statefulsets"],
    );
    assert.deepEqual(registry.resourcesIn("apps", "v2"), []);
    assert.equal(registry.ordered().length, RESOURCES.length);
  });

  it("sorts versions like Kubernetes: GA, then beta, then alpha, higher first", () => {
    const sorted = ["v1alpha1", "v1", "v2beta1", "v2", "v1beta2", "v10", "foo", "v11alpha2"].sort(compareVersions);
    assert.deepEqual(sorted, ["v10", "v2", "v1", "v2beta1", "v1beta2", "v11alpha2", "v1alpha1", "foo"]);
  });

  it("rejects a catalog listing one resource twice", () => {
    const pods = registry.get("", "v1", "pods");
    assert.ok(pods);
    assert.throws(() => new ResourceRegistry([pods, pods]), /duplicate resource/);
  });
});
