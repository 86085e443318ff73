/**
 * The one difference between ReplicaSets and ReplicationControllers, as an adapter: where the object lives,
 * how its selector is written (LabelSelector vs a plain map) and how its status is read and written. The
 * reconcile in sync.ts works on the normalized `ReplicaSetView` only.
 */
import type { ReplicaSet, ReplicaSetStatus } from "kubernetes-types/apps/v1.js";
import type { PodTemplateSpec, ReplicationController } from "kubernetes-types/core/v1.js";
import { labelSelectorFromObject, labelSelectorFromSet, type LabelSelector } from "../../api/selectors/index.js";
import { replicaSets, replicationControllers } from "../../client/resources.js";
import type { KubeObject, Resource } from "../../client/types.js";

/** What the reconcile needs from a ReplicaSet or ReplicationController. */
export interface ReplicaSetView {
  readonly replicas: number;
  readonly minReadySeconds: number;
  /** Throws a StatusError when the selector is invalid. */
  readonly selector: () => LabelSelector;
  readonly template: PodTemplateSpec | undefined;
  /** RC and RS statuses share one shape. */
  readonly status: ReplicaSetStatus;
}

export interface WorkloadKind<T extends KubeObject> {
  /** Upstream controller name ("replicaset", "replicationcontroller"). */
  readonly name: string;
  /** The event source component ("replicaset-controller", "replication-controller"). */
  readonly component: string;
  readonly resource: Resource<T>;
  view(object: T): ReplicaSetView;
  /** A copy of `object` carrying `status`. */
  withStatus(object: T, status: ReplicaSetStatus): T;
}

export const replicaSetKind: WorkloadKind<ReplicaSet> = {
  name: "replicaset",
  component: "replicaset-controller",
  resource: replicaSets,
  view: (rs) => ({
    replicas: rs.spec?.replicas ?? 1,
    minReadySeconds: rs.spec?.minReadySeconds ?? 0,
    selector: () => labelSelectorFromObject(rs.spec?.selector),
    template: rs.spec?.template,
    status: rs.status ?? { replicas: 0 },
  }),
  withStatus: (rs, status) => ({ ...structuredClone(rs), status }),
};

export const replicationControllerKind: WorkloadKind<ReplicationController> = {
  name: "replicationcontroller",
  component: "replication-controller",
  resource: replicationControllers,
  view: (rc) => ({
    replicas: rc.spec?.replicas ?? 1,
    minReadySeconds: rc.spec?.minReadySeconds ?? 0,
    selector: () => labelSelectorFromSet(rc.spec?.selector ?? rc.spec?.template?.metadata?.labels),
    template: rc.spec?.template,
    status: (rc.status as ReplicaSetStatus | undefined) ?? { replicas: 0 },
  }),
  withStatus: (rc, status) => ({ ...structuredClone(rc), status }),
};
