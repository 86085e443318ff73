/** apps/v1 validation: Deployment, ReplicaSet, StatefulSet, DaemonSet (pkg/apis/apps/validation). */
import type {
  DaemonSet,
  DaemonSetSpec,
  Deployment,
  DeploymentSpec,
  ReplicaSet,
  ReplicaSetSpec,
  StatefulSet,
  StatefulSetSpec,
} from "kubernetes-types/apps/v1.js";
import type { PodTemplateSpec } from "kubernetes-types/core/v1.js";
import type { LabelSelector } from "kubernetes-types/meta/v1.js";
import { validateLabelSelector, validateLabels } from "../selectors/validation.js";
import type { FieldError } from "../status.js";
import { FIELD_IMMUTABLE, forbidden, GoRepr, invalid, nonNegative, notSupported, required } from "./errors.js";
import { goIntOrString, goLabelSelector, goStringMap } from "./goformat.js";
import { isValidPercent, nameIsDNSLabel, nameIsDNSSubdomain } from "./names.js";
import { validateAnnotations, validateObjectMeta, validateObjectMetaUpdate } from "./objectmeta.js";
import { deepEqual, validatePodTemplateSpec } from "./pod.js";
import { asSelector, type SelectorCheck } from "./selector.js";

const SELECTOR_MISMATCH = "`selector` does not match template `labels`";

function validateSelector(sel: LabelSelector | undefined, path: string, kind: string): FieldError[] {
  if (!sel) return [required(path)];
  const errs = validateLabelSelector(sel, path);
  if (Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0) {
    errs.push(invalid(path, goLabelSelector(sel), `empty selector is invalid for ${kind}`));
  }
  return errs;
}

/** ValidatePodTemplateSpecForReplicaSet (Deployments and ReplicaSets). */
function templateForReplicaSet(
  t: PodTemplateSpec | undefined,
  selector: SelectorCheck,
  path: string,
  owner: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const labels = t?.metadata?.labels;
  if (!selector.empty && !selector.matches(labels)) {
    errs.push(invalid(`${path}.metadata.labels`, goStringMap(labels), SELECTOR_MISMATCH));
  }
  errs.push(...validatePodTemplateSpec(t, path));
  const rp = t?.spec?.restartPolicy ?? "";
  if (rp !== "Always") errs.push(notSupported(`${path}.spec.restartPolicy`, rp, ["Always"]));
  if (t?.spec?.activeDeadlineSeconds !== undefined && t.spec.activeDeadlineSeconds !== null) {
    errs.push(forbidden(`${path}.spec.activeDeadlineSeconds`, `activeDeadlineSeconds in ${owner} is not Supported`));
  }
  return errs;
}

function percentValue(v: unknown): number | undefined {
  return typeof v === "string" && isValidPercent(v).length === 0 ? Number(v.slice(0, -1)) : undefined;
}

function intOrPercentValue(v: unknown): number {
  const p = percentValue(v);
  if (p !== undefined) return p;
  if (typeof v === "number") return v;
  const n = Number.parseInt(String(v ?? ""), 10);
  return Number.isNaN(n) ? 0 : n;
}

function positiveIntOrPercent(v: unknown, path: string): FieldError[] {
  if (typeof v === "string") return isValidPercent(v).map((m) => invalid(path, goIntOrString(v), m));
  if (typeof v === "number") return nonNegative(v, path);
  return [];
}

function notMoreThan100Percent(v: unknown, path: string): FieldError[] {
  const p = percentValue(v);
  return p !== undefined && p > 100 ? [invalid(path, goIntOrString(v), "must not be greater than 100%")] : [];
}

function validateDeploymentStrategy(spec: DeploymentSpec, path: string): FieldError[] {
  const s = spec.strategy ?? {};
  switch (s.type) {
    case "Recreate":
      return s.rollingUpdate
        ? [forbidden(`${path}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'")]
        : [];
    case "RollingUpdate": {
      const ru = s.rollingUpdate;
      if (!ru) return [required(`${path}.rollingUpdate`, "this should be defaulted and never be nil")];
      const at = `${path}.rollingUpdate`;
      const errs = [
        ...positiveIntOrPercent(ru.maxUnavailable, `${at}.maxUnavailable`),
        ...positiveIntOrPercent(ru.maxSurge, `${at}.maxSurge`),
      ];
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
        errs.push(
          invalid(`${at}.maxUnavailable`, goIntOrString(ru.maxUnavailable ?? 0), "may not be 0 when `maxSurge` is 0"),
        );
      }
      errs.push(...notMoreThan100Percent(ru.maxUnavailable, `${at}.maxUnavailable`));
      return errs;
    }
    default:
      return [
        notSupported(path, new GoRepr(`apps.DeploymentStrategy{Type:"${s.type ?? ""}"}`), [
          "Recreate",
          "RollingUpdate",
        ]),
      ];
  }
}

function validateDeploymentSpec(spec: DeploymentSpec): FieldError[] {
  const errs = nonNegative(spec.replicas, "spec.replicas");
  const sel = asSelector(spec.selector);
  errs.push(...validateSelector(spec.selector, "spec.selector", "deployment"));
  if (sel.error) errs.push(invalid("spec.selector", goLabelSelector(spec.selector), "invalid label selector"));
  else errs.push(...templateForReplicaSet(spec.template, sel, "spec.template", "ReplicaSet"));
  errs.push(...validateDeploymentStrategy(spec, "spec.strategy"));
  errs.push(...nonNegative(spec.minReadySeconds, "spec.minReadySeconds"));
  if (spec.revisionHistoryLimit !== undefined && spec.revisionHistoryLimit !== null) {
    errs.push(...nonNegative(spec.revisionHistoryLimit, "spec.revisionHistoryLimit"));
  }
  const pds = spec.progressDeadlineSeconds;
  if (pds !== undefined && pds !== null) {
    errs.push(...nonNegative(pds, "spec.progressDeadlineSeconds"));
    if (pds <= (spec.minReadySeconds ?? 0)) {
      errs.push(invalid("spec.progressDeadlineSeconds", pds, "must be greater than minReadySeconds"));
    }
  }
  return errs;
}

function immutableSelector(sel: LabelSelector | undefined, old: LabelSelector | undefined): FieldError[] {
  return deepEqual(sel ?? null, old ?? null) ? [] : [invalid("spec.selector", goLabelSelector(sel), FIELD_IMMUTABLE)];
}

export function validateDeployment(d: Deployment, old?: Deployment): FieldError[] {
  const errs = old
    ? validateObjectMetaUpdate(d.metadata, old.metadata)
    : validateObjectMeta(d.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  errs.push(...validateDeploymentSpec(d.spec ?? ({} as DeploymentSpec)));
  if (old) errs.push(...immutableSelector(d.spec?.selector, old.spec?.selector));
  return errs;
}

function validateReplicaSetSpec(spec: ReplicaSetSpec): FieldError[] {
  const errs = [
    ...nonNegative(spec.replicas, "spec.replicas"),
    ...nonNegative(spec.minReadySeconds, "spec.minReadySeconds"),
  ];
  errs.push(...validateSelector(spec.selector, "spec.selector", "deployment"));
  const sel = asSelector(spec.selector);
  if (sel.error) errs.push(invalid("spec.selector", goLabelSelector(spec.selector), "invalid label selector"));
  else errs.push(...templateForReplicaSet(spec.template, sel, "spec.template", "ReplicaSet"));
  return errs;
}

/** Create: ValidateReplicaSet. Update (the strategy): ValidateReplicaSet + ValidateReplicaSetUpdate + selector. */
export function validateReplicaSet(rs: ReplicaSet, old?: ReplicaSet): FieldError[] {
  const spec = rs.spec ?? ({} as ReplicaSetSpec);
  const errs = validateObjectMeta(rs.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  errs.push(...validateReplicaSetSpec(spec));
  if (!old) return errs;
  errs.push(...validateObjectMetaUpdate(rs.metadata, old.metadata));
  errs.push(...validateReplicaSetSpec(spec));
  errs.push(...immutableSelector(rs.spec?.selector, old.spec?.selector));
  return errs;
}

function validateStatefulSetSpec(spec: StatefulSetSpec): FieldError[] {
  const errs: FieldError[] = [];
  const pmp = spec.podManagementPolicy ?? "";
  if (pmp === "") errs.push(required("spec.podManagementPolicy"));
  else if (pmp !== "OrderedReady" && pmp !== "Parallel") {
    errs.push(invalid("spec.podManagementPolicy", pmp, "must be 'OrderedReady' or 'Parallel'"));
  }
  const us = spec.updateStrategy ?? {};
  switch (us.type ?? "") {
    case "":
      errs.push(required("spec.updateStrategy"));
      break;
    case "OnDelete":
      if (us.rollingUpdate) {
        errs.push(
          invalid(
            "spec.updateStrategy.rollingUpdate",
            new GoRepr(`&apps.RollingUpdateStatefulSetStrategy{Partition:${us.rollingUpdate.partition ?? 0}}`),
            "only allowed for updateStrategy 'RollingUpdate'",
          ),
        );
      }
      break;
    case "RollingUpdate":
      if (us.rollingUpdate) {
        const at = "spec.updateStrategy.rollingUpdate";
        errs.push(...nonNegative(us.rollingUpdate.partition ?? 0, `${at}.partition`));
        const mu = us.rollingUpdate.maxUnavailable;
        if (mu !== undefined && mu !== null) {
          errs.push(...positiveIntOrPercent(mu, `${at}.maxUnavailable`));
          if (intOrPercentValue(mu) === 0) errs.push(invalid(`${at}.maxUnavailable`, goIntOrString(mu), "cannot be 0"));
          errs.push(...notMoreThan100Percent(mu, `${at}.maxUnavailable`));
        }
      }
      break;
    default:
      errs.push(
        invalid(
          "spec.updateStrategy",
          new GoRepr(`apps.StatefulSetUpdateStrategy{Type:"${us.type}"}`),
          "must be 'RollingUpdate' or 'OnDelete'",
        ),
      );
  }
  const retention = spec.persistentVolumeClaimRetentionPolicy;
  if (retention) {
    for (const key of ["whenDeleted", "whenScaled"] as const) {
      const v = retention[key] ?? "";
      if (v !== "Retain" && v !== "Delete") {
        errs.push(notSupported(`spec.persistentVolumeClaimRetentionPolicy.${key}`, v, ["Retain", "Delete"]));
      }
    }
  }
  errs.push(...nonNegative(spec.replicas, "spec.replicas"));
  errs.push(...nonNegative(spec.minReadySeconds, "spec.minReadySeconds"));
  if (spec.ordinals) errs.push(...nonNegative(spec.ordinals.start, "spec.ordinals.start"));
  errs.push(...validateSelector(spec.selector, "spec.selector", "statefulset"));
  const sel = asSelector(spec.selector);
  if (sel.error) errs.push(invalid("spec.selector", goLabelSelector(spec.selector), ""));
  else {
    const t = spec.template;
    const labels = t?.metadata?.labels;
    if (!sel.empty && !sel.matches(labels))
      errs.push(invalid("spec.template.metadata.labels", goStringMap(labels), SELECTOR_MISMATCH));
    errs.push(...validateLabels(labels, "spec.template.labels"));
    errs.push(...validateAnnotations(t?.metadata?.annotations, "spec.template.annotations"));
  }
  const rp = spec.template?.spec?.restartPolicy ?? "";
  if (rp !== "Always") errs.push(notSupported("spec.template.spec.restartPolicy", rp, ["Always"]));
  if (spec.template?.spec?.activeDeadlineSeconds !== undefined && spec.template.spec.activeDeadlineSeconds !== null) {
    errs.push(
      forbidden("spec.template.spec.activeDeadlineSeconds", "activeDeadlineSeconds in StatefulSet is not Supported"),
    );
  }
  return errs;
}

export function validateStatefulSet(ss: StatefulSet, old?: StatefulSet): FieldError[] {
  if (!old) {
    const errs = validateObjectMeta(ss.metadata, { namespaced: true, nameFn: nameIsDNSLabel });
    // Upstream leaves the template's pod spec unvalidated for StatefulSets (ValidatePodTemplateSpecForStatefulSet TODO).
    errs.push(...validateStatefulSetSpec(ss.spec ?? ({} as StatefulSetSpec)));
    return errs;
  }
  const errs = validateObjectMetaUpdate(ss.metadata, old.metadata);
  errs.push(...validateStatefulSetSpec(ss.spec ?? ({} as StatefulSetSpec)));
  const mutable = [
    "replicas",
    "template",
    "updateStrategy",
    "minReadySeconds",
    "ordinals",
    "persistentVolumeClaimRetentionPolicy",
  ];
  const strip = (s: StatefulSetSpec | undefined): Record<string, unknown> =>
    Object.fromEntries(Object.entries(s ?? {}).filter(([k]) => !mutable.includes(k)));
  if (!deepEqual(strip(ss.spec), strip(old.spec))) {
    errs.push(
      forbidden(
        "spec",
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    );
  }
  return errs;
}

function validateDaemonSetSpec(spec: DaemonSetSpec): FieldError[] {
  const errs = spec.selector ? validateLabelSelector(spec.selector, "spec.selector") : [];
  const sel = asSelector(spec.selector);
  const labels = spec.template?.metadata?.labels;
  if (!sel.error && !sel.matches(labels))
    errs.push(invalid("spec.template.metadata.labels", goStringMap(labels), SELECTOR_MISMATCH));
  if (
    spec.selector &&
    Object.keys(spec.selector.matchLabels ?? {}).length + (spec.selector.matchExpressions ?? []).length === 0
  ) {
    errs.push(invalid("spec.selector", goLabelSelector(spec.selector), "empty selector is invalid for daemonset"));
  }
  errs.push(...validatePodTemplateSpec(spec.template, "spec.template"));
  const rp = spec.template?.spec?.restartPolicy ?? "";
  if (rp !== "Always") errs.push(notSupported("spec.template.spec.restartPolicy", rp, ["Always"]));
  if (spec.template?.spec?.activeDeadlineSeconds !== undefined && spec.template.spec.activeDeadlineSeconds !== null) {
    errs.push(
      forbidden("spec.template.spec.activeDeadlineSeconds", "activeDeadlineSeconds in DaemonSet is not Supported"),
    );
  }
  errs.push(...nonNegative(spec.minReadySeconds, "spec.minReadySeconds"));
  const us = spec.updateStrategy ?? {};
  switch (us.type) {
    case "OnDelete":
      break;
    case "RollingUpdate": {
      const ru = us.rollingUpdate;
      if (!ru) {
        errs.push(required("spec.updateStrategy.rollingUpdate"));
        break;
      }
      const at = "spec.updateStrategy.rollingUpdate";
      errs.push(...positiveIntOrPercent(ru.maxUnavailable, `${at}.maxUnavailable`));
      errs.push(...positiveIntOrPercent(ru.maxSurge, `${at}.maxSurge`));
      errs.push(...notMoreThan100Percent(ru.maxUnavailable, `${at}.maxUnavailable`));
      errs.push(...notMoreThan100Percent(ru.maxSurge, `${at}.maxSurge`));
      const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
      const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
      if (hasUnavailable && hasSurge) {
        errs.push(
          invalid(`${at}.maxSurge`, goIntOrString(ru.maxSurge), "may not be set when maxUnavailable is non-zero"),
        );
      } else if (!hasUnavailable && !hasSurge) {
        errs.push(required(`${at}.maxUnavailable`, "cannot be 0 when maxSurge is 0"));
      }
      break;
    }
    default:
      errs.push(
        notSupported("spec.updateStrategy", new GoRepr(`apps.DaemonSetUpdateStrategy{Type:"${us.type ?? ""}"}`), [
          "RollingUpdate",
          "OnDelete",
        ]),
      );
  }
  if (spec.revisionHistoryLimit !== undefined && spec.revisionHistoryLimit !== null) {
    errs.push(...nonNegative(spec.revisionHistoryLimit, "spec.revisionHistoryLimit"));
  }
  return errs;
}

/** Create: ValidateDaemonSet. Update (the strategy): ValidateDaemonSet + ValidateDaemonSetUpdate + selector. */
export function validateDaemonSet(ds: DaemonSet, old?: DaemonSet): FieldError[] {
  const spec = ds.spec ?? ({} as DaemonSetSpec);
  const errs = validateObjectMeta(ds.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  errs.push(...validateDaemonSetSpec(spec));
  if (!old) return errs;
  errs.push(...validateObjectMetaUpdate(ds.metadata, old.metadata));
  errs.push(...validateDaemonSetSpec(spec));
  errs.push(...immutableSelector(ds.spec?.selector, old.spec?.selector));
  return errs;
}
