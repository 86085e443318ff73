/** autoscaling HorizontalPodAutoscaler validation (pkg/apis/autoscaling/validation, on the v2 storage shape). */
import type {
  ContainerResourceMetricSource,
  CrossVersionObjectReference,
  ExternalMetricSource,
  HPAScalingRules,
  HorizontalPodAutoscaler,
  HorizontalPodAutoscalerSpec,
  MetricIdentifier,
  MetricSpec,
  MetricTarget,
  ObjectMetricSource,
  PodsMetricSource,
  ResourceMetricSource,
} from "kubernetes-types/autoscaling/v2.js";
import type { FieldError } from "../status.js";
import { forbidden, invalid, notSupported, required } from "./errors.js";
import { validateContainerResourceName } from "./container.js";
import { isDNS1123Label, nameIsDNSSubdomain, nameIsPathSegment } from "./names.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./objectmeta.js";
import { isNegative, parseQuantity } from "./quantity.js";

/** MaxPeriodSeconds / MaxStabilizationWindowSeconds. */
const MAX_PERIOD_SECONDS = 1800;
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;
const METRIC_SOURCE_TYPES = ["ContainerResource", "External", "Object", "Pods", "Resource"];
const POLICY_TYPES = ["Percent", "Pods"];
const SELECT_POLICIES = ["Disabled", "Max", "Min"];

const has = (v: unknown): boolean => v !== undefined && v !== null;

/** ValidateCrossVersionObjectReference. */
export function validateCrossVersionObjectReference(
  ref: CrossVersionObjectReference | undefined,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ["kind", "name"] as const) {
    const v = ref?.[f] ?? "";
    if (!v) errs.push(required(`${path}.${f}`));
    else for (const m of nameIsPathSegment(v, false)) errs.push(invalid(`${path}.${f}`, v, m));
  }
  return errs;
}

/**
 * `Sign() != 1` of a *resource.Quantity. Upstream prints the pointer's struct with %#v; we print the canonical
 * quantity text instead (a known difference).
 */
function nonPositiveQuantity(raw: unknown, path: string): FieldError[] {
  const q = parseQuantity(raw);
  if (!q) return [];
  return isNegative(q) || q.num === 0n ? [invalid(path, q.text, "must be positive")] : [];
}

function validateMetricTarget(mt: MetricTarget | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = mt?.type ?? "";
  if (!type) errs.push(required(`${path}.type`, "must specify a metric target type"));
  if (type !== "Utilization" && type !== "Value" && type !== "AverageValue") {
    errs.push(invalid(`${path}.type`, type, "must be either Utilization, Value, or AverageValue"));
  }
  if (has(mt?.value)) errs.push(...nonPositiveQuantity(mt?.value, `${path}.value`));
  if (has(mt?.averageValue)) errs.push(...nonPositiveQuantity(mt?.averageValue, `${path}.averageValue`));
  const util = mt?.averageUtilization;
  if (typeof util === "number" && util < 1) {
    errs.push(invalid(`${path}.averageUtilization`, util, "must be greater than 0"));
  }
  return errs;
}

function validateMetricIdentifier(id: MetricIdentifier | undefined, path: string): FieldError[] {
  const name = id?.name ?? "";
  if (!name) return [required(`${path}.name`, "must specify a metric name")];
  return nameIsPathSegment(name, false).map((m) => invalid(`${path}.name`, name, m));
}

function validateObjectSource(src: ObjectMetricSource, path: string): FieldError[] {
  const errs = [
    ...validateCrossVersionObjectReference(src.describedObject, `${path}.describedObject`),
    ...validateMetricIdentifier(src.metric, `${path}.metric`),
    ...validateMetricTarget(src.target, `${path}.target`),
  ];
  if (!has(src.target?.value) && !has(src.target?.averageValue)) {
    errs.push(required(`${path}.target.averageValue`, "must set either a target value or averageValue"));
  }
  return errs;
}

function validateExternalSource(src: ExternalMetricSource, path: string): FieldError[] {
  const errs = [
    ...validateMetricIdentifier(src.metric, `${path}.metric`),
    ...validateMetricTarget(src.target, `${path}.target`),
  ];
  const value = has(src.target?.value);
  const avg = has(src.target?.averageValue);
  if (!value && !avg) {
    errs.push(required(`${path}.target.averageValue`, "must set either a target value for metric or a per-pod target"));
  }
  if (value && avg) {
    errs.push(forbidden(`${path}.target.value`, "may not set both a target value for metric and a per-pod target"));
  }
  return errs;
}

function validatePodsSource(src: PodsMetricSource, path: string): FieldError[] {
  const errs = [
    ...validateMetricIdentifier(src.metric, `${path}.metric`),
    ...validateMetricTarget(src.target, `${path}.target`),
  ];
  if (!has(src.target?.averageValue)) {
    errs.push(required(`${path}.target.averageValue`, "must specify a positive target averageValue"));
  }
  return errs;
}

function utilizationOrValue(target: MetricTarget | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const util = has(target?.averageUtilization);
  const avg = has(target?.averageValue);
  if (!util && !avg) {
    errs.push(
      required(`${path}.target.averageUtilization`, "must set either a target raw value or a target utilization"),
    );
  }
  if (util && avg) {
    errs.push(forbidden(`${path}.target.averageValue`, "may not set both a target raw value and a target utilization"));
  }
  return errs;
}

function validateResourceSource(src: ResourceMetricSource, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!src.name) errs.push(required(`${path}.name`, "must specify a resource name"));
  errs.push(...validateMetricTarget(src.target, `${path}.target`));
  errs.push(...utilizationOrValue(src.target, path));
  return errs;
}

function validateContainerResourceSource(src: ContainerResourceMetricSource, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!src.name) errs.push(required(`${path}.name`, "must specify a resource name"));
  else errs.push(...validateContainerResourceName(src.name, `${path}.name`));
  if (!src.container) errs.push(required(`${path}.container`, "must specify a container"));
  else for (const m of isDNS1123Label(src.container)) errs.push(invalid(`${path}.container`, src.container, m));
  errs.push(...validateMetricTarget(src.target, `${path}.target`));
  errs.push(...utilizationOrValue(src.target, path));
  return errs;
}

function validateMetricSpec(spec: MetricSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = spec.type ?? "";
  if (!type) errs.push(required(`${path}.type`, "must specify a metric source type"));
  if (!METRIC_SOURCE_TYPES.includes(type)) errs.push(notSupported(`${path}.type`, type, METRIC_SOURCE_TYPES));
  const present: string[] = [];
  const sources: [string, unknown, (src: never, p: string) => FieldError[]][] = [
    ["object", spec.object, validateObjectSource],
    ["external", spec.external, validateExternalSource],
    ["pods", spec.pods, validatePodsSource],
    ["resource", spec.resource, validateResourceSource],
    ["containerResource", spec.containerResource, validateContainerResourceSource],
  ];
  for (const [field, src, fn] of sources) {
    if (!has(src)) continue;
    present.push(field);
    if (present.length === 1) errs.push(...(fn as (s: unknown, p: string) => FieldError[])(src, `${path}.${field}`));
  }
  const expected: Record<string, string> = {
    Object: "object",
    Pods: "pods",
    Resource: "resource",
    External: "external",
    ContainerResource: "containerResource",
  };
  const expectedField = expected[type] ?? "";
  if (expectedField) {
    if (!present.includes(expectedField)) {
      errs.push(required(`${path}.${expectedField}`, "must populate information for the given metric source"));
    }
  } else {
    errs.push(notSupported(`${path}.type`, type, METRIC_SOURCE_TYPES));
  }
  if (present.length !== 1) {
    // Upstream ranges over a Go map (random order); sorted here.
    for (const f of present.filter((p) => p !== expectedField).sort()) {
      errs.push(forbidden(`${path}.${f}`, "must populate the given metric source only"));
    }
  }
  return errs;
}

function validateMetrics(metrics: readonly MetricSpec[], path: string, minReplicas: number | undefined): FieldError[] {
  const errs: FieldError[] = [];
  metrics.forEach((m, i) => errs.push(...validateMetricSpec(m, `${path}[${i}]`)));
  if (minReplicas === 0 && !metrics.some((m) => m.type === "Object" || m.type === "External")) {
    errs.push(
      forbidden(path, "must specify at least one Object or External metric to support scaling to zero replicas"),
    );
  }
  return errs;
}

function validateScalingRules(rules: HPAScalingRules | undefined | null, path: string): FieldError[] {
  if (!rules) return [];
  const errs: FieldError[] = [];
  const win = rules.stabilizationWindowSeconds;
  if (typeof win === "number" && win < 0) {
    errs.push(invalid(`${path}.stabilizationWindowSeconds`, win, "must be greater than or equal to zero"));
  }
  if (typeof win === "number" && win > MAX_STABILIZATION_WINDOW_SECONDS) {
    errs.push(
      invalid(
        `${path}.stabilizationWindowSeconds`,
        win,
        `must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`,
      ),
    );
  }
  if (has(rules.selectPolicy) && !SELECT_POLICIES.includes(rules.selectPolicy!)) {
    errs.push(notSupported(`${path}.selectPolicy`, rules.selectPolicy, SELECT_POLICIES));
  }
  const policies = rules.policies ?? [];
  // v2 defaulting (src/api/defaults/other.ts, as upstream's GenerateHPAScaleUpRules/ScaleDownRules) fills nil
  // policies before validation; behavior carried over from an autoscaling/v1 request's annotation is not
  // defaulted here, so only an explicitly empty list is an error, as it is upstream.
  if (rules.policies !== undefined && rules.policies !== null && policies.length === 0) {
    errs.push(required(`${path}.policies`, "must specify at least one Policy"));
  }
  policies.forEach((p, i) => {
    const at = `${path}.policies[${i}]`;
    const type = p.type ?? "";
    if (type !== "Pods" && type !== "Percent") errs.push(notSupported(`${at}.type`, type, POLICY_TYPES));
    const value = p.value ?? 0;
    if (value <= 0) errs.push(invalid(`${at}.value`, value, "must be greater than zero"));
    const period = p.periodSeconds ?? 0;
    if (period <= 0) errs.push(invalid(`${at}.periodSeconds`, period, "must be greater than zero"));
    if (period > MAX_PERIOD_SECONDS) {
      errs.push(invalid(`${at}.periodSeconds`, period, `must be less than or equal to ${MAX_PERIOD_SECONDS}`));
    }
  });
  return errs;
}

function validateSpec(spec: HorizontalPodAutoscalerSpec | undefined, minReplicasLowerBound: number): FieldError[] {
  const errs: FieldError[] = [];
  const min = spec?.minReplicas ?? undefined;
  const max = spec?.maxReplicas ?? 0;
  if (min !== undefined && min < minReplicasLowerBound) {
    errs.push(invalid("spec.minReplicas", min, `must be greater than or equal to ${minReplicasLowerBound}`));
  }
  if (max < 1) errs.push(invalid("spec.maxReplicas", max, "must be greater than 0"));
  if (min !== undefined && max < min) {
    errs.push(invalid("spec.maxReplicas", max, "must be greater than or equal to `minReplicas`"));
  }
  errs.push(...validateCrossVersionObjectReference(spec?.scaleTargetRef, "spec.scaleTargetRef"));
  errs.push(...validateMetrics(spec?.metrics ?? [], "spec.metrics", min));
  if (spec?.behavior) {
    errs.push(...validateScalingRules(spec.behavior.scaleUp, "spec.behavior.scaleUp"));
    errs.push(...validateScalingRules(spec.behavior.scaleDown, "spec.behavior.scaleDown"));
  }
  return errs;
}

/**
 * ValidateHorizontalPodAutoscaler / ValidateHorizontalPodAutoscalerUpdate. HPAScaleToZero is alpha (off), so
 * minReplicas must be ≥ 1, except on an update of an HPA that already has minReplicas 0.
 */
export function validateHorizontalPodAutoscaler(
  hpa: HorizontalPodAutoscaler,
  old?: HorizontalPodAutoscaler,
): FieldError[] {
  if (old) {
    const lower = old.spec?.minReplicas === 0 ? 0 : 1;
    return [...validateObjectMetaUpdate(hpa.metadata, old.metadata), ...validateSpec(hpa.spec, lower)];
  }
  return [
    ...validateObjectMeta(hpa.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain }),
    ...validateSpec(hpa.spec, 1),
  ];
}
