/**
 * The EndpointSlice controller (upstream pkg/controller/endpointslice): Services with a selector get
 * EndpointSlices (at most 100 endpoints each) listing their pods with ready/serving/terminating conditions.
 * Work items are Service keys, queued by Service, pod, node and slice changes; `syncService` plans the
 * writes per address type (reconcile.ts) and applies them, updating before creating and deleting last.
 */
import type { Node, Pod, Service } from "kubernetes-types/core/v1.js";
import type { EndpointSlice } from "kubernetes-types/discovery/v1.js";
import { isStatusError, StatusError } from "../../api/status.js";
import { endpointSlices, nodes, pods, services } from "../../client/resources.js";
import type { Informer, ResourceClient } from "../../client/types.js";
import { runWorkers, WorkQueue } from "../../client/workqueue.js";
import { splitKey } from "../util/pods.js";
import type { Controller, ControllerContext } from "../types.js";
import { enqueueServicesOnChange } from "../endpoints/handlers.js";
import { waitForCacheSync } from "../util/informers.js";
import {
  LAST_CHANGE_TRIGGER_TIME_ANNOTATION,
  lastChangeTriggerTime,
  podsForService,
} from "../endpoints/pod-endpoints.js";
import { addressTypesOf, desiredEndpoints, ZONE_LABEL } from "./desired.js";
import {
  DEFAULT_MAX_ENDPOINTS_PER_SLICE,
  ENDPOINTSLICE_CONTROLLER_NAME,
  MANAGED_BY_LABEL,
  planSlices,
  SERVICE_NAME_LABEL,
} from "./reconcile.js";
import { SliceTracker } from "./tracker.js";

export interface EndpointSliceSyncer {
  readonly services: Informer<Service>;
  readonly pods: Informer<Pod>;
  readonly nodes: Informer<Node>;
  readonly slices: Informer<EndpointSlice>;
  readonly client: ResourceClient<EndpointSlice>;
  readonly tracker: SliceTracker;
  /** node name → Services that skipped pods on it because the node was not known yet. */
  readonly waitingForNode: Map<string, Set<string>>;
  readonly maxEndpointsPerSlice: number;
}

function isManaged(slice: EndpointSlice): boolean {
  return slice.metadata?.labels?.[MANAGED_BY_LABEL] === ENDPOINTSLICE_CONTROLLER_NAME;
}

/** The slices this controller manages for one Service. */
export function slicesOfService(syncer: EndpointSliceSyncer, namespace: string, name: string): EndpointSlice[] {
  return syncer.slices.lister
    .list(namespace)
    .filter((s) => isManaged(s) && s.metadata?.labels?.[SERVICE_NAME_LABEL] === name);
}

function ignoreNotFound(error: unknown): void {
  if (!(isStatusError(error) && error.code === 404)) throw error;
}

/** Brings the EndpointSlices of one Service (key "namespace/name") in line with its pods. */
export async function syncService(syncer: EndpointSliceSyncer, key: string): Promise<void> {
  const { namespace = "", name } = splitKey(key);
  const getSlice = (sliceName: string): EndpointSlice | undefined =>
    syncer.slices.lister.get(`${namespace}/${sliceName}`);
  if (!syncer.tracker.caughtUp(key, getSlice)) {
    throw new StatusError({ code: 409, reason: "Conflict", message: `endpointslice cache for ${key} is stale` });
  }
  const service = syncer.services.lister.get(key);
  const existing = slicesOfService(syncer, namespace, name);
  if (!service) {
    // The garbage collector would remove them through the owner reference; do it now.
    for (const slice of existing) {
      await syncer.client.delete(namespace, slice.metadata!.name!).catch(ignoreNotFound);
    }
    syncer.tracker.forget(key);
    return;
  }
  if (service.spec?.type === "ExternalName" || !service.spec?.selector || service.metadata?.deletionTimestamp) return;

  const selected = podsForService(service, syncer.pods.lister.list(namespace));
  const addressTypes = addressTypesOf(service);
  const triggerTime = lastChangeTriggerTime(service, selected);
  const podsOnUnknownNodes: { pod: string; node: string }[] = [];
  const plans = addressTypes.map((addressType) => {
    const desired = desiredEndpoints(service, selected, addressType, (n) => syncer.nodes.lister.get(n));
    podsOnUnknownNodes.push(...desired.podsOnUnknownNodes);
    const ofType = existing.filter((s) => s.addressType === addressType);
    return planSlices(service, addressType, ofType, desired.groups, syncer.maxEndpointsPerSlice);
  });
  // Slices of address types the Service no longer has go away.
  const stale = existing.filter((s) => !addressTypes.includes(s.addressType as "IPv4" | "IPv6"));

  const stamp = (slice: EndpointSlice): EndpointSlice => {
    const annotations = { ...(slice.metadata?.annotations ?? {}) };
    if (triggerTime) annotations[LAST_CHANGE_TRIGGER_TIME_ANNOTATION] = triggerTime;
    slice.metadata = { ...slice.metadata, annotations };
    return slice;
  };
  for (const plan of plans) {
    for (const slice of plan.toUpdate) syncer.tracker.written(key, await syncer.client.update(stamp(slice)));
  }
  for (const plan of plans) {
    for (const slice of plan.toCreate) {
      try {
        syncer.tracker.written(key, await syncer.client.create(stamp(slice)));
      } catch (error) {
        // Creating in a terminating namespace is forbidden and will stay so.
        if (isStatusError(error) && error.code === 403) return;
        throw error;
      }
    }
  }
  for (const slice of [...plans.flatMap((p) => p.toDelete), ...stale]) {
    await syncer.client.delete(namespace, slice.metadata!.name!).catch(ignoreNotFound);
    syncer.tracker.deleted(key, slice);
  }
  if (podsOnUnknownNodes.length > 0) {
    for (const { node } of podsOnUnknownNodes) {
      let waiting = syncer.waitingForNode.get(node);
      if (!waiting) syncer.waitingForNode.set(node, (waiting = new Set()));
      waiting.add(key);
    }
    throw new StatusError({
      code: 503,
      reason: "ServiceUnavailable",
      message: `skipping pods of Service ${key}: ${podsOnUnknownNodes.map((p) => `${p.pod} (node ${p.node} not found)`).join(", ")}`,
    });
  }
}

export interface EndpointSliceControllerOptions {
  /** Upstream --max-endpoints-per-slice (default 100). */
  readonly maxEndpointsPerSlice?: number;
}

export function createEndpointSliceController(options: EndpointSliceControllerOptions = {}): Controller {
  return {
    name: "endpointslice",
    async run(context: ControllerContext): Promise<void> {
      const { informers, client, log, signal } = context;
      const syncer: EndpointSliceSyncer = {
        services: informers.informerFor(services),
        pods: informers.informerFor(pods),
        nodes: informers.informerFor(nodes),
        slices: informers.informerFor(endpointSlices),
        client: client.resource(endpointSlices),
        tracker: new SliceTracker(),
        waitingForNode: new Map(),
        maxEndpointsPerSlice: options.maxEndpointsPerSlice ?? DEFAULT_MAX_ENDPOINTS_PER_SLICE,
      };
      const queue = new WorkQueue<string>();
      const enqueueServicesOf = enqueueServicesOnChange(syncer.services, syncer.pods, queue);
      // A node appearing releases the Services that skipped pods on it; a zone change (rare) touches the
      // endpoints of every pod on the node.
      syncer.nodes.addEventHandler({
        onAdd: (node) => {
          const waiting = syncer.waitingForNode.get(node.metadata?.name ?? "");
          if (!waiting) return;
          syncer.waitingForNode.delete(node.metadata!.name!);
          for (const key of waiting) queue.add(key);
        },
        onUpdate: (old, node) => {
          if (old.metadata?.labels?.[ZONE_LABEL] === node.metadata?.labels?.[ZONE_LABEL]) return;
          for (const pod of syncer.pods.lister.list()) {
            if (pod.spec?.nodeName === node.metadata?.name) enqueueServicesOf(pod);
          }
        },
      });
      // Changes to our slices by anyone (or their deletion) bring the Service back to the desired state.
      const enqueueOwner = (slice: EndpointSlice): void => {
        const serviceName = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
        if (isManaged(slice) && serviceName) queue.add(`${slice.metadata?.namespace}/${serviceName}`);
      };
      syncer.slices.addEventHandler({
        onAdd: enqueueOwner,
        onUpdate: (_old, slice) => enqueueOwner(slice),
        onDelete: (slice) => {
          const serviceName = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
          if (serviceName)
            syncer.tracker.observedDeletion(`${slice.metadata?.namespace}/${serviceName}`, slice.metadata!.name!);
          enqueueOwner(slice);
        },
      });
      if (!(await waitForCacheSync(context, [syncer.services, syncer.pods, syncer.nodes, syncer.slices]))) return;
      await runWorkers(queue, context.options.workers, (key) => syncService(syncer, key), {
        signal,
        log,
        name: "endpointslice",
      });
    },
  };
}

export const endpointSliceController: Controller = createEndpointSliceController();
