/**
 * NodeResourcesFit (upstream plugins/noderesources/fit.go + least_allocated.go): Filter checks the pod count
 * and that the pod's requests fit what the node's allocatable leaves free; Score is LeastAllocated over CPU
 * and memory (weights 1), using requests with the 100m/200Mi defaults for containers that set none.
 */
import { MAX_NODE_SCORE, unschedulable, type Plugin } from "../framework.js";
import type { NodeInfo } from "../nodeinfo.js";
import type { PodInfo } from "../podinfo.js";

/** Every insufficient resource, in upstream's order (pods, cpu, memory, ephemeral-storage, scalars). */
export function insufficientResources(pod: PodInfo, node: NodeInfo): string[] {
  const reasons: string[] = [];
  const alloc = node.allocatable;
  const used = node.requested;
  if (node.pods.length + 1 > alloc.allowedPodNumber) reasons.push("Too many pods");
  const req = pod.requests;
  if (req.milliCPU === 0 && req.memory === 0 && req.ephemeralStorage === 0 && req.scalar.size === 0) return reasons;
  if (req.milliCPU > 0 && req.milliCPU > alloc.milliCPU - used.milliCPU) reasons.push("Insufficient cpu");
  if (req.memory > 0 && req.memory > alloc.memory - used.memory) reasons.push("Insufficient memory");
  if (req.ephemeralStorage > 0 && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) {
    reasons.push("Insufficient ephemeral-storage");
  }
  for (const [name, quantity] of req.scalar) {
    if (quantity > 0 && quantity > (alloc.scalar.get(name) ?? 0) - (used.scalar.get(name) ?? 0)) {
      reasons.push(`Insufficient ${name}`);
    }
  }
  return reasons;
}

/** The common case without allocating: a free pod slot and room for CPU, memory and storage, no scalars. */
function fitsQuickly(pod: PodInfo, node: NodeInfo): boolean {
  const req = pod.requests;
  const alloc = node.allocatable;
  const used = node.requested;
  return (
    node.pods.length + 1 <= alloc.allowedPodNumber &&
    req.scalar.size === 0 &&
    req.milliCPU <= alloc.milliCPU - used.milliCPU &&
    req.memory <= alloc.memory - used.memory &&
    req.ephemeralStorage <= alloc.ephemeralStorage - used.ephemeralStorage
  );
}

function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

export const nodeResourcesFit: Plugin = {
  name: "NodeResourcesFit",
  weight: 1,
  filter(_state, pod, node) {
    if (fitsQuickly(pod, node)) return undefined;
    const reasons = insufficientResources(pod, node);
    return reasons.length > 0 ? unschedulable(...reasons) : undefined;
  },
  score(_state, pod, node) {
    const cpu = leastRequestedScore(
      node.nonZeroRequested.milliCPU + pod.nonZeroRequests.milliCPU,
      node.allocatable.milliCPU,
    );
    const memory = leastRequestedScore(
      node.nonZeroRequested.memory + pod.nonZeroRequests.memory,
      node.allocatable.memory,
    );
    return Math.trunc((cpu + memory) / 2);
  },
};
