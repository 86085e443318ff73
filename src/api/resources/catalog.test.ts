import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RESOURCES } from "./catalog.js";

const NS = true;
const CLUSTER = false;
const CRUD = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

/**
 * Facts of the upstream API (Kubernetes 1.36 OpenAPI v2), extracted once by hand and kept as literals:
 * group/version, plural, kind, whether a namespaced path exists, the verbs of its actions (post → create,
 * put → update; connect actions omitted), and each subresource with the kind its operations declare.
 */
const OPENAPI: readonly [string, string, string, boolean, readonly string[], Record<string, string>][] = [
  ["v1", "bindings", "Binding", NS, ["create"], {}],
  ["v1", "configmaps", "ConfigMap", NS, CRUD, {}],
  ["v1", "endpoints", "Endpoints", NS, CRUD, {}],
  ["v1", "events", "Event", NS, CRUD, {}],
  ["v1", "limitranges", "LimitRange", NS, CRUD, {}],
  [
    "v1",
    "namespaces",
    "Namespace",
    CLUSTER,
    ["create", "delete", "get", "list", "patch", "update", "watch"],
    { finalize: "v1/Namespace", status: "v1/Namespace" },
  ],
  ["v1", "nodes", "Node", CLUSTER, CRUD, { proxy: "v1/NodeProxyOptions", status: "v1/Node" }],
  ["v1", "persistentvolumeclaims", "PersistentVolumeClaim", NS, CRUD, { status: "v1/PersistentVolumeClaim" }],
  ["v1", "persistentvolumes", "PersistentVolume", CLUSTER, CRUD, { status: "v1/PersistentVolume" }],
  [
    "v1",
    "pods",
    "Pod",
    NS,
    CRUD,
    {
      attach: "v1/PodAttachOptions",
      binding: "v1/Binding",
      ephemeralcontainers: "v1/Pod",
      eviction: "policy/v1/Eviction",
      exec: "v1/PodExecOptions",
      log: "v1/Pod",
      portforward: "v1/PodPortForwardOptions",
      proxy: "v1/PodProxyOptions",
      resize: "v1/Pod",
      status: "v1/Pod",
    },
  ],
  ["v1", "podtemplates", "PodTemplate", NS, CRUD, {}],
  [
    "v1",
    "replicationcontrollers",
    "ReplicationController",
    NS,
    CRUD,
    { scale: "autoscaling/v1/Scale", status: "v1/ReplicationController" },
  ],
  ["v1", "resourcequotas", "ResourceQuota", NS, CRUD, { status: "v1/ResourceQuota" }],
  ["v1", "secrets", "Secret", NS, CRUD, {}],
  ["v1", "serviceaccounts", "ServiceAccount", NS, CRUD, { token: "authentication.k8s.io/v1/TokenRequest" }],
  ["v1", "services", "Service", NS, CRUD, { proxy: "v1/ServiceProxyOptions", status: "v1/Service" }],
  ["apps/v1", "controllerrevisions", "ControllerRevision", NS, CRUD, {}],
  ["apps/v1", "daemonsets", "DaemonSet", NS, CRUD, { status: "apps/v1/DaemonSet" }],
  ["apps/v1", "deployments", "Deployment", NS, CRUD, { scale: "autoscaling/v1/Scale", status: "apps/v1/Deployment" }],
  ["apps/v1", "replicasets", "ReplicaSet", NS, CRUD, { scale: "autoscaling/v1/Scale", status: "apps/v1/ReplicaSet" }],
  [
    "apps/v1",
    "statefulsets",
    "StatefulSet",
    NS,
    CRUD,
    { scale: "autoscaling/v1/Scale", status: "apps/v1/StatefulSet" },
  ],
  ["events.k8s.io/v1", "events", "Event", NS, CRUD, {}],
  ["authentication.k8s.io/v1", "selfsubjectreviews", "SelfSubjectReview", CLUSTER, ["create"], {}],
  ["authentication.k8s.io/v1beta1", "selfsubjectreviews", "SelfSubjectReview", CLUSTER, ["create"], {}],
  ["authorization.k8s.io/v1", "selfsubjectaccessreviews", "SelfSubjectAccessReview", CLUSTER, ["create"], {}],
  ["authorization.k8s.io/v1", "selfsubjectrulesreviews", "SelfSubjectRulesReview", CLUSTER, ["create"], {}],
  [
    "autoscaling/v2",
    "horizontalpodautoscalers",
    "HorizontalPodAutoscaler",
    NS,
    CRUD,
    { status: "autoscaling/v2/HorizontalPodAutoscaler" },
  ],
  [
    "autoscaling/v1",
    "horizontalpodautoscalers",
    "HorizontalPodAutoscaler",
    NS,
    CRUD,
    { status: "autoscaling/v1/HorizontalPodAutoscaler" },
  ],
  ["batch/v1", "cronjobs", "CronJob", NS, CRUD, { status: "batch/v1/CronJob" }],
  ["batch/v1", "jobs", "Job", NS, CRUD, { status: "batch/v1/Job" }],
  ["networking.k8s.io/v1", "ingressclasses", "IngressClass", CLUSTER, CRUD, {}],
  ["networking.k8s.io/v1", "ingresses", "Ingress", NS, CRUD, { status: "networking.k8s.io/v1/Ingress" }],
  ["networking.k8s.io/v1", "networkpolicies", "NetworkPolicy", NS, CRUD, {}],
  ["policy/v1", "poddisruptionbudgets", "PodDisruptionBudget", NS, CRUD, { status: "policy/v1/PodDisruptionBudget" }],
  ["rbac.authorization.k8s.io/v1", "clusterrolebindings", "ClusterRoleBinding", CLUSTER, CRUD, {}],
  ["rbac.authorization.k8s.io/v1", "clusterroles", "ClusterRole", CLUSTER, CRUD, {}],
  ["rbac.authorization.k8s.io/v1", "rolebindings", "RoleBinding", NS, CRUD, {}],
  ["rbac.authorization.k8s.io/v1", "roles", "Role", NS, CRUD, {}],
  ["storage.k8s.io/v1", "storageclasses", "StorageClass", CLUSTER, CRUD, {}],
  ["scheduling.k8s.io/v1", "priorityclasses", "PriorityClass", CLUSTER, CRUD, {}],
  ["coordination.k8s.io/v1", "leases", "Lease", NS, CRUD, {}],
  ["discovery.k8s.io/v1", "endpointslices", "EndpointSlice", NS, CRUD, {}],
];

/** Issue 3, item 3, as written there, plus core bindings. */
const ISSUE_3 = [
  ...["namespaces", "pods", "services", "endpoints", "configmaps", "secrets", "serviceaccounts", "nodes", "events"].map(
    (r) => `v1/${r}`,
  ),
  ...["limitranges", "resourcequotas", "persistentvolumes", "persistentvolumeclaims", "replicationcontrollers"].map(
    (r) => `v1/${r}`,
  ),
  "v1/podtemplates",
  "v1/bindings",
  ...["deployments", "replicasets", "statefulsets", "daemonsets", "controllerrevisions"].map((r) => `apps/v1/${r}`),
  "batch/v1/jobs",
  "batch/v1/cronjobs",
  "autoscaling/v1/horizontalpodautoscalers",
  "autoscaling/v2/horizontalpodautoscalers",
  "coordination.k8s.io/v1/leases",
  "discovery.k8s.io/v1/endpointslices",
  ...["ingresses", "ingressclasses", "networkpolicies"].map((r) => `networking.k8s.io/v1/${r}`),
  "policy/v1/poddisruptionbudgets",
  ...["roles", "rolebindings", "clusterroles", "clusterrolebindings"].map((r) => `rbac.authorization.k8s.io/v1/${r}`),
  "storage.k8s.io/v1/storageclasses",
  "scheduling.k8s.io/v1/priorityclasses",
  "events.k8s.io/v1/events",
  "authentication.k8s.io/v1/selfsubjectreviews",
  "authentication.k8s.io/v1beta1/selfsubjectreviews", // kubectl 1.27's `auth whoami`
  "authorization.k8s.io/v1/selfsubjectaccessreviews",
  "authorization.k8s.io/v1/selfsubjectrulesreviews",
];

/** `kubectl api-resources` of upstream: short names and categories (REST storage ShortNames()/Categories()). */
const NAMES: Record<string, { shortNames?: string[]; categories?: string[] }> = {
  "v1/configmaps": { shortNames: ["cm"] },
  "v1/endpoints": { shortNames: ["ep"] },
  "v1/events": { shortNames: ["ev"] },
  "v1/limitranges": { shortNames: ["limits"] },
  "v1/namespaces": { shortNames: ["ns"] },
  "v1/nodes": { shortNames: ["no"] },
  "v1/persistentvolumeclaims": { shortNames: ["pvc"] },
  "v1/persistentvolumes": { shortNames: ["pv"] },
  "v1/pods": { shortNames: ["po"], categories: ["all"] },
  "v1/replicationcontrollers": { shortNames: ["rc"], categories: ["all"] },
  "v1/resourcequotas": { shortNames: ["quota"] },
  "v1/serviceaccounts": { shortNames: ["sa"] },
  "v1/services": { shortNames: ["svc"], categories: ["all"] },
  "apps/v1/daemonsets": { shortNames: ["ds"], categories: ["all"] },
  "apps/v1/deployments": { shortNames: ["deploy"], categories: ["all"] },
  "apps/v1/replicasets": { shortNames: ["rs"], categories: ["all"] },
  "apps/v1/statefulsets": { shortNames: ["sts"], categories: ["all"] },
  "events.k8s.io/v1/events": { shortNames: ["ev"] },
  "autoscaling/v2/horizontalpodautoscalers": { shortNames: ["hpa"], categories: ["all"] },
  "autoscaling/v1/horizontalpodautoscalers": { shortNames: ["hpa"], categories: ["all"] },
  "batch/v1/cronjobs": { shortNames: ["cj"], categories: ["all"] },
  "batch/v1/jobs": { categories: ["all"] },
  "networking.k8s.io/v1/ingresses": { shortNames: ["ing"] },
  "networking.k8s.io/v1/networkpolicies": { shortNames: ["netpol"] },
  "policy/v1/poddisruptionbudgets": { shortNames: ["pdb"] },
  "storage.k8s.io/v1/storageclasses": { shortNames: ["sc"] },
  "scheduling.k8s.io/v1/priorityclasses": { shortNames: ["pc"] },
};

/** Verbs of subresources as upstream's discovery lists them (connect verbs come from the HTTP methods). */
const SUBRESOURCE_VERBS: Record<string, string[]> = {
  status: ["get", "patch", "update"],
  scale: ["get", "patch", "update"],
  ephemeralcontainers: ["get", "patch", "update"],
  resize: ["get", "patch", "update"],
  finalize: ["update"],
  binding: ["create"],
  eviction: ["create"],
  token: ["create"],
  log: ["get"],
  exec: ["create", "get"],
  attach: ["create", "get"],
  portforward: ["create", "get"],
  proxy: ["create", "delete", "get", "patch", "update"],
};

const gvOf = (r: { group: string; version: string }): string => (r.group ? `${r.group}/${r.version}` : r.version);

describe("resource catalog", () => {
  it("serves every resource of issue 3 (plus bindings) exactly once, and nothing else", () => {
    const served = RESOURCES.map((r) => `${gvOf(r)}/${r.resource}`).sort();
    const expected = OPENAPI.map(([gv, resource]) => `${gv}/${resource}`).sort();
    assert.equal(new Set(served).size, served.length, "a resource is listed twice");
    assert.deepEqual(served, expected);
    assert.deepEqual(served, [...ISSUE_3].sort(), "issue 3 item 3 (plus core bindings)");
  });

  for (const [gv, resource, kind, namespaced, verbs, subresources] of OPENAPI) {
    it(`${gv} ${resource} matches upstream`, () => {
      const r = RESOURCES.find((x) => gvOf(x) === gv && x.resource === resource);
      assert.ok(r, `${gv} ${resource} missing`);
      assert.equal(r.kind, kind);
      assert.equal(r.singular, kind.toLowerCase());
      assert.equal(r.namespaced, namespaced, "scope");
      assert.deepEqual([...r.verbs], verbs, "verbs");
      const names = NAMES[`${gv}/${resource}`] ?? {};
      assert.deepEqual([...r.shortNames], names.shortNames ?? [], "shortNames");
      assert.deepEqual([...r.categories], names.categories ?? [], "categories");
      const subs = Object.fromEntries(
        r.subresources.map((s) => [
          s.name,
          `${s.responseKind.group ? `${s.responseKind.group}/` : ""}${s.responseKind.version}/${s.responseKind.kind}`,
        ]),
      );
      assert.deepEqual(subs, subresources, "subresources and their kinds");
      for (const s of r.subresources) assert.deepEqual([...s.verbs], SUBRESOURCE_VERBS[s.name], `${s.name} verbs`);
    });
  }

  it("lists verbs sorted, as upstream discovery does", () => {
    for (const r of RESOURCES) {
      assert.deepEqual([...r.verbs], [...r.verbs].sort(), `${r.resource}`);
      for (const s of r.subresources) assert.deepEqual([...s.verbs], [...s.verbs].sort(), `${r.resource}/${s.name}`);
    }
  });

  it("shares one store between versions of one resource", () => {
    const storage = (gv: string, resource: string) =>
      RESOURCES.find((x) => gvOf(x) === gv && x.resource === resource)?.storage;
    assert.deepEqual(storage("autoscaling/v1", "horizontalpodautoscalers"), {
      group: "autoscaling",
      resource: "horizontalpodautoscalers",
    });
    assert.deepEqual(storage("autoscaling/v2", "horizontalpodautoscalers"), {
      group: "autoscaling",
      resource: "horizontalpodautoscalers",
    });
    assert.deepEqual(storage("events.k8s.io/v1", "events"), { group: "", resource: "events" });
    assert.deepEqual(storage("v1", "events"), { group: "", resource: "events" });
    assert.deepEqual(storage("apps/v1", "deployments"), { group: "apps", resource: "deployments" });
    const prefixes = new Set(RESOURCES.map((r) => `${r.storage.group}/${r.storage.resource}`));
    assert.equal(prefixes.size, RESOURCES.length - 3, "only HPAs, events and selfsubjectreviews share a store");
  });

  it("puts exactly upstream's resources in the `all` category", () => {
    const all = RESOURCES.filter((r) => r.categories.includes("all")).map((r) => `${gvOf(r)}/${r.resource}`);
    assert.deepEqual(all.sort(), [
      "apps/v1/daemonsets",
      "apps/v1/deployments",
      "apps/v1/replicasets",
      "apps/v1/statefulsets",
      "autoscaling/v1/horizontalpodautoscalers",
      "autoscaling/v2/horizontalpodautoscalers",
      "batch/v1/cronjobs",
      "batch/v1/jobs",
      "v1/pods",
      "v1/replicationcontrollers",
      "v1/services",
    ]);
  });
});
