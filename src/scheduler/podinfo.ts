/**
 * PodInfo: a pod plus what the plugins would otherwise recompute per node: its parsed inter-pod affinity
 * terms (upstream framework.PodInfo / AffinityTerm), its requests and its host ports.
 */
import type { Pod, PodAffinityTerm, WeightedPodAffinityTerm } from "kubernetes-types/core/v1.js";
import { labelSelectorFromObject, type LabelSelector } from "../api/selectors/labels.js";
import { podRequests, type Resources } from "./resources.js";

/** One required or preferred pod (anti-)affinity term, parsed. */
export interface AffinityTerm {
  /** Namespaces the term selects; undefined = all namespaces (an empty namespaceSelector). */
  readonly namespaces: ReadonlySet<string> | undefined;
  /** A non-empty namespaceSelector: namespaces whose labels match are selected too. */
  readonly namespaceSelector: LabelSelector | undefined;
  readonly selector: LabelSelector;
  readonly topologyKey: string;
  readonly weight: number;
}

export interface HostPort {
  readonly ip: string;
  readonly protocol: string;
  readonly port: number;
}

export interface PodInfo {
  readonly pod: Pod;
  readonly key: string;
  readonly requests: Resources;
  /** Requests with the scoring defaults for missing CPU/memory. */
  readonly nonZeroRequests: Resources;
  readonly requiredAffinityTerms: readonly AffinityTerm[];
  readonly requiredAntiAffinityTerms: readonly AffinityTerm[];
  readonly preferredAffinityTerms: readonly AffinityTerm[];
  readonly preferredAntiAffinityTerms: readonly AffinityTerm[];
  readonly hostPorts: readonly HostPort[];
}

export function podKey(pod: Pod): string {
  return `${pod.metadata?.namespace ?? ""}/${pod.metadata?.name ?? ""}`;
}

/** corev1helpers.PodPriority: spec.priority, 0 when unset. */
export function podPriority(pod: Pod): number {
  return pod.spec?.priority ?? 0;
}

function parseTerm(pod: Pod, term: PodAffinityTerm, weight: number): AffinityTerm {
  let namespaces: Set<string> | undefined = new Set(term.namespaces ?? []);
  let namespaceSelector: LabelSelector | undefined;
  const nsSelector = term.namespaceSelector;
  if (nsSelector) {
    try {
      namespaceSelector = labelSelectorFromObject(nsSelector);
    } catch {
      namespaceSelector = undefined;
    }
    if (namespaceSelector?.empty) {
      namespaces = undefined; // an empty namespaceSelector selects every namespace
      namespaceSelector = undefined;
    }
  } else if (namespaces.size === 0) {
    namespaces.add(pod.metadata?.namespace ?? "");
  }
  let selector: LabelSelector;
  try {
    selector = labelSelectorFromObject(term.labelSelector);
  } catch {
    selector = labelSelectorFromObject(undefined);
  }
  return { namespaces, namespaceSelector, selector, topologyKey: term.topologyKey, weight };
}

function parseWeighted(pod: Pod, terms: readonly WeightedPodAffinityTerm[] | undefined): AffinityTerm[] {
  return (terms ?? []).map((t) => parseTerm(pod, t.podAffinityTerm, t.weight));
}

/**
 * AffinityTerm.Matches: the pod is in one of the term's namespaces (or, with `namespaceLabels` of the pod's
 * namespace, one its namespaceSelector selects) and its labels match the selector.
 */
export function termMatches(term: AffinityTerm, pod: Pod, namespaceLabels?: Readonly<Record<string, string>>): boolean {
  if (term.namespaces && !term.namespaces.has(pod.metadata?.namespace ?? "")) {
    if (!term.namespaceSelector || !namespaceLabels || !term.namespaceSelector.matches(namespaceLabels)) return false;
  }
  return term.selector.matches(pod.metadata?.labels);
}

/**
 * The pod's terms with their namespaceSelectors resolved to namespace names (upstream
 * mergeAffinityTermNamespacesIfNotEmpty), so they can be matched against other pods without namespace labels.
 */
export function resolveNamespaceSelectors(
  info: PodInfo,
  namespacesMatching: ((selector: LabelSelector) => readonly string[]) | undefined,
): PodInfo {
  const resolve = (terms: readonly AffinityTerm[]) =>
    terms.map((t): AffinityTerm => {
      if (!t.namespaceSelector || !t.namespaces) return t;
      const names = new Set(t.namespaces);
      for (const n of namespacesMatching?.(t.namespaceSelector) ?? []) names.add(n);
      return { ...t, namespaces: names, namespaceSelector: undefined };
    });
  const terms = [
    ...info.requiredAffinityTerms,
    ...info.requiredAntiAffinityTerms,
    ...info.preferredAffinityTerms,
    ...info.preferredAntiAffinityTerms,
  ];
  if (!terms.some((t) => t.namespaceSelector)) return info;
  return {
    ...info,
    requiredAffinityTerms: resolve(info.requiredAffinityTerms),
    requiredAntiAffinityTerms: resolve(info.requiredAntiAffinityTerms),
    preferredAffinityTerms: resolve(info.preferredAffinityTerms),
    preferredAntiAffinityTerms: resolve(info.preferredAntiAffinityTerms),
  };
}

export function podMatchesAllTerms(terms: readonly AffinityTerm[], pod: Pod): boolean {
  if (terms.length === 0) return false;
  return terms.every((t) => termMatches(t, pod));
}

function hostPortsOf(pod: Pod): HostPort[] {
  const ports: HostPort[] = [];
  const containers = [
    ...(pod.spec?.containers ?? []),
    ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === "Always"),
  ];
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      ports.push({ ip: p.hostIP || "0.0.0.0", protocol: p.protocol || "TCP", port: p.hostPort });
    }
  }
  return ports;
}

export function newPodInfo(pod: Pod): PodInfo {
  const affinity = pod.spec?.affinity;
  return {
    pod,
    key: podKey(pod),
    requests: podRequests(pod),
    nonZeroRequests: podRequests(pod, true),
    requiredAffinityTerms: (affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) =>
      parseTerm(pod, t, 1),
    ),
    requiredAntiAffinityTerms: (affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map(
      (t) => parseTerm(pod, t, 1),
    ),
    preferredAffinityTerms: parseWeighted(pod, affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    preferredAntiAffinityTerms: parseWeighted(
      pod,
      affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution,
    ),
    hostPorts: hostPortsOf(pod),
  };
}

/**
 * Whether the pod's terms count when scoring other pods (required affinity, preferred affinity and
 * anti-affinity). Required anti-affinity alone does not: the InterPodAffinity score never reads it, so such
 * pods stay out of NodeInfo.podsWithAffinity and scoring does not visit them.
 */
export function hasAffinityTerms(info: PodInfo): boolean {
  return (
    info.requiredAffinityTerms.length + info.preferredAffinityTerms.length + info.preferredAntiAffinityTerms.length > 0
  );
}
