/**
 * Every built-in resource Skiff serves, with the facts upstream Kubernetes publishes in discovery.
 *
 * Derived from the upstream API (Kubernetes 1.36 OpenAPI paths: scope, verbs, subresources and their kinds) and
 * the upstream REST storage (ShortNames()/Categories()), so `kubectl api-resources` reads exactly as upstream's.
 * Verbs are listed sorted, as upstream's discovery lists them.
 */
import type { GroupVersionKind, ResourceType, SubresourceType, Verb } from "./types.js";

/** The verbs of an ordinary stored resource. */
const CRUD: readonly Verb[] = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
/** Namespaces have no deletecollection upstream. */
const CRUD_NO_COLLECTION: readonly Verb[] = ["create", "delete", "get", "list", "patch", "update", "watch"];
const CREATE: readonly Verb[] = ["create"];
const GET_PATCH_UPDATE: readonly Verb[] = ["get", "patch", "update"];
/** connect subresources answering GET and POST (exec, attach, portforward). */
const CONNECT_GET_POST: readonly Verb[] = ["create", "get"];
/** proxy subresources answer every HTTP method. */
const PROXY: readonly Verb[] = ["create", "delete", "get", "patch", "update"];

const SCALE: GroupVersionKind = { group: "autoscaling", version: "v1", kind: "Scale" };

function sub(name: string, responseKind: GroupVersionKind, verbs: readonly Verb[]): SubresourceType {
  return { name, responseKind, verbs };
}

interface Spec {
  readonly namespaced: boolean;
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
  readonly verbs?: readonly Verb[];
  /** Builds the subresources from the resource's own kind. */
  readonly subresources?: (self: GroupVersionKind) => readonly SubresourceType[];
  /** Defaults to the resource's own group and plural. */
  readonly storage?: { readonly group: string; readonly resource: string };
}

function define(gv: string, kind: string, resource: string, spec: Spec): ResourceType {
  const slash = gv.indexOf("/");
  const group = slash < 0 ? "" : gv.slice(0, slash);
  const version = slash < 0 ? gv : gv.slice(slash + 1);
  const self: GroupVersionKind = { group, version, kind };
  return {
    group,
    version,
    kind,
    resource,
    singular: kind.toLowerCase(),
    namespaced: spec.namespaced,
    shortNames: spec.shortNames ?? [],
    categories: spec.categories ?? [],
    verbs: spec.verbs ?? CRUD,
    subresources: spec.subresources?.(self) ?? [],
    storage: spec.storage ?? { group, resource },
  };
}

const status = (self: GroupVersionKind): SubresourceType => sub("status", self, GET_PATCH_UPDATE);
const withStatus = (self: GroupVersionKind): readonly SubresourceType[] => [status(self)];
const withScaleAndStatus = (self: GroupVersionKind): readonly SubresourceType[] => [
  sub("scale", SCALE, GET_PATCH_UPDATE),
  status(self),
];
const core = (kind: string): GroupVersionKind => ({ group: "", version: "v1", kind });
const ALL = ["all"];
const NS = true;
const CLUSTER = false;

export const RESOURCES: readonly ResourceType[] = [
  // core/v1
  define("v1", "Binding", "bindings", { namespaced: NS, verbs: CREATE }),
  define("v1", "ConfigMap", "configmaps", { namespaced: NS, shortNames: ["cm"] }),
  define("v1", "Endpoints", "endpoints", { namespaced: NS, shortNames: ["ep"] }),
  define("v1", "Event", "events", { namespaced: NS, shortNames: ["ev"] }),
  define("v1", "LimitRange", "limitranges", { namespaced: NS, shortNames: ["limits"] }),
  define("v1", "Namespace", "namespaces", {
    namespaced: CLUSTER,
    shortNames: ["ns"],
    verbs: CRUD_NO_COLLECTION,
    subresources: (self) => [sub("finalize", self, ["update"]), status(self)],
  }),
  define("v1", "Node", "nodes", {
    namespaced: CLUSTER,
    shortNames: ["no"],
    subresources: (self) => [sub("proxy", core("NodeProxyOptions"), PROXY), status(self)],
  }),
  define("v1", "PersistentVolumeClaim", "persistentvolumeclaims", {
    namespaced: NS,
    shortNames: ["pvc"],
    subresources: withStatus,
  }),
  define("v1", "PersistentVolume", "persistentvolumes", {
    namespaced: CLUSTER,
    shortNames: ["pv"],
    subresources: withStatus,
  }),
  define("v1", "Pod", "pods", {
    namespaced: NS,
    shortNames: ["po"],
    categories: ALL,
    subresources: (self) => [
      sub("attach", core("PodAttachOptions"), CONNECT_GET_POST),
      sub("binding", core("Binding"), CREATE),
      sub("ephemeralcontainers", self, GET_PATCH_UPDATE),
      sub("eviction", { group: "policy", version: "v1", kind: "Eviction" }, CREATE),
      sub("exec", core("PodExecOptions"), CONNECT_GET_POST),
      sub("log", self, ["get"]),
      sub("portforward", core("PodPortForwardOptions"), CONNECT_GET_POST),
      sub("proxy", core("PodProxyOptions"), PROXY),
      sub("resize", self, GET_PATCH_UPDATE),
      status(self),
    ],
  }),
  define("v1", "PodTemplate", "podtemplates", { namespaced: NS }),
  define("v1", "ReplicationController", "replicationcontrollers", {
    namespaced: NS,
    shortNames: ["rc"],
    categories: ALL,
    subresources: withScaleAndStatus,
  }),
  define("v1", "ResourceQuota", "resourcequotas", {
    namespaced: NS,
    shortNames: ["quota"],
    subresources: withStatus,
  }),
  define("v1", "Secret", "secrets", { namespaced: NS }),
  define("v1", "ServiceAccount", "serviceaccounts", {
    namespaced: NS,
    shortNames: ["sa"],
    subresources: () => [sub("token", { group: "authentication.k8s.io", version: "v1", kind: "TokenRequest" }, CREATE)],
  }),
  define("v1", "Service", "services", {
    namespaced: NS,
    shortNames: ["svc"],
    categories: ALL,
    subresources: (self) => [sub("proxy", core("ServiceProxyOptions"), PROXY), status(self)],
  }),

  // apps/v1
  define("apps/v1", "ControllerRevision", "controllerrevisions", { namespaced: NS }),
  define("apps/v1", "DaemonSet", "daemonsets", {
    namespaced: NS,
    shortNames: ["ds"],
    categories: ALL,
    subresources: withStatus,
  }),
  define("apps/v1", "Deployment", "deployments", {
    namespaced: NS,
    shortNames: ["deploy"],
    categories: ALL,
    subresources: withScaleAndStatus,
  }),
  define("apps/v1", "ReplicaSet", "replicasets", {
    namespaced: NS,
    shortNames: ["rs"],
    categories: ALL,
    subresources: withScaleAndStatus,
  }),
  define("apps/v1", "StatefulSet", "statefulsets", {
    namespaced: NS,
    shortNames: ["sts"],
    categories: ALL,
    subresources: withScaleAndStatus,
  }),

  // events.k8s.io/v1: the same objects as core/v1 events.
  define("events.k8s.io/v1", "Event", "events", {
    namespaced: NS,
    shortNames: ["ev"],
    storage: { group: "", resource: "events" },
  }),

  // authentication.k8s.io/v1, authorization.k8s.io/v1: create-only reviews.
  // kubectl 1.27 `auth whoami` knows only the beta (and alpha) version.
  ...["authentication.k8s.io/v1", "authentication.k8s.io/v1beta1"].map((gv) =>
    define(gv, "SelfSubjectReview", "selfsubjectreviews", { namespaced: CLUSTER, verbs: CREATE }),
  ),
  define("authorization.k8s.io/v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews", {
    namespaced: CLUSTER,
    verbs: CREATE,
  }),
  define("authorization.k8s.io/v1", "SelfSubjectRulesReview", "selfsubjectrulesreviews", {
    namespaced: CLUSTER,
    verbs: CREATE,
  }),

  // autoscaling/v2 (preferred) and v1 share one store.
  ...["autoscaling/v2", "autoscaling/v1"].map((gv) =>
    define(gv, "HorizontalPodAutoscaler", "horizontalpodautoscalers", {
      namespaced: NS,
      shortNames: ["hpa"],
      categories: ALL,
      subresources: withStatus,
      storage: { group: "autoscaling", resource: "horizontalpodautoscalers" },
    }),
  ),

  // batch/v1
  define("batch/v1", "CronJob", "cronjobs", {
    namespaced: NS,
    shortNames: ["cj"],
    categories: ALL,
    subresources: withStatus,
  }),
  define("batch/v1", "Job", "jobs", { namespaced: NS, categories: ALL, subresources: withStatus }),

  // networking.k8s.io/v1
  define("networking.k8s.io/v1", "IngressClass", "ingressclasses", { namespaced: CLUSTER }),
  define("networking.k8s.io/v1", "Ingress", "ingresses", {
    namespaced: NS,
    shortNames: ["ing"],
    subresources: withStatus,
  }),
  define("networking.k8s.io/v1", "NetworkPolicy", "networkpolicies", { namespaced: NS, shortNames: ["netpol"] }),

  // policy/v1
  define("policy/v1", "PodDisruptionBudget", "poddisruptionbudgets", {
    namespaced: NS,
    shortNames: ["pdb"],
    subresources: withStatus,
  }),

  // rbac.authorization.k8s.io/v1
  define("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "clusterrolebindings", { namespaced: CLUSTER }),
  define("rbac.authorization.k8s.io/v1", "ClusterRole", "clusterroles", { namespaced: CLUSTER }),
  define("rbac.authorization.k8s.io/v1", "RoleBinding", "rolebindings", { namespaced: NS }),
  define("rbac.authorization.k8s.io/v1", "Role", "roles", { namespaced: NS }),

  // storage.k8s.io/v1
  define("storage.k8s.io/v1", "StorageClass", "storageclasses", { namespaced: CLUSTER, shortNames: ["sc"] }),

  // scheduling.k8s.io/v1
  define("scheduling.k8s.io/v1", "PriorityClass", "priorityclasses", { namespaced: CLUSTER, shortNames: ["pc"] }),

  // coordination.k8s.io/v1
  define("coordination.k8s.io/v1", "Lease", "leases", { namespaced: NS }),

  // discovery.k8s.io/v1
  define("discovery.k8s.io/v1", "EndpointSlice", "endpointslices", { namespaced: NS }),
];

/**
 * Upstream's group order in `/apis` (kube-apiserver's APIService group priorities, highest first); the core
 * group "" always comes first. Groups absent from this list sort after it, by name.
 */
export const GROUP_ORDER: readonly string[] = [
  "",
  "apps",
  "events.k8s.io",
  "authentication.k8s.io",
  "authorization.k8s.io",
  "autoscaling",
  "batch",
  "certificates.k8s.io",
  "networking.k8s.io",
  "policy",
  "rbac.authorization.k8s.io",
  "storage.k8s.io",
  "admissionregistration.k8s.io",
  "apiextensions.k8s.io",
  "scheduling.k8s.io",
  "coordination.k8s.io",
  "node.k8s.io",
  "discovery.k8s.io",
  "resource.k8s.io",
  "flowcontrol.apiserver.k8s.io",
];
