/**
 * ControllerRevision bookkeeping shared by the StatefulSet and DaemonSet controllers (upstream
 * pkg/controller/history): a revision stores the owner's pod template as a replace patch
 * (`{"spec":{"template":{"$patch":"replace",…}}}`), is named `<owner>-<hash>`, carries a hash label, the
 * owner's controller reference and a revision number; `kubectl rollout history|undo` read them.
 */
import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import type { PodTemplateSpec } from "kubernetes-types/core/v1.js";
import { isStatusError } from "../../api/status.js";
import { controllerRevisions } from "../../client/resources.js";
import type { Client, KubeObject, Resource } from "../../client/types.js";
import { newControllerRef } from "../util/pods.js";
import { controllerRevisionName, hashRevisionData } from "./hash.js";
import { goJson } from "./json.js";

/** history.ControllerRevisionHashLabel: the hash label StatefulSet revisions carry. */
export const CONTROLLER_REVISION_HASH_LABEL = "controller.kubernetes.io/hash";
/** apps.ControllerRevisionHashLabelKey: the label pods (and DaemonSet revisions) carry. */
export const POD_REVISION_LABEL = "controller-revision-hash";

/** An owner with a pod template: StatefulSet or DaemonSet. */
export interface TemplatedOwner extends KubeObject {
  spec?: { template: PodTemplateSpec };
}

/** getPatch: the owner's template as a strategic-merge replace patch, serialized as Go would. */
export function templatePatch(owner: TemplatedOwner): Record<string, unknown> {
  const template = structuredClone(owner.spec?.template ?? {}) as Record<string, unknown>;
  template.$patch = "replace";
  return JSON.parse(goJson({ spec: { template } })) as Record<string, unknown>;
}

/** The serialized form hashes and equality compare (`Data.Raw`). */
export function revisionRaw(revision: ControllerRevision): string {
  return goJson(revision.data ?? {});
}

/** HashControllerRevision over a revision's data. */
export function hashControllerRevision(revision: ControllerRevision, collisionCount?: number): string {
  return hashRevisionData(revisionRaw(revision), collisionCount);
}

/**
 * NewControllerRevision: labels copied from the template plus `hashLabel`=hash, the owner's controller ref,
 * `data`, `revision`, named `<owner>-<hash>`; the owner's annotations are copied too (as both callers do).
 */
export function newControllerRevision(
  owner: TemplatedOwner,
  ownerResource: Resource,
  data: Record<string, unknown>,
  revision: number,
  collisionCount: number | undefined,
  hashLabel: string,
): ControllerRevision {
  const cr: ControllerRevision = {
    apiVersion: "apps/v1",
    kind: "ControllerRevision",
    metadata: {
      namespace: owner.metadata?.namespace,
      labels: { ...(owner.spec?.template.metadata?.labels ?? {}) },
      annotations: { ...(owner.metadata?.annotations ?? {}) },
      ownerReferences: [newControllerRef(owner, ownerResource)],
    },
    data,
    revision,
  };
  const hash = hashControllerRevision(cr, collisionCount);
  cr.metadata!.name = controllerRevisionName(owner.metadata!.name!, hash);
  cr.metadata!.labels![hashLabel] = hash;
  return cr;
}

/** The template a revision stores (ApplyRevision of a replace patch is the template itself). */
export function templateOfRevision(revision: ControllerRevision): PodTemplateSpec {
  const data = revision.data as { spec?: { template?: Record<string, unknown> } } | undefined;
  const template = structuredClone(data?.spec?.template ?? {});
  delete template.$patch;
  return template as PodTemplateSpec;
}

/** SortControllerRevisions: ascending revision number, then creation time, then name. */
export function sortRevisions(revisions: readonly ControllerRevision[]): ControllerRevision[] {
  return [...revisions].sort((a, b) => {
    const byNumber = (a.revision ?? 0) - (b.revision ?? 0);
    if (byNumber !== 0) return byNumber;
    const at = a.metadata?.creationTimestamp ?? "";
    const bt = b.metadata?.creationTimestamp ?? "";
    if (at !== bt) return at < bt ? -1 : 1;
    return (a.metadata?.name ?? "") < (b.metadata?.name ?? "") ? -1 : 1;
  });
}

/** NextRevision: one more than the highest revision number (1 when there is none). */
export function nextRevision(revisions: readonly ControllerRevision[]): number {
  return revisions.reduce((max, r) => Math.max(max, r.revision ?? 0), 0) + 1;
}

/** EqualRevision: same data (the hash label is only a fast path upstream; data decides). */
export function equalRevision(a: ControllerRevision, b: ControllerRevision): boolean {
  return revisionRaw(a) === revisionRaw(b);
}

/** FindEqualRevisions: the revisions whose data equals `needle`'s. */
export function findEqualRevisions(
  revisions: readonly ControllerRevision[],
  needle: ControllerRevision,
): ControllerRevision[] {
  return revisions.filter((r) => equalRevision(r, needle));
}

/**
 * CreateControllerRevision: creates `revision` under the name its hash (salted by the collision count) gives;
 * when that name exists with the same data the existing one is returned, with other data the collision
 * count is bumped and the next name tried. Returns the revision and the (possibly bumped) collision count.
 */
export async function createControllerRevision(
  client: Client,
  owner: KubeObject,
  revision: ControllerRevision,
  collisionCount: number,
): Promise<{ revision: ControllerRevision; collisionCount: number }> {
  const api = client.resource(controllerRevisions);
  const raw = revisionRaw(revision);
  for (let count = collisionCount; ; count++) {
    const clone = structuredClone(revision);
    clone.metadata!.name = controllerRevisionName(owner.metadata!.name!, hashRevisionData(raw, count));
    try {
      return { revision: await api.create(clone), collisionCount: count };
    } catch (error) {
      if (!isStatusError(error) || error.code !== 409) throw error;
      const existing = await api.get(clone.metadata!.namespace, clone.metadata!.name!);
      if (revisionRaw(existing) === raw) return { revision: existing, collisionCount: count };
    }
  }
}

/** UpdateControllerRevision: gives an existing revision a new revision number (re-applying an old template). */
export async function updateRevisionNumber(
  client: Client,
  revision: ControllerRevision,
  newRevision: number,
): Promise<ControllerRevision> {
  if (revision.revision === newRevision) return revision;
  const api = client.resource(controllerRevisions);
  return api.patch(revision.metadata!.namespace, revision.metadata!.name!, "merge", { revision: newRevision });
}

/** Deletes revisions, ignoring ones already gone. */
export async function deleteRevisions(client: Client, revisions: readonly ControllerRevision[]): Promise<void> {
  const api = client.resource(controllerRevisions);
  for (const r of revisions) {
    try {
      await api.delete(r.metadata!.namespace, r.metadata!.name!);
    } catch (error) {
      if (!isStatusError(error) || error.code !== 404) throw error;
    }
  }
}
