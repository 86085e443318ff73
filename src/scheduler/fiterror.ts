/**
 * FitError: why a pod fits no node, worded exactly as upstream's FitError.Error():
 * "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {k: v}. preemption: …".
 * Reasons are counted over nodes and sorted as strings (count first), as upstream does.
 */
import type { Status } from "./framework.js";

export class FitError {
  postFilterMessage = "";

  constructor(
    readonly numAllNodes: number,
    /** Node name → the status of the first plugin that rejected it. */
    readonly nodeToStatus: ReadonlyMap<string, Status>,
    /** Set when a PreFilter plugin rejected the pod outright. */
    readonly preFilterMessage = "",
  ) {}

  /** Plugins that rejected the pod on some node. */
  unschedulablePlugins(): Set<string> {
    const plugins = new Set<string>();
    for (const s of this.nodeToStatus.values()) if (s.plugin) plugins.add(s.plugin);
    return plugins;
  }

  get message(): string {
    return fitErrorMessage(this.numAllNodes, this.nodeToStatus, this.preFilterMessage, this.postFilterMessage);
  }
}

export function fitErrorMessage(
  numAllNodes: number,
  nodeToStatus: ReadonlyMap<string, Status>,
  preFilterMessage = "",
  postFilterMessage = "",
): string {
  let message = `0/${numAllNodes} nodes are available:`;
  if (preFilterMessage !== "") {
    message += ` ${preFilterMessage}.`;
  } else {
    const histogram = new Map<string, number>();
    for (const status of nodeToStatus.values()) {
      for (const reason of status.reasons) histogram.set(reason, (histogram.get(reason) ?? 0) + 1);
    }
    const reasons = [...histogram].map(([reason, count]) => `${count} ${reason}`).sort(compareGoStrings);
    if (reasons.length > 0) message += ` ${reasons.join(", ")}.`;
  }
  if (postFilterMessage !== "") message += ` ${postFilterMessage}.`;
  return message;
}

/** Go's sort.Strings order (byte-wise), not locale order. */
export function compareGoStrings(a: string, b: string): number {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return Buffer.compare(ba, bb);
}
