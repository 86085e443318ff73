/**
 * What the garbage collector does with a node (upstream pkg/controller/garbagecollector/garbagecollector.go):
 * `attemptToDelete` deletes a dependent whose owners are all gone (verified with a live GET, remembered in the
 * absent-owner cache), removes dangling references from one that still has a live owner, deletes dependents of
 * a foreground deletion and finally drops the owner's foregroundDeletion finalizer; `attemptToOrphan` removes the
 * owner's reference from every dependent and then its orphan finalizer. Writes carry uid and resourceVersion
 * preconditions, so a stale cache can only make them fail (and retry with a live read), never act wrongly.
 */
import type { OwnerReference } from "kubernetes-types/meta/v1.js";
import { isStatusError } from "../../api/status.js";
import type { Client, EventRecorder, KubeObject, Resource } from "../../client/types.js";
import type { Logger } from "../../util/log.js";
import {
  FOREGROUND_FINALIZER,
  ORPHAN_FINALIZER,
  type DependencyGraph,
  type GraphNode,
  type ObjectIdentity,
} from "./graph.js";
import type { RestMapper } from "./restmapper.js";

/** Upstream's absentOwnerCache size. */
const ABSENT_OWNER_CACHE_SIZE = 10_000;

/** The outcome a worker acts on: done, or look again later (a virtual owner not yet shown by an informer). */
export type AttemptResult = "done" | "requeue";

function isNotFound(error: unknown): boolean {
  return isStatusError(error) && error.code === 404;
}

function absentKey(uid: string, namespace: string): string {
  return `${uid}|${namespace}`;
}

export class GarbageCollector {
  readonly #absentOwners = new Map<string, true>();
  /** uids whose cached copy proved stale: the next attempt reads them live. */
  readonly #readLive = new Set<string>();

  constructor(
    private readonly client: Client,
    private readonly graph: DependencyGraph,
    private readonly mapper: () => RestMapper,
    private readonly recorder: EventRecorder,
    private readonly log: Logger,
  ) {}

  /** Remembers an owner verified absent (bounded, oldest first out). */
  ownerAbsent(identity: ObjectIdentity): void {
    const key = absentKey(identity.uid, identity.namespace);
    this.#absentOwners.delete(key);
    this.#absentOwners.set(key, true);
    if (this.#absentOwners.size > ABSENT_OWNER_CACHE_SIZE) {
      this.#absentOwners.delete(this.#absentOwners.keys().next().value!);
    }
  }

  /** Upstream reportInvalidNamespaceOwnerRef: a Warning event on the dependent. */
  invalidOwnerNamespace(dependent: GraphNode, ref: OwnerReference): void {
    const ns = dependent.identity.namespace;
    this.recorder.event(
      dependent.object ?? {
        apiVersion: dependent.identity.apiVersion,
        kind: dependent.identity.kind,
        metadata: { name: dependent.identity.name, uid: dependent.identity.uid, ...(ns ? { namespace: ns } : {}) },
      },
      "Warning",
      "OwnerRefInvalidNamespace",
      `ownerRef [${ref.apiVersion}/${ref.kind}, namespace: ${ns}, name: ${ref.name}, uid: ${ref.uid}] does not exist in namespace "${ns}"`,
    );
  }

  #resourceOf(identity: { apiVersion: string; kind: string }): Resource {
    const resource = this.mapper().resourceFor(identity.apiVersion, identity.kind);
    if (!resource) throw new Error(`unable to map ${identity.apiVersion}, Kind=${identity.kind} to a resource`);
    return resource;
  }

  async #getLive(identity: ObjectIdentity): Promise<KubeObject | undefined> {
    const resource = this.#resourceOf(identity);
    try {
      return await this.client
        .resource(resource)
        .get(resource.namespaced ? identity.namespace : undefined, identity.name);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Upstream attemptToDeleteItem. */
  async attemptToDelete(uid: string): Promise<AttemptResult> {
    const item = this.graph.get(uid);
    if (!item) return "done";
    // Being deleted is a one-way trip: wait for the deletion, then its dependents are processed.
    if (item.beingDeleted && !item.deletingDependents) return "done";

    const live = item.virtual || !item.object || this.#readLive.has(uid);
    const latest = live ? await this.#getLive(item.identity) : item.object;
    this.#readLive.delete(uid);
    if (!latest || latest.metadata?.uid !== item.identity.uid) {
      // An owner that does not exist (upstream's virtual delete event).
      this.graph.verifiedAbsent(item.identity);
      return "done";
    }
    if (item.virtual) return "requeue"; // it exists: wait for its informer to show it
    if (item.deletingDependents) return this.#processDeletingDependents(item);

    const refs = latest.metadata?.ownerReferences ?? [];
    if (refs.length === 0) return "done";
    const solid: OwnerReference[] = [];
    const dangling: OwnerReference[] = [];
    const waiting: OwnerReference[] = [];
    for (const ref of refs) {
      const state = await this.#ownerState(ref, item);
      if (state === "invalid") return "done";
      if (state === "absent") dangling.push(ref);
      else if (state === "waiting") waiting.push(ref);
      else solid.push(ref);
    }
    try {
      if (solid.length > 0) {
        if (dangling.length === 0 && waiting.length === 0) return "done";
        // Keep the object; drop the references to owners that are gone or waiting for their dependents.
        const drop = new Set([...dangling, ...waiting].map((r) => r.uid));
        await this.#patchOwnerReferences(item, latest, (ref) => (drop.has(ref.uid) ? undefined : ref));
        return "done";
      }
      if (waiting.length > 0 && item.dependents.size > 0) {
        for (const dep of item.dependents) {
          if (dep.deletingDependents) {
            // A cycle (upstream's detection has the same false positives): stop blocking the waiting owners.
            await this.#patchOwnerReferences(item, latest, (ref) =>
              ref.blockOwnerDeletion ? { ...ref, blockOwnerDeletion: false } : ref,
            );
            break;
          }
        }
        await this.#delete(item, latest, "Foreground");
        return "done";
      }
      const finalizers = latest.metadata?.finalizers ?? [];
      const policy = finalizers.includes(ORPHAN_FINALIZER)
        ? "Orphan"
        : finalizers.includes(FOREGROUND_FINALIZER)
          ? "Foreground"
          : "Background";
      await this.#delete(item, latest, policy);
      return "done";
    } catch (error) {
      this.#readLive.add(uid);
      throw error;
    }
  }

  /**
   * The state of one owner of `item` (upstream isDangling + classifyReferences). The graph answers when it has
   * seen the owner (its changes always requeue the dependents); an owner it has not seen is read live.
   */
  async #ownerState(ref: OwnerReference, item: GraphNode): Promise<"solid" | "absent" | "waiting" | "invalid"> {
    if (
      this.#absentOwners.has(absentKey(ref.uid, "")) ||
      this.#absentOwners.has(absentKey(ref.uid, item.identity.namespace))
    ) {
      return "absent";
    }
    const resource = this.#resourceOf(ref);
    if (item.identity.namespace === "" && resource.namespaced) {
      // A cluster-scoped object cannot have a namespaced owner; retrying will not change that.
      this.invalidOwnerNamespace(item, ref);
      return "invalid";
    }
    const namespace = resource.namespaced ? item.identity.namespace : "";
    const node = this.graph.get(ref.uid);
    if (
      node &&
      !node.virtual &&
      node.object &&
      node.identity.namespace === namespace &&
      node.identity.name === ref.name
    ) {
      return node.deletingDependents ? "waiting" : "solid";
    }
    let owner: KubeObject | undefined;
    try {
      owner = await this.client.resource(resource).get(resource.namespaced ? namespace : undefined, ref.name);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    if (!owner || owner.metadata?.uid !== ref.uid) {
      this.ownerAbsent({ apiVersion: ref.apiVersion, kind: ref.kind, namespace, name: ref.name, uid: ref.uid });
      return "absent";
    }
    const md = owner.metadata!;
    return md.deletionTimestamp && md.finalizers?.includes(FOREGROUND_FINALIZER) ? "waiting" : "solid";
  }

  /** Upstream processDeletingDependentsItem. */
  async #processDeletingDependents(item: GraphNode): Promise<AttemptResult> {
    const blocking = item.blockingDependents();
    if (blocking.length === 0) {
      await this.#removeFinalizer(item, FOREGROUND_FINALIZER);
      return "done";
    }
    for (const dep of blocking) {
      if (!dep.deletingDependents) this.onAttemptToDelete(dep);
    }
    return "done";
  }

  /** Set by the controller: queue a node for attemptToDelete. */
  onAttemptToDelete: (node: GraphNode) => void = () => {};

  /** Upstream attemptToOrphanWorker: orphan every dependent, then drop the owner's orphan finalizer. */
  async attemptToOrphan(uid: string): Promise<void> {
    const owner = this.graph.get(uid);
    if (!owner || owner.virtual) return;
    const failures: string[] = [];
    await Promise.all(
      [...owner.dependents].map(async (dep) => {
        try {
          const object = dep.object ?? (await this.#getLive(dep.identity));
          if (!object) return;
          await this.#patchOwnerReferences(dep, object, (ref) => (ref.uid === uid ? undefined : ref));
        } catch (error) {
          if (isNotFound(error)) return;
          failures.push(`${dep.identity.kind} ${dep.identity.namespace}/${dep.identity.name}: ${String(error)}`);
        }
      }),
    );
    if (failures.length > 0)
      throw new Error(`orphaning dependents of ${owner.identity.uid} failed: ${failures.join("; ")}`);
    await this.#removeFinalizer(owner, ORPHAN_FINALIZER);
  }

  /**
   * Rewrites `node`'s ownerReferences with `map` (undefined drops a reference) by a JSON patch that tests uid and
   * resourceVersion; when `object` was stale the test fails, and the object is read live and patched again.
   */
  async #patchOwnerReferences(
    node: GraphNode,
    object: KubeObject,
    map: (ref: OwnerReference) => OwnerReference | undefined,
  ): Promise<void> {
    const resource = this.#resourceOf(node.identity);
    const namespace = resource.namespaced ? node.identity.namespace : undefined;
    let current: KubeObject | undefined = object;
    for (let attempt = 0; attempt < 5 && current; attempt++) {
      const refs = current.metadata?.ownerReferences ?? [];
      const next = refs.map(map).filter((r): r is OwnerReference => r !== undefined);
      if (next.length === refs.length && next.every((r, i) => r === refs[i])) return;
      const patch = [
        { op: "test", path: "/metadata/uid", value: node.identity.uid },
        { op: "test", path: "/metadata/resourceVersion", value: current.metadata?.resourceVersion },
        next.length > 0
          ? { op: "replace", path: "/metadata/ownerReferences", value: next }
          : { op: "remove", path: "/metadata/ownerReferences" },
      ];
      try {
        await this.client.resource(resource).patch(namespace, node.identity.name, "json", patch);
        return;
      } catch (error) {
        if (isNotFound(error)) return;
        if (!isStatusError(error) || (error.code !== 409 && error.code !== 422)) throw error;
      }
      current = await this.#getLive(node.identity);
      if (current && current.metadata?.uid !== node.identity.uid) return;
    }
    if (current) throw new Error(`could not update the ownerReferences of ${node.identity.kind} ${node.identity.name}`);
  }

  /** Removes `finalizer` from the live object with a resourceVersion-tested JSON patch (upstream removeFinalizer). */
  async #removeFinalizer(node: GraphNode, finalizer: string): Promise<void> {
    const resource = this.#resourceOf(node.identity);
    const namespace = resource.namespaced ? node.identity.namespace : undefined;
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.#getLive(node.identity);
      if (!current || current.metadata?.uid !== node.identity.uid) return;
      const finalizers = current.metadata?.finalizers ?? [];
      if (!finalizers.includes(finalizer)) return;
      const next = finalizers.filter((f) => f !== finalizer);
      const patch = [
        { op: "test", path: "/metadata/uid", value: node.identity.uid },
        { op: "test", path: "/metadata/resourceVersion", value: current.metadata?.resourceVersion },
        next.length > 0
          ? { op: "replace", path: "/metadata/finalizers", value: next }
          : { op: "remove", path: "/metadata/finalizers" },
      ];
      try {
        await this.client.resource(resource).patch(namespace, node.identity.name, "json", patch);
        this.log.debug({ uid: node.identity.uid, finalizer }, "removed finalizer");
        return;
      } catch (error) {
        if (isNotFound(error)) return;
        if (!isStatusError(error) || (error.code !== 409 && error.code !== 422)) throw error;
      }
    }
    throw new Error(`could not remove finalizer ${finalizer} from ${node.identity.kind} ${node.identity.name}`);
  }

  /** Deletes `node` with uid and resourceVersion preconditions (upstream deleteObject). */
  async #delete(node: GraphNode, latest: KubeObject, policy: "Background" | "Foreground" | "Orphan"): Promise<void> {
    const resource = this.#resourceOf(node.identity);
    this.log.debug({ uid: node.identity.uid, name: node.identity.name, kind: node.identity.kind, policy }, "deleting");
    try {
      await this.client
        .resource(resource)
        .delete(resource.namespaced ? node.identity.namespace : undefined, node.identity.name, {
          propagationPolicy: policy,
          preconditions: { uid: node.identity.uid, resourceVersion: latest.metadata?.resourceVersion },
        });
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
  }
}
