/**
 * The ServiceAccount controller (upstream pkg/controller/serviceaccount/serviceaccounts_controller.go): every
 * active namespace gets a `default` ServiceAccount, recreated when deleted. Namespaces are the work items;
 * namespace adds/updates and ServiceAccount deletions queue them.
 */
import type { Namespace, ServiceAccount } from "kubernetes-types/core/v1.js";
import { isStatusError } from "../../api/status.js";
import { namespaces, serviceAccounts } from "../../client/resources.js";
import type { Informer, ResourceClient } from "../../client/types.js";
import { runWorkers, WorkQueue } from "../../client/workqueue.js";
import type { Controller, ControllerContext } from "../types.js";
import { waitForCacheSync } from "../util/informers.js";

/** The ServiceAccounts every namespace gets (upstream DefaultServiceAccountsControllerOptions). */
export const DEFAULT_SERVICE_ACCOUNTS: readonly string[] = ["default"];

export interface ServiceAccountSyncer {
  readonly namespaceInformer: Informer<Namespace>;
  readonly serviceAccountInformer: Informer<ServiceAccount>;
  readonly serviceAccountClient: ResourceClient<ServiceAccount>;
}

/** Creates the missing default ServiceAccounts of one namespace (skipped unless the namespace is Active). */
export async function syncNamespace(syncer: ServiceAccountSyncer, name: string): Promise<void> {
  const namespace = syncer.namespaceInformer.lister.get(name);
  if (!namespace || namespace.metadata?.deletionTimestamp) return;
  const phase = namespace.status?.phase ?? "Active";
  if (phase !== "Active") return;
  for (const accountName of DEFAULT_SERVICE_ACCOUNTS) {
    if (syncer.serviceAccountInformer.lister.get(`${name}/${accountName}`)) continue;
    try {
      await syncer.serviceAccountClient.create({
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name: accountName, namespace: name },
      });
    } catch (error) {
      // Already there (our cache lags) or the namespace started terminating meanwhile: nothing to do.
      if (isStatusError(error) && (error.code === 409 || error.code === 403)) continue;
      throw error;
    }
  }
}

export const serviceAccountController: Controller = {
  name: "serviceaccount",
  async run(context: ControllerContext): Promise<void> {
    const { informers, client, log, signal } = context;
    const syncer: ServiceAccountSyncer = {
      namespaceInformer: informers.informerFor(namespaces),
      serviceAccountInformer: informers.informerFor(serviceAccounts),
      serviceAccountClient: client.resource(serviceAccounts),
    };
    const queue = new WorkQueue<string>();
    const enqueue = (namespace: Namespace): void => queue.add(namespace.metadata!.name!);
    syncer.namespaceInformer.addEventHandler({ onAdd: enqueue, onUpdate: (_old, updated) => enqueue(updated) });
    syncer.serviceAccountInformer.addEventHandler({
      onDelete: (account) => {
        if (DEFAULT_SERVICE_ACCOUNTS.includes(account.metadata?.name ?? "")) queue.add(account.metadata!.namespace!);
      },
    });
    if (!(await waitForCacheSync(context, [syncer.namespaceInformer, syncer.serviceAccountInformer]))) return;
    await runWorkers(queue, context.options.workers, (name) => syncNamespace(syncer, name), {
      signal,
      log,
      name: "serviceaccount",
    });
  },
};
