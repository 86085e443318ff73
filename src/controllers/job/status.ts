/** Job status helpers (upstream job_controller.go / job util): conditions, finished checks, pod finish times. */
import type { Job, JobCondition } from "kubernetes-types/batch/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { JOB_TRACKING_FINALIZER } from "./constants.js";

/** The condition of `type` with status True, if any. */
export function trueCondition(job: Job, type: string): JobCondition | undefined {
  return job.status?.conditions?.find((c) => c.type === type && c.status === "True");
}

/** Complete or Failed (upstream IsJobFinished). */
export function isJobFinished(job: Job): boolean {
  return !!(trueCondition(job, "Complete") ?? trueCondition(job, "Failed"));
}

/** When the Job finished: the Complete/Failed condition's lastTransitionTime (upstream jobFinishTime). */
export function jobFinishTime(job: Job): number | undefined {
  const condition = job.status?.conditions?.find(
    (c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True",
  );
  const at = condition?.lastTransitionTime ? Date.parse(condition.lastTransitionTime) : NaN;
  return Number.isNaN(at) ? undefined : at;
}

export function hasTrackingFinalizer(pod: Pod): boolean {
  return pod.metadata?.finalizers?.includes(JOB_TRACKING_FINALIZER) ?? false;
}

/** When a finished pod finished: its containers' latest finishedAt, else `fallback`. */
export function podFinishTime(pod: Pod, fallback: number): number {
  let latest: number | undefined;
  for (const status of [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])]) {
    const at = Date.parse(status.state?.terminated?.finishedAt ?? "");
    if (!Number.isNaN(at)) latest = Math.max(latest ?? at, at);
  }
  return latest ?? fallback;
}

/**
 * Sets condition `type` to `status` (upstream ensureJobConditionStatus / addConditionWithTime): a new condition is
 * appended only when True; an existing one changes (with a new lastTransitionTime) only when status, reason or
 * message differ. Returns whether anything changed.
 */
export function setCondition(
  conditions: JobCondition[],
  type: string,
  status: "True" | "False",
  reason: string,
  message: string,
  now: Date,
): boolean {
  const existing = conditions.find((c) => c.type === type);
  const time = now.toISOString().replace(/\.\d{3}Z$/, "Z");
  if (!existing) {
    if (status === "False") return false;
    conditions.push({ type, status, reason, message, lastProbeTime: time, lastTransitionTime: time });
    return true;
  }
  if (existing.status === status && existing.reason === reason && existing.message === message) return false;
  if (existing.status !== status) existing.lastTransitionTime = time;
  existing.status = status;
  existing.reason = reason;
  existing.message = message;
  existing.lastProbeTime = time;
  return true;
}

/** RFC 3339 with seconds, as metav1.Time serializes. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}
