/**
 * HorizontalPodAutoscaler autoscaling/v1 ↔ autoscaling/v2, as upstream's pkg/apis/autoscaling/v1/conversion.go
 * (through the internal type, which has v2's shape). autoscaling/v1 only has `targetCPUUtilizationPercentage`
 * and `currentCPUUtilizationPercentage`; the rest of v2 (other metrics, current metrics, behavior, conditions)
 * travels in `autoscaling.alpha.kubernetes.io/*` annotations (pkg/apis/autoscaling/annotations.go), in the
 * autoscaling/v2beta1-like shapes of autoscaling/v1's MetricSpec/MetricStatus, so v1 clients lose nothing.
 */
type Json = Record<string, unknown>;

export const METRIC_SPECS_ANNOTATION = "autoscaling.alpha.kubernetes.io/metrics";
export const METRIC_STATUSES_ANNOTATION = "autoscaling.alpha.kubernetes.io/current-metrics";
export const CONDITIONS_ANNOTATION = "autoscaling.alpha.kubernetes.io/conditions";
export const BEHAVIOR_SPECS_ANNOTATION = "autoscaling.alpha.kubernetes.io/behavior";
const TOLERANCE_SCALE_DOWN_ANNOTATION = "autoscaling.alpha.kubernetes.io/scale-down-tolerance";
const TOLERANCE_SCALE_UP_ANNOTATION = "autoscaling.alpha.kubernetes.io/scale-up-tolerance";
/** autoscaling.DefaultCPUUtilization: v1's implicit target when no metric is given. */
export const DEFAULT_CPU_UTILIZATION = 80;

const ROUND_TRIP_ANNOTATIONS = [
  METRIC_SPECS_ANNOTATION,
  BEHAVIOR_SPECS_ANNOTATION,
  TOLERANCE_SCALE_DOWN_ANNOTATION,
  TOLERANCE_SCALE_UP_ANNOTATION,
  METRIC_STATUSES_ANNOTATION,
  CONDITIONS_ANNOTATION,
];

function obj(value: unknown): Json {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function has(o: Json, key: string): boolean {
  return o[key] !== undefined && o[key] !== null;
}

/** Copies `from[key]` to `to[as]` when present. */
function copy(to: Json, as: string, from: Json, key: string): void {
  if (has(from, key)) to[as] = from[key];
}

/** A Go non-pointer resource.Quantity: the zero value marshals as "0". */
function quantity(from: Json, key: string): unknown {
  return has(from, key) ? from[key] : "0";
}

function crossVersionRef(ref: unknown): Json {
  const r = obj(ref);
  const out: Json = { kind: r.kind ?? "", name: r.name ?? "" };
  copy(out, "apiVersion", r, "apiVersion");
  return out;
}

function isCpuUtilization(metric: unknown): boolean {
  const m = obj(metric);
  const resource = obj(m.resource);
  return m.type === "Resource" && resource.name === "cpu" && has(obj(resource.target), "averageUtilization");
}

/** metadata.annotations without upstream's round-trip keys (DropRoundTripHorizontalPodAutoscalerAnnotations). */
function dropRoundTrip(metadata: Json): Json {
  const annotations = obj(metadata.annotations);
  if (!ROUND_TRIP_ANNOTATIONS.some((k) => k in annotations)) return metadata;
  const kept: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(annotations)) if (!ROUND_TRIP_ANNOTATIONS.includes(k)) kept[k] = v;
  const out: Json = { ...metadata, annotations: kept };
  if (Object.keys(kept).length === 0) delete out.annotations;
  return out;
}

function parseAnnotation(annotations: Json, key: string): unknown {
  const raw = annotations[key];
  if (typeof raw !== "string") return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

function metricId(source: Json): { name: unknown; selector: unknown } {
  const metric = obj(source.metric);
  return { name: metric.name ?? "", selector: has(metric, "selector") ? metric.selector : undefined };
}

function withSelector(out: Json, key: string, selector: unknown): Json {
  if (selector !== undefined) out[key] = selector;
  return out;
}

function metricSpecToV1(metric: unknown): Json {
  const m = obj(metric);
  const out: Json = { type: m.type ?? "" };
  if (has(m, "object")) {
    const o = obj(m.object);
    const id = metricId(o);
    const target = obj(o.target);
    const v: Json = {
      target: crossVersionRef(o.describedObject),
      metricName: id.name,
      targetValue: quantity(target, "value"),
    };
    withSelector(v, "selector", id.selector);
    copy(v, "averageValue", target, "averageValue");
    out.object = v;
  }
  if (has(m, "pods")) {
    const p = obj(m.pods);
    const id = metricId(p);
    out.pods = withSelector(
      { metricName: id.name, targetAverageValue: quantity(obj(p.target), "averageValue") },
      "selector",
      id.selector,
    );
  }
  for (const key of ["resource", "containerResource"]) {
    if (!has(m, key)) continue;
    const r = obj(m[key]);
    const target = obj(r.target);
    const v: Json = { name: r.name ?? "" };
    copy(v, "targetAverageUtilization", target, "averageUtilization");
    copy(v, "targetAverageValue", target, "averageValue");
    if (key === "containerResource") v.container = r.container ?? "";
    out[key] = v;
  }
  if (has(m, "external")) {
    const e = obj(m.external);
    const id = metricId(e);
    const target = obj(e.target);
    const v = withSelector({ metricName: id.name }, "metricSelector", id.selector);
    copy(v, "targetValue", target, "value");
    copy(v, "targetAverageValue", target, "averageValue");
    out.external = v;
  }
  return out;
}

function identifier(source: Json, nameKey: string, selectorKey: string): Json {
  const id: Json = { name: source[nameKey] ?? "" };
  copy(id, "selector", source, selectorKey);
  return id;
}

function metricSpecToV2(metric: unknown): Json {
  const m = obj(metric);
  const out: Json = { type: m.type ?? "" };
  if (has(m, "object")) {
    const o = obj(m.object);
    const target: Json = { type: has(o, "averageValue") ? "AverageValue" : "Value", value: quantity(o, "targetValue") };
    copy(target, "averageValue", o, "averageValue");
    out.object = {
      describedObject: crossVersionRef(o.target),
      metric: identifier(o, "metricName", "selector"),
      target,
    };
  }
  if (has(m, "pods")) {
    const p = obj(m.pods);
    out.pods = {
      metric: identifier(p, "metricName", "selector"),
      target: { type: "AverageValue", averageValue: quantity(p, "targetAverageValue") },
    };
  }
  for (const key of ["resource", "containerResource"]) {
    if (!has(m, key)) continue;
    const r = obj(m[key]);
    const target: Json = { type: has(r, "targetAverageUtilization") ? "Utilization" : "AverageValue" };
    copy(target, "averageValue", r, "targetAverageValue");
    copy(target, "averageUtilization", r, "targetAverageUtilization");
    const v: Json = { name: r.name ?? "" };
    if (key === "containerResource") v.container = r.container ?? "";
    v.target = target;
    out[key] = v;
  }
  if (has(m, "external")) {
    const e = obj(m.external);
    const target: Json = { type: has(e, "targetValue") ? "Value" : "AverageValue" };
    copy(target, "value", e, "targetValue");
    copy(target, "averageValue", e, "targetAverageValue");
    out.external = { metric: identifier(e, "metricName", "metricSelector"), target };
  }
  return out;
}

function metricStatusToV1(metric: unknown): Json {
  const m = obj(metric);
  const out: Json = { type: m.type ?? "" };
  if (has(m, "object")) {
    const o = obj(m.object);
    const id = metricId(o);
    const current = obj(o.current);
    const v: Json = {
      target: crossVersionRef(o.describedObject),
      metricName: id.name,
      currentValue: quantity(current, "value"),
    };
    withSelector(v, "selector", id.selector);
    copy(v, "averageValue", current, "averageValue");
    out.object = v;
  }
  if (has(m, "pods")) {
    const p = obj(m.pods);
    const id = metricId(p);
    out.pods = withSelector(
      { metricName: id.name, currentAverageValue: quantity(obj(p.current), "averageValue") },
      "selector",
      id.selector,
    );
  }
  for (const key of ["resource", "containerResource"]) {
    if (!has(m, key)) continue;
    const r = obj(m[key]);
    const current = obj(r.current);
    const v: Json = { name: r.name ?? "" };
    copy(v, "currentAverageUtilization", current, "averageUtilization");
    v.currentAverageValue = quantity(current, "averageValue");
    if (key === "containerResource") v.container = r.container ?? "";
    out[key] = v;
  }
  if (has(m, "external")) {
    const e = obj(m.external);
    const id = metricId(e);
    const current = obj(e.current);
    const v = withSelector({ metricName: id.name }, "metricSelector", id.selector);
    v.currentValue = quantity(current, "value");
    copy(v, "currentAverageValue", current, "averageValue");
    out.external = v;
  }
  return out;
}

function metricStatusToV2(metric: unknown): Json {
  const m = obj(metric);
  const out: Json = { type: m.type ?? "" };
  if (has(m, "object")) {
    const o = obj(m.object);
    const current: Json = { value: quantity(o, "currentValue") };
    copy(current, "averageValue", o, "averageValue");
    out.object = {
      metric: identifier(o, "metricName", "selector"),
      current,
      describedObject: crossVersionRef(o.target),
    };
  }
  if (has(m, "pods")) {
    const p = obj(m.pods);
    out.pods = {
      metric: identifier(p, "metricName", "selector"),
      current: { averageValue: quantity(p, "currentAverageValue") },
    };
  }
  for (const key of ["resource", "containerResource"]) {
    if (!has(m, key)) continue;
    const r = obj(m[key]);
    const current: Json = { averageValue: quantity(r, "currentAverageValue") };
    copy(current, "averageUtilization", r, "currentAverageUtilization");
    const v: Json = { name: r.name ?? "" };
    if (key === "containerResource") v.container = r.container ?? "";
    v.current = current;
    out[key] = v;
  }
  if (has(m, "external")) {
    const e = obj(m.external);
    const current: Json = { value: quantity(e, "currentValue") };
    copy(current, "averageValue", e, "currentAverageValue");
    out.external = { metric: identifier(e, "metricName", "metricSelector"), current };
  }
  return out;
}

/**
 * The behavior annotation holds Go's internal HorizontalPodAutoscalerBehavior marshalled without json tags
 * (upstream's TODO), so its keys are Go field names and nil pointers are null.
 */
function behaviorToAnnotation(behavior: Json): string {
  const rules = (value: unknown): unknown => {
    if (!has({ value }, "value")) return null;
    const r = obj(value);
    return {
      StabilizationWindowSeconds: r.stabilizationWindowSeconds ?? null,
      SelectPolicy: r.selectPolicy ?? null,
      Policies: Array.isArray(r.policies)
        ? r.policies.map((p) => {
            const q = obj(p);
            return { Type: q.type ?? "", Value: q.value ?? 0, PeriodSeconds: q.periodSeconds ?? 0 };
          })
        : null,
      Tolerance: r.tolerance ?? null,
    };
  };
  return JSON.stringify({ ScaleUp: rules(behavior.scaleUp), ScaleDown: rules(behavior.scaleDown) });
}

/** A JSON key matched as encoding/json does: exactly, else ignoring case. */
function field(o: Json, name: string): unknown {
  if (name in o) return o[name];
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(o)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

function behaviorFromAnnotation(parsed: unknown): Json | undefined {
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
  const rules = (value: unknown): Json | undefined => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    const r = value as Json;
    const out: Json = {};
    const set = (as: string, goName: string): void => {
      const v = field(r, goName);
      if (v !== undefined && v !== null) out[as] = v;
    };
    set("stabilizationWindowSeconds", "StabilizationWindowSeconds");
    set("selectPolicy", "SelectPolicy");
    const policies = field(r, "Policies");
    if (Array.isArray(policies)) {
      out.policies = policies.map((p) => {
        const q = obj(p);
        return {
          type: field(q, "Type") ?? "",
          value: field(q, "Value") ?? 0,
          periodSeconds: field(q, "PeriodSeconds") ?? 0,
        };
      });
    }
    set("tolerance", "Tolerance");
    return out;
  };
  const out: Json = {};
  const up = rules(field(parsed as Json, "ScaleUp"));
  const down = rules(field(parsed as Json, "ScaleDown"));
  if (up) out.scaleUp = up;
  if (down) out.scaleDown = down;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** autoscaling/v2 (the storage version) → autoscaling/v1. */
export function hpaToV1(v2: Json): Json {
  const spec = obj(v2.spec);
  const metrics = arr(spec.metrics);
  const outSpec: Json = { scaleTargetRef: crossVersionRef(spec.scaleTargetRef) };
  copy(outSpec, "minReplicas", spec, "minReplicas");
  outSpec.maxReplicas = spec.maxReplicas ?? 0;
  // The first cpu Resource metric decides (a Value/AverageValue one leaves the percentage unset).
  const cpu = metrics.find((m) => obj(m).type === "Resource" && obj(obj(m).resource).name === "cpu");
  if (cpu !== undefined)
    copy(outSpec, "targetCPUUtilizationPercentage", obj(obj(obj(cpu).resource).target), "averageUtilization");

  const out: Json = { ...v2, apiVersion: "autoscaling/v1", metadata: dropRoundTrip(obj(v2.metadata)), spec: outSpec };
  const annotations: Record<string, string> = {};
  const other = metrics.filter((m) => !isCpuUtilization(m)).map(metricSpecToV1);
  if (other.length > 0) annotations[METRIC_SPECS_ANNOTATION] = JSON.stringify(other);
  if (has(spec, "behavior")) annotations[BEHAVIOR_SPECS_ANNOTATION] = behaviorToAnnotation(obj(spec.behavior));

  if (v2.status !== undefined) {
    const status = obj(v2.status);
    const outStatus: Json = {};
    copy(outStatus, "observedGeneration", status, "observedGeneration");
    copy(outStatus, "lastScaleTime", status, "lastScaleTime");
    outStatus.currentReplicas = status.currentReplicas ?? 0;
    outStatus.desiredReplicas = status.desiredReplicas ?? 0;
    const current = arr(status.currentMetrics);
    // No break upstream: the last cpu metric with a utilization wins.
    for (const m of current) {
      const resource = obj(obj(m).resource);
      if (obj(m).type === "Resource" && resource.name === "cpu") {
        copy(outStatus, "currentCPUUtilizationPercentage", obj(resource.current), "averageUtilization");
      }
    }
    if (current.length > 0) annotations[METRIC_STATUSES_ANNOTATION] = JSON.stringify(current.map(metricStatusToV1));
    const conditions = arr(status.conditions);
    if (conditions.length > 0) annotations[CONDITIONS_ANNOTATION] = JSON.stringify(conditions);
    out.status = outStatus;
  }
  if (Object.keys(annotations).length > 0) {
    const metadata = obj(out.metadata);
    out.metadata = { ...metadata, annotations: { ...obj(metadata.annotations), ...annotations } };
  }
  return out;
}

/** autoscaling/v1 → autoscaling/v2 (the storage version). */
export function hpaToV2(v1: Json): Json {
  const spec = obj(v1.spec);
  const annotations = obj(obj(v1.metadata).annotations);
  const outSpec: Json = { scaleTargetRef: crossVersionRef(spec.scaleTargetRef) };
  copy(outSpec, "minReplicas", spec, "minReplicas");
  outSpec.maxReplicas = spec.maxReplicas ?? 0;
  let metrics: unknown[] = [];
  if (has(spec, "targetCPUUtilizationPercentage")) {
    metrics.push({
      type: "Resource",
      resource: {
        name: "cpu",
        target: { type: "Utilization", averageUtilization: spec.targetCPUUtilizationPercentage },
      },
    });
  }
  const other = parseAnnotation(annotations, METRIC_SPECS_ANNOTATION);
  // The metric from targetCPUUtilizationPercentage goes after the annotation's ones.
  if (Array.isArray(other)) metrics = [...other.map(metricSpecToV2), ...metrics];
  if (metrics.length === 0) {
    metrics.push({
      type: "Resource",
      resource: { name: "cpu", target: { type: "Utilization", averageUtilization: DEFAULT_CPU_UTILIZATION } },
    });
  }
  outSpec.metrics = metrics;
  const behavior = behaviorFromAnnotation(parseAnnotation(annotations, BEHAVIOR_SPECS_ANNOTATION));
  if (behavior) outSpec.behavior = behavior;

  const out: Json = { ...v1, apiVersion: "autoscaling/v2", metadata: dropRoundTrip(obj(v1.metadata)), spec: outSpec };
  const currentAnnotation = parseAnnotation(annotations, METRIC_STATUSES_ANNOTATION);
  const conditions = parseAnnotation(annotations, CONDITIONS_ANNOTATION);
  if (v1.status !== undefined || Array.isArray(currentAnnotation) || Array.isArray(conditions)) {
    const status = obj(v1.status);
    const outStatus: Json = {};
    copy(outStatus, "observedGeneration", status, "observedGeneration");
    copy(outStatus, "lastScaleTime", status, "lastScaleTime");
    copy(outStatus, "currentReplicas", status, "currentReplicas");
    outStatus.desiredReplicas = status.desiredReplicas ?? 0;
    if (Array.isArray(currentAnnotation)) {
      // "ignore any existing status values -- the ones here have more information"
      outStatus.currentMetrics = currentAnnotation.map(metricStatusToV2);
    } else if (has(status, "currentCPUUtilizationPercentage")) {
      outStatus.currentMetrics = [
        {
          type: "Resource",
          resource: { name: "cpu", current: { averageUtilization: status.currentCPUUtilizationPercentage } },
        },
      ];
    }
    if (Array.isArray(conditions)) outStatus.conditions = conditions;
    out.status = outStatus;
  }
  return out;
}
