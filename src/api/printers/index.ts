// Server-side table printing for `kubectl get`: which printer serves which resource, and the Table body.
import * as admission from "./admission.js";
import * as apiserver from "./apiserver.js";
import * as apps from "./apps.js";
import * as batch from "./batch.js";
import * as cluster from "./cluster.js";
import * as config from "./config.js";
import { defaultPrinter } from "./default.js";
import * as dra from "./dra.js";
import * as events from "./events.js";
import * as network from "./network.js";
import * as pods from "./pods.js";
import * as policy from "./policy.js";
import * as rbac from "./rbac.js";
import { scalePrinter } from "./scale.js";
import * as storage from "./storage.js";
import type { TableBody, TableColumnDefinition, TablePrinter } from "./types.js";

export type { TableBody, TableCell, TableColumnDefinition, TablePrinter, TableRow } from "./types.js";
export { defaultPrinter } from "./default.js";
export { customResourcePrinter } from "./crd.js";
export { humanDuration, translateTimestampSince } from "./duration.js";

/** Printers by "resource.group" ("pods" for the core group), as upstream registers them per storage. */
const PRINTERS: ReadonlyMap<string, TablePrinter> = new Map<string, TablePrinter>([
  // core
  ["pods", pods.podPrinter],
  ["podtemplates", pods.podTemplatePrinter],
  ["replicationcontrollers", apps.replicationControllerPrinter],
  ["services", network.servicePrinter],
  ["endpoints", network.endpointsPrinter],
  ["namespaces", cluster.namespacePrinter],
  ["nodes", cluster.nodePrinter],
  ["events", events.eventPrinter],
  ["configmaps", config.configMapPrinter],
  ["secrets", config.secretPrinter],
  ["serviceaccounts", config.serviceAccountPrinter],
  ["resourcequotas", config.resourceQuotaPrinter],
  ["persistentvolumes", storage.persistentVolumePrinter],
  ["persistentvolumeclaims", storage.persistentVolumeClaimPrinter],
  ["componentstatuses", apiserver.componentStatusPrinter],
  // limitranges: no upstream printer (default table)
  // apps
  ["replicasets.apps", apps.replicaSetPrinter],
  ["deployments.apps", apps.deploymentPrinter],
  ["statefulsets.apps", apps.statefulSetPrinter],
  ["daemonsets.apps", apps.daemonSetPrinter],
  ["controllerrevisions.apps", apps.controllerRevisionPrinter],
  // batch
  ["jobs.batch", batch.jobPrinter],
  ["cronjobs.batch", batch.cronJobPrinter],
  // networking
  ["endpointslices.discovery.k8s.io", network.endpointSlicePrinter],
  ["ingresses.networking.k8s.io", network.ingressPrinter],
  ["ingressclasses.networking.k8s.io", network.ingressClassPrinter],
  ["networkpolicies.networking.k8s.io", network.networkPolicyPrinter],
  ["servicecidrs.networking.k8s.io", network.serviceCIDRPrinter],
  ["ipaddresses.networking.k8s.io", network.ipAddressPrinter],
  // cluster
  ["leases.coordination.k8s.io", cluster.leasePrinter],
  ["leasecandidates.coordination.k8s.io", apiserver.leaseCandidatePrinter],
  ["priorityclasses.scheduling.k8s.io", cluster.priorityClassPrinter],
  ["runtimeclasses.node.k8s.io", cluster.runtimeClassPrinter],
  // storage
  ["storageclasses.storage.k8s.io", storage.storageClassPrinter],
  ["csidrivers.storage.k8s.io", storage.csiDriverPrinter],
  ["csinodes.storage.k8s.io", storage.csiNodePrinter],
  ["volumeattachments.storage.k8s.io", storage.volumeAttachmentPrinter],
  ["csistoragecapacities.storage.k8s.io", storage.csiStorageCapacityPrinter],
  // autoscaling and policy
  ["horizontalpodautoscalers.autoscaling", policy.horizontalPodAutoscalerPrinter],
  ["poddisruptionbudgets.policy", policy.podDisruptionBudgetPrinter],
  // rbac: roles and clusterroles have no upstream printer (default table)
  ["rolebindings.rbac.authorization.k8s.io", rbac.roleBindingPrinter],
  ["clusterrolebindings.rbac.authorization.k8s.io", rbac.clusterRoleBindingPrinter],
  // events.k8s.io events share the core Event storage and its printer
  ["events.events.k8s.io", events.eventsV1Printer],
  // admission
  ["mutatingwebhookconfigurations.admissionregistration.k8s.io", admission.mutatingWebhookConfigurationPrinter],
  ["validatingwebhookconfigurations.admissionregistration.k8s.io", admission.validatingWebhookConfigurationPrinter],
  ["validatingadmissionpolicies.admissionregistration.k8s.io", admission.validatingAdmissionPolicyPrinter],
  ["validatingadmissionpolicybindings.admissionregistration.k8s.io", admission.validatingAdmissionPolicyBindingPrinter],
  ["mutatingadmissionpolicies.admissionregistration.k8s.io", admission.mutatingAdmissionPolicyPrinter],
  ["mutatingadmissionpolicybindings.admissionregistration.k8s.io", admission.mutatingAdmissionPolicyBindingPrinter],
  // control plane
  ["certificatesigningrequests.certificates.k8s.io", apiserver.certificateSigningRequestPrinter],
  ["flowschemas.flowcontrol.apiserver.k8s.io", apiserver.flowSchemaPrinter],
  ["prioritylevelconfigurations.flowcontrol.apiserver.k8s.io", apiserver.priorityLevelConfigurationPrinter],
  // dynamic resource allocation
  ["deviceclasses.resource.k8s.io", dra.deviceClassPrinter],
  ["resourceclaims.resource.k8s.io", dra.resourceClaimPrinter],
  ["resourceclaimtemplates.resource.k8s.io", dra.resourceClaimTemplatePrinter],
  ["resourceslices.resource.k8s.io", dra.resourceSlicePrinter],
]);

/** The resources (as "resource.group") that have their own printer; everything else gets the default table. */
export function printedResources(): string[] {
  return [...PRINTERS.keys()];
}

/**
 * The printer for a resource. `resource` may name a subresource: "deployments/scale" prints a Scale,
 * "pods/status" prints like "pods". Resources without a printer (CRDs, roles, limitranges, …) get the
 * default NAME / CREATED AT table.
 */
export function printerFor(resource: { group: string; resource: string }): TablePrinter {
  const [base, subresource] = resource.resource.split("/", 2);
  if (subresource === "scale") return scalePrinter;
  const key = resource.group === "" ? base! : `${base}.${resource.group}`;
  return PRINTERS.get(key) ?? defaultPrinter;
}

export interface ToTableOptions {
  /** TableOptions.noHeaders: omit the column definitions (rows only). */
  noHeaders?: boolean;
}

/**
 * The columnDefinitions and rows of a meta.k8s.io/v1 Table for `objects` (a list, a single get, or one
 * watch event). The API server adds kind, apiVersion, metadata, and rows[i].object for objects[i]
 * (sorted order when the printer sorts: use `orderForTable` to pair objects with rows).
 */
export function toTable(
  printer: TablePrinter,
  objects: readonly object[],
  now: Date,
  options: ToTableOptions = {},
): TableBody {
  const ordered = orderForTable(printer, objects);
  const columnDefinitions: TableColumnDefinition[] = options.noHeaders ? [] : printer.columns.map((c) => ({ ...c }));
  return { columnDefinitions, rows: ordered.map((obj) => ({ cells: printer.cells(obj, now) })) };
}

/** The objects in row order: unchanged, unless the printer sorts its lists (flowschemas). */
export function orderForTable<T extends object>(printer: TablePrinter, objects: readonly T[]): T[] {
  const list = [...objects];
  if (printer.compare) list.sort(printer.compare);
  return list;
}
