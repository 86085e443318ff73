/**
 * Deployment status and conditions (upstream sync.go calculateStatus and deployment_util.go condition
 * helpers): counts summed over the ReplicaSets, the Available condition, and the predicates the Progressing
 * condition is derived from (complete, progressing, timed out).
 */
import type { Deployment, DeploymentCondition, DeploymentStatus, ReplicaSet } from "kubernetes-types/apps/v1.js";
import {
  actualReplicaCount,
  availableReplicaCount,
  maxUnavailable,
  readyReplicaCount,
  replicasOf,
  specReplicaCount,
} from "./replicas.js";

export const AVAILABLE = "Available";
export const PROGRESSING = "Progressing";
export const REPLICA_FAILURE = "ReplicaFailure";

export const NEW_RS_REASON = "NewReplicaSetCreated";
export const FOUND_NEW_RS_REASON = "FoundNewReplicaSet";
export const NEW_RS_AVAILABLE_REASON = "NewReplicaSetAvailable";
export const RS_UPDATED_REASON = "ReplicaSetUpdated";
export const TIMED_OUT_REASON = "ProgressDeadlineExceeded";
export const PAUSED_REASON = "DeploymentPaused";
export const RESUMED_REASON = "DeploymentResumed";
export const FAILED_RS_CREATE_REASON = "ReplicaSetCreateError";
export const MIN_AVAILABLE_REASON = "MinimumReplicasAvailable";
export const MIN_UNAVAILABLE_REASON = "MinimumReplicasUnavailable";

/** metav1.Now() as serialized: RFC 3339 with second precision. */
export function nowTime(now: Date = new Date()): string {
  return now.toISOString().replace(/\.\d+Z$/, "Z");
}

export function newCondition(
  type: string,
  status: "True" | "False" | "Unknown",
  reason: string,
  message: string,
  now: Date = new Date(),
): DeploymentCondition {
  const time = nowTime(now);
  return { type, status, lastUpdateTime: time, lastTransitionTime: time, reason, message };
}

export function getCondition(status: DeploymentStatus | undefined, type: string): DeploymentCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/**
 * SetDeploymentCondition: a condition with the same status and reason is left alone; the same status keeps
 * its lastTransitionTime. Returns a new status.
 */
export function setCondition(status: DeploymentStatus, condition: DeploymentCondition): DeploymentStatus {
  const current = getCondition(status, condition.type);
  if (current && current.status === condition.status && current.reason === condition.reason) return status;
  const next =
    current && current.status === condition.status
      ? { ...condition, lastTransitionTime: current.lastTransitionTime }
      : condition;
  return { ...status, conditions: [...(status.conditions ?? []).filter((c) => c.type !== condition.type), next] };
}

export function removeCondition(status: DeploymentStatus, type: string): DeploymentStatus {
  if (!getCondition(status, type)) return status;
  const conditions = (status.conditions ?? []).filter((c) => c.type !== type);
  const { conditions: _dropped, ...rest } = status;
  return conditions.length === 0 ? rest : { ...rest, conditions };
}

/** HasProgressDeadline: set and not MaxInt32. */
export function hasProgressDeadline(d: Deployment): boolean {
  const seconds = d.spec?.progressDeadlineSeconds;
  return seconds !== undefined && seconds !== 2147483647;
}

/** calculateStatus: counts from the ReplicaSets plus the Available condition. */
export function calculateStatus(
  d: Deployment,
  allRSs: readonly (ReplicaSet | undefined)[],
  newRS: ReplicaSet | undefined,
  now: Date = new Date(),
): DeploymentStatus {
  const available = availableReplicaCount(allRSs);
  const total = specReplicaCount(allRSs);
  let status: DeploymentStatus = {
    observedGeneration: d.metadata?.generation ?? 0,
    replicas: actualReplicaCount(allRSs),
    updatedReplicas: actualReplicaCount([newRS]),
    readyReplicas: readyReplicaCount(allRSs),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
    ...(d.status?.collisionCount !== undefined ? { collisionCount: d.status.collisionCount } : {}),
    ...(d.status?.conditions ? { conditions: [...d.status.conditions] } : {}),
  };
  if (available >= replicasOf(d) - maxUnavailable(d)) {
    status = setCondition(
      status,
      newCondition(AVAILABLE, "True", MIN_AVAILABLE_REASON, "Deployment has minimum availability.", now),
    );
  } else {
    status = setCondition(
      status,
      newCondition(AVAILABLE, "False", MIN_UNAVAILABLE_REASON, "Deployment does not have minimum availability.", now),
    );
  }
  return status;
}

/** DeploymentComplete: every desired replica updated, available, and no old ones left. */
export function deploymentComplete(d: Deployment, status: DeploymentStatus): boolean {
  const replicas = replicasOf(d);
  return (
    (status.updatedReplicas ?? 0) === replicas &&
    (status.replicas ?? 0) === replicas &&
    (status.availableReplicas ?? 0) === replicas &&
    (status.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0)
  );
}

/** DeploymentProgressing: more updated/ready/available replicas or fewer old ones than last recorded. */
export function deploymentProgressing(d: Deployment, status: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (status.replicas ?? 0) - (status.updatedReplicas ?? 0);
  return (
    (status.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (status.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (status.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/** DeploymentTimedOut: no progress recorded within progressDeadlineSeconds of the last update. */
export function deploymentTimedOut(d: Deployment, status: DeploymentStatus, now: Date = new Date()): boolean {
  if (!hasProgressDeadline(d)) return false;
  const condition = getCondition(status, PROGRESSING);
  if (!condition) return false;
  if (condition.reason === NEW_RS_AVAILABLE_REASON) return false;
  if (condition.reason === TIMED_OUT_REASON) return true;
  const from = Date.parse(condition.lastUpdateTime ?? "");
  if (Number.isNaN(from)) return false;
  return from + d.spec!.progressDeadlineSeconds! * 1000 < now.getTime();
}

/** reflect.DeepEqual over statuses as the server stores them (zero counts may be omitted). */
export function statusEqual(a: DeploymentStatus | undefined, b: DeploymentStatus | undefined): boolean {
  const fields = [
    "observedGeneration",
    "replicas",
    "updatedReplicas",
    "readyReplicas",
    "availableReplicas",
    "unavailableReplicas",
  ] as const;
  for (const field of fields) if ((a?.[field] ?? 0) !== (b?.[field] ?? 0)) return false;
  if (a?.collisionCount !== b?.collisionCount) return false;
  const norm = (s: DeploymentStatus | undefined): string =>
    JSON.stringify(
      (s?.conditions ?? []).map((c) => [
        c.type,
        c.status,
        c.reason ?? "",
        c.message ?? "",
        c.lastUpdateTime ?? "",
        c.lastTransitionTime ?? "",
      ]),
    );
  return norm(a) === norm(b);
}
