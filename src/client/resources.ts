/** The resources components read and write, typed with `kubernetes-types`. */
import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet } from "kubernetes-types/apps/v1.js";
import type { HorizontalPodAutoscaler } from "kubernetes-types/autoscaling/v2.js";
import type { CronJob, Job } from "kubernetes-types/batch/v1.js";
import type { Lease } from "kubernetes-types/coordination/v1.js";
import type {
  ConfigMap,
  Endpoints,
  Event,
  LimitRange,
  Namespace,
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  PodTemplate,
  ReplicationController,
  ResourceQuota,
  Secret,
  Service,
  ServiceAccount,
} from "kubernetes-types/core/v1.js";
import type { EndpointSlice } from "kubernetes-types/discovery/v1.js";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1.js";
import type { PriorityClass } from "kubernetes-types/scheduling/v1.js";
import type { KubeObject, Resource } from "./types.js";

function define<T extends KubeObject>(gv: string, kind: string, resource: string, namespaced = true): Resource<T> {
  const slash = gv.indexOf("/");
  return {
    group: slash < 0 ? "" : gv.slice(0, slash),
    version: slash < 0 ? gv : gv.slice(slash + 1),
    kind,
    resource,
    namespaced,
  };
}

export const namespaces = define<Namespace>("v1", "Namespace", "namespaces", false);
export const nodes = define<Node>("v1", "Node", "nodes", false);
export const persistentVolumes = define<PersistentVolume>("v1", "PersistentVolume", "persistentvolumes", false);
export const pods = define<Pod>("v1", "Pod", "pods");
export const services = define<Service>("v1", "Service", "services");
export const endpoints = define<Endpoints>("v1", "Endpoints", "endpoints");
export const events = define<Event>("v1", "Event", "events");
export const configMaps = define<ConfigMap>("v1", "ConfigMap", "configmaps");
export const secrets = define<Secret>("v1", "Secret", "secrets");
export const serviceAccounts = define<ServiceAccount>("v1", "ServiceAccount", "serviceaccounts");
export const replicationControllers = define<ReplicationController>(
  "v1",
  "ReplicationController",
  "replicationcontrollers",
);
export const resourceQuotas = define<ResourceQuota>("v1", "ResourceQuota", "resourcequotas");
export const limitRanges = define<LimitRange>("v1", "LimitRange", "limitranges");
export const persistentVolumeClaims = define<PersistentVolumeClaim>(
  "v1",
  "PersistentVolumeClaim",
  "persistentvolumeclaims",
);
export const podTemplates = define<PodTemplate>("v1", "PodTemplate", "podtemplates");
export const deployments = define<Deployment>("apps/v1", "Deployment", "deployments");
export const replicaSets = define<ReplicaSet>("apps/v1", "ReplicaSet", "replicasets");
export const statefulSets = define<StatefulSet>("apps/v1", "StatefulSet", "statefulsets");
export const daemonSets = define<DaemonSet>("apps/v1", "DaemonSet", "daemonsets");
export const controllerRevisions = define<ControllerRevision>("apps/v1", "ControllerRevision", "controllerrevisions");
export const jobs = define<Job>("batch/v1", "Job", "jobs");
export const cronJobs = define<CronJob>("batch/v1", "CronJob", "cronjobs");
export const leases = define<Lease>("coordination.k8s.io/v1", "Lease", "leases");
export const endpointSlices = define<EndpointSlice>("discovery.k8s.io/v1", "EndpointSlice", "endpointslices");
export const podDisruptionBudgets = define<PodDisruptionBudget>(
  "policy/v1",
  "PodDisruptionBudget",
  "poddisruptionbudgets",
);
export const priorityClasses = define<PriorityClass>("scheduling.k8s.io/v1", "PriorityClass", "priorityclasses", false);
export const horizontalPodAutoscalers = define<HorizontalPodAutoscaler>(
  "autoscaling/v2",
  "HorizontalPodAutoscaler",
  "horizontalpodautoscalers",
);

/** The apiVersion string of a resource ("v1", "apps/v1"). */
export function apiVersionOf(resource: Resource): string {
  return resource.group === "" ? resource.version : `${resource.group}/${resource.version}`;
}
