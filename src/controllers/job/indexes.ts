/**
 * Completion index sets as upstream's orderedIntervals (indexed_job_utils.go): parsing and formatting the
 * "1,3-5,7" strings of status.completedIndexes / status.failedIndexes, and reading a pod's index.
 */
import type { Pod } from "kubernetes-types/core/v1.js";
import { COMPLETION_INDEX_ANNOTATION } from "./constants.js";

/** Parses "1,3-5" into a sorted set of indexes below `completions` (invalid parts are skipped, as upstream). */
export function parseIndexes(text: string | undefined, completions: number): Set<number> {
  const result = new Set<number>();
  if (!text) return result;
  for (const part of text.split(",")) {
    const bounds = part.split("-");
    const first = Number.parseInt(bounds[0] ?? "", 10);
    const last = bounds.length === 2 ? Number.parseInt(bounds[1] ?? "", 10) : first;
    if (bounds.length > 2 || !Number.isInteger(first) || !Number.isInteger(last) || first < 0) continue;
    for (let i = first; i <= last && i < completions; i++) result.add(i);
  }
  return result;
}

/** Formats indexes as ascending comma-separated intervals: {1,3,4,5} → "1,3-5"; empty → "". */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

/** The pod's completion index (annotation, then label), or undefined when missing or not below `completions`. */
export function completionIndexOf(pod: Pod, completions: number): number | undefined {
  const text =
    pod.metadata?.annotations?.[COMPLETION_INDEX_ANNOTATION] ?? pod.metadata?.labels?.[COMPLETION_INDEX_ANNOTATION];
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const index = Number(text);
  return index < completions ? index : undefined;
}
