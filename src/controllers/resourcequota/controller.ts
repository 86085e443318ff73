/**
 * The ResourceQuota controller (upstream pkg/controller/resourcequota): keeps status.hard = spec.hard and
 * status.used = what the namespace's objects charge (usage.ts). Work items are quota keys. Informers for the
 * counted resources are started on demand (the resources named by any quota's hard limits); a change to a
 * counted object queues every quota of its namespace after a short debounce, and every quota is recomputed
 * on a full resync every 5 minutes.
 */
import type { ResourceQuota } from "kubernetes-types/core/v1.js";
import * as resources from "../../client/resources.js";
import type { Informer, KubeObject, Resource } from "../../client/types.js";
import { runWorkers, WorkQueue } from "../../client/workqueue.js";
import { waitForCacheSync } from "../util/informers.js";
import { keyOf } from "../util/pods.js";
import type { Controller, ControllerContext } from "../types.js";
import { compareQuantities, quantityOrZero } from "./quantity.js";
import { computeQuotaUsed, sourceResourceOf, usageOf, usageToResourceList } from "./usage.js";

/** Upstream --resource-quota-sync-period default. */
export const DEFAULT_QUOTA_RESYNC_MS = 5 * 60_000;
/** Changes to counted objects are batched for this long before a quota is recomputed. */
export const DEFAULT_QUOTA_DEBOUNCE_MS = 100;

export interface ResourceQuotaControllerOptions {
  readonly resyncMs?: number;
  readonly debounceMs?: number;
}

/** Every namespaced resource the client knows, by "group/resource". */
const KNOWN_RESOURCES: ReadonlyMap<string, Resource> = new Map(
  (Object.values(resources) as unknown[])
    .filter((r): r is Resource => typeof r === "object" && r !== null && "resource" in r && "namespaced" in r)
    .filter((r) => r.namespaced)
    .map((r): [string, Resource] => [`${r.group}/${r.resource}`, r]),
);

/** True when two ResourceLists hold the same names with equal quantities. */
export function resourceListsEqual(
  a: Readonly<Record<string, unknown>> | undefined,
  b: Readonly<Record<string, unknown>> | undefined,
): boolean {
  const left = a ?? {};
  const right = b ?? {};
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  return keys.every(
    (k) =>
      k in right &&
      compareQuantities(
        quantityOrZero(left[k] as string | number | undefined),
        quantityOrZero(right[k] as string | number | undefined),
      ) === 0,
  );
}

export function createResourceQuotaController(options: ResourceQuotaControllerOptions = {}): Controller {
  const resyncMs = options.resyncMs ?? DEFAULT_QUOTA_RESYNC_MS;
  const debounceMs = options.debounceMs ?? DEFAULT_QUOTA_DEBOUNCE_MS;
  return {
    name: "resourcequota",
    async run(context: ControllerContext): Promise<void> {
      const { informers, client, log, signal } = context;
      const quotas = informers.informerFor(resources.resourceQuotas);
      const quotaClient = client.resource(resources.resourceQuotas);
      const queue = new WorkQueue<string>();
      const counted = new Map<string, Informer<KubeObject>>();

      const enqueueNamespace = (namespace: string | undefined): void => {
        for (const quota of quotas.lister.list(namespace)) queue.addAfter(keyOf(quota), debounceMs);
      };
      /** The informer of a counted resource, created (and its handlers added) on first use. */
      const informerOf = (group: string, resource: string): Informer<KubeObject> | undefined => {
        const id = `${group}/${resource}`;
        const existing = counted.get(id);
        if (existing) return existing;
        const definition = KNOWN_RESOURCES.get(id);
        if (!definition) return undefined;
        const informer = informers.informerFor(definition);
        informer.addEventHandler({
          onAdd: (o) => enqueueNamespace(o.metadata?.namespace),
          onUpdate: (old, updated) => {
            const before = usageToResourceList(usageOf(group, resource, old));
            const after = usageToResourceList(usageOf(group, resource, updated));
            if (!resourceListsEqual(before, after)) enqueueNamespace(updated.metadata?.namespace);
          },
          onDelete: (o) => enqueueNamespace(o.metadata?.namespace),
        });
        counted.set(id, informer);
        return informer;
      };

      const sync = async (key: string): Promise<void> => {
        const quota = quotas.lister.get(key);
        if (!quota) return;
        const namespace = quota.metadata!.namespace!;
        const sources: Informer<KubeObject>[] = [];
        for (const name of Object.keys(quota.spec?.hard ?? {})) {
          const source = sourceResourceOf(name);
          const informer = source && informerOf(source.group, source.resource);
          if (informer) sources.push(informer);
        }
        if (!sources.every((i) => i.hasSynced())) {
          queue.addAfter(key, 100); // a counted resource's cache is still filling
          return;
        }
        const used = computeQuotaUsed(quota, (group, resource) =>
          counted.get(`${group}/${resource}`)?.lister.list(namespace),
        );
        const status = { hard: { ...(quota.spec?.hard ?? {}) }, used: usageToResourceList(used) };
        if (
          resourceListsEqual(quota.status?.hard, status.hard) &&
          resourceListsEqual(quota.status?.used, status.used)
        ) {
          return;
        }
        const updated: ResourceQuota = { ...structuredClone(quota), status };
        await quotaClient.updateStatus(updated);
      };

      const enqueueQuota = (quota: ResourceQuota): void => queue.add(keyOf(quota));
      quotas.addEventHandler({
        onAdd: enqueueQuota,
        onUpdate: (old, quota) => {
          // Our own status writes come back here: only spec changes or a status that drifted matter.
          if (
            !resourceListsEqual(quota.spec?.hard, quota.status?.hard) ||
            !resourceListsEqual(old.spec?.hard, quota.spec?.hard)
          ) {
            enqueueQuota(quota);
          }
        },
      });
      if (!(await waitForCacheSync(context, [quotas]))) return;
      const resync = setInterval(() => {
        for (const quota of quotas.lister.list()) enqueueQuota(quota);
      }, resyncMs);
      resync.unref();
      try {
        await runWorkers(queue, context.options.workers, sync, { signal, log, name: "resourcequota" });
      } finally {
        clearInterval(resync);
      }
    },
  };
}

export const resourceQuotaController: Controller = createResourceQuotaController();
