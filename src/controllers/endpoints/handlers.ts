/**
 * The event wiring the Endpoints and EndpointSlice controllers share: a Service is queued when it changes, and
 * whenever a pod it selects appears, goes away, or changes in a way its endpoints show (podEndpointFingerprint).
 */
import type { Pod, Service } from "kubernetes-types/core/v1.js";
import type { Informer } from "../../client/types.js";
import type { WorkQueue } from "../../client/workqueue.js";
import { keyOf } from "../util/pods.js";
import { podEndpointFingerprint, serviceSelects } from "./pod-endpoints.js";

/** Adds the handlers; returns the function that queues the Services selecting any of the given pod versions. */
export function enqueueServicesOnChange(
  services: Informer<Service>,
  pods: Informer<Pod>,
  queue: WorkQueue<string>,
): (...podVersions: Pod[]) => void {
  const enqueue = (service: Service): void => queue.add(keyOf(service));
  services.addEventHandler({ onAdd: enqueue, onUpdate: (_old, s) => enqueue(s), onDelete: enqueue });
  const enqueueServicesOf = (...podVersions: Pod[]): void => {
    const namespace = podVersions[0]!.metadata?.namespace;
    for (const service of services.lister.list(namespace)) {
      if (podVersions.some((pod) => serviceSelects(service, pod))) enqueue(service);
    }
  };
  pods.addEventHandler({
    onAdd: (pod) => enqueueServicesOf(pod),
    onUpdate: (old, pod) => {
      if (podEndpointFingerprint(old) !== podEndpointFingerprint(pod)) enqueueServicesOf(old, pod);
    },
    onDelete: (pod) => enqueueServicesOf(pod),
  });
  return enqueueServicesOf;
}
