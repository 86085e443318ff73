/**
 * Pods a Job creates (upstream job_controller.go manageJob + indexed_job_utils.go addCompletionIndex*): the
 * template plus the tracking finalizer and, for Indexed Jobs, the completion index annotation and label, the
 * `<job>-<index>` hostname and the JOB_COMPLETION_INDEX environment variable.
 */
import type { Container, Pod } from "kubernetes-types/core/v1.js";
import type { Job } from "kubernetes-types/batch/v1.js";
import { jobs } from "../../client/resources.js";
import { newControllerRef, podFromTemplate } from "../util/pods.js";
import {
  COMPLETION_INDEX_ANNOTATION,
  COMPLETION_INDEX_ENV,
  INDEX_FAILURE_COUNT_ANNOTATION,
  JOB_TRACKING_FINALIZER,
} from "./constants.js";

function addIndexEnv(containers: Container[] | undefined): void {
  for (const container of containers ?? []) {
    const env = (container.env ??= []);
    if (env.some((e) => e.name === COMPLETION_INDEX_ENV)) continue;
    env.push({
      name: COMPLETION_INDEX_ENV,
      valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX_ANNOTATION}']` } },
    });
  }
}

/** The pod for `job` (and completion `index` when Indexed), carrying the job-tracking finalizer. */
export function jobPod(job: Job, index?: number, indexFailureCount?: number): Pod {
  const pod = podFromTemplate(job.spec!.template, job, newControllerRef(job, jobs));
  const meta = pod.metadata!;
  meta.finalizers = [...(meta.finalizers ?? []).filter((f) => f !== JOB_TRACKING_FINALIZER), JOB_TRACKING_FINALIZER];
  if (index !== undefined) {
    meta.generateName = `${job.metadata!.name}-${index}-`;
    meta.annotations = { ...meta.annotations, [COMPLETION_INDEX_ANNOTATION]: `${index}` };
    meta.labels = { ...meta.labels, [COMPLETION_INDEX_ANNOTATION]: `${index}` };
    if (indexFailureCount !== undefined) meta.annotations[INDEX_FAILURE_COUNT_ANNOTATION] = `${indexFailureCount}`;
    const spec = pod.spec!;
    if (!spec.hostname) spec.hostname = `${job.metadata!.name}-${index}`;
    addIndexEnv(spec.initContainers);
    addIndexEnv(spec.containers);
  }
  return pod;
}
