/**
 * A pod's effective requests and limits (upstream component-helpers resource.PodRequests / PodLimits): the
 * sum over app containers and restartable (sidecar) init containers, or the largest init container (plus the
 * sidecars started before it) when that is larger, plus spec.overhead.
 */
import type { Container, Pod } from "kubernetes-types/core/v1.js";
import { addQuantities, maxQuantity, quantityOrZero, type Quantity } from "./quantity.js";

export type ResourceTotals = Map<string, Quantity>;

function addInto(target: ResourceTotals, list: Readonly<Record<string, unknown>> | undefined): void {
  for (const [name, value] of Object.entries(list ?? {})) {
    const q = quantityOrZero(value as string | number);
    const current = target.get(name);
    target.set(name, current ? addQuantities(current, q) : q);
  }
}

function maxInto(target: ResourceTotals, other: ResourceTotals): void {
  for (const [name, q] of other) {
    const current = target.get(name);
    target.set(name, current ? maxQuantity(current, q) : q);
  }
}

function isRestartable(container: Container): boolean {
  return container.restartPolicy === "Always";
}

function podTotals(pod: Pod, pick: (c: Container) => Readonly<Record<string, unknown>> | undefined): ResourceTotals {
  const totals: ResourceTotals = new Map();
  for (const container of pod.spec?.containers ?? []) addInto(totals, pick(container));
  const sidecars: ResourceTotals = new Map();
  const initPeak: ResourceTotals = new Map();
  for (const container of pod.spec?.initContainers ?? []) {
    if (isRestartable(container)) {
      addInto(sidecars, pick(container));
      addInto(totals, pick(container));
      maxInto(initPeak, sidecars);
    } else {
      const whileRunning: ResourceTotals = new Map(sidecars);
      addInto(whileRunning, pick(container));
      maxInto(initPeak, whileRunning);
    }
  }
  maxInto(totals, initPeak);
  addInto(totals, pod.spec?.overhead);
  return totals;
}

export function podRequests(pod: Pod): ResourceTotals {
  return podTotals(pod, (c) => c.resources?.requests);
}

export function podLimits(pod: Pod): ResourceTotals {
  return podTotals(pod, (c) => c.resources?.limits);
}

/** QoS class BestEffort: no container (app or init) requests or limits cpu or memory. */
export function isBestEffort(pod: Pod): boolean {
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  return containers.every((c) => {
    const { requests = {}, limits = {} } = c.resources ?? {};
    return !("cpu" in requests || "memory" in requests || "cpu" in limits || "memory" in limits);
  });
}
