/** Pod, PodSpec, PodTemplateSpec and PodTemplate validation (core validation.go). */
import type { Container, Pod, PodSpec, PodTemplate, PodTemplateSpec, Toleration } from "kubernetes-types/core/v1.js";
import { validateLabelName, validateLabels } from "../selectors/validation.js";
import type { FieldError } from "../status.js";
import { forbidden, inclusiveRangeError, invalid, notSupported, required } from "./errors.js";
import { validateAffinity } from "./affinity.js";
import { dnsLabel, validateContainers, validateContainersOnlyForPod, validateInitContainers } from "./container.js";
import { isValidLabelValue, nameIsDNSSubdomain } from "./names.js";
import { validateAnnotations, validateObjectMeta, validateObjectMetaUpdate } from "./objectmeta.js";
import {
  podHostUsers,
  validateHostUsers,
  validatePodOSSecurity,
  validatePodSecurityContext,
  validateWindowsHostProcessPod,
} from "./securitycontext.js";
import { validateTopologySpreadConstraints } from "./topologyspread.js";
import { validateVolumes } from "./volumes.js";

const MAX_INT32 = 2147483647;

export const RESTART_POLICIES = ["Always", "OnFailure", "Never"];
const DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
const TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

function subdomainName(value: string, path: string): FieldError[] {
  return nameIsDNSSubdomain(value, false).map((m) => invalid(path, value, m));
}

/** ValidateTolerations. */
export function validateTolerations(tolerations: readonly Toleration[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (tolerations ?? []).forEach((t, i) => {
    const at = `${path}[${i}]`;
    const key = t.key ?? "";
    const op = t.operator ?? "";
    const value = t.value ?? "";
    if (key) errs.push(...validateLabelName(key, `${at}.key`));
    if (!key && op !== "Exists") {
      errs.push(
        invalid(
          `${at}.operator`,
          op,
          'operator must be Exists when `key` is empty, which means "match all values and all keys"',
        ),
      );
    }
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && t.effect !== "NoExecute") {
      errs.push(invalid(`${at}.effect`, t.effect ?? "", "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (op === "Equal" || op === "") {
      const msgs = isValidLabelValue(value);
      if (msgs.length) errs.push(invalid(`${at}.operator`, value, msgs.join(";")));
    } else if (op === "Exists") {
      if (value) errs.push(invalid(`${at}.operator`, value, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(notSupported(`${at}.operator`, op, ["Equal", "Exists"]));
    }
    if (t.effect && !TAINT_EFFECTS.includes(t.effect)) errs.push(notSupported(`${at}.effect`, t.effect, TAINT_EFFECTS));
  });
  return errs;
}

export interface PodSpecOptions {
  /** The spec belongs to a Pod (not a template): hostPort must equal containerPort under hostNetwork. */
  readonly resourceIsPod: boolean;
}

/** ValidatePodSpec. */
export function validatePodSpec(spec: PodSpec | undefined, path: string, opts: PodSpecOptions): FieldError[] {
  const s = spec ?? ({ containers: [] } as PodSpec);
  const errs: FieldError[] = [];
  if (s.terminationGracePeriodSeconds === undefined || s.terminationGracePeriodSeconds === null) {
    errs.push(required(`${path}.terminationGracePeriodSeconds`));
  }
  const grace = s.terminationGracePeriodSeconds ?? undefined;
  const vols = validateVolumes(s.volumes, `${path}.volumes`);
  errs.push(...vols.errors);
  const hostUsers = podHostUsers(s);
  errs.push(...validateContainers(s.containers, vols.byName, grace, `${path}.containers`, hostUsers));
  errs.push(
    ...validateInitContainers(s.initContainers, s.containers, vols.byName, grace, `${path}.initContainers`, hostUsers),
  );
  if (s.hostNetwork) {
    (s.containers ?? []).forEach((c, i) => {
      (c.ports ?? []).forEach((p, j) => {
        const hp = p.hostPort ?? 0;
        if ((opts.resourceIsPod || hp !== 0) && hp !== p.containerPort) {
          errs.push(
            invalid(
              `${path}.containers[${i}].ports[${j}].hostPort`,
              hp,
              "must match `containerPort` when `hostNetwork` is true",
            ),
          );
        }
      });
    });
  }
  const rp = s.restartPolicy ?? "";
  if (rp === "") errs.push(required(`${path}.restartPolicy`));
  else if (!RESTART_POLICIES.includes(rp)) errs.push(notSupported(`${path}.restartPolicy`, rp, RESTART_POLICIES));
  const dp = s.dnsPolicy ?? "";
  if (dp === "") errs.push(required(`${path}.dnsPolicy`));
  else if (!DNS_POLICIES.includes(dp)) errs.push(notSupported(`${path}.dnsPolicy`, dp, DNS_POLICIES));
  errs.push(...validateLabels(s.nodeSelector, `${path}.nodeSelector`));
  errs.push(...validatePodSecurityContext(s, path));
  errs.push(...validateAffinity(s.affinity, `${path}.affinity`));
  if (dp === "None") {
    if (!s.dnsConfig) errs.push(required(`${path}.dnsConfig`, "must provide `dnsConfig` when `dnsPolicy` is None"));
    else if (!s.dnsConfig.nameservers?.length) {
      errs.push(
        required(`${path}.dnsConfig.nameservers`, "must provide at least one DNS nameserver when `dnsPolicy` is None"),
      );
    }
  }
  errs.push(...validateTopologySpreadConstraints(s.topologySpreadConstraints, `${path}.topologySpreadConstraints`));
  errs.push(...validateWindowsHostProcessPod(s, path));
  errs.push(...validateHostUsers(s, path));
  if (s.serviceAccountName) errs.push(...subdomainName(s.serviceAccountName, `${path}.serviceAccountName`));
  if (s.nodeName) errs.push(...subdomainName(s.nodeName, `${path}.nodeName`));
  if (s.activeDeadlineSeconds !== undefined && s.activeDeadlineSeconds !== null) {
    const v = s.activeDeadlineSeconds;
    if (v < 1 || v > MAX_INT32)
      errs.push(invalid(`${path}.activeDeadlineSeconds`, v, inclusiveRangeError(1, MAX_INT32)));
  }
  if (s.hostname) errs.push(...dnsLabel(s.hostname, `${path}.hostname`));
  if (s.subdomain) errs.push(...dnsLabel(s.subdomain, `${path}.subdomain`));
  if (s.tolerations?.length) errs.push(...validateTolerations(s.tolerations, `${path}.tolerations`));
  if (s.priorityClassName) errs.push(...subdomainName(s.priorityClassName, `${path}.priorityClassName`));
  if (s.runtimeClassName !== undefined && s.runtimeClassName !== null) {
    errs.push(...subdomainName(s.runtimeClassName, `${path}.runtimeClassName`));
  }
  if (s.preemptionPolicy !== undefined && s.preemptionPolicy !== null) {
    if (s.preemptionPolicy === "") errs.push(required(`${path}.preemptionPolicy`));
    else if (!["PreemptLowerPriority", "Never"].includes(s.preemptionPolicy)) {
      errs.push(notSupported(`${path}.preemptionPolicy`, s.preemptionPolicy, ["PreemptLowerPriority", "Never"]));
    }
  }
  if (s.os) {
    if (!s.os.name) errs.push(required(`${path}.os.name`, "cannot be empty"));
    else if (!["linux", "windows"].includes(s.os.name))
      errs.push(notSupported(`${path}.os`, s.os.name, ["linux", "windows"]));
    else errs.push(...validatePodOSSecurity(s, path));
  }
  return errs;
}

/** ValidatePodTemplateSpec (labels, annotations, spec; ephemeral containers forbidden). */
export function validatePodTemplateSpec(t: PodTemplateSpec | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateLabels(t?.metadata?.labels, `${path}.labels`));
  errs.push(...validateAnnotations(t?.metadata?.annotations, `${path}.annotations`));
  errs.push(...validatePodSpec(t?.spec, `${path}.spec`, { resourceIsPod: false }));
  if (t?.spec?.ephemeralContainers?.length) {
    errs.push(forbidden(`${path}.spec.ephemeralContainers`, "ephemeral containers not allowed in pod template"));
  }
  return errs;
}

function validatePodMetadataAndSpec(pod: Pod): FieldError[] {
  const errs = validateObjectMeta(pod.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const ann = pod.metadata?.annotations ?? {};
  if ("kubernetes.io/config.mirror" in ann && !pod.spec?.nodeName) {
    errs.push(
      invalid(
        "metadata.annotations[kubernetes.io/config.mirror]",
        ann["kubernetes.io/config.mirror"]!,
        "must set spec.nodeName if mirror pod annotation is set",
      ),
    );
  }
  errs.push(...validatePodSpec(pod.spec, "spec", { resourceIsPod: true }));
  if (!pod.spec?.serviceAccountName) {
    (pod.spec?.volumes ?? []).forEach((v, vi) => {
      (v.projected?.sources ?? []).forEach((src, si) => {
        if (src.serviceAccountToken) {
          errs.push(
            forbidden(
              `spec.volumes[${vi}].projected.sources[${si}].serviceAccountToken`,
              "must not be specified when serviceAccountName is not set",
            ),
          );
        }
      });
    });
  }
  errs.push(...validateContainersOnlyForPod(pod.spec?.containers, "spec.containers"));
  errs.push(...validateContainersOnlyForPod(pod.spec?.initContainers, "spec.initContainers"));
  return errs;
}

/** ValidatePodCreate. */
export function validatePod(pod: Pod): FieldError[] {
  const errs = validatePodMetadataAndSpec(pod);
  if (pod.spec?.ephemeralContainers?.length) {
    errs.push(forbidden("spec.ephemeralContainers", "cannot be set on create"));
  }
  if (pod.spec?.nodeName && pod.spec.schedulingGates?.length) {
    errs.push(forbidden("spec.nodeName", "cannot be set until all schedulingGates have been cleared"));
  }
  return errs;
}

const UPDATABLE_POD_FIELDS = [
  "`spec.containers[*].image`",
  "`spec.initContainers[*].image`",
  "`spec.activeDeadlineSeconds`",
  "`spec.tolerations` (only additions to existing tolerations)",
  "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
];

function containerUpdates(
  next: readonly Container[] | undefined,
  prev: readonly Container[] | undefined,
  path: string,
): { errs: FieldError[]; stop: boolean } {
  const n = next ?? [];
  if (n.length !== (prev ?? []).length) {
    return { errs: [forbidden(path, "pod updates may not add or remove containers")], stop: true };
  }
  const errs: FieldError[] = [];
  n.forEach((c, i) => {
    const image = c.image ?? "";
    if (!image) errs.push(required(`${path}[${i}].image`));
    if (image.trim().length !== image.length) {
      errs.push(invalid(`${path}[${i}].image`, image, "must not have leading or trailing whitespace"));
    }
  });
  return { errs, stop: false };
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined && o[k] !== null)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

/** Semantic deep equality of JSON values (absent, null and undefined fields are equal). */
export function deepEqual(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

/** A short stand-in for upstream's cmp.Diff of the two specs: the top-level fields that differ. */
function specDiff(oldSpec: Record<string, unknown>, newSpec: Record<string, unknown>): string {
  const keys = [...new Set([...Object.keys(oldSpec), ...Object.keys(newSpec)])].sort();
  const lines = ["  core.PodSpec{"];
  for (const k of keys) {
    if (deepEqual(oldSpec[k], newSpec[k])) continue;
    if (oldSpec[k] !== undefined) lines.push(`- \t${k}: ${canonical(oldSpec[k])},`);
    if (newSpec[k] !== undefined) lines.push(`+ \t${k}: ${canonical(newSpec[k])},`);
  }
  lines.push("  }");
  return lines.join("\n") + "\n";
}

/** ValidatePodUpdate: only images, activeDeadlineSeconds, toleration additions and scheduling-gate removals. */
export function validatePodUpdate(pod: Pod, old: Pod): FieldError[] {
  const errs = validateObjectMetaUpdate(pod.metadata, old.metadata);
  errs.push(...validatePodMetadataAndSpec(pod));
  const spec = pod.spec ?? ({ containers: [] } as PodSpec);
  const oldSpec = old.spec ?? ({ containers: [] } as PodSpec);
  for (const [key, label] of [
    ["containers", "spec.containers"],
    ["initContainers", "spec.initContainers"],
  ] as const) {
    const r = containerUpdates(spec[key], oldSpec[key], label);
    errs.push(...r.errs);
    if (r.stop) return errs;
  }
  const ads = spec.activeDeadlineSeconds;
  if (ads !== undefined && ads !== null) {
    if (ads < 0 || ads > MAX_INT32) {
      errs.push(invalid("spec.activeDeadlineSeconds", ads, inclusiveRangeError(0, MAX_INT32)));
      return errs;
    }
    const prev = oldSpec.activeDeadlineSeconds;
    if (prev !== undefined && prev !== null && prev < ads) {
      errs.push(invalid("spec.activeDeadlineSeconds", ads, "must be less than or equal to previous value"));
      return errs;
    }
  } else if (oldSpec.activeDeadlineSeconds !== undefined && oldSpec.activeDeadlineSeconds !== null) {
    errs.push(invalid("spec.activeDeadlineSeconds", null, "must not update from a positive integer to nil value"));
  }
  // Only additions to tolerations (tolerationSeconds of existing ones may change).
  for (const prev of oldSpec.tolerations ?? []) {
    const found = (spec.tolerations ?? []).some((t) =>
      deepEqual({ ...prev, tolerationSeconds: t.tolerationSeconds }, t),
    );
    if (!found) {
      errs.push(forbidden("spec.tolerations", "existing toleration can not be modified except its tolerationSeconds"));
      break;
    }
  }
  if (spec.tolerations?.length) errs.push(...validateTolerations(spec.tolerations, "spec.tolerations"));
  const oldGates = new Set((oldSpec.schedulingGates ?? []).map((g) => g.name));
  (spec.schedulingGates ?? []).forEach((g, i) => {
    if (!oldGates.has(g.name)) {
      errs.push(
        forbidden(
          `spec.schedulingGates[${i}].name`,
          `only deletion is allowed, but found new scheduling gate '${g.name}'`,
        ),
      );
    }
  });
  if (deepEqual(spec, oldSpec)) return errs;
  const munged: PodSpec = {
    ...spec,
    containers: (spec.containers ?? []).map((c, i) => ({ ...c, image: oldSpec.containers?.[i]?.image ?? "" })),
    activeDeadlineSeconds: oldSpec.activeDeadlineSeconds,
    schedulingGates: oldSpec.schedulingGates,
    tolerations: oldSpec.tolerations,
  };
  if (spec.initContainers) {
    munged.initContainers = spec.initContainers.map((c, i) => ({
      ...c,
      image: oldSpec.initContainers?.[i]?.image ?? "",
    }));
  }
  const og = oldSpec.terminationGracePeriodSeconds;
  if (og !== undefined && og !== null && og < 0 && munged.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = og;
  }
  if (!deepEqual(munged, oldSpec)) {
    const diff = specDiff(oldSpec as unknown as Record<string, unknown>, munged as unknown as Record<string, unknown>);
    errs.push(
      forbidden("spec", `pod updates may not change fields other than ${UPDATABLE_POD_FIELDS.join(",")}\n${diff}`),
    );
  }
  return errs;
}

/** ValidatePodTemplate / ValidatePodTemplateUpdate. */
export function validatePodTemplate(pt: PodTemplate, old?: PodTemplate): FieldError[] {
  const errs = old
    ? validateObjectMetaUpdate(pt.metadata, old.metadata)
    : validateObjectMeta(pt.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  errs.push(...validatePodTemplateSpec(pt.template, "template"));
  return errs;
}
