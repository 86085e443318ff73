/**
 * Upstream's ControllerRefManager (pkg/controller/controller_ref_manager.go), for any owner and owned kind:
 * claim what the owner controls and still matches, adopt matching orphans (patching in the controller
 * reference), release controlled objects that no longer match (patching it out).
 */
import type { OwnerReference } from "kubernetes-types/meta/v1.js";
import { isStatusError } from "../../api/status.js";
import type { KubeObject, ResourceClient } from "../../client/types.js";
import { controllerRefOf } from "../util/pods.js";

export interface ClaimOptions<T extends KubeObject> {
  /** The owner's controller reference (its uid identifies what it controls). */
  readonly controllerRef: OwnerReference;
  /** The owner has a deletionTimestamp: adopt and release nothing. */
  readonly ownerDeleting: boolean;
  readonly matches: (object: T) => boolean;
  /** Rejects when the owner may not adopt (it was deleted or replaced since the cache saw it). */
  readonly canAdopt: () => Promise<void>;
  /** Where adoption and release patches go. */
  readonly client: ResourceClient<T>;
}

/** The strategic merge patch upstream's ownerRefControllerPatch sends to adopt an object. */
export function adoptPatch(controllerRef: OwnerReference, uid: string): unknown {
  return { metadata: { ownerReferences: [controllerRef], uid } };
}

/** The strategic merge patch upstream's GenerateDeleteOwnerRefStrategicMergeBytes sends to release one. */
export function releasePatch(ownerUid: string, uid: string): unknown {
  return { metadata: { ownerReferences: [{ $patch: "delete", uid: ownerUid }], uid } };
}

/**
 * The objects the owner controls after adoption and release; throws the first adoption/release error (after
 * trying all of them) so the owner is retried, as upstream's aggregate error does.
 */
export async function claimObjects<T extends KubeObject>(
  objects: readonly T[],
  options: ClaimOptions<T>,
): Promise<T[]> {
  const ownerUid = options.controllerRef.uid;
  const claimed: T[] = [];
  const errors: unknown[] = [];
  let adoptionAllowed: Promise<void> | undefined;
  for (const object of objects) {
    const ref = controllerRefOf(object);
    const { namespace, name, uid } = object.metadata ?? {};
    if (ref) {
      if (ref.uid !== ownerUid) continue;
      if (options.matches(object)) {
        claimed.push(object);
        continue;
      }
      if (options.ownerDeleting) continue;
      try {
        await options.client.patch(namespace, name!, "strategic", releasePatch(ownerUid, uid!));
      } catch (error) {
        if (!(isStatusError(error) && (error.code === 404 || error.code === 422))) errors.push(error);
      }
      continue;
    }
    if (options.ownerDeleting || !options.matches(object) || object.metadata?.deletionTimestamp) continue;
    try {
      adoptionAllowed ??= options.canAdopt();
      await adoptionAllowed;
      const adopted = await options.client.patch(
        namespace,
        name!,
        "strategic",
        adoptPatch(options.controllerRef, uid!),
      );
      claimed.push(adopted);
    } catch (error) {
      if (!(isStatusError(error) && error.code === 404)) errors.push(error);
    }
  }
  if (errors.length > 0) throw errors[0];
  return claimed;
}

/**
 * Upstream RecheckDeletionTimestamp: fetches the owner uncached and rejects when it is gone, was replaced
 * (another uid) or is being deleted.
 */
export function recheckOwner<T extends KubeObject>(client: ResourceClient<T>, owner: KubeObject): () => Promise<void> {
  return async () => {
    const { namespace, name, uid } = owner.metadata ?? {};
    const fresh = await client.get(namespace, name!);
    if (fresh.metadata?.uid !== uid) {
      throw new Error(`original ${namespace}/${name} is gone: got uid ${fresh.metadata?.uid}, wanted ${uid}`);
    }
    if (fresh.metadata?.deletionTimestamp) {
      throw new Error(`${namespace}/${name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
    }
  };
}
