/**
 * A StatefulSet pod's stable identity (upstream stateful_set_utils.go): ordinals and names `<set>-<ordinal>`
 * (spec.ordinals.start honoured), hostname and subdomain, the pod-name and pod-index labels, PVCs named
 * `<template>-<set>-<ordinal>` mounted in place of the template's volumes, and the pod predicates the
 * controller orders its work by.
 */
import type { StatefulSet } from "kubernetes-types/apps/v1.js";
import type { PersistentVolumeClaim, Pod, Volume } from "kubernetes-types/core/v1.js";
import { statefulSets } from "../../client/resources.js";
import { POD_REVISION_LABEL } from "../history/revisions.js";
import { isPodAvailable, isPodReady, newControllerRef, podFromTemplate } from "../util/pods.js";

export const POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
export const POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";

/** getStartOrdinal: spec.ordinals.start (default 0). */
export function startOrdinal(set: StatefulSet): number {
  return set.spec?.ordinals?.start ?? 0;
}

/** getEndOrdinal: the last ordinal a replica should have (start + replicas - 1). */
export function endOrdinal(set: StatefulSet): number {
  return startOrdinal(set) + replicasOf(set) - 1;
}

export function replicasOf(set: StatefulSet): number {
  return set.spec?.replicas ?? 1;
}

const ORDINAL_SUFFIX = /^(.*)-(\d+)$/;

/** getParentNameAndOrdinal: the set name and ordinal a pod name encodes, ordinal -1 when none. */
export function parentNameAndOrdinal(pod: Pod): { parent: string; ordinal: number } {
  const match = ORDINAL_SUFFIX.exec(pod.metadata?.name ?? "");
  if (!match) return { parent: "", ordinal: -1 };
  const ordinal = Number(match[2]);
  return { parent: match[1]!, ordinal: Number.isSafeInteger(ordinal) && ordinal <= 2 ** 31 - 1 ? ordinal : -1 };
}

export function ordinalOf(pod: Pod): number {
  return parentNameAndOrdinal(pod).ordinal;
}

/** isMemberOf: the pod's name is `<set>-<ordinal>`. */
export function isMemberOf(set: StatefulSet, pod: Pod): boolean {
  return parentNameAndOrdinal(pod).parent === set.metadata?.name;
}

export function podName(set: StatefulSet, ordinal: number): string {
  return `${set.metadata!.name}-${ordinal}`;
}

export function claimName(set: StatefulSet, templateName: string, ordinal: number): string {
  return `${templateName}-${set.metadata!.name}-${ordinal}`;
}

/** getPersistentVolumeClaims: the claims a pod of `ordinal` needs, keyed by template (= volume) name. */
export function claimsFor(set: StatefulSet, ordinal: number): Map<string, PersistentVolumeClaim> {
  const claims = new Map<string, PersistentVolumeClaim>();
  for (const template of set.spec?.volumeClaimTemplates ?? []) {
    const templateName = template.metadata?.name ?? "";
    const { status: _status, ...rest } = structuredClone(template);
    const claim: PersistentVolumeClaim = { apiVersion: "v1", kind: "PersistentVolumeClaim", ...rest };
    claim.metadata = {
      ...(claim.metadata ?? {}),
      name: claimName(set, templateName, ordinal),
      namespace: set.metadata?.namespace,
      labels: { ...(claim.metadata?.labels ?? {}), ...(set.spec?.selector?.matchLabels ?? {}) },
    };
    claims.set(templateName, claim);
  }
  return claims;
}

/** updateStorage: volumes named like a claim template become that claim's PVC; other volumes stay. */
function updateStorage(set: StatefulSet, pod: Pod, ordinal: number): void {
  const claims = claimsFor(set, ordinal);
  if (claims.size === 0) return;
  const volumes: Volume[] = [];
  for (const [name, claim] of claims) {
    volumes.push({ name, persistentVolumeClaim: { claimName: claim.metadata!.name! } });
  }
  for (const volume of pod.spec!.volumes ?? []) if (!claims.has(volume.name)) volumes.push(volume);
  pod.spec!.volumes = volumes;
}

/** initIdentity / updateIdentity: name, namespace, hostname, subdomain and the identity labels. */
function updateIdentity(set: StatefulSet, pod: Pod, ordinal: number): void {
  pod.metadata!.name = podName(set, ordinal);
  pod.metadata!.namespace = set.metadata?.namespace;
  pod.spec!.hostname = pod.metadata!.name;
  if (set.spec?.serviceName) pod.spec!.subdomain = set.spec.serviceName;
  pod.metadata!.labels = {
    ...(pod.metadata!.labels ?? {}),
    [POD_NAME_LABEL]: pod.metadata!.name,
    [POD_INDEX_LABEL]: String(ordinal),
  };
}

/** newStatefulSetPod from `set`'s template, with revision label `revisionName`. */
export function newStatefulSetPod(set: StatefulSet, ordinal: number, revisionName: string): Pod {
  const pod = podFromTemplate(set.spec!.template, set, newControllerRef(set, statefulSets));
  delete pod.metadata!.generateName;
  updateIdentity(set, pod, ordinal);
  updateStorage(set, pod, ordinal);
  pod.metadata!.labels![POD_REVISION_LABEL] = revisionName;
  return pod;
}

/** identityMatches: name, namespace, hostname/subdomain and the pod-name label are what the ordinal says. */
export function identityMatches(set: StatefulSet, pod: Pod): boolean {
  const { parent, ordinal } = parentNameAndOrdinal(pod);
  return (
    ordinal >= 0 &&
    parent === set.metadata?.name &&
    pod.metadata?.namespace === set.metadata?.namespace &&
    pod.metadata?.labels?.[POD_NAME_LABEL] === pod.metadata?.name &&
    pod.metadata?.labels?.[POD_INDEX_LABEL] === String(ordinal)
  );
}

/** The revision name a pod was created from (its controller-revision-hash label). */
export function podRevision(pod: Pod): string {
  return pod.metadata?.labels?.[POD_REVISION_LABEL] ?? "";
}

/** isCreated: the pod exists on the server (has a phase or uid; a pod built locally has neither). */
export function isCreated(pod: Pod): boolean {
  return !!pod.metadata?.uid || !!pod.status?.phase;
}

export function isFailed(pod: Pod): boolean {
  return pod.status?.phase === "Failed";
}

export function isSucceeded(pod: Pod): boolean {
  return pod.status?.phase === "Succeeded";
}

export function isTerminating(pod: Pod): boolean {
  return !!pod.metadata?.deletionTimestamp;
}

/** isRunningAndReady: phase Running and the Ready condition True. */
export function isRunningAndReady(pod: Pod): boolean {
  return pod.status?.phase === "Running" && isPodReady(pod);
}

/** isRunningAndAvailable: running and ready for minReadySeconds. */
export function isRunningAndAvailable(pod: Pod, minReadySeconds: number, now = new Date()): boolean {
  return pod.status?.phase === "Running" && isPodAvailable(pod, minReadySeconds, now);
}

/** isHealthy: running, ready and not being deleted. */
export function isHealthy(pod: Pod): boolean {
  return isRunningAndReady(pod) && !isTerminating(pod);
}
