// Workload controllers: replicationcontrollers, replicasets, deployments, statefulsets, daemonsets,
// controllerrevisions.
import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet } from "kubernetes-types/apps/v1.js";
import type { ReplicationController } from "kubernetes-types/core/v1.js";
import { DESCRIPTIONS } from "./descriptions.js";
import { column, type TablePrinter } from "./types.js";
import {
  AGE_COLUMN,
  CONTAINERS_COLUMN,
  IMAGES_COLUMN,
  NAME_COLUMN,
  ageOf,
  formatLabelSelector,
  formatLabels,
  layoutContainerCells,
  nameOf,
  printer,
  selectorString,
} from "./util.js";

// spec.replicas defaults to 1 in every apps/v1 and core/v1 controller.
const replicasOf = (spec: { replicas?: number } | undefined): number => spec?.replicas ?? 1;

export const replicationControllerPrinter: TablePrinter = printer<ReplicationController>(
  [
    NAME_COLUMN,
    column({ name: "Desired", type: "integer", description: DESCRIPTIONS["ReplicationControllerSpec.replicas"] }),
    column({ name: "Current", type: "integer", description: DESCRIPTIONS["ReplicationControllerStatus.replicas"] }),
    column({ name: "Ready", type: "integer", description: DESCRIPTIONS["ReplicationControllerStatus.readyReplicas"] }),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    column({ name: "Selector", priority: 1, description: DESCRIPTIONS["ReplicationControllerSpec.selector"] }),
  ],
  (obj, now) => {
    const [names, images] = layoutContainerCells(obj.spec?.template?.spec?.containers);
    return [
      nameOf(obj),
      replicasOf(obj.spec),
      obj.status?.replicas ?? 0,
      obj.status?.readyReplicas ?? 0,
      ageOf(obj, now),
      names,
      images,
      formatLabels(obj.spec?.selector),
    ];
  },
);

export const replicaSetPrinter: TablePrinter = printer<ReplicaSet>(
  [
    NAME_COLUMN,
    column({ name: "Desired", type: "integer", description: DESCRIPTIONS["ReplicaSetSpec.replicas"] }),
    column({ name: "Current", type: "integer", description: DESCRIPTIONS["ReplicaSetStatus.replicas"] }),
    column({ name: "Ready", type: "integer", description: DESCRIPTIONS["ReplicaSetStatus.readyReplicas"] }),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    column({ name: "Selector", priority: 1, description: DESCRIPTIONS["ReplicaSetSpec.selector"] }),
  ],
  (obj, now) => {
    const [names, images] = layoutContainerCells(obj.spec?.template?.spec?.containers);
    return [
      nameOf(obj),
      replicasOf(obj.spec),
      obj.status?.replicas ?? 0,
      obj.status?.readyReplicas ?? 0,
      ageOf(obj, now),
      names,
      images,
      formatLabelSelector(obj.spec?.selector),
    ];
  },
);

export const deploymentPrinter: TablePrinter = printer<Deployment>(
  [
    NAME_COLUMN,
    column({ name: "Ready", description: "Number of the pod with ready state" }),
    column({ name: "Up-to-date", description: DESCRIPTIONS["DeploymentStatus.updatedReplicas"] }),
    column({ name: "Available", description: DESCRIPTIONS["DeploymentStatus.availableReplicas"] }),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    column({ name: "Selector", priority: 1, description: DESCRIPTIONS["DeploymentSpec.selector"] }),
  ],
  (obj, now) => {
    const [names, images] = layoutContainerCells(obj.spec?.template?.spec?.containers);
    return [
      nameOf(obj),
      `${obj.status?.readyReplicas ?? 0}/${replicasOf(obj.spec)}`,
      obj.status?.updatedReplicas ?? 0,
      obj.status?.availableReplicas ?? 0,
      ageOf(obj, now),
      names,
      images,
      selectorString(obj.spec?.selector),
    ];
  },
);

export const statefulSetPrinter: TablePrinter = printer<StatefulSet>(
  [
    NAME_COLUMN,
    column({ name: "Ready", description: "Number of the pod with ready state" }),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
  ],
  (obj, now) => {
    const [names, images] = layoutContainerCells(obj.spec?.template?.spec?.containers);
    return [nameOf(obj), `${obj.status?.readyReplicas ?? 0}/${replicasOf(obj.spec)}`, ageOf(obj, now), names, images];
  },
);

export const daemonSetPrinter: TablePrinter = printer<DaemonSet>(
  [
    NAME_COLUMN,
    column({ name: "Desired", type: "integer", description: DESCRIPTIONS["DaemonSetStatus.desiredNumberScheduled"] }),
    column({ name: "Current", type: "integer", description: DESCRIPTIONS["DaemonSetStatus.currentNumberScheduled"] }),
    column({ name: "Ready", type: "integer", description: DESCRIPTIONS["DaemonSetStatus.numberReady"] }),
    column({
      name: "Up-to-date",
      type: "integer",
      description: DESCRIPTIONS["DaemonSetStatus.updatedNumberScheduled"],
    }),
    column({ name: "Available", type: "integer", description: DESCRIPTIONS["DaemonSetStatus.numberAvailable"] }),
    column({ name: "Node Selector", description: DESCRIPTIONS["PodSpec.nodeSelector"] }),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    column({ name: "Selector", priority: 1, description: DESCRIPTIONS["DaemonSetSpec.selector"] }),
  ],
  (obj, now) => {
    const [names, images] = layoutContainerCells(obj.spec?.template?.spec?.containers);
    const s = obj.status;
    return [
      nameOf(obj),
      s?.desiredNumberScheduled ?? 0,
      s?.currentNumberScheduled ?? 0,
      s?.numberReady ?? 0,
      s?.updatedNumberScheduled ?? 0,
      s?.numberAvailable ?? 0,
      formatLabels(obj.spec?.template?.spec?.nodeSelector),
      ageOf(obj, now),
      names,
      images,
      formatLabelSelector(obj.spec?.selector),
    ];
  },
);

/** schema.ParseGroupVersion(apiVersion).Group: "" for "v1", "apps" for "apps/v1". */
function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

export const controllerRevisionPrinter: TablePrinter = printer<ControllerRevision>(
  [
    NAME_COLUMN,
    column({ name: "Controller", description: "Controller of the object" }),
    column({ name: "Revision", description: DESCRIPTIONS["ControllerRevision.revision"] }),
    AGE_COLUMN,
  ],
  (obj, now) => {
    const ref = (obj.metadata?.ownerReferences ?? []).find((r) => r.controller === true);
    let controller = "<none>";
    if (ref) {
      // formatResourceName(GroupKind, name, withKind=true): lower("Kind.group") + "/" + name.
      const group = groupOf(ref.apiVersion ?? "");
      const kind = group === "" ? ref.kind : `${ref.kind}.${group}`;
      controller = kind === "" ? ref.name : `${kind.toLowerCase()}/${ref.name}`;
    }
    return [nameOf(obj), controller, obj.revision ?? 0, ageOf(obj, now)];
  },
);
