/** batch/v1 defaults (pkg/apis/batch/v1/defaults.go, v1.33 feature gates at their defaults). */
import { defaultPodTemplateSpec } from "./pod.js";
import { child, defPointer, defString, isObj, items, maybe, type Obj } from "./util.js";

const MAX_INT32 = 2147483647;

export function defaultJob(job: Obj): void {
  const spec = child(job, "spec");
  const unset = (k: string): boolean => spec[k] === undefined || spec[k] === null;
  if (unset("completions") && unset("parallelism")) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  defPointer(spec, "parallelism", 1);
  if (unset("backoffLimit")) spec.backoffLimit = unset("backoffLimitPerIndex") ? 6 : MAX_INT32;
  // Upstream shares the template's label map with the Job (obj.Labels = labels), so the labels the strategy
  // later adds to the template (job-name, controller-uid) show up on the Job as well: keep the same object.
  const template = child(spec, "template");
  const templateLabels = maybe(maybe(template, "metadata"), "labels");
  const meta = child(job, "metadata");
  if (templateLabels && !(isObj(meta.labels) && Object.keys(meta.labels).length > 0)) meta.labels = templateLabels;
  defPointer(spec, "completionMode", "NonIndexed");
  defPointer(spec, "suspend", false);
  defPointer(spec, "podReplacementPolicy", isObj(spec.podFailurePolicy) ? "Failed" : "TerminatingOrFailed");
  for (const rule of items(maybe(spec, "podFailurePolicy"), "rules")) {
    for (const pattern of items(rule, "onPodConditions")) defString(pattern, "status", "True");
  }
  defaultPodTemplateSpec(template);
}

export function defaultCronJob(cj: Obj): void {
  const spec = child(cj, "spec");
  defString(spec, "concurrencyPolicy", "Allow");
  defPointer(spec, "suspend", false);
  defPointer(spec, "successfulJobsHistoryLimit", 3);
  defPointer(spec, "failedJobsHistoryLimit", 1);
  const jobSpec = child(child(spec, "jobTemplate"), "spec");
  for (const rule of items(maybe(jobSpec, "podFailurePolicy"), "rules")) {
    for (const pattern of items(rule, "onPodConditions")) defString(pattern, "status", "True");
  }
  defaultPodTemplateSpec(child(jobSpec, "template"));
}
