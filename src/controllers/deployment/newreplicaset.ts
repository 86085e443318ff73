/**
 * Finding or creating the new ReplicaSet of a deployment (upstream sync.go getNewReplicaSet): revision and
 * annotation sync of an existing one; creation named `<deployment>-<pod-template-hash>` with the hash label on
 * labels, selector and template; hash collisions bump status.collisionCount.
 */
import type { ReplicaSet } from "kubernetes-types/apps/v1.js";
import { isStatusError } from "../../api/status.js";
import { deployments, replicaSets } from "../../client/resources.js";
import { controllerRefOf, keyOf, newControllerRef } from "../util/pods.js";
import { POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION, maxRevision, newReplicaSetAnnotations } from "./annotations.js";
import {
  FAILED_RS_CREATE_REASON,
  FOUND_NEW_RS_REASON,
  NEW_RS_REASON,
  PROGRESSING,
  getCondition,
  hasProgressDeadline,
  newCondition,
  setCondition,
} from "./conditions.js";
import { computeHash } from "./hash.js";
import { maxSurge, newRSNewReplicas, replicasOf } from "./replicas.js";
import type { DeploymentSyncer, SyncState } from "./sync.js";
import { equalIgnoreHash, findNewReplicaSet } from "./templates.js";

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function getNewReplicaSet(
  syncer: DeploymentSyncer,
  state: SyncState,
  rsList: readonly ReplicaSet[],
  oldRSs: readonly ReplicaSet[],
  create: boolean,
): Promise<ReplicaSet | undefined> {
  const d = state.d;
  const rsClient = syncer.options.client.resource(replicaSets);
  const existing = findNewReplicaSet(d, rsList);
  const newRevision = maxRevision(oldRSs) + 1;
  const surgeMax = replicasOf(d) + maxSurge(d);
  if (existing) {
    const { annotations, changed } = newReplicaSetAnnotations(d, existing, newRevision, true, surgeMax);
    const minReadySeconds = d.spec?.minReadySeconds ?? 0;
    if (changed || (existing.spec?.minReadySeconds ?? 0) !== minReadySeconds) {
      return rsClient.update({
        ...existing,
        metadata: { ...existing.metadata, annotations },
        spec: { ...existing.spec!, minReadySeconds },
      });
    }
    await syncer.setDeploymentRevision(state, existing.metadata?.annotations?.[REVISION_ANNOTATION] ?? "");
    if (hasProgressDeadline(state.d) && !getCondition(state.d.status, PROGRESSING)) {
      const message = `Found new replica set "${existing.metadata?.name}"`;
      const condition = newCondition(PROGRESSING, "True", FOUND_NEW_RS_REASON, message, syncer.now());
      await syncer.writeStatus(state, setCondition(state.d.status ?? {}, condition));
    }
    return existing;
  }
  if (!create) return undefined;

  const template = structuredClone(d.spec!.template);
  const hash = computeHash(template, d.status?.collisionCount);
  const labels = { ...(d.spec?.template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
  const selector = d.spec!.selector;
  const draft: ReplicaSet = {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: {
      name: `${d.metadata?.name}-${hash}`,
      namespace: d.metadata?.namespace,
      ownerReferences: [newControllerRef(d, deployments)],
      labels,
    },
    spec: {
      replicas: 0,
      minReadySeconds: d.spec?.minReadySeconds ?? 0,
      selector: { ...selector, matchLabels: { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash } },
      template: { ...template, metadata: { ...template.metadata, labels } },
    },
  };
  const replicas = newRSNewReplicas(d, [...oldRSs, draft], draft);
  const withReplicas: ReplicaSet = { ...draft, spec: { ...draft.spec!, replicas } };
  const { annotations } = newReplicaSetAnnotations(d, withReplicas, newRevision, false, surgeMax);
  const newRS: ReplicaSet = { ...withReplicas, metadata: { ...withReplicas.metadata, annotations } };
  let created: ReplicaSet;
  let alreadyExists = false;
  try {
    created = await rsClient.create(newRS);
  } catch (error) {
    if (isStatusError(error) && error.code === 409 && error.status.reason === "AlreadyExists") {
      alreadyExists = true;
      const found =
        syncer.options.replicaSets.get(keyOf(newRS)) ??
        (await rsClient.get(d.metadata?.namespace, newRS.metadata!.name!));
      const ref = controllerRefOf(found);
      if (!(ref?.uid === d.metadata?.uid && equalIgnoreHash(d.spec?.template, found.spec?.template))) {
        // A hash collision: bump collisionCount so the next sync picks another name.
        const collisionCount = (d.status?.collisionCount ?? 0) + 1;
        try {
          await syncer.writeStatus(state, { ...state.d.status, collisionCount });
        } catch {
          // The requeue retries.
        }
        throw error;
      }
      created = found;
    } else if (
      isStatusError(error) &&
      (error.status.details?.causes ?? []).some((c) => c.reason === "NamespaceTerminating")
    ) {
      throw error;
    } else {
      const message = `Failed to create new replica set "${newRS.metadata?.name}": ${messageOf(error)}`;
      if (hasProgressDeadline(d)) {
        const condition = newCondition(PROGRESSING, "False", FAILED_RS_CREATE_REASON, message, syncer.now());
        await syncer.writeStatus(state, setCondition(state.d.status ?? {}, condition)).catch(() => undefined);
      }
      syncer.event(d, "Warning", FAILED_RS_CREATE_REASON, message);
      throw error;
    }
  }
  if (!alreadyExists && replicas > 0) {
    syncer.event(
      d,
      "Normal",
      "ScalingReplicaSet",
      `Scaled up replica set ${created.metadata?.name} from 0 to ${replicas}`,
    );
  }
  await syncer.setDeploymentRevision(state, String(newRevision));
  if (!alreadyExists && hasProgressDeadline(state.d)) {
    const message = `Created new replica set "${created.metadata?.name}"`;
    const condition = newCondition(PROGRESSING, "True", NEW_RS_REASON, message, syncer.now());
    await syncer.writeStatus(state, setCondition(state.d.status ?? {}, condition));
  }
  return created;
}
