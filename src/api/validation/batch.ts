/** batch/v1 validation: Job and CronJob, plus the Job create strategy's selector generation (not run here). */
import type { CronJob, CronJobSpec, Job, JobSpec, JobTemplateSpec } from "kubernetes-types/batch/v1.js";
import type { ObjectMeta } from "kubernetes-types/meta/v1.js";
import { validateLabelSelector } from "../selectors/validation.js";
import type { FieldError } from "../status.js";
import { FIELD_IMMUTABLE, GoRepr, invalid, nonNegative, notSupported, required } from "./errors.js";
import { goLabelSelector, goStringMap } from "./goformat.js";
import { isDNS1123Label, nameIsDNSSubdomain } from "./names.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./objectmeta.js";
import { deepEqual, validatePodTemplateSpec } from "./pod.js";
import { asSelector } from "./selector.js";
import { cronParseError, isTimeZone } from "./cron.js";

const JOB_NAME = "batch.kubernetes.io/job-name";
const CONTROLLER_UID = "batch.kubernetes.io/controller-uid";
const LEGACY_JOB_NAME = "job-name";
const LEGACY_CONTROLLER_UID = "controller-uid";

/**
 * The Job strategy's generateSelector (upstream v1.33 runs it inside Validate on create, after the UID is
 * assigned; the API server runs it in the Job strategy's prepareForCreate, just before validation, which keeps
 * `validateObject` pure): adds the job-name/controller-uid labels to the template and selects on the
 * controller uid. Mutates `job`.
 * Upstream's defaulting aliases metadata.labels to the template's label map when the Job had none, so those
 * labels appear on the Job too; applyDefaults reproduces the aliasing with a shared object.
 */
export function generateJobSelector(job: Job): void {
  if (job.spec?.manualSelector === true) return;
  const spec = (job.spec ??= {} as JobSpec);
  const template = (spec.template ??= {});
  const meta = (template.metadata ??= {});
  const labels = (meta.labels ??= {});
  const name = job.metadata?.name ?? "";
  const uid = job.metadata?.uid ?? "";
  for (const key of [LEGACY_JOB_NAME, JOB_NAME]) if (!(key in labels)) labels[key] = name;
  for (const key of [LEGACY_CONTROLLER_UID, CONTROLLER_UID]) if (!(key in labels)) labels[key] = uid;
  const selector = (spec.selector ??= {});
  const matchLabels = (selector.matchLabels ??= {});
  if (!(CONTROLLER_UID in matchLabels)) matchLabels[CONTROLLER_UID] = uid;
}

function hasLabel(meta: ObjectMeta | undefined, key: string, expected: string, path: string): FieldError[] {
  const labels = meta?.labels ?? {};
  const at = `${path}.labels[${key}]`;
  if (!(key in labels)) return [required(at, `must be '${expected}'`)];
  if (labels[key] !== expected) return [invalid(at, goStringMap(meta?.labels), `must be '${expected}'`)];
  return [];
}

function validateGeneratedSelector(job: Job, batchLabels: boolean): FieldError[] {
  const spec = job.spec;
  if (spec?.manualSelector === true || !spec?.selector) return [];
  const errs: FieldError[] = [];
  const uid = job.metadata?.uid ?? "";
  const name = job.metadata?.name ?? "";
  if (!uid) errs.push(required("metadata.uid"));
  const tmeta = spec.template?.metadata;
  errs.push(...hasLabel(tmeta, LEGACY_CONTROLLER_UID, uid, "spec.template.metadata"));
  errs.push(...hasLabel(tmeta, LEGACY_JOB_NAME, name, "spec.template.metadata"));
  const expected: Record<string, string> = {};
  if (batchLabels) {
    errs.push(...hasLabel(tmeta, CONTROLLER_UID, uid, "spec.template.metadata"));
    errs.push(...hasLabel(tmeta, JOB_NAME, name, "spec.template.metadata"));
    expected[CONTROLLER_UID] = uid;
    expected[JOB_NAME] = name;
  }
  expected[LEGACY_CONTROLLER_UID] = uid;
  expected[LEGACY_JOB_NAME] = name;
  const sel = asSelector(spec.selector);
  if (!sel.error && !sel.matches(expected)) {
    errs.push(invalid("spec.selector", goLabelSelector(spec.selector), "`selector` not auto-generated"));
  }
  return errs;
}

/** validateJobSpec (shared by Jobs and CronJob job templates). */
function validateJobSpecCommon(spec: JobSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const opt = (v: number | undefined | null, f: string): void => {
    if (v !== undefined && v !== null) errs.push(...nonNegative(v, `${path}.${f}`));
  };
  opt(spec.parallelism, "parallelism");
  opt(spec.completions, "completions");
  opt(spec.activeDeadlineSeconds, "activeDeadlineSeconds");
  opt(spec.backoffLimit, "backoffLimit");
  opt(spec.ttlSecondsAfterFinished, "ttlSecondsAfterFinished");
  opt(spec.backoffLimitPerIndex, "backoffLimitPerIndex");
  opt(spec.maxFailedIndexes, "maxFailedIndexes");
  const mode = spec.completionMode;
  if (mode !== undefined && mode !== null) {
    if (mode !== "NonIndexed" && mode !== "Indexed") {
      errs.push(notSupported(`${path}.completionMode`, mode, ["NonIndexed", "Indexed"]));
    }
    if (mode === "Indexed") {
      if (spec.completions === undefined || spec.completions === null) {
        errs.push(required(`${path}.completions`, "when completion mode is Indexed"));
      }
      if ((spec.parallelism ?? 0) > 100000) {
        errs.push(
          invalid(
            `${path}.parallelism`,
            spec.parallelism!,
            "must be less than or equal to 100000 when completion mode is Indexed",
          ),
        );
      }
    }
  }
  if (mode === undefined || mode === null || mode === "NonIndexed") {
    if (spec.backoffLimitPerIndex !== undefined && spec.backoffLimitPerIndex !== null) {
      errs.push(invalid(`${path}.backoffLimitPerIndex`, spec.backoffLimitPerIndex, "requires indexed completion mode"));
    }
    if (spec.maxFailedIndexes !== undefined && spec.maxFailedIndexes !== null) {
      errs.push(invalid(`${path}.maxFailedIndexes`, spec.maxFailedIndexes, "requires indexed completion mode"));
    }
  }
  const prp = spec.podReplacementPolicy;
  if (prp !== undefined && prp !== null) {
    if (spec.podFailurePolicy) {
      if (prp !== "Failed") errs.push(notSupported(`${path}.podReplacementPolicy`, prp, ["Failed"]));
    } else if (prp !== "Failed" && prp !== "TerminatingOrFailed") {
      errs.push(notSupported(`${path}.podReplacementPolicy`, prp, ["Failed", "TerminatingOrFailed"]));
    }
  }
  errs.push(...validatePodTemplateSpec(spec.template, `${path}.template`));
  const rp = spec.template?.spec?.restartPolicy ?? "";
  const rpPath = `${path}.template.spec.restartPolicy`;
  if (rp === "Always" || rp === "") errs.push(required(rpPath, 'valid values: "OnFailure", "Never"'));
  else if (rp !== "OnFailure" && rp !== "Never") errs.push(notSupported(rpPath, rp, ["OnFailure", "Never"]));
  else if (spec.podFailurePolicy && rp !== "Never") {
    errs.push(invalid(rpPath, rp, 'only "Never" is supported when podFailurePolicy is specified'));
  }
  return errs;
}

/** ValidateJobSpec: the common checks plus selector presence and selector/template agreement. */
function validateJobSpec(spec: JobSpec): FieldError[] {
  const errs = validateJobSpecCommon(spec, "spec");
  if (!spec.selector) errs.push(required("spec.selector"));
  else errs.push(...validateLabelSelector(spec.selector, "spec.selector"));
  const sel = asSelector(spec.selector);
  if (!sel.error) {
    if (sel.empty) errs.push(required("spec.selector"));
    const labels = spec.template?.metadata?.labels;
    if (!sel.matches(labels)) {
      errs.push(
        invalid("spec.template.metadata.labels", goStringMap(labels), "`selector` does not match template `labels`"),
      );
    }
  }
  return errs;
}

/** ValidateJob: metadata, the indexed-hostname length, the generated selector and the spec. */
function validateJobCreate(job: Job, batchLabels: boolean): FieldError[] {
  const spec = job.spec ?? ({} as JobSpec);
  const errs = validateObjectMeta(job.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const name = job.metadata?.name ?? "";
  if (spec.completionMode === "Indexed" && (spec.completions ?? 0) > 0) {
    const maxHostname = `${name}-${spec.completions! - 1}`;
    if (isDNS1123Label(maxHostname).length > 0) {
      errs.push(invalid("metadata.name", name, `will not able to create pod with invalid DNS label: ${maxHostname}`));
    }
  }
  errs.push(...validateGeneratedSelector(job, batchLabels));
  errs.push(...validateJobSpec(spec));
  return errs;
}

/**
 * Create: ValidateJob (the strategy's Validate; the caller has run `generateJobSelector` first, as the API
 * server's Job strategy does). Update (the strategy's ValidateUpdate): ValidateJob + ValidateJobUpdate, hence
 * some errors twice, as upstream reports them. Never mutates `job`.
 */
export function validateJob(job: Job, old?: Job): FieldError[] {
  if (!old) return validateJobCreate(job, true);
  const spec = job.spec ?? ({} as JobSpec);
  const oldSpec = old.spec ?? ({} as JobSpec);
  const errs = validateJobCreate(job, JOB_NAME in (old.spec?.template?.metadata?.labels ?? {}));
  errs.push(...validateObjectMetaUpdate(job.metadata, old.metadata));
  errs.push(...validateJobSpec(spec));
  if (!deepEqual(spec.completions ?? null, oldSpec.completions ?? null)) {
    const indexed = spec.completionMode === "Indexed";
    if (!indexed) errs.push(invalid("spec.completions", spec.completions, FIELD_IMMUTABLE));
    else if (spec.completions !== undefined && spec.completions !== null && spec.completions !== spec.parallelism) {
      errs.push(invalid("spec.completions", spec.completions, "can only be modified in tandem with spec.parallelism"));
    }
  }
  if (!deepEqual(spec.selector ?? null, oldSpec.selector ?? null)) {
    errs.push(invalid("spec.selector", goLabelSelector(spec.selector), FIELD_IMMUTABLE));
  }
  errs.push(...validateJobTemplateUpdate(spec, oldSpec, old));
  if ((spec.completionMode ?? null) !== (oldSpec.completionMode ?? null)) {
    errs.push(invalid("spec.completionMode", spec.completionMode, FIELD_IMMUTABLE));
  }
  if (!deepEqual(spec.podFailurePolicy ?? null, oldSpec.podFailurePolicy ?? null)) {
    errs.push(invalid("spec.podFailurePolicy", new GoRepr("&batch.PodFailurePolicy{…}"), FIELD_IMMUTABLE));
  }
  if ((spec.backoffLimitPerIndex ?? null) !== (oldSpec.backoffLimitPerIndex ?? null)) {
    errs.push(invalid("spec.backoffLimitPerIndex", spec.backoffLimitPerIndex, FIELD_IMMUTABLE));
  }
  return errs;
}

/** validatePodTemplateUpdate: the template is immutable, except scheduling directives of a never-started suspended Job. */
function validateJobTemplateUpdate(spec: JobSpec, oldSpec: JobSpec, old: Job): FieldError[] {
  let oldTemplate = oldSpec.template ?? {};
  const template = spec.template ?? {};
  const neverStarted = oldSpec.suspend === true && !old.status?.startTime;
  if (neverStarted) {
    oldTemplate = {
      ...oldTemplate,
      metadata: {
        ...oldTemplate.metadata,
        labels: template.metadata?.labels,
        annotations: template.metadata?.annotations,
      },
      spec: {
        ...oldTemplate.spec!,
        nodeSelector: template.spec?.nodeSelector,
        tolerations: template.spec?.tolerations,
        schedulingGates: template.spec?.schedulingGates,
        affinity: template.spec?.affinity,
      },
    };
  }
  return deepEqual(template, oldTemplate)
    ? []
    : [invalid("spec.template", new GoRepr("core.PodTemplateSpec{…}"), FIELD_IMMUTABLE)];
}

function validateJobTemplateSpec(t: JobTemplateSpec | undefined, path: string): FieldError[] {
  const spec = t?.spec ?? ({} as JobSpec);
  const errs = validateJobSpecCommon(spec, `${path}.spec`);
  if (spec.selector)
    errs.push(invalid(`${path}.spec.selector`, goLabelSelector(spec.selector), "`selector` will be auto-generated"));
  if (spec.manualSelector === true) errs.push(notSupported(`${path}.spec.manualSelector`, true, ["nil", "false"]));
  return errs;
}

function validateCronJobSpec(spec: CronJobSpec, oldSpec: CronJobSpec | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const schedule = spec.schedule ?? "";
  if (!schedule) errs.push(required("spec.schedule"));
  else {
    const err = cronParseError(schedule);
    if (err !== undefined) errs.push(invalid("spec.schedule", schedule, err));
    const allowTZ = (oldSpec?.schedule ?? "").includes("TZ");
    if (schedule.includes("TZ")) {
      if (!allowTZ)
        errs.push(
          invalid("spec.schedule", schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"),
        );
      else if (spec.timeZone !== undefined && spec.timeZone !== null) {
        errs.push(invalid("spec.schedule", schedule, "cannot use both timeZone field and TZ or CRON_TZ in schedule"));
      }
    }
  }
  if (spec.startingDeadlineSeconds !== undefined && spec.startingDeadlineSeconds !== null) {
    errs.push(...nonNegative(spec.startingDeadlineSeconds, "spec.startingDeadlineSeconds"));
  }
  const tz = spec.timeZone;
  if ((!oldSpec || (oldSpec.timeZone ?? null) !== (tz ?? null)) && tz !== undefined && tz !== null) {
    if (!isTimeZone(tz) || tz === "Local") errs.push(invalid("spec.timeZone", tz, `unknown time zone ${tz}`));
  }
  const cp = spec.concurrencyPolicy ?? "";
  if (cp === "") errs.push(required("spec.concurrencyPolicy"));
  else if (!["Allow", "Forbid", "Replace"].includes(cp)) {
    errs.push(notSupported("spec.concurrencyPolicy", cp, ["Allow", "Forbid", "Replace"]));
  }
  errs.push(...validateJobTemplateSpec(spec.jobTemplate, "spec.jobTemplate"));
  for (const key of ["successfulJobsHistoryLimit", "failedJobsHistoryLimit"] as const) {
    const v = spec[key];
    if (v !== undefined && v !== null) errs.push(...nonNegative(v, `spec.${key}`));
  }
  return errs;
}

export function validateCronJob(cj: CronJob, old?: CronJob): FieldError[] {
  const spec = cj.spec ?? ({} as CronJobSpec);
  if (old) {
    const errs = validateObjectMetaUpdate(cj.metadata, old.metadata);
    errs.push(...validateCronJobSpec(spec, old.spec ?? ({} as CronJobSpec)));
    return errs;
  }
  const errs = validateObjectMeta(cj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  errs.push(...validateCronJobSpec(spec, undefined));
  const name = cj.metadata?.name ?? "";
  if (name.length > 52) errs.push(invalid("metadata.name", name, "must be no more than 52 characters"));
  return errs;
}
