/**
 * Empties a terminating namespace (upstream pkg/controller/namespace/deletion/namespaced_resources_deleter.go):
 * discovers every namespaced resource that can be deleted, deletes each collection (or lists and deletes item by
 * item when deletecollection is not served), counts what remains (pods still terminating, objects held by
 * finalizers), writes the namespace's status conditions, and once nothing remains removes the "kubernetes"
 * finalizer through PUT namespaces/NAME/finalize — the API server then deletes the namespace.
 */
import type { Namespace, Pod } from "kubernetes-types/core/v1.js";
import { isStatusError } from "../../api/status.js";
import { namespaces } from "../../client/resources.js";
import type { Client, KubeObject } from "../../client/types.js";
import {
  discoverPreferredResources,
  discoveryFailureMessage,
  supportsAll,
  type DiscoveredResource,
} from "../garbagecollector/discovery.js";
import { NamespaceConditionUpdater } from "./conditions.js";

/** The finalizer this controller owns in namespace spec.finalizers. */
export const KUBERNETES_FINALIZER = "kubernetes";
/** Upstream's default wait for objects held by finalizers. */
const FINALIZER_ESTIMATE_SECONDS = 15;
/** Collections deleted at once. */
const CONCURRENCY = 8;

/** Content remains; sync again in about `estimateSeconds` (upstream ResourcesRemainingError). */
export class ResourcesRemainingError extends Error {
  constructor(readonly estimateSeconds: number) {
    super(`some content remains in the namespace, estimate ${estimateSeconds} seconds before it is removed`);
    this.name = "ResourcesRemainingError";
  }
}

interface ResourceOutcome {
  estimateSeconds: number;
  remaining: number;
  finalizers: Map<string, number>;
  error?: string;
}

/** Resources `deletecollection`/`list` turned out not to support (upstream's operationNotSupportedCache). */
type NotSupported = Set<string>;

export class NamespacedResourcesDeleter {
  readonly #notSupported: NotSupported = new Set();

  constructor(private readonly client: Client) {}

  /**
   * One deletion pass for `name` (upstream Delete). Resolves when the namespace is gone, not terminating, or
   * finalized; rejects with ResourcesRemainingError while content remains, or another error to retry with backoff.
   */
  async delete(name: string): Promise<void> {
    const nsClient = this.client.resource(namespaces);
    let namespace: Namespace;
    try {
      namespace = await nsClient.get(undefined, name);
    } catch (error) {
      if (isStatusError(error) && error.code === 404) return;
      throw error;
    }
    if (!namespace.metadata?.deletionTimestamp) return;
    if (namespace.status?.phase !== "Terminating") {
      const next = structuredClone(namespace);
      next.status = { ...next.status, phase: "Terminating" };
      try {
        namespace = await nsClient.updateStatus(next);
      } catch (error) {
        if (isStatusError(error) && error.code === 404) return;
        throw error; // conflicts retry the whole pass
      }
    }
    if (!(namespace.spec?.finalizers ?? []).includes(KUBERNETES_FINALIZER)) return;

    const { estimate, latest } = await this.deleteAllContent(namespace);
    if (estimate > 0) throw new ResourcesRemainingError(estimate);
    await this.finalize(latest);
  }

  /** Removes "kubernetes" from spec.finalizers (upstream finalizeNamespace), re-reading on conflicts. */
  private async finalize(namespace: Namespace): Promise<void> {
    const name = namespace.metadata!.name!;
    let current = namespace;
    for (;;) {
      const next: Namespace = {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: current.metadata,
        spec: {
          ...current.spec,
          finalizers: (current.spec?.finalizers ?? []).filter((f) => f !== KUBERNETES_FINALIZER),
        },
      };
      try {
        await this.client.request("PUT", `/api/v1/namespaces/${encodeURIComponent(name)}/finalize`, next);
        return;
      } catch (error) {
        if (isStatusError(error) && error.code === 404) return;
        if (!(isStatusError(error) && error.code === 409)) throw error;
      }
      const latest = await this.client.resource(namespaces).get(undefined, name);
      if (latest.metadata?.uid !== namespace.metadata?.uid) throw new Error("namespace uid has changed across retries");
      current = latest;
    }
  }

  /**
   * Deletes everything in the namespace: the seconds to wait before looking again (0: empty) and the namespace
   * as last written.
   */
  private async deleteAllContent(namespace: Namespace): Promise<{ estimate: number; latest: Namespace }> {
    const name = namespace.metadata!.name!;
    const conditions = new NamespaceConditionUpdater();
    const errors: string[] = [];
    const discovered = await discoverPreferredResources(this.client);
    if (discovered.failedGroups.size > 0) {
      const message = discoveryFailureMessage(discovered.failedGroups);
      errors.push(message);
      conditions.discoveryFailed(message, discovered.failedGroups.size);
    }
    if (discovered.unparsableGroupVersions.length > 0) {
      const message = discovered.unparsableGroupVersions
        .map((gv) => `unexpected GroupVersion string: ${gv}`)
        .join(", ");
      errors.push(message);
      conditions.groupVersionParsingFailed(message);
    }
    const deletable = discovered.resources.filter((r) => r.namespaced && supportsAll(r, ["delete"]));

    let estimate = 0;
    const remainingByResource = new Map<string, number>();
    const remainingByFinalizer = new Map<string, number>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < deletable.length) {
        const resource = deletable[next++]!;
        const outcome = await this.deleteAllContentFor(resource, name);
        if (outcome.error !== undefined) {
          errors.push(outcome.error);
          conditions.contentDeletionFailed(outcome.error);
        }
        estimate = Math.max(estimate, outcome.estimateSeconds);
        if (outcome.remaining > 0) remainingByResource.set(`${resource.resource}.${resource.group}`, outcome.remaining);
        for (const [f, n] of outcome.finalizers) remainingByFinalizer.set(f, (remainingByFinalizer.get(f) ?? 0) + n);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    conditions.contentTotals({ remainingByResource, remainingByFinalizer });

    // Always write the conditions: a pass that worked must replace an earlier failure.
    let latest = namespace;
    const updated = structuredClone(namespace);
    updated.status ??= {};
    if (conditions.update(updated.status)) {
      try {
        latest = await this.client.resource(namespaces).updateStatus(updated);
      } catch {
        // Upstream logs and carries on; the next pass writes them again.
      }
    }
    if (errors.length > 0) throw new Error(errors.sort().join(", "));
    return { estimate, latest };
  }

  /** Upstream deleteAllContentForGroupVersionResource. */
  private async deleteAllContentFor(resource: DiscoveredResource, namespace: string): Promise<ResourceOutcome> {
    const outcome: ResourceOutcome = { estimateSeconds: 0, remaining: 0, finalizers: new Map() };
    const rc = this.client.resource(resource);
    const id = `${resource.group}/${resource.version}/${resource.resource}`;
    const gvr = `${resource.group}/${resource.version}, Resource=${resource.resource}`;
    try {
      const canDeleteCollection =
        supportsAll(resource, ["deletecollection"]) && !this.#notSupported.has(`deletecollection ${id}`);
      let deleted = false;
      if (canDeleteCollection) {
        try {
          await rc.deleteCollection(namespace, undefined, { propagationPolicy: "Background" });
          deleted = true;
        } catch (error) {
          if (!(isStatusError(error) && (error.code === 405 || error.code === 404))) throw error;
          this.#notSupported.add(`deletecollection ${id}`);
        }
      }
      const listable = supportsAll(resource, ["list"]) && !this.#notSupported.has(`list ${id}`);
      if (!listable) return outcome;
      let items: KubeObject[];
      try {
        items = (await rc.listAll(namespace)).items;
      } catch (error) {
        if (!(isStatusError(error) && (error.code === 405 || error.code === 404))) throw error;
        this.#notSupported.add(`list ${id}`);
        return outcome;
      }
      if (!deleted && items.length > 0) {
        // deleteEachItem: objects already terminating are deleted again (harmless) as upstream does.
        await Promise.all(
          items.map(async (item) => {
            try {
              await rc.delete(namespace, item.metadata!.name!, { propagationPolicy: "Background" });
            } catch (error) {
              if (!(isStatusError(error) && error.code === 404)) throw error;
            }
          }),
        );
        items = (await rc.listAll(namespace)).items;
      }
      if (items.length === 0) return outcome;
      outcome.remaining = items.length;
      for (const item of items) {
        for (const f of item.metadata?.finalizers ?? [])
          outcome.finalizers.set(f, (outcome.finalizers.get(f) ?? 0) + 1);
      }
      if (resource.group === "" && resource.resource === "pods") {
        outcome.estimateSeconds = estimateGracefulTermination(items as Pod[]);
      }
      if (outcome.estimateSeconds > 0) return outcome;
      if (outcome.finalizers.size > 0) {
        outcome.estimateSeconds = FINALIZER_ESTIMATE_SECONDS;
        return outcome;
      }
      outcome.error = `unexpected items still remain in namespace: ${namespace} for gvr: ${gvr}`;
      return outcome;
    } catch (error) {
      outcome.error = error instanceof Error ? error.message : String(error);
      return outcome;
    }
  }
}

/** The longest grace period of pods still running (upstream estimateGracefulTerminationForPods). */
export function estimateGracefulTermination(pods: readonly Pod[]): number {
  let estimate = 0;
  for (const pod of pods) {
    const phase = pod.status?.phase;
    if (phase === "Succeeded" || phase === "Failed") continue;
    const grace = pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 0;
    estimate = Math.max(estimate, grace);
  }
  return estimate;
}
