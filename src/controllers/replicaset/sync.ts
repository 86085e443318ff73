/**
 * The ReplicaSet reconcile (upstream syncReplicaSet / manageReplicas): claim the pods the selector matches,
 * create or delete pods until the active count equals spec.replicas (unless earlier creations/deletions are not
 * yet observed), then write status. Shared by ReplicaSets and ReplicationControllers through `WorkloadKind`.
 */
import type { Pod } from "kubernetes-types/core/v1.js";
import { isStatusError } from "../../api/status.js";
import { apiVersionOf, pods as podsResource } from "../../client/resources.js";
import type { Client, EventRecorder, KubeObject, Lister } from "../../client/types.js";
import type { Logger } from "../../util/log.js";
import { controllerRefOf, isPodActive, keyOf, newControllerRef, podFromTemplate, splitKey } from "../util/pods.js";
import { claimObjects, recheckOwner } from "./claim.js";
import type { UidTrackingExpectations } from "../util/expectations.js";
import { podsToDelete } from "./ranking.js";
import { SLOW_START_INITIAL_BATCH_SIZE, slowStartBatch } from "./slowstart.js";
import { calculateStatus, statusUnchanged } from "./status.js";
import type { ReplicaSetView, WorkloadKind } from "./workload.js";

/** Upstream BurstReplicas: at most this many creations or deletions per sync. */
export const BURST_REPLICAS = 500;

export interface ReplicaSetSyncOptions<T extends KubeObject> {
  readonly kind: WorkloadKind<T>;
  readonly client: Client;
  readonly owners: Lister<T>;
  readonly pods: Lister<Pod>;
  readonly recorder: EventRecorder;
  readonly expectations: UidTrackingExpectations;
  readonly enqueueAfter: (key: string, ms: number) => void;
  readonly log: Logger;
}

/** The owner as an event's involvedObject (cached objects may lack apiVersion/kind). */
function referenceOf(owner: KubeObject, kind: WorkloadKind<KubeObject>): KubeObject {
  return { apiVersion: apiVersionOf(kind.resource), kind: kind.resource.kind, metadata: owner.metadata };
}

function hasNamespaceTerminatingCause(error: unknown): boolean {
  return isStatusError(error) && (error.status.details?.causes ?? []).some((c) => c.reason === "NamespaceTerminating");
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class ReplicaSetSyncer<T extends KubeObject> {
  constructor(private readonly options: ReplicaSetSyncOptions<T>) {}

  async sync(key: string): Promise<void> {
    const { kind, owners, expectations, log } = this.options;
    const owner = owners.get(key);
    if (!owner) {
      expectations.delete(key);
      return;
    }
    const view = kind.view(owner);
    const needsSync = expectations.satisfied(key);
    let selector;
    try {
      selector = view.selector();
    } catch (error) {
      log.error({ key, err: messageOf(error) }, "invalid selector");
      return;
    }
    const namespace = owner.metadata?.namespace;
    const allPods = this.options.pods.list(namespace);
    const controllerRef = newControllerRef(owner, kind.resource);
    const active = await claimObjects(allPods.filter(isPodActive), {
      controllerRef,
      ownerDeleting: !!owner.metadata?.deletionTimestamp,
      matches: (pod) => selector.matches(pod.metadata?.labels),
      canAdopt: recheckOwner(this.options.client.resource(kind.resource), owner),
      client: this.options.client.resource(podsResource),
    });
    let manageError: unknown = undefined;
    if (needsSync && !owner.metadata?.deletionTimestamp) {
      try {
        await this.manageReplicas(key, owner, view, active, allPods);
      } catch (error) {
        manageError = error;
      }
    }
    const status = calculateStatus(view, active, manageError);
    const updated = kind.view(await this.updateStatus(owner, view, status));
    if (
      manageError === undefined &&
      view.minReadySeconds > 0 &&
      (updated.status.readyReplicas ?? 0) === view.replicas &&
      (updated.status.availableReplicas ?? 0) !== view.replicas
    ) {
      this.options.enqueueAfter(key, view.minReadySeconds * 1000);
    }
    if (manageError !== undefined) throw manageError;
  }

  private async manageReplicas(
    key: string,
    owner: T,
    view: ReplicaSetView,
    active: readonly Pod[],
    allPods: readonly Pod[],
  ): Promise<void> {
    const { kind, client, recorder, expectations, log } = this.options;
    const podClient = client.resource(podsResource);
    const reference = referenceOf(owner, kind as WorkloadKind<KubeObject>);
    const diff = active.length - view.replicas;
    if (diff < 0) {
      const count = Math.min(-diff, BURST_REPLICAS);
      expectations.expectCreations(key, count);
      log.debug({ key, need: view.replicas, creating: count }, "too few replicas");
      const template = view.template;
      const { successes, error } = await slowStartBatch(count, SLOW_START_INITIAL_BATCH_SIZE, async () => {
        if (!template) throw new Error("unable to create pods: no template");
        const pod = podFromTemplate(template, owner, newControllerRef(owner, kind.resource));
        try {
          const created = await podClient.create(pod);
          recorder.event(reference, "Normal", "SuccessfulCreate", `Created pod: ${created.metadata?.name}`);
        } catch (createError) {
          if (hasNamespaceTerminatingCause(createError)) return;
          recorder.event(reference, "Warning", "FailedCreate", `Error creating: ${messageOf(createError)}`);
          throw createError;
        }
      });
      // Creations never attempted (or failed) will never be observed.
      for (let skipped = count - successes; skipped > 0; skipped--) expectations.creationObserved(key);
      if (error !== undefined) throw error;
      return;
    }
    if (diff > 0) {
      const count = Math.min(diff, BURST_REPLICAS);
      const victims = podsToDelete(active, this.relatedPods(owner, allPods), count);
      expectations.expectDeletions(key, victims.map(keyOf));
      log.debug({ key, need: view.replicas, deleting: count }, "too many replicas");
      const results = await Promise.allSettled(
        victims.map(async (pod) => {
          const name = pod.metadata!.name!;
          try {
            await podClient.delete(pod.metadata?.namespace, name);
            recorder.event(reference, "Normal", "SuccessfulDelete", `Deleted pod: ${name}`);
          } catch (deleteError) {
            // The informer will not observe a deletion that did not happen.
            expectations.deletionObserved(key, keyOf(pod));
            if (isStatusError(deleteError) && deleteError.code === 404) return;
            recorder.event(reference, "Warning", "FailedDelete", `Error deleting: ${messageOf(deleteError)}`);
            throw deleteError;
          }
        }),
      );
      const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed) throw failed.reason;
    }
  }

  /**
   * Pods of every ReplicaSet sharing this one's controller (e.g. all ReplicaSets of a Deployment), used to
   * rank victims by how doubled-up their node is (upstream getIndirectlyRelatedPods).
   */
  private relatedPods(owner: T, allPods: readonly Pod[]): Pod[] {
    const ownerController = controllerRefOf(owner);
    const uids = new Set<string>([owner.metadata!.uid!]);
    if (ownerController) {
      for (const sibling of this.options.owners.list(owner.metadata?.namespace)) {
        if (controllerRefOf(sibling)?.uid === ownerController.uid) uids.add(sibling.metadata!.uid!);
      }
    }
    return allPods.filter((pod) => uids.has(controllerRefOf(pod)?.uid ?? ""));
  }

  /** Writes status unless nothing changed; one retry on a fresh copy, as upstream's statusUpdateRetries. */
  private async updateStatus(owner: T, view: ReplicaSetView, status: ReturnType<typeof calculateStatus>): Promise<T> {
    const { kind, client } = this.options;
    const generation = owner.metadata?.generation ?? 0;
    if (statusUnchanged(view.status, status, generation)) return owner;
    const next = { ...status, observedGeneration: generation };
    const resourceClient = client.resource(kind.resource);
    let current = owner;
    for (let attempt = 0; ; attempt++) {
      try {
        return await resourceClient.updateStatus(kind.withStatus(current, next));
      } catch (error) {
        if (attempt >= 1) throw error;
        const { namespace, name } = splitKey(keyOf(current));
        current = await resourceClient.get(namespace, name);
      }
    }
  }
}
