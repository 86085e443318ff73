/** Taint/toleration matching (upstream v1helper.TolerationsTolerateTaint, Toleration.ToleratesTaint). */
import type { Taint, Toleration } from "kubernetes-types/core/v1.js";

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

export function tolerationsTolerateTaint(tolerations: readonly Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => toleratesTaint(t, taint));
}

/** The first taint (with an effect `effects` accepts) no toleration tolerates. */
export function findUntoleratedTaint(
  taints: readonly Taint[] | undefined,
  tolerations: readonly Toleration[] | undefined,
  effects: (effect: string) => boolean,
): Taint | undefined {
  return (taints ?? []).find((taint) => effects(taint.effect) && !tolerationsTolerateTaint(tolerations, taint));
}
