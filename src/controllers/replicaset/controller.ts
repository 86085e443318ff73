/**
 * Wiring of the ReplicaSet-like controllers (upstream NewBaseController): owner and pod informers, event
 * handlers that turn changes into owner keys (observing expectations on the way), and workers running the
 * reconcile in sync.ts.
 */
import type { Pod } from "kubernetes-types/core/v1.js";
import { pods as podsResource } from "../../client/resources.js";
import type { KubeObject, Lister } from "../../client/types.js";
import { waitForCacheSync } from "../util/informers.js";
import { runWorkers, WorkQueue } from "../../client/workqueue.js";
import type { ControllerContext } from "../types.js";
import { controllerRefOf, keyOf } from "../util/pods.js";
import { UidTrackingExpectations } from "../util/expectations.js";
import { ReplicaSetSyncer } from "./sync.js";
import type { WorkloadKind } from "./workload.js";

function sameLabels(a: Pod, b: Pod): boolean {
  return JSON.stringify(a.metadata?.labels ?? {}) === JSON.stringify(b.metadata?.labels ?? {});
}

function isReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

/** Runs the controller for `kind` until `context.signal` aborts. */
export async function runReplicaSetLikeController<T extends KubeObject>(
  kind: WorkloadKind<T>,
  context: ControllerContext,
): Promise<void> {
  const log = context.log.child({ controller: kind.name });
  const ownerInformer = context.informers.informerFor(kind.resource);
  const podInformer = context.informers.informerFor(podsResource);
  const owners: Lister<T> = ownerInformer.lister;
  const queue = new WorkQueue<string>();
  const expectations = new UidTrackingExpectations();

  /** The owner a controller reference points at, if it is of our kind and still the same object. */
  const resolveControllerRef = (pod: Pod): T | undefined => {
    const ref = controllerRefOf(pod);
    if (!ref || ref.kind !== kind.resource.kind) return undefined;
    const owner = owners.get(`${pod.metadata?.namespace}/${ref.name}`);
    return owner?.metadata?.uid === ref.uid ? owner : undefined;
  };
  /** Owners whose selector matches an orphan pod (upstream GetPodReplicaSets). */
  const ownersSelecting = (pod: Pod): T[] =>
    owners.list(pod.metadata?.namespace).filter((owner) => {
      try {
        const selector = kind.view(owner).selector();
        return !selector.empty && selector.matches(pod.metadata?.labels);
      } catch {
        return false;
      }
    });

  const podDeleted = (pod: Pod): void => {
    const owner = resolveControllerRef(pod);
    if (!owner) return;
    const key = keyOf(owner);
    expectations.deletionObserved(key, keyOf(pod));
    queue.add(key);
  };

  ownerInformer.addEventHandler({
    onAdd: (owner) => queue.add(keyOf(owner)),
    onUpdate: (_old, owner) => queue.add(keyOf(owner)),
    onDelete: (owner) => {
      const key = keyOf(owner);
      expectations.delete(key);
      queue.add(key);
    },
  });
  podInformer.addEventHandler({
    onAdd: (pod) => {
      if (pod.metadata?.deletionTimestamp) return podDeleted(pod);
      if (controllerRefOf(pod)) {
        const owner = resolveControllerRef(pod);
        if (!owner) return;
        const key = keyOf(owner);
        expectations.creationObserved(key);
        queue.add(key);
        return;
      }
      for (const owner of ownersSelecting(pod)) queue.add(keyOf(owner));
    },
    onUpdate: (oldPod, pod) => {
      if (oldPod.metadata?.resourceVersion === pod.metadata?.resourceVersion) return;
      const labelsChanged = !sameLabels(oldPod, pod);
      if (pod.metadata?.deletionTimestamp) {
        podDeleted(pod);
        if (labelsChanged) podDeleted(oldPod);
        return;
      }
      const oldRef = controllerRefOf(oldPod);
      const ref = controllerRefOf(pod);
      const refChanged = oldRef?.uid !== ref?.uid;
      if (refChanged && oldRef) {
        const oldOwner = resolveControllerRef(oldPod);
        if (oldOwner) queue.add(keyOf(oldOwner));
      }
      if (ref) {
        const owner = resolveControllerRef(pod);
        if (!owner) return;
        queue.add(keyOf(owner));
        const minReadySeconds = kind.view(owner).minReadySeconds;
        if (!isReady(oldPod) && isReady(pod) && minReadySeconds > 0) {
          queue.addAfter(keyOf(owner), minReadySeconds * 1000 + 1000);
        }
        return;
      }
      if (labelsChanged || refChanged) for (const owner of ownersSelecting(pod)) queue.add(keyOf(owner));
    },
    onDelete: podDeleted,
  });

  if (!(await waitForCacheSync(context, [ownerInformer, podInformer]))) return;
  const syncer = new ReplicaSetSyncer<T>({
    kind,
    client: context.client,
    owners,
    pods: podInformer.lister,
    recorder: context.recorder(kind.component),
    expectations,
    enqueueAfter: (key, ms) => queue.addAfter(key, ms),
    log,
  });
  await runWorkers(queue, context.options.workers, (key) => syncer.sync(key), {
    signal: context.signal,
    log,
    name: kind.name,
  });
}
