/**
 * What a DaemonSet puts in each pod (upstream pkg/controller/daemon/util): the tolerations every daemon pod
 * gets (not-ready/unreachable NoExecute without tolerationSeconds; disk/memory/pid pressure and
 * unschedulable NoSchedule; network-unavailable for hostNetwork), the `controller-revision-hash` and
 * `pod-template-generation` labels, and a required node affinity `metadata.name In [node]` that replaces
 * any required node selector (the controller already checked the node matches it).
 */
import type { DaemonSet } from "kubernetes-types/apps/v1.js";
import type { Affinity, PodSpec, PodTemplateSpec, Toleration } from "kubernetes-types/core/v1.js";
import { POD_REVISION_LABEL } from "../history/revisions.js";
import {
  TAINT_DISK_PRESSURE,
  TAINT_MEMORY_PRESSURE,
  TAINT_NETWORK_UNAVAILABLE,
  TAINT_NOT_READY,
  TAINT_PID_PRESSURE,
  TAINT_UNREACHABLE,
  TAINT_UNSCHEDULABLE,
} from "../../api/taints.js";

/** extensions.DaemonSetTemplateGenerationKey. */
export const TEMPLATE_GENERATION_LABEL = "pod-template-generation";
/** The annotation the API server keeps the template generation in. */
export const TEMPLATE_GENERATION_ANNOTATION = "deprecated.daemonset.template.generation";

function exists(key: string, effect: "NoSchedule" | "NoExecute"): Toleration {
  return { key, operator: "Exists", effect };
}

/** AddOrUpdateTolerationInPodSpec: a toleration equal in key, operator, value and effect is replaced. */
function addOrUpdateToleration(spec: PodSpec, toleration: Toleration): void {
  const list = spec.tolerations ?? [];
  const same = (t: Toleration): boolean =>
    (t.key ?? "") === (toleration.key ?? "") &&
    (t.operator ?? "Equal") === (toleration.operator ?? "Equal") &&
    (t.value ?? "") === (toleration.value ?? "") &&
    (t.effect ?? "") === (toleration.effect ?? "");
  const index = list.findIndex(same);
  spec.tolerations = index < 0 ? [...list, toleration] : list.map((t, i) => (i === index ? toleration : t));
}

/** AddOrUpdateDaemonPodTolerations. */
export function addDaemonPodTolerations(spec: PodSpec): void {
  addOrUpdateToleration(spec, exists(TAINT_NOT_READY, "NoExecute"));
  addOrUpdateToleration(spec, exists(TAINT_UNREACHABLE, "NoExecute"));
  addOrUpdateToleration(spec, exists(TAINT_DISK_PRESSURE, "NoSchedule"));
  addOrUpdateToleration(spec, exists(TAINT_MEMORY_PRESSURE, "NoSchedule"));
  addOrUpdateToleration(spec, exists(TAINT_PID_PRESSURE, "NoSchedule"));
  addOrUpdateToleration(spec, exists(TAINT_UNSCHEDULABLE, "NoSchedule"));
  if (spec.hostNetwork) addOrUpdateToleration(spec, exists(TAINT_NETWORK_UNAVAILABLE, "NoSchedule"));
}

/** The spec NewPod builds to test eligibility: the template's spec with the daemon tolerations. */
export function newDaemonPodSpec(templateSpec: PodSpec): PodSpec {
  const spec = structuredClone(templateSpec);
  addDaemonPodTolerations(spec);
  return spec;
}

/** ReplaceDaemonSetPodNodeNameNodeAffinity. */
export function replaceNodeNameAffinity(affinity: Affinity | undefined, nodeName: string): Affinity {
  const required = {
    nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: [nodeName] }] }],
  };
  const result = structuredClone(affinity ?? {});
  result.nodeAffinity = { ...(result.nodeAffinity ?? {}), requiredDuringSchedulingIgnoredDuringExecution: required };
  return result;
}

/** The template generation the API server recorded on the DaemonSet, if any. */
export function templateGeneration(ds: DaemonSet): string | undefined {
  return ds.metadata?.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
}

/** CreatePodTemplate: the template with daemon tolerations and the generation and revision-hash labels. */
export function daemonPodTemplate(ds: DaemonSet, hash: string): PodTemplateSpec {
  const template = structuredClone(ds.spec!.template);
  addDaemonPodTolerations(template.spec!);
  const generation = templateGeneration(ds);
  template.metadata = {
    ...(template.metadata ?? {}),
    labels: {
      ...(template.metadata?.labels ?? {}),
      ...(generation !== undefined ? { [TEMPLATE_GENERATION_LABEL]: generation } : {}),
      ...(hash ? { [POD_REVISION_LABEL]: hash } : {}),
    },
  };
  return template;
}

/** IsPodUpdated: the pod carries the current revision hash (or the current template generation). */
export function isPodUpdated(
  pod: { metadata?: { labels?: Record<string, string> } },
  hash: string,
  ds: DaemonSet,
): boolean {
  const generation = templateGeneration(ds);
  const labels = pod.metadata?.labels ?? {};
  return (
    (hash !== "" && labels[POD_REVISION_LABEL] === hash) ||
    (generation !== undefined && labels[TEMPLATE_GENERATION_LABEL] === generation)
  );
}
