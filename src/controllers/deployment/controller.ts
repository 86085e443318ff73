/**
 * Wiring of the Deployment controller (upstream NewDeploymentController): deployment, ReplicaSet and pod
 * informers; handlers turning changes into deployment keys; workers running the reconcile in sync.ts.
 */
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { labelSelectorFromObject } from "../../api/selectors/index.js";
import { deployments, pods, replicaSets } from "../../client/resources.js";
import { waitForCacheSync } from "../util/informers.js";
import { runWorkers, WorkQueue } from "../../client/workqueue.js";
import type { ControllerContext } from "../types.js";
import { controllerRefOf, keyOf } from "../util/pods.js";
import { DeploymentSyncer } from "./sync.js";

export async function runDeploymentController(context: ControllerContext): Promise<void> {
  const log = context.log.child({ controller: "deployment" });
  const deploymentInformer = context.informers.informerFor(deployments);
  const rsInformer = context.informers.informerFor(replicaSets);
  const podInformer = context.informers.informerFor(pods);
  const dLister = deploymentInformer.lister;
  const rsLister = rsInformer.lister;
  const queue = new WorkQueue<string>();

  const resolveDeployment = (namespace: string | undefined, object: ReplicaSet): Deployment | undefined => {
    const ref = controllerRefOf(object);
    if (!ref || ref.kind !== "Deployment") return undefined;
    const d = dLister.get(`${namespace}/${ref.name}`);
    return d?.metadata?.uid === ref.uid ? d : undefined;
  };
  /** Deployments whose (non-empty) selector matches an orphan ReplicaSet (getDeploymentsForReplicaSet). */
  const deploymentsSelecting = (rs: ReplicaSet): Deployment[] =>
    dLister.list(rs.metadata?.namespace).filter((d) => {
      try {
        const selector = labelSelectorFromObject(d.spec?.selector);
        return !selector.empty && selector.matches(rs.metadata?.labels);
      } catch {
        return false;
      }
    });
  const enqueue = (d: Deployment | undefined): void => {
    if (d) queue.add(keyOf(d));
  };
  const rsDeleted = (rs: ReplicaSet): void => enqueue(resolveDeployment(rs.metadata?.namespace, rs));

  deploymentInformer.addEventHandler({
    onAdd: enqueue,
    onUpdate: (_old, d) => enqueue(d),
    onDelete: enqueue,
  });
  rsInformer.addEventHandler({
    onAdd: (rs) => {
      if (rs.metadata?.deletionTimestamp) return rsDeleted(rs);
      if (controllerRefOf(rs)) return enqueue(resolveDeployment(rs.metadata?.namespace, rs));
      deploymentsSelecting(rs).forEach(enqueue);
    },
    onUpdate: (oldRS, rs) => {
      if (oldRS.metadata?.resourceVersion === rs.metadata?.resourceVersion) return;
      const oldRef = controllerRefOf(oldRS);
      const ref = controllerRefOf(rs);
      const refChanged = oldRef?.uid !== ref?.uid;
      if (refChanged && oldRef) enqueue(resolveDeployment(oldRS.metadata?.namespace, oldRS));
      if (ref) return enqueue(resolveDeployment(rs.metadata?.namespace, rs));
      const labelsChanged = JSON.stringify(oldRS.metadata?.labels ?? {}) !== JSON.stringify(rs.metadata?.labels ?? {});
      if (labelsChanged || refChanged) deploymentsSelecting(rs).forEach(enqueue);
    },
    onDelete: rsDeleted,
  });
  podInformer.addEventHandler({
    // A Recreate rollout waits for the old pods to be gone: look again when the last one goes.
    onDelete: (pod: Pod) => {
      const ref = controllerRefOf(pod);
      if (!ref || ref.kind !== "ReplicaSet") return;
      const rs = rsLister.get(`${pod.metadata?.namespace}/${ref.name}`);
      if (!rs || rs.metadata?.uid !== ref.uid) return;
      const d = resolveDeployment(rs.metadata?.namespace, rs);
      if (!d || d.spec?.strategy?.type !== "Recreate") return;
      const rsUids = new Set(
        rsLister
          .list(d.metadata?.namespace)
          .filter((x) => controllerRefOf(x)?.uid === d.metadata?.uid)
          .map((x) => x.metadata?.uid),
      );
      const remaining = podInformer.lister.list(d.metadata?.namespace).some((p) => rsUids.has(controllerRefOf(p)?.uid));
      if (!remaining) enqueue(d);
    },
  });

  if (!(await waitForCacheSync(context, [deploymentInformer, rsInformer, podInformer]))) return;
  const syncer = new DeploymentSyncer({
    client: context.client,
    deployments: dLister,
    replicaSets: rsLister,
    pods: podInformer.lister,
    recorder: context.recorder("deployment-controller"),
    enqueueAfter: (key, ms) => queue.addAfter(key, ms),
    enqueueRateLimited: (key) => queue.addRateLimited(key),
    log,
  });
  await runWorkers(queue, context.options.workers, (key) => syncer.sync(key), {
    signal: context.signal,
    log,
    name: "deployment",
  });
}
