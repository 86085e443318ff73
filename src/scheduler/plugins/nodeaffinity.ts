/**
 * NodeAffinity (upstream plugins/nodeaffinity): Filter requires spec.nodeSelector and required node affinity
 * (matchExpressions on labels, matchFields on metadata.name); Score sums the weights of matching preferred
 * terms, normalized to 0–100 by the max.
 */
import type { PreferredSchedulingTerm } from "kubernetes-types/core/v1.js";
import { defaultNormalizeScore, unresolvable, type Plugin } from "../framework.js";
import { matchesRequiredNodeAffinity, matchNodeSelectorTerm } from "../nodeselector.js";

export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";

export const nodeAffinity: Plugin = {
  name: "NodeAffinity",
  weight: 2,
  filter(_state, pod, node) {
    if (!node.node || matchesRequiredNodeAffinity(pod.pod, node.node)) return undefined;
    return unresolvable(ERR_REASON_POD);
  },
  preScore(state, pod) {
    const preferred = pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    state.write("NodeAffinity", preferred);
    return preferred.length > 0;
  },
  score(state, _pod, node) {
    const preferred = state.read<PreferredSchedulingTerm[]>("NodeAffinity") ?? [];
    let score = 0;
    for (const term of preferred) {
      if (term.weight !== 0 && node.node && matchNodeSelectorTerm(term.preference, node.node)) score += term.weight;
    }
    return score;
  },
  normalizeScore(_state, _pod, _nodes, scores) {
    defaultNormalizeScore(scores, false);
  },
};
