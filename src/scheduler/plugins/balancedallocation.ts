/**
 * NodeResourcesBalancedAllocation (upstream plugins/noderesources/balanced_allocation.go): favours nodes whose
 * CPU and memory utilisation (requests incl. the pod, over allocatable) stay close: (1 - std dev) × 100.
 * Best-effort pods (no CPU or memory requests) are not scored (upstream kubernetes#129138).
 */
import { MAX_NODE_SCORE, type Plugin } from "../framework.js";

function fraction(requested: number, allocatable: number): number {
  if (allocatable === 0) return 0;
  return Math.min(1, requested / allocatable);
}

export const balancedAllocation: Plugin = {
  name: "NodeResourcesBalancedAllocation",
  weight: 1,
  preScore(_state, pod) {
    return pod.requests.milliCPU > 0 || pod.requests.memory > 0;
  },
  score(_state, pod, node) {
    const cpu = fraction(node.requested.milliCPU + pod.requests.milliCPU, node.allocatable.milliCPU);
    const memory = fraction(node.requested.memory + pod.requests.memory, node.allocatable.memory);
    const std = Math.abs((cpu - memory) / 2);
    return Math.trunc((1 - std) * MAX_NODE_SCORE);
  },
};
