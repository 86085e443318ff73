/**
 * The annotations a Deployment keeps on its ReplicaSets (upstream deployment_util.go): revision and revision
 * history, desired/max replicas, and the deployment's own annotations (e.g. kubernetes.io/change-cause) copied
 * onto the new ReplicaSet. Functions return changed copies and never mutate their input.
 */
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1.js";

export const REVISION_ANNOTATION = "deployment.kubernetes.io/revision";
export const REVISION_HISTORY_ANNOTATION = "deployment.kubernetes.io/revision-history";
export const DESIRED_REPLICAS_ANNOTATION = "deployment.kubernetes.io/desired-replicas";
export const MAX_REPLICAS_ANNOTATION = "deployment.kubernetes.io/max-replicas";
export const POD_TEMPLATE_HASH_LABEL = "pod-template-hash";
/** Upstream's limit on the revision-history annotation's length. */
export const MAX_REVISION_HISTORY_CHARS = 2000;

/** Deployment annotations never copied to ReplicaSets (upstream annotationsToSkip). */
const ANNOTATIONS_TO_SKIP = new Set([
  "kubectl.kubernetes.io/last-applied-configuration",
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  "deprecated.deployment.rollback.to",
]);

/** The revision annotation as a number; 0 when missing or invalid (upstream Revision + MaxRevision). */
export function revisionOf(object: { metadata?: { annotations?: Record<string, string> } } | undefined): number {
  const text = object?.metadata?.annotations?.[REVISION_ANNOTATION];
  if (text === undefined || !/^\d+$/.test(text)) return 0;
  return Number(text);
}

export function maxRevision(rss: readonly ReplicaSet[]): number {
  return rss.reduce((max, rs) => Math.max(max, revisionOf(rs)), 0);
}

/** A mutable annotations map for `rs` (a fresh copy). */
type Annotations = Record<string, string>;

/**
 * SetNewReplicaSetAnnotations: copies the deployment's annotations, raises the revision to `newRevision`
 * (recording the old one in revision-history when an existing ReplicaSet is brought back, i.e. a rollback),
 * and on creation (`exists` false) sets desired/max replicas. Returns the new annotations and whether they
 * changed.
 */
export function newReplicaSetAnnotations(
  d: Deployment,
  rs: ReplicaSet,
  newRevision: number,
  exists: boolean,
  maxReplicas: number,
): { annotations: Annotations; changed: boolean } {
  const annotations: Annotations = { ...(rs.metadata?.annotations ?? {}) };
  let changed = false;
  for (const [key, value] of Object.entries(d.metadata?.annotations ?? {})) {
    if (ANNOTATIONS_TO_SKIP.has(key) || annotations[key] === value) continue;
    annotations[key] = value;
    changed = true;
  }
  const oldText = annotations[REVISION_ANNOTATION];
  let oldRevision = 0;
  if (oldText !== undefined && oldText !== "") {
    if (!/^\d+$/.test(oldText)) return { annotations, changed: false };
    oldRevision = Number(oldText);
  }
  if (oldRevision < newRevision) {
    annotations[REVISION_ANNOTATION] = String(newRevision);
    changed = true;
    if (oldText !== undefined) {
      const history = annotations[REVISION_HISTORY_ANNOTATION] ?? "";
      const oldRevisions = history.split(",");
      if (oldRevisions[0]!.length === 0) {
        annotations[REVISION_HISTORY_ANNOTATION] = oldText;
      } else {
        let totalLength = history.length + oldText.length + 1;
        let start = 0;
        while (totalLength > MAX_REVISION_HISTORY_CHARS && start < oldRevisions.length) {
          totalLength -= oldRevisions[start]!.length + 1;
          start++;
        }
        if (totalLength <= MAX_REVISION_HISTORY_CHARS) {
          annotations[REVISION_HISTORY_ANNOTATION] = [...oldRevisions.slice(start), oldText].join(",");
        }
      }
    }
  }
  if (!exists && setReplicasAnnotations(annotations, d.spec?.replicas ?? 1, maxReplicas)) changed = true;
  return { annotations, changed };
}

/** SetReplicasAnnotations on a mutable map: true when it changed. */
export function setReplicasAnnotations(annotations: Annotations, desired: number, max: number): boolean {
  let changed = false;
  if (annotations[DESIRED_REPLICAS_ANNOTATION] !== String(desired)) {
    annotations[DESIRED_REPLICAS_ANNOTATION] = String(desired);
    changed = true;
  }
  if (annotations[MAX_REPLICAS_ANNOTATION] !== String(max)) {
    annotations[MAX_REPLICAS_ANNOTATION] = String(max);
    changed = true;
  }
  return changed;
}

/** ReplicasAnnotationsNeedUpdate. */
export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  const annotations = rs.metadata?.annotations ?? {};
  return (
    annotations[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || annotations[MAX_REPLICAS_ANNOTATION] !== String(max)
  );
}
