/**
 * `validateObject(gvk, obj, old?)`: kube-apiserver's strategy validation for an object about to be created
 * (`old` undefined) or updated (`old` = the stored object), as upstream field errors. The API server turns a
 * non-empty result into a 422 with `invalid(...)` from `../status.js`.
 *
 * Call it after defaulting (`applyDefaults`) and after the store has filled the system fields (uid,
 * creationTimestamp, generated name) and the strategy's prepareForCreate (for Jobs: `generateJobSelector`,
 * which upstream v1.33 runs inside the strategy's Validate); on update pass the stored object as `old`. Pure:
 * never mutates `obj` or `old`.
 */
import type { HorizontalPodAutoscaler } from "kubernetes-types/autoscaling/v2.js";
import type { DaemonSet, Deployment, ReplicaSet, StatefulSet } from "kubernetes-types/apps/v1.js";
import type { CronJob, Job } from "kubernetes-types/batch/v1.js";
import type { Lease } from "kubernetes-types/coordination/v1.js";
import type {
  ConfigMap,
  Namespace,
  Node,
  PersistentVolumeClaim,
  Pod,
  PodTemplate,
  ReplicationController,
  Secret,
  Service,
  ServiceAccount,
} from "kubernetes-types/core/v1.js";
import type { ObjectMeta } from "kubernetes-types/meta/v1.js";
import type { Ingress, NetworkPolicy } from "kubernetes-types/networking/v1.js";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1.js";
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from "kubernetes-types/rbac/v1.js";
import type { PriorityClass } from "kubernetes-types/scheduling/v1.js";
import { RESOURCES } from "../resources/catalog.js";
import type { FieldError } from "../status.js";
import { validateHorizontalPodAutoscaler } from "./autoscaling.js";
import { validateDaemonSet, validateDeployment, validateReplicaSet, validateStatefulSet } from "./apps.js";
import { validateCronJob, validateJob } from "./batch.js";
import {
  validateConfigMap,
  validateNamespace,
  validateNode,
  validatePersistentVolumeClaim,
  validateReplicationController,
  validateSecret,
  validateServiceAccount,
} from "./core.js";
import { validateIngress } from "./networking.js";
import { validateNetworkPolicy } from "./networkpolicy.js";
import { validateLease, validateMetadataOnly, validatePriorityClass } from "./other.js";
import { validateClusterRole, validateClusterRoleBinding, validateRole, validateRoleBinding } from "./rbac.js";
import { validatePodDisruptionBudget } from "./policy.js";
import { validatePod, validatePodTemplate, validatePodUpdate } from "./pod.js";
import { validateService } from "./service.js";

export { generateJobSelector } from "./batch.js";
export { validateNodePortRange } from "./service.js";
export { validateObjectMeta, validateObjectMetaUpdate } from "./objectmeta.js";

export interface GroupVersionKindLike {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

type Validator = (obj: never, old?: never) => FieldError[];

const VALIDATORS: Readonly<Record<string, Validator>> = {
  "/Pod": (obj: Pod, old?: Pod) => (old ? validatePodUpdate(obj, old) : validatePod(obj)),
  "/PodTemplate": (obj: PodTemplate, old?: PodTemplate) => validatePodTemplate(obj, old),
  "/Service": (obj: Service, old?: Service) => validateService(obj, old),
  "/ConfigMap": (obj: ConfigMap, old?: ConfigMap) => validateConfigMap(obj, old),
  "/Secret": (obj: Secret, old?: Secret) => validateSecret(obj, old),
  "/Namespace": (obj: Namespace, old?: Namespace) => validateNamespace(obj, old),
  "/Node": (obj: Node, old?: Node) => validateNode(obj, old),
  "/ReplicationController": (obj: ReplicationController, old?: ReplicationController) =>
    validateReplicationController(obj, old),
  "/PersistentVolumeClaim": (obj: PersistentVolumeClaim, old?: PersistentVolumeClaim) =>
    validatePersistentVolumeClaim(obj, old),
  "/ServiceAccount": (obj: ServiceAccount, old?: ServiceAccount) => validateServiceAccount(obj, old),
  "apps/Deployment": (obj: Deployment, old?: Deployment) => validateDeployment(obj, old),
  "apps/ReplicaSet": (obj: ReplicaSet, old?: ReplicaSet) => validateReplicaSet(obj, old),
  "apps/StatefulSet": (obj: StatefulSet, old?: StatefulSet) => validateStatefulSet(obj, old),
  "apps/DaemonSet": (obj: DaemonSet, old?: DaemonSet) => validateDaemonSet(obj, old),
  "autoscaling/HorizontalPodAutoscaler": (obj: HorizontalPodAutoscaler, old?: HorizontalPodAutoscaler) =>
    validateHorizontalPodAutoscaler(obj, old),
  "batch/Job": (obj: Job, old?: Job) => validateJob(obj, old),
  "batch/CronJob": (obj: CronJob, old?: CronJob) => validateCronJob(obj, old),
  "networking.k8s.io/Ingress": (obj: Ingress, old?: Ingress) => validateIngress(obj, old),
  "networking.k8s.io/NetworkPolicy": (obj: NetworkPolicy, old?: NetworkPolicy) => validateNetworkPolicy(obj, old),
  "policy/PodDisruptionBudget": (obj: PodDisruptionBudget, old?: PodDisruptionBudget) =>
    validatePodDisruptionBudget(obj, old),
  "rbac.authorization.k8s.io/Role": (obj: Role, old?: Role) => validateRole(obj, old),
  "rbac.authorization.k8s.io/ClusterRole": (obj: ClusterRole, old?: ClusterRole) => validateClusterRole(obj, old),
  "rbac.authorization.k8s.io/RoleBinding": (obj: RoleBinding, old?: RoleBinding) => validateRoleBinding(obj, old),
  "rbac.authorization.k8s.io/ClusterRoleBinding": (obj: ClusterRoleBinding, old?: ClusterRoleBinding) =>
    validateClusterRoleBinding(obj, old),
  "coordination.k8s.io/Lease": (obj: Lease, old?: Lease) => validateLease(obj, old),
  "scheduling.k8s.io/PriorityClass": (obj: PriorityClass, old?: PriorityClass) => validatePriorityClass(obj, old),
};

/** The kinds with type-specific rules ("group/Kind", core group as "/Kind"). */
export const VALIDATED_KINDS: readonly string[] = Object.keys(VALIDATORS);

function scopeOf(group: string, kind: string): { namespaced: boolean | undefined; builtIn: boolean } {
  const r = RESOURCES.find((res) => res.group === group && res.kind === kind);
  return r ? { namespaced: r.namespaced, builtIn: true } : { namespaced: undefined, builtIn: false };
}

export function validateObject(
  gvk: GroupVersionKindLike,
  obj: Record<string, unknown>,
  old?: Record<string, unknown>,
): FieldError[] {
  const validator = VALIDATORS[`${gvk.group}/${gvk.kind}`];
  if (validator) return (validator as (o: unknown, p?: unknown) => FieldError[])(obj, old);
  const { namespaced, builtIn } = scopeOf(gvk.group, gvk.kind);
  return validateMetadataOnly(
    gvk.group,
    gvk.kind,
    obj.metadata as ObjectMeta | undefined,
    old ? ((old.metadata ?? {}) as ObjectMeta) : undefined,
    namespaced,
    builtIn,
  );
}
