/**
 * Node selection rules (upstream component-helpers nodeaffinity): a pod's nodeSelector plus its required
 * node affinity, NodeSelectorTerms ORed, requirements within a term ANDed, matchFields on metadata.name.
 */
import type { Node, NodeSelectorRequirement, NodeSelectorTerm, Pod } from "kubernetes-types/core/v1.js";

function matchRequirement(req: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = req.values ?? [];
  switch (req.operator) {
    case "In":
      return value !== undefined && values.includes(value);
    case "NotIn":
      return value === undefined || !values.includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
    case "Gt":
    case "Lt": {
      if (value === undefined || values.length !== 1) return false;
      const have = Number.parseInt(value, 10);
      const want = Number.parseInt(values[0]!, 10);
      if (!/^-?\d+$/.test(value) || Number.isNaN(want)) return false;
      return req.operator === "Gt" ? have > want : have < want;
    }
    default:
      return false;
  }
}

/** One term: every matchExpression on labels and every matchField (metadata.name) holds; empty matches nothing. */
export function matchNodeSelectorTerm(term: NodeSelectorTerm, node: Node): boolean {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (expressions.length === 0 && fields.length === 0) return false;
  const labels = node.metadata?.labels ?? {};
  for (const req of expressions) {
    if (!matchRequirement(req, Object.prototype.hasOwnProperty.call(labels, req.key) ? labels[req.key] : undefined)) {
      return false;
    }
  }
  for (const req of fields) {
    if (req.key !== "metadata.name") return false;
    if (!matchRequirement(req, node.metadata?.name)) return false;
  }
  return true;
}

export function matchNodeSelectorTerms(terms: readonly NodeSelectorTerm[], node: Node): boolean {
  return terms.some((t) => matchNodeSelectorTerm(t, node));
}

/** GetRequiredNodeAffinity(pod).Match(node): nodeSelector and required node affinity both hold. */
export function matchesRequiredNodeAffinity(pod: Pod, node: Node): boolean {
  const selector = pod.spec?.nodeSelector;
  if (selector) {
    const labels = node.metadata?.labels ?? {};
    for (const [k, v] of Object.entries(selector)) if (labels[k] !== v) return false;
  }
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required) return matchNodeSelectorTerms(required.nodeSelectorTerms ?? [], node);
  return true;
}
