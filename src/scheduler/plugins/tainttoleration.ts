/**
 * TaintToleration (upstream plugins/tainttoleration): Filter rejects nodes with an untolerated NoSchedule or
 * NoExecute taint; Score counts untolerated PreferNoSchedule taints, normalized reversed (fewer is better).
 */
import { defaultNormalizeScore, unresolvable, type Plugin } from "../framework.js";
import { findUntoleratedTaint, tolerationsTolerateTaint } from "../../api/taints.js";

export const taintToleration: Plugin = {
  name: "TaintToleration",
  weight: 3,
  filter(_state, pod, node) {
    const taint = findUntoleratedTaint(
      node.node?.spec?.taints,
      pod.pod.spec?.tolerations,
      (taint) => taint.effect === "NoSchedule" || taint.effect === "NoExecute",
    );
    if (!taint) return undefined;
    return unresolvable(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ""}}`);
  },
  preScore(state, pod) {
    // Only tolerations that could tolerate PreferNoSchedule taints matter for scoring.
    const tolerations = (pod.pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === "PreferNoSchedule");
    state.write("TaintToleration", tolerations);
    return true;
  },
  score(state, _pod, node) {
    const tolerations = state.read<[]>("TaintToleration") ?? [];
    let count = 0;
    for (const taint of node.node?.spec?.taints ?? []) {
      if (taint.effect === "PreferNoSchedule" && !tolerationsTolerateTaint(tolerations, taint)) count++;
    }
    return count;
  },
  normalizeScore(_state, _pod, _nodes, scores) {
    defaultNormalizeScore(scores, true);
  },
};
