/**
 * The plugin framework, cut down to the extension points the default plugins use (upstream
 * pkg/scheduler/framework/interface.go): PreFilter → Filter (per node) → PreScore → Score (per node) →
 * NormalizeScore, plus AddPod/RemovePod so preemption can ask "would it fit without these pods?".
 * Plugins are plain objects; per-cycle state lives in a CycleState map keyed by plugin name.
 */
import type { Pod } from "kubernetes-types/core/v1.js";
import type { LabelSelector } from "../api/selectors/labels.js";
import type { NodeInfo } from "./nodeinfo.js";
import type { PodInfo } from "./podinfo.js";
import type { Snapshot } from "./snapshot.js";

export const MAX_NODE_SCORE = 100;

/** Upstream's status codes that matter here. */
export type StatusCode = "Unschedulable" | "UnschedulableAndUnresolvable" | "Error" | "Skip";

export interface Status {
  readonly code: StatusCode;
  /** Human-readable reasons, aggregated into FailedScheduling messages ("Insufficient cpu"). */
  readonly reasons: readonly string[];
  /** The plugin that failed (set by the framework). */
  plugin?: string;
}

export function unschedulable(...reasons: string[]): Status {
  return { code: "Unschedulable", reasons };
}

export function unresolvable(...reasons: string[]): Status {
  return { code: "UnschedulableAndUnresolvable", reasons };
}

/** Per-pod, per-cycle data plugins compute in PreFilter/PreScore and read per node. */
export class CycleState {
  private readonly data = new Map<string, unknown>();
  read<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  write(key: string, value: unknown): void {
    this.data.set(key, value);
  }
  /** A copy for preemption's what-if runs: plugins' states are cloned through their `cloneState`. */
  clone(plugins: readonly Plugin[]): CycleState {
    const copy = new CycleState();
    for (const [k, v] of this.data) copy.data.set(k, v);
    for (const p of plugins) {
      const value = this.data.get(p.name);
      if (value !== undefined && p.cloneState) copy.data.set(p.name, p.cloneState(value));
    }
    return copy;
  }
}

/** What the framework hands plugins besides the pod. */
export interface PluginContext {
  readonly snapshot: Snapshot;
  /** A namespace's labels (for namespaceSelector in pod affinity terms); undefined when unknown. */
  readonly namespaceLabels?: (name: string) => Readonly<Record<string, string>> | undefined;
  /** Names of the namespaces whose labels match `selector`. */
  readonly namespacesMatching?: (selector: LabelSelector) => readonly string[];
}

export interface Plugin {
  readonly name: string;
  /** Score weight (upstream's default profile). */
  readonly weight?: number;
  /** Runs once per cycle; a Status rejects the pod on every node. */
  preFilter?(state: CycleState, pod: PodInfo, ctx: PluginContext): Status | undefined;
  filter?(state: CycleState, pod: PodInfo, node: NodeInfo): Status | undefined;
  /** Keep per-cycle state right when preemption removes (or re-adds) a pod on `node`. */
  addPod?(state: CycleState, pod: PodInfo, added: PodInfo, node: NodeInfo): void;
  removePod?(state: CycleState, pod: PodInfo, removed: PodInfo, node: NodeInfo): void;
  cloneState?(value: unknown): unknown;
  /** Runs once before scoring; returning false skips this plugin's Score for the cycle. */
  preScore?(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], ctx: PluginContext): boolean;
  score?(state: CycleState, pod: PodInfo, node: NodeInfo, ctx: PluginContext): number;
  normalizeScore?(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], scores: number[]): void;
}

/** helper.DefaultNormalizeScore: scale to 0..100 by the max (integer arithmetic), optionally reversed. */
export function defaultNormalizeScore(scores: number[], reverse: boolean, maxPriority = MAX_NODE_SCORE): void {
  let max = 0;
  for (const s of scores) if (s > max) max = s;
  if (max === 0) {
    if (reverse) scores.fill(maxPriority);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    let score = Math.trunc((maxPriority * scores[i]!) / max);
    if (reverse) score = maxPriority - score;
    scores[i] = score;
  }
}

/** The pod's namespace/name for messages. */
export function podRef(pod: Pod): string {
  return `${pod.metadata?.namespace}/${pod.metadata?.name}`;
}
