/**
 * The dependency graph of the garbage collector (upstream pkg/controller/garbagecollector/graph.go and
 * graph_builder.go): one node per object uid, holding its owner references and the set of its dependents, so
 * "who depends on X" is a map lookup (10,000 pods cost 10,000 nodes, no scans). Informer events change the graph
 * synchronously and tell the collector what to look at: dependents of an owner that went away, owners whose
 * deletion starts waiting for their dependents (foreground) or for orphaning, and "virtual" owners — uids some
 * dependent names but no informer has shown — which must be verified against the API server.
 */
import type { OwnerReference } from "kubernetes-types/meta/v1.js";
import type { KubeObject } from "../../client/types.js";

export const ORPHAN_FINALIZER = "orphan";
export const FOREGROUND_FINALIZER = "foregroundDeletion";

/** Where an object lives: what the collector needs to GET, patch or delete it. */
export interface ObjectIdentity {
  readonly apiVersion: string;
  readonly kind: string;
  /** "" for cluster-scoped objects (and for virtual owners whose scope is not known yet, see below). */
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

export class GraphNode {
  readonly dependents = new Set<GraphNode>();
  owners: readonly OwnerReference[] = [];
  /** Not yet seen by an informer: created because a dependent references it. */
  virtual = true;
  beingDeleted = false;
  /** Being deleted with the foregroundDeletion finalizer: waits for its blocking dependents. */
  deletingDependents = false;
  /** The informer's copy (shared: never mutate). */
  object: KubeObject | undefined;

  constructor(public identity: ObjectIdentity) {}

  /** Dependents whose reference to this node has blockOwnerDeletion (upstream blockingDependents). */
  blockingDependents(): GraphNode[] {
    const out: GraphNode[] = [];
    for (const dep of this.dependents) {
      if (dep.owners.some((ref) => ref.uid === this.identity.uid && ref.blockOwnerDeletion === true)) out.push(dep);
    }
    return out;
  }
}

/** What the graph asks of the collector. */
export interface GraphSink {
  attemptToDelete(node: GraphNode): void;
  attemptToOrphan(node: GraphNode): void;
  /** An owner identity verified absent (upstream absentOwnerCache). */
  ownerAbsent(identity: ObjectIdentity): void;
  /** `dependent` names `ref`, a namespaced owner observed in another namespace (upstream OwnerRefInvalidNamespace). */
  invalidOwnerNamespace(dependent: GraphNode, ref: OwnerReference): void;
}

function beingDeleted(object: KubeObject | undefined): boolean {
  return !!object?.metadata?.deletionTimestamp;
}

function hasFinalizer(object: KubeObject | undefined, finalizer: string): boolean {
  return object?.metadata?.finalizers?.includes(finalizer) ?? false;
}

/** The object's deletion just started waiting on `finalizer` (upstream deletionStartsWithFinalizer). */
function startsWaitingOn(old: KubeObject | undefined, next: KubeObject, finalizer: string): boolean {
  if (!beingDeleted(next) || !hasFinalizer(next, finalizer)) return false;
  return !(beingDeleted(old) && hasFinalizer(old, finalizer));
}

/** Identity of an observed object. */
export function identityOf(object: KubeObject, apiVersion: string, kind: string): ObjectIdentity {
  const md = object.metadata ?? {};
  return { apiVersion, kind, namespace: md.namespace ?? "", name: md.name ?? "", uid: md.uid ?? "" };
}

function sameIdentity(a: ObjectIdentity, b: ObjectIdentity): boolean {
  return (
    a.uid === b.uid &&
    a.name === b.name &&
    a.namespace === b.namespace &&
    a.kind === b.kind &&
    a.apiVersion === b.apiVersion
  );
}

function refsEqual(a: OwnerReference, b: OwnerReference): boolean {
  return (
    a.uid === b.uid &&
    a.apiVersion === b.apiVersion &&
    a.kind === b.kind &&
    a.name === b.name &&
    (a.controller ?? false) === (b.controller ?? false) &&
    (a.blockOwnerDeletion ?? false) === (b.blockOwnerDeletion ?? false)
  );
}

export class DependencyGraph {
  readonly #nodes = new Map<string, GraphNode>();

  constructor(private readonly sink: GraphSink) {}

  get(uid: string): GraphNode | undefined {
    return this.#nodes.get(uid);
  }

  get size(): number {
    return this.#nodes.size;
  }

  /** An informer add/update (upstream processGraphChanges, add and update events). */
  observe(object: KubeObject, old: KubeObject | undefined, apiVersion: string, kind: string): void {
    const identity = identityOf(object, apiVersion, kind);
    if (!identity.uid) return;
    const owners = object.metadata?.ownerReferences ?? [];
    let node = this.#nodes.get(identity.uid);
    if (!node) {
      node = new GraphNode(identity);
      node.virtual = false;
      node.object = object;
      node.owners = owners;
      node.beingDeleted = beingDeleted(object);
      node.deletingDependents = node.beingDeleted && hasFinalizer(object, FOREGROUND_FINALIZER);
      this.#nodes.set(identity.uid, node);
      this.#addToOwners(node, owners);
      this.#processTransitions(old, object, node);
      return;
    }
    if (node.virtual) {
      // First sight of an owner a dependent named: dependents that named it differently are checked again.
      if (!sameIdentity(node.identity, identity)) {
        for (const dep of node.dependents) {
          const ref = dep.owners.find((r) => r.uid === identity.uid);
          if (
            !ref ||
            ref.name !== identity.name ||
            ref.kind !== identity.kind ||
            dep.identity.namespace !== identity.namespace
          ) {
            if (ref && identity.namespace !== "" && dep.identity.namespace !== identity.namespace) {
              this.sink.invalidOwnerNamespace(dep, ref);
            }
            this.sink.attemptToDelete(dep);
          }
        }
        node.identity = identity;
      }
      node.virtual = false;
    }
    node.object = object;
    const previous = node.owners;
    const added = owners.filter((ref) => !previous.some((p) => p.uid === ref.uid));
    const removed = previous.filter((ref) => !owners.some((p) => p.uid === ref.uid));
    const changed = owners.filter((ref) => {
      const before = previous.find((p) => p.uid === ref.uid);
      return before !== undefined && !refsEqual(before, ref);
    });
    if (added.length > 0 || removed.length > 0 || changed.length > 0) {
      // Owners waiting for this dependent may be unblocked (upstream addUnblockedOwnersToDeleteQueue).
      for (const ref of [...removed, ...changed]) {
        const before = previous.find((p) => p.uid === ref.uid);
        if (before?.blockOwnerDeletion !== true) continue;
        const owner = this.#nodes.get(ref.uid);
        if (owner?.deletingDependents) this.sink.attemptToDelete(owner);
      }
      node.owners = owners;
      this.#addToOwners(node, added);
      this.#removeFromOwners(node, removed);
    }
    if (beingDeleted(object)) node.beingDeleted = true;
    this.#processTransitions(old, object, node);
  }

  /** An informer delete event: the object is gone. */
  forget(object: KubeObject): void {
    const uid = object.metadata?.uid;
    const node = uid ? this.#nodes.get(uid) : undefined;
    if (!node || node.virtual) return;
    this.#remove(node);
  }

  /**
   * The collector verified `identity` does not exist (upstream's virtual delete event): a virtual node is
   * removed and its dependents are looked at; a real node named differently keeps its place, and only the
   * dependents that named the absent identity are looked at.
   */
  verifiedAbsent(identity: ObjectIdentity): void {
    const node = this.#nodes.get(identity.uid);
    if (!node) return;
    if (node.virtual || sameIdentity(node.identity, identity)) {
      this.#remove(node);
      return;
    }
    const matching = [...node.dependents].filter((dep) => {
      const ref = dep.owners.find((r) => r.uid === identity.uid);
      return ref?.name === identity.name && ref.kind === identity.kind && dep.identity.namespace === identity.namespace;
    });
    if (matching.length === 0) return;
    this.sink.ownerAbsent(identity);
    for (const dep of matching) this.sink.attemptToDelete(dep);
  }

  #remove(node: GraphNode): void {
    this.#nodes.delete(node.identity.uid);
    this.#removeFromOwners(node, node.owners);
    if (node.dependents.size > 0) this.sink.ownerAbsent(node.identity);
    for (const dep of node.dependents) this.sink.attemptToDelete(dep);
    for (const ref of node.owners) {
      const owner = this.#nodes.get(ref.uid);
      if (owner?.deletingDependents) this.sink.attemptToDelete(owner);
    }
  }

  #addToOwners(node: GraphNode, refs: readonly OwnerReference[]): void {
    for (const ref of refs) {
      let owner = this.#nodes.get(ref.uid);
      if (!owner) {
        // A virtual owner in the dependent's namespace; the collector checks whether it exists.
        owner = new GraphNode({
          apiVersion: ref.apiVersion,
          kind: ref.kind,
          namespace: node.identity.namespace,
          name: ref.name,
          uid: ref.uid,
        });
        this.#nodes.set(ref.uid, owner);
        this.sink.attemptToDelete(owner);
      } else if (owner.identity.namespace !== "" && owner.identity.namespace !== node.identity.namespace) {
        // Namespaced owners resolve in the dependent's namespace: this reference names something absent.
        if (!owner.virtual) this.sink.invalidOwnerNamespace(node, ref);
        this.sink.attemptToDelete(node);
      }
      owner.dependents.add(node);
    }
  }

  #removeFromOwners(node: GraphNode, refs: readonly OwnerReference[]): void {
    for (const ref of refs) {
      const owner = this.#nodes.get(ref.uid);
      if (!owner) continue;
      owner.dependents.delete(node);
      // A virtual owner nobody references any more has nothing to do.
      if (owner.virtual && owner.dependents.size === 0) this.#nodes.delete(ref.uid);
    }
  }

  #processTransitions(old: KubeObject | undefined, object: KubeObject, node: GraphNode): void {
    if (startsWaitingOn(old, object, ORPHAN_FINALIZER)) {
      this.sink.attemptToOrphan(node);
      return;
    }
    if (startsWaitingOn(old, object, FOREGROUND_FINALIZER)) {
      node.deletingDependents = true;
      for (const dep of node.dependents) this.sink.attemptToDelete(dep);
      this.sink.attemptToDelete(node);
    }
  }
}
