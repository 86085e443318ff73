/**
 * ImageLocality (upstream plugins/imagelocality): favours nodes that already have the pod's images, each
 * image's size scaled by how widely it is spread, clamped between 23 MiB and 1000 MiB per container.
 */
import type { Pod } from "kubernetes-types/core/v1.js";
import { MAX_NODE_SCORE, type Plugin } from "../framework.js";

const MB = 1024 * 1024;
const MIN_THRESHOLD = 23 * MB;
const MAX_CONTAINER_THRESHOLD = 1000 * MB;

/** Adds ":latest" to an image reference without tag or digest (upstream normalizedImageName). */
export function normalizedImageName(name: string): string {
  const lastSlash = name.lastIndexOf("/");
  const tail = name.slice(lastSlash + 1);
  if (!tail.includes(":") && !name.includes("@")) return `${name}:latest`;
  return name;
}

function images(pod: Pod): string[] {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]
    .map((c) => c.image)
    .filter((i): i is string => !!i)
    .map(normalizedImageName);
}

export const imageLocality: Plugin = {
  name: "ImageLocality",
  weight: 1,
  preScore(state, pod) {
    state.write("ImageLocality", images(pod.pod));
    return true;
  },
  score(state, pod, node, ctx) {
    const podImages = state.read<string[]>("ImageLocality") ?? images(pod.pod);
    const totalNodes = ctx.snapshot.nodes().length;
    let sum = 0;
    for (const image of podImages) {
      const size = node.imageSizes.get(image);
      if (size === undefined || totalNodes === 0) continue;
      sum += Math.trunc((size * ctx.snapshot.imageNumNodes(image)) / totalNodes);
    }
    const containers = (pod.pod.spec?.initContainers?.length ?? 0) + (pod.pod.spec?.containers?.length ?? 0);
    const maxThreshold = MAX_CONTAINER_THRESHOLD * containers;
    if (sum < MIN_THRESHOLD) sum = MIN_THRESHOLD;
    else if (sum > maxThreshold) sum = maxThreshold;
    if (maxThreshold <= MIN_THRESHOLD) return 0;
    return Math.trunc((MAX_NODE_SCORE * (sum - MIN_THRESHOLD)) / (maxThreshold - MIN_THRESHOLD));
  },
};
