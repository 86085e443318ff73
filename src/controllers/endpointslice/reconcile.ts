/**
 * Slice packing with minimal churn (upstream staging/src/k8s.io/endpointslice reconciler.go
 * reconcileByAddressType / reconcileByPortMapping): existing slices keep the endpoints that are still wanted
 * (updated in place when they changed) and are deleted once empty; leftover endpoints first fill slices that
 * are being updated anyway, then go into an unchanged slice with room for all of them, and only then into
 * new slices of at most `maxEndpointsPerSlice`. A Service with no endpoints keeps one empty placeholder slice.
 */
import type { Service } from "kubernetes-types/core/v1.js";
import type { Endpoint, EndpointSlice } from "kubernetes-types/discovery/v1.js";
import { equalIgnoringResourceVersion } from "../endpoints/subsets.js";
import type { IPFamily } from "../endpoints/pod-endpoints.js";
import { endpointKey, portsKey, type DesiredGroup } from "./desired.js";

/** Upstream --max-endpoints-per-slice default. */
export const DEFAULT_MAX_ENDPOINTS_PER_SLICE = 100;
export const SERVICE_NAME_LABEL = "kubernetes.io/service-name";
export const MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";
export const ENDPOINTSLICE_CONTROLLER_NAME = "endpointslice-controller.k8s.io";

export interface SlicePlan {
  readonly toCreate: EndpointSlice[];
  readonly toUpdate: EndpointSlice[];
  readonly toDelete: EndpointSlice[];
}

/** Labels of a Service's slices: the Service's (minus reserved keys), service-name, managed-by, headless. */
export function sliceLabels(service: Service): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(service.metadata?.labels ?? {})) {
    if (key === SERVICE_NAME_LABEL || key === MANAGED_BY_LABEL || key === "service.kubernetes.io/headless") continue;
    labels[key] = value;
  }
  const clusterIP = service.spec?.clusterIP;
  if (!clusterIP || clusterIP === "None") labels["service.kubernetes.io/headless"] = "";
  labels[SERVICE_NAME_LABEL] = service.metadata!.name!;
  labels[MANAGED_BY_LABEL] = ENDPOINTSLICE_CONTROLLER_NAME;
  return labels;
}

/** A new slice of `service` (named by the server from `generateName`). */
export function newSlice(
  service: Service,
  addressType: IPFamily,
  group: Pick<DesiredGroup, "ports">,
  endpoints: Endpoint[],
): EndpointSlice {
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: {
      generateName: `${service.metadata!.name}-`,
      namespace: service.metadata!.namespace,
      labels: sliceLabels(service),
      ownerReferences: [
        {
          apiVersion: "v1",
          kind: "Service",
          name: service.metadata!.name!,
          uid: service.metadata!.uid!,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    addressType,
    endpoints,
    ports: structuredClone(group.ports),
  };
}

function sameLabels(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  const left = a ?? {};
  return Object.keys(left).length === Object.keys(b).length && Object.keys(b).every((k) => left[k] === b[k]);
}

function isPlaceholder(slice: EndpointSlice): boolean {
  return (slice.endpoints?.length ?? 0) === 0 && (slice.ports?.length ?? 0) === 0;
}

function byName(a: Endpoint, b: Endpoint): number {
  const ka = `${a.targetRef?.name ?? ""}\u0000${a.addresses[0] ?? ""}`;
  const kb = `${b.targetRef?.name ?? ""}\u0000${b.addresses[0] ?? ""}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * Plans the writes for one address type of one Service. `existing` are the Service's slices of that address
 * type managed by this controller; `desired` maps portsKey → wanted endpoints (consumed).
 */
export function planSlices(
  service: Service,
  addressType: IPFamily,
  existing: readonly EndpointSlice[],
  desired: ReadonlyMap<string, DesiredGroup>,
  maxEndpointsPerSlice: number = DEFAULT_MAX_ENDPOINTS_PER_SLICE,
): SlicePlan {
  const labels = sliceLabels(service);
  const toCreate: EndpointSlice[] = [];
  const toDelete: EndpointSlice[] = [];
  const updatesByPorts = new Map<string, EndpointSlice[]>();
  const unchangedByPorts = new Map<string, EndpointSlice[]>();
  const remaining = new Map<string, Map<string, Endpoint>>();
  for (const [key, group] of desired) remaining.set(key, new Map(group.endpoints));

  // Step 1: walk existing slices, keeping wanted endpoints and dropping the rest.
  for (const slice of existing) {
    if (!ownedBy(slice, service)) {
      toDelete.push(slice); // left over from an earlier Service of the same name
      continue;
    }
    const key = portsKey(slice.ports);
    const wanted = remaining.get(key);
    if (!wanted) {
      toDelete.push(slice);
      continue;
    }
    let changed = !sameLabels(slice.metadata?.labels, labels);
    const kept: Endpoint[] = [];
    for (const endpoint of slice.endpoints ?? []) {
      const k = endpointKey(endpoint);
      const want = wanted.get(k);
      if (!want) {
        changed = true;
        continue;
      }
      wanted.delete(k);
      if (!equalIgnoringResourceVersion(endpoint, want)) changed = true;
      kept.push(want);
    }
    if (kept.length === 0) {
      toDelete.push(slice);
    } else if (changed) {
      const updated = structuredClone(slice);
      updated.metadata = { ...updated.metadata, labels };
      updated.endpoints = kept;
      const list = updatesByPorts.get(key) ?? [];
      list.push(updated);
      updatesByPorts.set(key, list);
    } else {
      const list = unchangedByPorts.get(key) ?? [];
      list.push(slice);
      unchangedByPorts.set(key, list);
    }
  }

  // Steps 2 and 3: place leftover endpoints.
  for (const [key, wanted] of remaining) {
    const leftovers = [...wanted.values()].sort(byName);
    if (leftovers.length === 0) continue;
    const updates = (updatesByPorts.get(key) ?? []).sort((a, b) => b.endpoints.length - a.endpoints.length);
    for (const slice of updates) {
      while (slice.endpoints.length < maxEndpointsPerSlice && leftovers.length > 0)
        slice.endpoints.push(leftovers.shift()!);
    }
    // Whole new slices for every full batch.
    while (leftovers.length >= maxEndpointsPerSlice) {
      toCreate.push(newSlice(service, addressType, desired.get(key)!, leftovers.splice(0, maxEndpointsPerSlice)));
    }
    if (leftovers.length === 0) continue;
    // The rest goes into the fullest unchanged slice that can take all of it, else into a new slice.
    const unchanged = (unchangedByPorts.get(key) ?? [])
      .filter((s) => s.endpoints.length + leftovers.length <= maxEndpointsPerSlice)
      .sort((a, b) => b.endpoints.length - a.endpoints.length);
    const target = unchanged[0];
    if (target) {
      const updated = structuredClone(target);
      updated.endpoints.push(...leftovers);
      updates.push(updated);
      unchangedByPorts.set(
        key,
        (unchangedByPorts.get(key) ?? []).filter((s) => s !== target),
      );
    } else {
      toCreate.push(newSlice(service, addressType, desired.get(key)!, leftovers));
    }
    updatesByPorts.set(key, updates);
  }
  const toUpdate = [...updatesByPorts.values()].flat();

  // A Service without endpoints keeps exactly one empty placeholder slice.
  if (existing.length === toDelete.length && toCreate.length === 0) {
    const placeholder = toDelete.find((s) => isPlaceholder(s) && sameLabels(s.metadata?.labels, labels));
    if (placeholder && toDelete.length >= 1) {
      toDelete.splice(toDelete.indexOf(placeholder), 1);
    } else {
      toCreate.push(newSlice(service, addressType, { ports: [] }, []));
    }
  }

  // Upstream finalize: rather than create one slice and delete another, update the one being deleted.
  for (let i = 0; i < toDelete.length && toCreate.length > 0;) {
    const doomed = toDelete[i]!;
    if (!ownedBy(doomed, service)) {
      i++;
      continue;
    }
    const created = toCreate.pop()!;
    const { generateName: _unused, ...meta } = created.metadata!;
    void _unused;
    toUpdate.push({
      ...created,
      metadata: {
        ...doomed.metadata,
        ...meta,
        name: doomed.metadata!.name!,
        generateName: doomed.metadata?.generateName,
      },
    });
    toDelete.splice(i, 1);
  }
  return { toCreate, toUpdate, toDelete };
}

/** The slice is owned by this very Service (not by an earlier one of the same name). */
function ownedBy(slice: EndpointSlice, service: Service): boolean {
  return (slice.metadata?.ownerReferences ?? []).some((ref) => ref.uid === service.metadata?.uid);
}
