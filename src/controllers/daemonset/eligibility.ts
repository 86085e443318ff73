/**
 * Which nodes a DaemonSet's pod belongs on (upstream daemon_controller.go NodeShouldRunDaemonPod with the
 * component-helpers node affinity and taint helpers): the pod's nodeName, nodeSelector and required node
 * affinity must match the node, and it must tolerate the node's NoSchedule/NoExecute taints. A pod already
 * running may stay (shouldContinueRunning) while it tolerates every NoExecute taint.
 */
import type { DaemonSet } from "kubernetes-types/apps/v1.js";
import type { Node, NodeSelectorRequirement, NodeSelectorTerm, Pod, PodSpec, Taint } from "kubernetes-types/core/v1.js";
import { findUntoleratedTaint } from "../../api/taints.js";
import { newDaemonPodSpec } from "./template.js";

function requirementMatches(req: NodeSelectorRequirement, values: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(values, req.key);
  const value = values[req.key];
  const list = req.values ?? [];
  switch (req.operator) {
    case "In":
      return has && list.includes(value!);
    case "NotIn":
      return !has || !list.includes(value!);
    case "Exists":
      return has;
    case "DoesNotExist":
      return !has;
    case "Gt":
    case "Lt": {
      if (!has || list.length !== 1) return false;
      const actual = Number.parseInt(value!, 10);
      const bound = Number.parseInt(list[0]!, 10);
      if (Number.isNaN(actual) || Number.isNaN(bound)) return false;
      return req.operator === "Gt" ? actual > bound : actual < bound;
    }
    default:
      return false;
  }
}

/** One node selector term: every expression over labels and every field requirement; an empty term matches nothing. */
export function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (expressions.length === 0 && fields.length === 0) return false;
  const labels = node.metadata?.labels ?? {};
  const fieldValues = { "metadata.name": node.metadata?.name ?? "" };
  return (
    expressions.every((r) => requirementMatches(r, labels)) &&
    fields.every((r) => r.key === "metadata.name" && requirementMatches(r, fieldValues))
  );
}

/** RequiredNodeAffinity.Match: nodeSelector labels, and any one required affinity term. */
export function matchesRequiredNodeAffinity(spec: PodSpec, node: Node): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [key, value] of Object.entries(spec.nodeSelector ?? {})) if (labels[key] !== value) return false;
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return required.nodeSelectorTerms.some((term) => termMatches(term, node));
}

const isScheduleOrExecute = (t: Taint): boolean => t.effect === "NoSchedule" || t.effect === "NoExecute";
const isExecute = (t: Taint): boolean => t.effect === "NoExecute";

export interface Eligibility {
  /** A daemon pod should be created on the node (if missing). */
  readonly shouldRun: boolean;
  /** A daemon pod already on the node may keep running. */
  readonly shouldContinueRunning: boolean;
}

/** The daemon pod spec per DaemonSet object (objects from listers are immutable, so this is safe to cache). */
const daemonSpecs = new WeakMap<DaemonSet, PodSpec>();

/** NodeShouldRunDaemonPod. */
export function nodeShouldRunDaemonPod(node: Node, ds: DaemonSet): Eligibility {
  let spec = daemonSpecs.get(ds);
  if (!spec) {
    spec = newDaemonPodSpec(ds.spec!.template.spec!);
    daemonSpecs.set(ds, spec);
  }
  const no = { shouldRun: false, shouldContinueRunning: false };
  if (spec.nodeName && spec.nodeName !== node.metadata?.name) return no;
  if (!matchesRequiredNodeAffinity(spec, node)) return no;
  const taints = node.spec?.taints ?? [];
  const tolerations = spec.tolerations ?? [];
  if (findUntoleratedTaint(taints, tolerations, isScheduleOrExecute)) {
    return { shouldRun: false, shouldContinueRunning: !findUntoleratedTaint(taints, tolerations, isExecute) };
  }
  return { shouldRun: true, shouldContinueRunning: true };
}

/** GetTargetNodeName: spec.nodeName, or the node the daemon affinity's `metadata.name In [node]` names. */
export function targetNodeName(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  for (const term of terms ?? []) {
    for (const field of term.matchFields ?? []) {
      if (field.key === "metadata.name" && field.operator === "In") {
        return field.values?.length === 1 ? field.values[0] : undefined;
      }
    }
  }
  return undefined;
}
