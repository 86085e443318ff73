/**
 * The StatefulSet controller (upstream stateful_set.go): informers on StatefulSets, Pods and
 * ControllerRevisions feed a work queue of set keys; `sync` adopts orphan member pods, resolves the current
 * and update revisions, runs one `updateStatefulSet` step, writes status and truncates history.
 */
import type { ControllerRevision, StatefulSet, StatefulSetStatus } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { isStatusError } from "../../api/status.js";
import { labelSelectorFromObject } from "../../api/selectors/index.js";
import { controllerRevisions, pods, statefulSets } from "../../client/resources.js";
import type { Client, Lister } from "../../client/types.js";
import { waitForCacheSync } from "../util/informers.js";
import { runWorkers, WorkQueue } from "../../client/workqueue.js";
import type { Logger } from "../../util/log.js";
import type { Controller, ControllerContext } from "../types.js";
import { controllerRefOf, isControlledBy, keyOf, newControllerRef, splitKey } from "../util/pods.js";
import { completeRollingUpdate, type StatefulPodControl, updateStatefulSet } from "./control.js";
import { isMemberOf, ordinalOf } from "./identity.js";
import { createStatefulPodControl } from "./podcontrol.js";
import { applyRevision, statefulSetRevisions, truncateHistory } from "./revisions.js";

export interface StatefulSetSyncDeps {
  readonly client: Client;
  readonly sets: Lister<StatefulSet>;
  readonly pods: Lister<Pod>;
  readonly revisions: Lister<ControllerRevision>;
  readonly control: StatefulPodControl;
  readonly log: Logger;
}

/** The set's member pods, adopting orphans its selector matches (ClaimPods without release). */
async function podsOf(deps: StatefulSetSyncDeps, set: StatefulSet): Promise<Pod[]> {
  const selector = labelSelectorFromObject(set.spec?.selector);
  const uid = set.metadata!.uid!;
  const owned: Pod[] = [];
  for (const pod of deps.pods.list(set.metadata!.namespace)) {
    if (!isMemberOf(set, pod)) continue;
    if (isControlledBy(pod, uid)) {
      owned.push(pod);
    } else if (!controllerRefOf(pod) && !pod.metadata?.deletionTimestamp && selector.matches(pod.metadata?.labels)) {
      const refs = [...(pod.metadata?.ownerReferences ?? []), newControllerRef(set, statefulSets)];
      owned.push(
        await deps.client.resource(pods).patch(pod.metadata!.namespace, pod.metadata!.name!, "merge", {
          metadata: { ownerReferences: refs, uid: pod.metadata!.uid },
        }),
      );
    }
  }
  return owned.sort((a, b) => ordinalOf(a) - ordinalOf(b));
}

function statusChanged(set: StatefulSet, status: StatefulSetStatus): boolean {
  const old: StatefulSetStatus = set.status ?? { replicas: 0 };
  const fields: (keyof StatefulSetStatus)[] = [
    "observedGeneration",
    "replicas",
    "readyReplicas",
    "availableReplicas",
    "currentReplicas",
    "updatedReplicas",
    "currentRevision",
    "updateRevision",
    "collisionCount",
  ];
  return fields.some((f) => (old[f] ?? 0) !== (status[f] ?? 0));
}

/** updateStatefulSetStatus: completes a finished rollout, then writes status when it changed (retrying conflicts). */
async function writeStatus(client: Client, set: StatefulSet, status: StatefulSetStatus): Promise<void> {
  completeRollingUpdate(set, status);
  if (!statusChanged(set, status)) return;
  const api = client.resource(statefulSets);
  let latest = set;
  for (let attempt = 0; ; attempt++) {
    try {
      await api.updateStatus({ ...structuredClone(latest), status: { ...(latest.status ?? {}), ...status } });
      return;
    } catch (error) {
      if (!isStatusError(error) || error.code !== 409 || attempt >= 4) throw error;
      latest = await api.get(set.metadata!.namespace, set.metadata!.name!);
    }
  }
}

/** Reconciles one set; returns a delay after which it wants another look (minReadySeconds), if any. */
export async function syncStatefulSet(deps: StatefulSetSyncDeps, key: string): Promise<number | undefined> {
  const cached = deps.sets.get(key);
  if (!cached) return undefined;
  const set = structuredClone(cached);
  const members = await podsOf(deps, set);
  const { namespace } = splitKey(key);
  const revisions = deps.revisions.list(namespace).filter((r) => isControlledBy(r, set.metadata!.uid!));
  const live = await statefulSetRevisions(deps.client, set, revisions);
  const current = applyRevision(set, live.current);
  const update = applyRevision(set, live.update);
  const { status, requeueAfterMs } = await updateStatefulSet(
    set,
    current,
    update,
    live.collisionCount,
    members,
    deps.control,
  );
  await writeStatus(deps.client, set, status);
  await truncateHistory(deps.client, set, members, revisions, live);
  return requeueAfterMs;
}

async function run(context: ControllerContext): Promise<void> {
  const { client, informers, signal } = context;
  const log = context.log;
  const setInformer = informers.informerFor(statefulSets);
  const podInformer = informers.informerFor(pods);
  const revisionInformer = informers.informerFor(controllerRevisions);
  const queue = new WorkQueue<string>();

  const enqueueOwner = (pod: Pod): void => {
    const ref = controllerRefOf(pod);
    if (ref?.kind !== "StatefulSet") return;
    const key = `${pod.metadata!.namespace}/${ref.name}`;
    if (setInformer.lister.get(key)?.metadata?.uid === ref.uid) queue.add(key);
  };
  const enqueueOrphanMatches = (pod: Pod): void => {
    if (controllerRefOf(pod) || pod.metadata?.deletionTimestamp) return;
    for (const set of setInformer.lister.list(pod.metadata?.namespace)) {
      if (isMemberOf(set, pod) && labelSelectorFromObject(set.spec?.selector).matches(pod.metadata?.labels)) {
        queue.add(keyOf(set));
      }
    }
  };
  setInformer.addEventHandler({
    onAdd: (set) => queue.add(keyOf(set)),
    onUpdate: (_old, set) => queue.add(keyOf(set)),
    onDelete: (set) => queue.add(keyOf(set)),
  });
  podInformer.addEventHandler({
    onAdd: (pod) => {
      enqueueOwner(pod);
      enqueueOrphanMatches(pod);
    },
    onUpdate: (old, pod) => {
      enqueueOwner(pod);
      const oldRef = controllerRefOf(old);
      if (oldRef && oldRef.uid !== controllerRefOf(pod)?.uid) enqueueOwner(old);
      enqueueOrphanMatches(pod);
    },
    onDelete: (pod) => enqueueOwner(pod),
  });

  if (!(await waitForCacheSync(context, [setInformer, podInformer, revisionInformer]))) return;
  const deps: StatefulSetSyncDeps = {
    client,
    sets: setInformer.lister,
    pods: podInformer.lister,
    revisions: revisionInformer.lister,
    control: createStatefulPodControl(client, context.recorder("statefulset-controller")),
    log,
  };
  await runWorkers(
    queue,
    context.options.workers,
    async (key) => {
      const after = await syncStatefulSet(deps, key);
      if (after !== undefined) queue.addAfter(key, after);
    },
    { signal, log, name: "statefulset" },
  );
}

/** Upstream's "statefulset" controller. */
export const statefulSetController: Controller = { name: "statefulset", run };
