/**
 * Node taint keys and taint/toleration matching (upstream core/v1 helpers: Toleration.ToleratesTaint,
 * TolerationsTolerateTaint, FindMatchingUntoleratedTaint, GetMatchingTolerations), shared by the scheduler's
 * plugins, the DaemonSet controller (where daemon pods run) and the node lifecycle controller's taint manager
 * (which pods a NoExecute taint evicts).
 */
import type { Taint, Toleration } from "kubernetes-types/core/v1.js";

/** The well-known node taint keys (core/v1 TaintNode*). */
export const TAINT_NOT_READY = "node.kubernetes.io/not-ready";
export const TAINT_UNREACHABLE = "node.kubernetes.io/unreachable";
export const TAINT_UNSCHEDULABLE = "node.kubernetes.io/unschedulable";
export const TAINT_MEMORY_PRESSURE = "node.kubernetes.io/memory-pressure";
export const TAINT_DISK_PRESSURE = "node.kubernetes.io/disk-pressure";
export const TAINT_PID_PRESSURE = "node.kubernetes.io/pid-pressure";
export const TAINT_NETWORK_UNAVAILABLE = "node.kubernetes.io/network-unavailable";

/** Toleration.ToleratesTaint: an empty effect or key matches any; "Exists" ignores the value. */
export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? "Equal") {
    case "Equal":
      return (toleration.value ?? "") === (taint.value ?? "");
    case "Exists":
      return true;
    default:
      return false;
  }
}

/** TolerationsTolerateTaint: some toleration tolerates `taint`. */
export function tolerationsTolerateTaint(tolerations: readonly Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => toleratesTaint(t, taint));
}

/** FindMatchingUntoleratedTaint: the first taint `filter` selects that no toleration tolerates. */
export function findUntoleratedTaint(
  taints: readonly Taint[] | undefined,
  tolerations: readonly Toleration[] | undefined,
  filter: (taint: Taint) => boolean,
): Taint | undefined {
  return (taints ?? []).find((taint) => filter(taint) && !tolerationsTolerateTaint(tolerations, taint));
}

/**
 * GetMatchingTolerations: whether every taint is tolerated, and for each taint the first toleration that
 * tolerates it.
 */
export function matchingTolerations(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
): { allTolerated: boolean; used: Array<{ taint: Taint; toleration: Toleration }> } {
  const used: Array<{ taint: Taint; toleration: Toleration }> = [];
  for (const taint of taints) {
    const toleration = tolerations.find((t) => toleratesTaint(t, taint));
    if (!toleration) return { allTolerated: false, used: [] };
    used.push({ taint, toleration });
  }
  return { allTolerated: true, used };
}
