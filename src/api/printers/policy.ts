// Autoscaling and disruption: horizontalpodautoscalers, poddisruptionbudgets.
import type { HorizontalPodAutoscaler, MetricSpec, MetricStatus } from "kubernetes-types/autoscaling/v2.js";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1.js";
import { DESCRIPTIONS } from "./descriptions.js";
import { column, type TablePrinter } from "./types.js";
import { AGE_COLUMN, NAME_COLUMN, ageOf, intOrString, nameOf, printer, quantity } from "./util.js";

/** An autoscaling/v1 HPA (targetCPUUtilizationPercentage), seen as its autoscaling/v2 metrics. */
interface HPAV1Fields {
  spec?: { targetCPUUtilizationPercentage?: number };
  status?: { currentCPUUtilizationPercentage?: number };
}

function metricsOf(hpa: HorizontalPodAutoscaler & HPAV1Fields): [MetricSpec[], MetricStatus[]] {
  if (hpa.spec?.metrics !== undefined || hpa.spec?.targetCPUUtilizationPercentage === undefined) {
    return [hpa.spec?.metrics ?? [], hpa.status?.currentMetrics ?? []];
  }
  const spec: MetricSpec = {
    type: "Resource",
    resource: {
      name: "cpu",
      target: { type: "Utilization", averageUtilization: hpa.spec.targetCPUUtilizationPercentage },
    },
  };
  const current = hpa.status?.currentCPUUtilizationPercentage;
  const status: MetricStatus[] =
    current === undefined
      ? []
      : [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: current } } }];
  return [[spec], status];
}

const q = (value: string | number | undefined): string => quantity(value);

/** formatHPAMetrics: "cpu: 50%/80%", "<unknown>/…", at most two then " + N more...". */
export function formatHPAMetrics(specs: readonly MetricSpec[], statuses: readonly MetricStatus[]): string {
  if (specs.length === 0) return "<none>";
  const list: string[] = [];
  specs.forEach((spec, i) => {
    const status = statuses[i];
    switch (spec.type) {
      case "External": {
        const target = spec.external?.target;
        if (target?.averageValue !== undefined) {
          const cur = status?.external?.current?.averageValue;
          list.push(`${cur !== undefined ? q(cur) : "<unknown>"}/${q(target.averageValue)} (avg)`);
        } else {
          const cur = status?.external ? q(status.external.current?.value) : "<unknown>";
          list.push(`${cur}/${q(target?.value)}`);
        }
        break;
      }
      case "Pods": {
        const cur = status?.pods ? q(status.pods.current?.averageValue) : "<unknown>";
        list.push(`${cur}/${q(spec.pods?.target?.averageValue)}`);
        break;
      }
      case "Object": {
        const target = spec.object?.target;
        if (target?.averageValue !== undefined) {
          const cur = status?.object?.current?.averageValue;
          list.push(`${cur !== undefined ? q(cur) : "<unknown>"}/${q(target.averageValue)} (avg)`);
        } else {
          const cur = status?.object ? q(status.object.current?.value) : "<unknown>";
          list.push(`${cur}/${q(target?.value)}`);
        }
        break;
      }
      case "Resource":
      case "ContainerResource": {
        const source = spec.type === "Resource" ? spec.resource : spec.containerResource;
        const current = spec.type === "Resource" ? status?.resource : status?.containerResource;
        const name = source?.name ?? "";
        if (source?.target?.averageValue !== undefined) {
          const cur = current ? q(current.current?.averageValue) : "<unknown>";
          list.push(`${name}: ${cur}/${q(source.target.averageValue)}`);
        } else {
          const util = current?.current?.averageUtilization;
          const cur = util !== undefined ? `${util}%` : "<unknown>";
          const t = source?.target?.averageUtilization;
          list.push(`${name}: ${cur}/${t !== undefined ? `${t}%` : "<auto>"}`);
        }
        break;
      }
      default:
        list.push("<unknown type>");
    }
  });
  const max = 2;
  if (list.length > max) return `${list.slice(0, max).join(", ")} + ${list.length - max} more...`;
  return list.join(", ");
}

export const horizontalPodAutoscalerPrinter: TablePrinter = printer<HorizontalPodAutoscaler & HPAV1Fields>(
  [
    NAME_COLUMN,
    column({ name: "Reference", description: DESCRIPTIONS["HorizontalPodAutoscalerSpec.scaleTargetRef"] }),
    column({ name: "Targets", description: DESCRIPTIONS["HorizontalPodAutoscalerSpec.metrics"] }),
    column({ name: "MinPods", description: DESCRIPTIONS["HorizontalPodAutoscalerSpec.minReplicas"] }),
    column({ name: "MaxPods", description: DESCRIPTIONS["HorizontalPodAutoscalerSpec.maxReplicas"] }),
    column({ name: "Replicas", description: DESCRIPTIONS["HorizontalPodAutoscalerStatus.currentReplicas"] }),
    AGE_COLUMN,
  ],
  (obj, now) => {
    const ref = obj.spec?.scaleTargetRef;
    const [specs, statuses] = metricsOf(obj);
    const min = obj.spec?.minReplicas;
    return [
      nameOf(obj),
      `${ref?.kind ?? ""}/${ref?.name ?? ""}`,
      formatHPAMetrics(specs, statuses),
      // minReplicas defaults to 1.
      String(min ?? 1),
      obj.spec?.maxReplicas ?? 0,
      obj.status?.currentReplicas ?? 0,
      ageOf(obj, now),
    ];
  },
);

export const podDisruptionBudgetPrinter: TablePrinter = printer<PodDisruptionBudget>(
  [
    NAME_COLUMN,
    column({ name: "Min Available", description: "The minimum number of pods that must be available." }),
    column({ name: "Max Unavailable", description: "The maximum number of pods that may be unavailable." }),
    column({
      name: "Allowed Disruptions",
      type: "integer",
      description: "Calculated number of pods that may be disrupted at this time.",
    }),
    AGE_COLUMN,
  ],
  (obj, now) => {
    const min = obj.spec?.minAvailable;
    const max = obj.spec?.maxUnavailable;
    return [
      nameOf(obj),
      min !== undefined ? intOrString(min) : "N/A",
      max !== undefined ? intOrString(max) : "N/A",
      obj.status?.disruptionsAllowed ?? 0,
      ageOf(obj, now),
    ];
  },
);
