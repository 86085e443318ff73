/**
 * The Endpoints controller (upstream pkg/controller/endpoint): Services with a selector get an Endpoints object
 * of the same name listing their matching pods. Work items are Service keys, queued by Service changes, by
 * changes of pods they select and by Endpoints deletions; `syncService` writes only when the result changed and
 * deletes the Endpoints of a Service that is gone.
 */
import type { Endpoints, Pod, Service } from "kubernetes-types/core/v1.js";
import { isStatusError } from "../../api/status.js";
import { endpoints as endpointsResource, pods, services } from "../../client/resources.js";
import type { Informer, ResourceClient } from "../../client/types.js";
import { runWorkers, WorkQueue } from "../../client/workqueue.js";
import { keyOf, splitKey } from "../util/pods.js";
import type { Controller, ControllerContext } from "../types.js";
import { waitForCacheSync } from "../util/informers.js";
import { enqueueServicesOnChange } from "./handlers.js";
import {
  HEADLESS_SERVICE_LABEL,
  LAST_CHANGE_TRIGGER_TIME_ANNOTATION,
  podsForService,
  lastChangeTriggerTime,
} from "./pod-endpoints.js";
import {
  MAX_ENDPOINTS_CAPACITY,
  OVER_CAPACITY_ANNOTATION,
  countAddresses,
  desiredSubsets,
  repackSubsets,
  subsetsEqual,
  truncateSubsets,
} from "./subsets.js";

/** Upstream LabelManagedBy / ControllerName of the Endpoints controller (1.33). */
export const ENDPOINTS_MANAGED_BY_LABEL = "endpoints.kubernetes.io/managed-by";
export const ENDPOINTS_CONTROLLER_NAME = "endpoint-controller";
/** Endpoints carrying this annotation are leader-election records, not Service endpoints: never deleted. */
const LEADER_ANNOTATION = "control-plane.alpha.kubernetes.io/leader";

export interface EndpointsSyncer {
  readonly services: Informer<Service>;
  readonly pods: Informer<Pod>;
  readonly endpoints: Informer<Endpoints>;
  readonly client: ResourceClient<Endpoints>;
}

function isServiceIPSet(service: Service): boolean {
  const ip = service.spec?.clusterIP;
  return !!ip && ip !== "None";
}

/** The labels the Endpoints of `service` carry: the Service's, plus managed-by and the headless marker. */
export function endpointsLabels(service: Service): Record<string, string> {
  const labels: Record<string, string> = { ...(service.metadata?.labels ?? {}) };
  if (!isServiceIPSet(service)) labels[HEADLESS_SERVICE_LABEL] = "";
  else delete labels[HEADLESS_SERVICE_LABEL];
  labels[ENDPOINTS_MANAGED_BY_LABEL] = ENDPOINTS_CONTROLLER_NAME;
  return labels;
}

function sameLabels(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  const left = a ?? {};
  const keys = Object.keys(left);
  return keys.length === Object.keys(b).length && keys.every((k) => left[k] === b[k]);
}

/** Brings the Endpoints of one Service (key "namespace/name") in line with its pods. */
export async function syncService(syncer: EndpointsSyncer, key: string): Promise<void> {
  const { namespace, name } = splitKey(key);
  if (namespace === "default" && name === "kubernetes") return; // maintained by the API server
  const service = syncer.services.lister.get(key);
  if (!service) {
    const current = syncer.endpoints.lister.get(key);
    if (current?.metadata?.annotations?.[LEADER_ANNOTATION] !== undefined) return;
    try {
      await syncer.client.delete(namespace, name);
    } catch (error) {
      if (!(isStatusError(error) && error.code === 404)) throw error;
    }
    return;
  }
  if (service.spec?.type === "ExternalName" || !service.spec?.selector) return;
  if (service.metadata?.deletionTimestamp) return;

  const selected = podsForService(service, syncer.pods.lister.list(namespace));
  let subsets = repackSubsets(desiredSubsets(service, selected));
  const current = syncer.endpoints.lister.get(key);
  const labels = endpointsLabels(service);
  const { ready, notReady } = countAddresses(subsets);
  const overCapacity = ready + notReady > MAX_ENDPOINTS_CAPACITY;
  const capacityAnnotationCorrect =
    !overCapacity && current?.metadata?.annotations?.[OVER_CAPACITY_ANNOTATION] === undefined;
  if (current && subsetsEqual(current.subsets, subsets) && sameLabels(current.metadata?.labels, labels)) {
    if (capacityAnnotationCorrect) return;
  }
  const truncated = truncateSubsets(subsets);
  if (truncated) subsets = truncated;
  if (current && truncated && subsetsEqual(current.subsets, subsets) && sameLabels(current.metadata?.labels, labels)) {
    if (current.metadata?.annotations?.[OVER_CAPACITY_ANNOTATION] === "truncated") return;
  }

  const annotations: Record<string, string> = { ...(current?.metadata?.annotations ?? {}) };
  const triggerTime = lastChangeTriggerTime(service, selected);
  if (triggerTime) annotations[LAST_CHANGE_TRIGGER_TIME_ANNOTATION] = triggerTime;
  else delete annotations[LAST_CHANGE_TRIGGER_TIME_ANNOTATION];
  if (truncated) annotations[OVER_CAPACITY_ANNOTATION] = "truncated";
  else delete annotations[OVER_CAPACITY_ANNOTATION];

  const desired: Endpoints = current
    ? structuredClone(current)
    : { apiVersion: "v1", kind: "Endpoints", metadata: { name, namespace } };
  desired.metadata = { ...desired.metadata, labels, annotations };
  desired.subsets = subsets;
  try {
    if (current) await syncer.client.update(desired);
    else await syncer.client.create(desired);
  } catch (error) {
    // Creating in a terminating namespace is forbidden and will stay so: drop the item.
    if (!current && isStatusError(error) && error.code === 403) return;
    throw error;
  }
}

export const endpointsController: Controller = {
  name: "endpoint",
  async run(context: ControllerContext): Promise<void> {
    const { informers, client, log, signal } = context;
    const syncer: EndpointsSyncer = {
      services: informers.informerFor(services),
      pods: informers.informerFor(pods),
      endpoints: informers.informerFor(endpointsResource),
      client: client.resource(endpointsResource),
    };
    const queue = new WorkQueue<string>();
    enqueueServicesOnChange(syncer.services, syncer.pods, queue);
    syncer.endpoints.addEventHandler({ onDelete: (object) => queue.add(keyOf(object)) });
    if (!(await waitForCacheSync(context, [syncer.services, syncer.pods, syncer.endpoints]))) return;
    // Upstream checkLeftoverEndpoints: Endpoints whose Service went away while we were down get deleted.
    for (const existing of syncer.endpoints.lister.list()) {
      if (existing.metadata?.annotations?.[LEADER_ANNOTATION] === undefined) queue.add(keyOf(existing));
    }
    await runWorkers(queue, context.options.workers, (key) => syncService(syncer, key), {
      signal,
      log,
      name: "endpoint",
    });
  },
};
