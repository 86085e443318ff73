/**
 * `applyDefaults(gvk, obj)`: the versioned defaulting kube-apiserver runs when it decodes a request body
 * (SetObjectDefaults_* of k8s.io/kubernetes/pkg/apis/<group>/<version>), mutating `obj` in place.
 * Unknown kinds are left untouched. See README.md for what is and is not defaulted.
 */
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultStatefulSet } from "./apps.js";
import { defaultCronJob, defaultJob } from "./batch.js";
import {
  defaultEndpoints,
  defaultLimitRange,
  defaultNamespace,
  defaultNode,
  defaultPersistentVolume,
  defaultPersistentVolumeClaim,
  defaultPod,
  defaultPodTemplate,
  defaultReplicationController,
  defaultSecret,
  defaultService,
} from "./core.js";
import {
  defaultEndpointSlice,
  defaultHorizontalPodAutoscaler,
  defaultNetworkPolicy,
  defaultPriorityClass,
  defaultRoleBinding,
  defaultStorageClass,
} from "./other.js";
import type { Obj } from "./util.js";

export { carryOverServiceAllocations, defaultServiceIPFamilies } from "./core.js";
export { defaultPodSpec, defaultPodTemplateSpec, imageTag } from "./pod.js";

export interface GroupVersionKindLike {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

const DEFAULTERS: Readonly<Record<string, (obj: Obj) => void>> = {
  "/Pod": defaultPod,
  "/PodTemplate": defaultPodTemplate,
  "/ReplicationController": defaultReplicationController,
  "/Service": defaultService,
  "/Secret": defaultSecret,
  "/Namespace": defaultNamespace,
  "/PersistentVolumeClaim": defaultPersistentVolumeClaim,
  "/PersistentVolume": defaultPersistentVolume,
  "/Endpoints": defaultEndpoints,
  "/Node": defaultNode,
  "/LimitRange": defaultLimitRange,
  "apps/Deployment": defaultDeployment,
  "apps/ReplicaSet": defaultReplicaSet,
  "apps/StatefulSet": defaultStatefulSet,
  "apps/DaemonSet": defaultDaemonSet,
  "batch/Job": defaultJob,
  "batch/CronJob": defaultCronJob,
  "networking.k8s.io/NetworkPolicy": defaultNetworkPolicy,
  "scheduling.k8s.io/PriorityClass": defaultPriorityClass,
  "rbac.authorization.k8s.io/RoleBinding": defaultRoleBinding,
  "rbac.authorization.k8s.io/ClusterRoleBinding": defaultRoleBinding,
  "storage.k8s.io/StorageClass": defaultStorageClass,
  "autoscaling/HorizontalPodAutoscaler": defaultHorizontalPodAutoscaler,
  "discovery.k8s.io/EndpointSlice": defaultEndpointSlice,
};

/** The kinds with defaults ("group/Kind", core group as "/Kind"). */
export const DEFAULTED_KINDS: readonly string[] = Object.keys(DEFAULTERS);

export function applyDefaults(gvk: GroupVersionKindLike, obj: Record<string, unknown>): void {
  DEFAULTERS[`${gvk.group}/${gvk.kind}`]?.(obj);
}
