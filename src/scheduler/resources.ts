/**
 * Resource arithmetic the scheduler needs: quantities as plain numbers (milli-CPU, bytes, counts) and a pod's
 * effective request as upstream's resource.PodRequests computes it (max of the containers' sum and every init
 * container, with restartable "sidecar" init containers counted alongside the regular containers, plus
 * overhead), optionally with the non-zero defaults (100m CPU, 200Mi memory) the scoring plugins use.
 */
import type { Container, Pod } from "kubernetes-types/core/v1.js";
import { parseQuantity } from "../api/validation/quantity.js";

/** Requests or capacity of one pod/node. Scalar holds extended resources (e.g. "example.com/gpu"). */
export interface Resources {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  allowedPodNumber: number;
  scalar: Map<string, number>;
}

export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export function emptyResources(): Resources {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, allowedPodNumber: 0, scalar: new Map() };
}

const quantityCache = new Map<string, number>();

/** A quantity as a number; milli = true gives MilliValue (rounded up), as upstream. Invalid → 0. */
export function quantityValue(raw: unknown, milli = false): number {
  if (raw === undefined || raw === null) return 0;
  const key = `${milli ? "m" : ""}${String(raw)}`;
  const cached = quantityCache.get(key);
  if (cached !== undefined) return cached;
  const q = parseQuantity(raw);
  let value = 0;
  if (q) {
    const num = milli ? q.num * 1000n : q.num;
    value = Number((num + q.den - 1n) / q.den);
  }
  if (quantityCache.size < 10_000) quantityCache.set(key, value);
  return value;
}

/** Adds a resource list (requests/allocatable map) into `into`. */
export function addResourceList(into: Resources, list: Readonly<Record<string, unknown>> | undefined, sign = 1): void {
  if (!list) return;
  for (const [name, raw] of Object.entries(list)) {
    switch (name) {
      case "cpu":
        into.milliCPU += sign * quantityValue(raw, true);
        break;
      case "memory":
        into.memory += sign * quantityValue(raw);
        break;
      case "ephemeral-storage":
        into.ephemeralStorage += sign * quantityValue(raw);
        break;
      case "pods":
        into.allowedPodNumber += sign * quantityValue(raw);
        break;
      default:
        if (isScalarResourceName(name)) into.scalar.set(name, (into.scalar.get(name) ?? 0) + sign * quantityValue(raw));
    }
  }
}

/** Extended resources (domain-qualified, not kubernetes.io/), hugepages-* and attachable-volumes-*. */
export function isScalarResourceName(name: string): boolean {
  if (name.startsWith("hugepages-") || name.startsWith("attachable-volumes-")) return true;
  const slash = name.indexOf("/");
  if (slash < 0) return false;
  const domain = name.slice(0, slash);
  return !(domain === "kubernetes.io" || domain.endsWith(".kubernetes.io")) && !name.startsWith("requests.");
}

export function resourcesFromList(list: Readonly<Record<string, unknown>> | undefined): Resources {
  const r = emptyResources();
  addResourceList(r, list);
  return r;
}

export function addResources(into: Resources, other: Resources, sign = 1): void {
  into.milliCPU += sign * other.milliCPU;
  into.memory += sign * other.memory;
  into.ephemeralStorage += sign * other.ephemeralStorage;
  into.allowedPodNumber += sign * other.allowedPodNumber;
  for (const [k, v] of other.scalar) into.scalar.set(k, (into.scalar.get(k) ?? 0) + sign * v);
}

function maxResources(into: Resources, other: Resources): void {
  into.milliCPU = Math.max(into.milliCPU, other.milliCPU);
  into.memory = Math.max(into.memory, other.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, other.ephemeralStorage);
  for (const [k, v] of other.scalar) into.scalar.set(k, Math.max(into.scalar.get(k) ?? 0, v));
}

function cloneResources(r: Resources): Resources {
  return { ...r, scalar: new Map(r.scalar) };
}

function containerRequests(container: Container, nonZero: boolean): Resources {
  const requests = container.resources?.requests as Record<string, unknown> | undefined;
  const r = resourcesFromList(requests);
  if (nonZero) {
    if (!requests || requests.cpu === undefined) r.milliCPU = DEFAULT_MILLI_CPU_REQUEST;
    if (!requests || requests.memory === undefined) r.memory = DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

/**
 * resource.PodRequests: regular containers summed, sidecars (init containers with restartPolicy Always)
 * added to that sum and to every later init container's peak, the max with the init peak, plus overhead.
 * `nonZero` substitutes the scheduler's defaults for missing CPU/memory requests (NonMissingContainerRequests).
 */
export function podRequests(pod: Pod, nonZero = false): Resources {
  const spec = pod.spec;
  const reqs = emptyResources();
  for (const c of spec?.containers ?? []) addResources(reqs, containerRequests(c, nonZero));
  const sidecars = emptyResources();
  const initPeak = emptyResources();
  for (const c of spec?.initContainers ?? []) {
    const r = containerRequests(c, nonZero);
    let peak: Resources;
    if (c.restartPolicy === "Always") {
      addResources(reqs, r);
      addResources(sidecars, r);
      peak = cloneResources(sidecars);
    } else {
      peak = cloneResources(r);
      addResources(peak, sidecars);
    }
    maxResources(initPeak, peak);
  }
  maxResources(reqs, initPeak);
  addResourceList(reqs, spec?.overhead as Record<string, unknown> | undefined);
  return reqs;
}
