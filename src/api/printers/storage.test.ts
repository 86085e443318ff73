import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  csiDriverPrinter,
  csiNodePrinter,
  csiStorageCapacityPrinter,
  persistentVolumeClaimPrinter,
  persistentVolumePrinter,
  storageClassPrinter,
  volumeAttachmentPrinter,
} from "./storage.js";
import { ago, cellsOf, header } from "./testutil.js";

describe("printers: persistentvolumes", () => {
  it("has upstream's columns", () => {
    assert.deepEqual(header(persistentVolumePrinter), [
      "NAME",
      "CAPACITY",
      "ACCESS MODES",
      "RECLAIM POLICY",
      "STATUS",
      "CLAIM",
      "STORAGECLASS",
      "VOLUMEATTRIBUTESCLASS",
      "REASON",
      "AGE",
    ]);
    assert.deepEqual(header(persistentVolumePrinter, true).slice(10), ["VOLUMEMODE"]);
  });

  it("prints a bound volume (TestPrintPersistentVolume)", () => {
    const pv = {
      metadata: { name: "pv1", creationTimestamp: ago(120) },
      spec: {
        capacity: { storage: "5Gi" },
        accessModes: ["ReadWriteMany", "ReadWriteOnce", "ReadWriteOnce"],
        persistentVolumeReclaimPolicy: "Retain",
        claimRef: { namespace: "default", name: "data" },
        storageClassName: "standard",
        volumeMode: "Block",
      },
      status: { phase: "Bound" },
    };
    assert.deepEqual(cellsOf(persistentVolumePrinter, pv), [
      "pv1",
      "5Gi",
      "RWO,RWX",
      "Retain",
      "Bound",
      "default/data",
      "standard",
      "<unset>",
      "",
      "2m",
      "Block",
    ]);
  });

  it("prints Terminating, the beta class annotation, VAC and a failure reason", () => {
    const pv = {
      metadata: {
        name: "pv2",
        deletionTimestamp: ago(1),
        annotations: { "volume.beta.kubernetes.io/storage-class": "legacy" },
      },
      spec: {
        capacity: { storage: "1Gi" },
        accessModes: ["ReadWriteOncePod", "ReadOnlyMany"],
        persistentVolumeReclaimPolicy: "Delete",
        storageClassName: "standard",
        volumeAttributesClassName: "gold",
      },
      status: { phase: "Failed", reason: "Recycle failed" },
    };
    assert.deepEqual(cellsOf(persistentVolumePrinter, pv), [
      "pv2",
      "1Gi",
      "ROX,RWOP",
      "Delete",
      "Terminating",
      "",
      "legacy",
      "gold",
      "Recycle failed",
      "<unknown>",
      "Filesystem",
    ]);
  });
});

describe("printers: persistentvolumeclaims", () => {
  it("has upstream's columns", () => {
    assert.deepEqual(header(persistentVolumeClaimPrinter), [
      "NAME",
      "STATUS",
      "VOLUME",
      "CAPACITY",
      "ACCESS MODES",
      "STORAGECLASS",
      "VOLUMEATTRIBUTESCLASS",
      "AGE",
    ]);
  });

  it("prints capacity and access modes from status once bound (TestPrintPersistentVolumeClaim)", () => {
    const pvc = {
      metadata: { name: "data", creationTimestamp: ago(10) },
      spec: { volumeName: "pv1", storageClassName: "standard", resources: { requests: { storage: "1Gi" } } },
      status: { phase: "Bound", capacity: { storage: "5Gi" }, accessModes: ["ReadWriteOnce"] },
    };
    assert.deepEqual(cellsOf(persistentVolumeClaimPrinter, pvc), [
      "data",
      "Bound",
      "pv1",
      "5Gi",
      "RWO",
      "standard",
      "<unset>",
      "10s",
      "Filesystem",
    ]);
  });

  it("leaves capacity and access modes empty while pending, and shows Terminating", () => {
    const pvc = {
      metadata: { name: "p", deletionTimestamp: ago(1) },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } }, volumeMode: "Block" },
      status: { phase: "Pending" },
    };
    assert.deepEqual(cellsOf(persistentVolumeClaimPrinter, pvc), [
      "p",
      "Terminating",
      "",
      "",
      "",
      "",
      "<unset>",
      "<unknown>",
      "Block",
    ]);
  });
});

describe("printers: storageclasses and CSI objects", () => {
  it("marks the default class and fills defaults (TestPrintStorageClass)", () => {
    assert.deepEqual(header(storageClassPrinter), [
      "NAME",
      "PROVISIONER",
      "RECLAIMPOLICY",
      "VOLUMEBINDINGMODE",
      "ALLOWVOLUMEEXPANSION",
      "AGE",
    ]);
    const sc = {
      metadata: {
        name: "local-path",
        creationTimestamp: ago(3600 * 5),
        annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
      },
      provisioner: "rancher.io/local-path",
      reclaimPolicy: "Delete",
      volumeBindingMode: "WaitForFirstConsumer",
    };
    assert.deepEqual(cellsOf(storageClassPrinter, sc), [
      "local-path (default)",
      "rancher.io/local-path",
      "Delete",
      "WaitForFirstConsumer",
      false,
      "5h",
    ]);
    const plain = {
      metadata: { name: "fast" },
      provisioner: "csi.example.com",
      reclaimPolicy: "Retain",
      allowVolumeExpansion: true,
    };
    assert.deepEqual(cellsOf(storageClassPrinter, plain), [
      "fast",
      "csi.example.com",
      "Retain",
      "Immediate",
      true,
      "<unknown>",
    ]);
  });

  it("prints CSI drivers, nodes, attachments and capacities", () => {
    const driver = {
      metadata: { name: "csi.example.com", creationTimestamp: ago(10) },
      spec: { attachRequired: false, podInfoOnMount: true, tokenRequests: [{ audience: "a" }, { audience: "b" }] },
    };
    assert.deepEqual(cellsOf(csiDriverPrinter, driver), [
      "csi.example.com",
      false,
      true,
      false,
      "a,b",
      false,
      "Persistent",
      "10s",
    ]);
    assert.deepEqual(
      cellsOf(csiNodePrinter, { metadata: { name: "n1" }, spec: { drivers: [{ name: "d", nodeID: "n1" }] } }),
      ["n1", 1, "<unknown>"],
    );
    const va = {
      metadata: { name: "csi-123", creationTimestamp: ago(10) },
      spec: { attacher: "csi.example.com", source: { persistentVolumeName: "pv1" }, nodeName: "n1" },
      status: { attached: true },
    };
    assert.deepEqual(cellsOf(volumeAttachmentPrinter, va), ["csi-123", "csi.example.com", "pv1", "n1", true, "10s"]);
    assert.deepEqual(
      cellsOf(csiStorageCapacityPrinter, { metadata: { name: "c" }, storageClassName: "sc", capacity: "10Gi" }),
      ["c", "sc", "10Gi"],
    );
    assert.deepEqual(cellsOf(csiStorageCapacityPrinter, { metadata: { name: "c" }, storageClassName: "sc" }), [
      "c",
      "sc",
      "<unset>",
    ]);
  });
});
