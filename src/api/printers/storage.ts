// Storage: persistentvolumes, persistentvolumeclaims, storageclasses, csidrivers, csinodes, volumeattachments.
import type { PersistentVolume, PersistentVolumeClaim } from "kubernetes-types/core/v1.js";
import type {
  CSIDriver,
  CSINode,
  CSIStorageCapacity,
  StorageClass,
  VolumeAttachment,
} from "kubernetes-types/storage/v1.js";
import { DESCRIPTIONS } from "./descriptions.js";
import { column, type TablePrinter } from "./types.js";
import { AGE_COLUMN, NAME_COLUMN, accessModes, ageOf, nameOf, printer, quantity } from "./util.js";

const BETA_STORAGE_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class";

/** helper.GetPersistentVolumeClass: the beta annotation first, then spec.storageClassName. */
function persistentVolumeClass(pv: PersistentVolume): string {
  const annotations = pv.metadata?.annotations ?? {};
  if (Object.prototype.hasOwnProperty.call(annotations, BETA_STORAGE_CLASS_ANNOTATION)) {
    return annotations[BETA_STORAGE_CLASS_ANNOTATION]!;
  }
  return pv.spec?.storageClassName ?? "";
}

/** helper.GetPersistentVolumeClaimClass. */
function persistentVolumeClaimClass(pvc: PersistentVolumeClaim): string {
  const annotations = pvc.metadata?.annotations ?? {};
  if (Object.prototype.hasOwnProperty.call(annotations, BETA_STORAGE_CLASS_ANNOTATION)) {
    return annotations[BETA_STORAGE_CLASS_ANNOTATION]!;
  }
  return pvc.spec?.storageClassName ?? "";
}

export const persistentVolumePrinter: TablePrinter = printer<PersistentVolume>(
  [
    NAME_COLUMN,
    column({ name: "Capacity", description: DESCRIPTIONS["PersistentVolumeSpec.capacity"] }),
    column({ name: "Access Modes", description: DESCRIPTIONS["PersistentVolumeSpec.accessModes"] }),
    column({ name: "Reclaim Policy", description: DESCRIPTIONS["PersistentVolumeSpec.persistentVolumeReclaimPolicy"] }),
    column({ name: "Status", description: DESCRIPTIONS["PersistentVolumeStatus.phase"] }),
    column({ name: "Claim", description: DESCRIPTIONS["PersistentVolumeSpec.claimRef"] }),
    column({ name: "StorageClass", description: "StorageClass of the pv" }),
    column({ name: "VolumeAttributesClass", description: "VolumeAttributesClass of the pv" }),
    column({ name: "Reason", description: DESCRIPTIONS["PersistentVolumeStatus.reason"] }),
    AGE_COLUMN,
    column({ name: "VolumeMode", priority: 1, description: DESCRIPTIONS["PersistentVolumeSpec.volumeMode"] }),
  ],
  (obj, now) => {
    const ref = obj.spec?.claimRef;
    const claim = ref ? `${ref.namespace ?? ""}/${ref.name ?? ""}` : "";
    const phase = obj.metadata?.deletionTimestamp ? "Terminating" : (obj.status?.phase ?? "");
    return [
      nameOf(obj),
      quantity(obj.spec?.capacity?.["storage"]),
      accessModes(obj.spec?.accessModes),
      obj.spec?.persistentVolumeReclaimPolicy ?? "",
      phase,
      claim,
      persistentVolumeClass(obj),
      obj.spec?.volumeAttributesClassName ?? "<unset>",
      obj.status?.reason ?? "",
      ageOf(obj, now),
      // volumeMode defaults to Filesystem.
      obj.spec?.volumeMode ?? "Filesystem",
    ];
  },
);

export const persistentVolumeClaimPrinter: TablePrinter = printer<PersistentVolumeClaim>(
  [
    NAME_COLUMN,
    column({ name: "Status", description: DESCRIPTIONS["PersistentVolumeClaimStatus.phase"] }),
    column({ name: "Volume", description: DESCRIPTIONS["PersistentVolumeClaimSpec.volumeName"] }),
    column({ name: "Capacity", description: DESCRIPTIONS["PersistentVolumeClaimStatus.capacity"] }),
    column({ name: "Access Modes", description: DESCRIPTIONS["PersistentVolumeClaimStatus.accessModes"] }),
    column({ name: "StorageClass", description: "StorageClass of the pvc" }),
    column({ name: "VolumeAttributesClass", description: "VolumeAttributesClass of the pvc" }),
    AGE_COLUMN,
    column({ name: "VolumeMode", priority: 1, description: DESCRIPTIONS["PersistentVolumeClaimSpec.volumeMode"] }),
  ],
  (obj, now) => {
    const phase = obj.metadata?.deletionTimestamp ? "Terminating" : (obj.status?.phase ?? "");
    const volumeName = obj.spec?.volumeName ?? "";
    let capacity = "";
    let modes = "";
    if (volumeName !== "") {
      modes = accessModes(obj.status?.accessModes);
      capacity = quantity(obj.status?.capacity?.["storage"]);
    }
    return [
      nameOf(obj),
      phase,
      volumeName,
      capacity,
      modes,
      persistentVolumeClaimClass(obj),
      obj.spec?.volumeAttributesClassName ?? "<unset>",
      ageOf(obj, now),
      obj.spec?.volumeMode ?? "Filesystem",
    ];
  },
);

/** storageutil.IsDefaultAnnotation. */
function isDefaultClass(annotations: Readonly<Record<string, string>> | undefined): boolean {
  return (
    annotations?.["storageclass.kubernetes.io/is-default-class"] === "true" ||
    annotations?.["storageclass.beta.kubernetes.io/is-default-class"] === "true"
  );
}

export const storageClassPrinter: TablePrinter = printer<StorageClass>(
  [
    NAME_COLUMN,
    column({ name: "Provisioner", description: DESCRIPTIONS["StorageClass.provisioner"] }),
    column({ name: "ReclaimPolicy", description: DESCRIPTIONS["StorageClass.reclaimPolicy"] }),
    column({ name: "VolumeBindingMode", description: DESCRIPTIONS["StorageClass.volumeBindingMode"] }),
    column({ name: "AllowVolumeExpansion", description: DESCRIPTIONS["StorageClass.allowVolumeExpansion"] }),
    AGE_COLUMN,
  ],
  (obj, now) => [
    isDefaultClass(obj.metadata?.annotations) ? `${nameOf(obj)} (default)` : nameOf(obj),
    obj.provisioner ?? "",
    obj.reclaimPolicy ?? "Delete",
    obj.volumeBindingMode ?? "Immediate",
    obj.allowVolumeExpansion ?? false,
    ageOf(obj, now),
  ],
);

export const csiDriverPrinter: TablePrinter = printer<CSIDriver>(
  [
    NAME_COLUMN,
    column({ name: "AttachRequired", type: "boolean", description: DESCRIPTIONS["CSIDriverSpec.attachRequired"] }),
    column({ name: "PodInfoOnMount", type: "boolean", description: DESCRIPTIONS["CSIDriverSpec.podInfoOnMount"] }),
    column({ name: "StorageCapacity", type: "boolean", description: DESCRIPTIONS["CSIDriverSpec.storageCapacity"] }),
    column({ name: "TokenRequests", description: DESCRIPTIONS["CSIDriverSpec.tokenRequests"] }),
    column({
      name: "RequiresRepublish",
      type: "boolean",
      description: DESCRIPTIONS["CSIDriverSpec.requiresRepublish"],
    }),
    column({ name: "Modes", description: DESCRIPTIONS["CSIDriverSpec.volumeLifecycleModes"] }),
    AGE_COLUMN,
  ],
  (obj, now) => {
    const spec = obj.spec ?? {};
    const tokenRequests = spec.tokenRequests ? spec.tokenRequests.map((t) => t.audience).join(",") : "<unset>";
    // volumeLifecycleModes defaults to [Persistent].
    const modes = (spec.volumeLifecycleModes ?? ["Persistent"]).join(",");
    return [
      nameOf(obj),
      spec.attachRequired ?? true,
      spec.podInfoOnMount ?? false,
      spec.storageCapacity ?? false,
      tokenRequests,
      spec.requiresRepublish ?? false,
      modes === "" ? "<none>" : modes,
      ageOf(obj, now),
    ];
  },
);

export const csiNodePrinter: TablePrinter = printer<CSINode>(
  [
    NAME_COLUMN,
    column({
      name: "Drivers",
      type: "integer",
      description: "Drivers indicates the number of CSI drivers registered on the node",
    }),
    AGE_COLUMN,
  ],
  (obj, now) => [nameOf(obj), (obj.spec?.drivers ?? []).length, ageOf(obj, now)],
);

export const volumeAttachmentPrinter: TablePrinter = printer<VolumeAttachment>(
  [
    NAME_COLUMN,
    column({ name: "Attacher", format: "name", description: DESCRIPTIONS["VolumeAttachmentSpec.attacher"] }),
    column({ name: "PV", description: DESCRIPTIONS["VolumeAttachmentSource.persistentVolumeName"] }),
    column({ name: "Node", description: DESCRIPTIONS["VolumeAttachmentSpec.nodeName"] }),
    column({ name: "Attached", type: "boolean", description: DESCRIPTIONS["VolumeAttachmentStatus.attached"] }),
    AGE_COLUMN,
  ],
  (obj, now) => [
    nameOf(obj),
    obj.spec?.attacher ?? "",
    obj.spec?.source?.persistentVolumeName ?? "",
    obj.spec?.nodeName ?? "",
    obj.status?.attached ?? false,
    ageOf(obj, now),
  ],
);

export const csiStorageCapacityPrinter: TablePrinter = printer<CSIStorageCapacity>(
  [
    NAME_COLUMN,
    column({ name: "StorageClassName", description: DESCRIPTIONS["CSIStorageCapacity.storageClassName"] }),
    column({ name: "Capacity", description: DESCRIPTIONS["CSIStorageCapacity.capacity"] }),
  ],
  (obj) => [nameOf(obj), obj.storageClassName ?? "", obj.capacity !== undefined ? quantity(obj.capacity) : "<unset>"],
);
