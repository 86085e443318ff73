/**
 * The DaemonSet controller (upstream daemon_controller.go): informers on DaemonSets, Pods, Nodes and
 * ControllerRevisions feed a work queue of DaemonSet keys; `sync` resolves the current revision, runs
 * manage (create on eligible nodes, delete from ineligible ones), then the rolling update once expectations
 * are met, cleans up history and writes status. Pods are created unscheduled with a required node affinity
 * for their node; the scheduler binds them.
 */
import type { ControllerRevision, DaemonSet, DaemonSetStatus } from "kubernetes-types/apps/v1.js";
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import { isStatusError } from "../../api/status.js";
import { labelSelectorFromObject } from "../../api/selectors/index.js";
import { controllerRevisions, daemonSets, nodes, pods } from "../../client/resources.js";
import type { Client, EventRecorder, Lister } from "../../client/types.js";
import { waitForCacheSync } from "../util/informers.js";
import { runWorkers, WorkQueue } from "../../client/workqueue.js";
import type { Logger } from "../../util/log.js";
import type { Controller, ControllerContext } from "../types.js";
import { Expectations } from "../util/expectations.js";
import { controllerRefOf, isControlledBy, keyOf, newControllerRef, podFromTemplate } from "../util/pods.js";
import { FailedPodBackoff } from "./backoff.js";
import { nodeShouldRunDaemonPod } from "./eligibility.js";
import { nodesToDaemonPods, planManage } from "./manage.js";
import { cleanupHistory, constructHistory } from "./revisions.js";
import { computeDaemonSetStatus, daemonSetStatusChanged } from "./status.js";
import { daemonPodTemplate, replaceNodeNameAffinity } from "./template.js";
import { planRollingUpdate } from "./update.js";
import { POD_REVISION_LABEL } from "../history/revisions.js";

/** What a sync needs: listers, the client, and the controller's memory (expectations, backoff). */
export interface DaemonSetSyncDeps {
  readonly client: Client;
  readonly daemonSets: Lister<DaemonSet>;
  readonly pods: Lister<Pod>;
  readonly nodes: Lister<Node>;
  readonly revisions: Lister<ControllerRevision>;
  readonly expectations: Expectations;
  readonly backoff: FailedPodBackoff;
  readonly recorder: EventRecorder;
  readonly log: Logger;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** getDaemonPods: pods the DaemonSet controls, adopting orphans its selector matches. */
async function daemonPodsOf(deps: DaemonSetSyncDeps, ds: DaemonSet): Promise<Pod[]> {
  const selector = labelSelectorFromObject(ds.spec?.selector);
  const uid = ds.metadata!.uid!;
  const owned: Pod[] = [];
  for (const pod of deps.pods.list(ds.metadata!.namespace)) {
    if (isControlledBy(pod, uid)) {
      owned.push(pod);
    } else if (!controllerRefOf(pod) && !pod.metadata?.deletionTimestamp && selector.matches(pod.metadata?.labels)) {
      const refs = [...(pod.metadata?.ownerReferences ?? []), newControllerRef(ds, daemonSets)];
      try {
        owned.push(
          await deps.client.resource(pods).patch(pod.metadata!.namespace, pod.metadata!.name!, "merge", {
            metadata: { ownerReferences: refs, uid: pod.metadata!.uid },
          }),
        );
      } catch (error) {
        if (!isStatusError(error) || error.code !== 404) throw error;
      }
    }
  }
  return owned;
}

/** syncNodes: creates pods for `nodeNames` and deletes `doomed`, under expectations, in slow-start batches. */
async function syncNodes(
  deps: DaemonSetSyncDeps,
  ds: DaemonSet,
  doomed: readonly Pod[],
  nodeNames: readonly string[],
  hash: string,
): Promise<void> {
  const key = keyOf(ds);
  deps.expectations.expect(key, nodeNames.length, doomed.length);
  const errors: unknown[] = [];
  const template = daemonPodTemplate(ds, hash);
  const ref = newControllerRef(ds, daemonSets);
  const podApi = deps.client.resource(pods);

  const create = async (nodeName: string): Promise<void> => {
    const pod = podFromTemplate(template, ds, ref);
    pod.spec!.affinity = replaceNodeNameAffinity(pod.spec!.affinity, nodeName);
    try {
      const created = await podApi.create(pod);
      deps.recorder.event(ds, "Normal", "SuccessfulCreate", `Created pod: ${created.metadata!.name}`);
    } catch (error) {
      deps.expectations.creationObserved(key);
      deps.recorder.event(ds, "Warning", "FailedCreate", `Error creating: ${message(error)}`);
      throw error;
    }
  };
  let next = 0;
  for (let batch = 1; next < nodeNames.length; batch *= 2) {
    const slice = nodeNames.slice(next, next + batch);
    next += slice.length;
    const results = await Promise.allSettled(slice.map(create));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed.length > 0) {
      errors.push(...failed.map((f) => f.reason as unknown));
      for (; next < nodeNames.length; next++) deps.expectations.creationObserved(key);
    }
  }

  await Promise.all(
    doomed.map(async (pod) => {
      try {
        await podApi.delete(pod.metadata!.namespace, pod.metadata!.name!, {
          preconditions: { uid: pod.metadata!.uid! },
        });
        deps.recorder.event(ds, "Normal", "SuccessfulDelete", `Deleted pod: ${pod.metadata!.name}`);
      } catch (error) {
        deps.expectations.deletionObserved(key);
        if (isStatusError(error) && error.code === 404) return;
        deps.recorder.event(ds, "Warning", "FailedDelete", `Error deleting: ${message(error)}`);
        errors.push(error);
      }
    }),
  );
  if (errors.length > 0) throw errors[0];
}

/** Writes the DaemonSet's status when it changed; returns the computed status. */
async function writeStatus(
  deps: DaemonSetSyncDeps,
  ds: DaemonSet,
  podsOfDs: readonly Pod[],
  hash: string,
): Promise<DaemonSetStatus> {
  const status = computeDaemonSetStatus(ds, deps.nodes.list(), nodesToDaemonPods(podsOfDs), hash);
  if (!daemonSetStatusChanged(ds, status)) return status;
  const api = deps.client.resource(daemonSets);
  let latest = ds;
  for (let attempt = 0; ; attempt++) {
    try {
      const collisionCount = latest.status?.collisionCount;
      await api.updateStatus({ ...structuredClone(latest), status: { ...status, collisionCount } });
      return status;
    } catch (error) {
      if (!isStatusError(error) || error.code !== 409 || attempt >= 4) throw error;
      latest = await api.get(ds.metadata!.namespace, ds.metadata!.name!);
    }
  }
}

/** Reconciles one DaemonSet; returns a delay after which it wants another look, if any. */
export async function syncDaemonSet(deps: DaemonSetSyncDeps, key: string): Promise<number | undefined> {
  const cached = deps.daemonSets.get(key);
  if (!cached) {
    deps.expectations.delete(key);
    return undefined;
  }
  const ds = structuredClone(cached);
  if (ds.metadata?.deletionTimestamp) return undefined;
  const nodeList = deps.nodes.list();
  const revisions = deps.revisions.list(ds.metadata!.namespace).filter((r) => isControlledBy(r, ds.metadata!.uid!));
  const history = await constructHistory(deps.client, ds, revisions);
  const hash = history.current.metadata?.labels?.[POD_REVISION_LABEL] ?? "";
  // Expectations before the pods are listed, as upstream: a pod observed after the listing must not satisfy
  // them for a plan made from it.
  const satisfied = deps.expectations.satisfied(key);
  let podsOfDs = await daemonPodsOf(deps, ds);
  let retryAfterMs: number | undefined;
  const listOwned = (): Pod[] =>
    deps.pods.list(ds.metadata!.namespace).filter((p) => isControlledBy(p, ds.metadata!.uid!));

  if (satisfied) {
    const plan = planManage(ds, nodeList, nodesToDaemonPods(podsOfDs), hash, deps.backoff);
    retryAfterMs = plan.retryAfterMs;
    for (const { pod, node } of plan.failedPods) {
      deps.recorder.event(
        ds,
        "Warning",
        "FailedDaemonPod",
        `Found failed daemon pod ${pod.metadata!.namespace}/${pod.metadata!.name} on node ${node}, will try to kill it`,
      );
    }
    await syncNodes(deps, ds, plan.podsToDelete, plan.nodesNeedingPods, hash);
    if (deps.expectations.satisfied(key) && ds.spec?.updateStrategy?.type !== "OnDelete") {
      // Listed again (upstream rollingUpdate does too): the creations just made may be in the cache by now.
      podsOfDs = listOwned();
      const update = planRollingUpdate(ds, nodeList, nodesToDaemonPods(podsOfDs), hash);
      await syncNodes(deps, ds, update.podsToDelete, update.nodesToCreate, hash);
    }
    await cleanupHistory(deps.client, ds, history.old, podsOfDs);
  }
  podsOfDs = listOwned();
  const status = await writeStatus(deps, ds, podsOfDs, hash);
  const minReadySeconds = ds.spec?.minReadySeconds ?? 0;
  // Ready pods become available after minReadySeconds without any event: look again then.
  if (minReadySeconds > 0 && status.numberReady !== status.numberAvailable)
    retryAfterMs = Math.min(retryAfterMs ?? Infinity, minReadySeconds * 1000);
  return retryAfterMs;
}

/** shouldIgnoreNodeUpdate's complement: labels, taints or spec changed (status heartbeats are ignored). */
function nodeSchedulingChanged(old: Node, cur: Node): boolean {
  return (
    JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(cur.metadata?.labels ?? {}) ||
    JSON.stringify(old.spec ?? {}) !== JSON.stringify(cur.spec ?? {})
  );
}

async function run(context: ControllerContext): Promise<void> {
  const { client, informers, signal, log } = context;
  const dsInformer = informers.informerFor(daemonSets);
  const podInformer = informers.informerFor(pods);
  const nodeInformer = informers.informerFor(nodes);
  const revisionInformer = informers.informerFor(controllerRevisions);
  const queue = new WorkQueue<string>();
  const expectations = new Expectations();

  const ownerKey = (pod: Pod): string | undefined => {
    const ref = controllerRefOf(pod);
    if (ref?.kind !== "DaemonSet") return undefined;
    const key = `${pod.metadata!.namespace}/${ref.name}`;
    return dsInformer.lister.get(key)?.metadata?.uid === ref.uid ? key : undefined;
  };
  const enqueueMatching = (pod: Pod): void => {
    if (controllerRefOf(pod) || pod.metadata?.deletionTimestamp) return;
    for (const ds of dsInformer.lister.list(pod.metadata?.namespace)) {
      if (labelSelectorFromObject(ds.spec?.selector).matches(pod.metadata?.labels)) queue.add(keyOf(ds));
    }
  };

  dsInformer.addEventHandler({
    onAdd: (ds) => queue.add(keyOf(ds)),
    onUpdate: (_old, ds) => queue.add(keyOf(ds)),
    onDelete: (ds) => {
      expectations.delete(keyOf(ds));
      queue.add(keyOf(ds));
    },
  });
  podInformer.addEventHandler({
    onAdd: (pod) => {
      const key = ownerKey(pod);
      if (!key) return enqueueMatching(pod);
      if (pod.metadata?.deletionTimestamp) expectations.deletionObserved(key);
      else expectations.creationObserved(key);
      queue.add(key);
    },
    onUpdate: (old, pod) => {
      const key = ownerKey(pod);
      if (!key) return enqueueMatching(pod);
      if (pod.metadata?.deletionTimestamp && !old.metadata?.deletionTimestamp) expectations.deletionObserved(key);
      queue.add(key);
    },
    onDelete: (pod) => {
      const key = ownerKey(pod);
      if (!key) return;
      if (!pod.metadata?.deletionTimestamp) expectations.deletionObserved(key);
      queue.add(key);
    },
  });
  const enqueueAll = (): void => {
    for (const ds of dsInformer.lister.list()) queue.add(keyOf(ds));
  };
  nodeInformer.addEventHandler({
    onAdd: (node) => {
      for (const ds of dsInformer.lister.list()) if (nodeShouldRunDaemonPod(node, ds).shouldRun) queue.add(keyOf(ds));
    },
    onUpdate: (old, node) => {
      if (!nodeSchedulingChanged(old, node)) return;
      for (const ds of dsInformer.lister.list()) {
        const before = nodeShouldRunDaemonPod(old, ds);
        const after = nodeShouldRunDaemonPod(node, ds);
        if (before.shouldRun !== after.shouldRun || before.shouldContinueRunning !== after.shouldContinueRunning) {
          queue.add(keyOf(ds));
        }
      }
    },
    onDelete: enqueueAll,
  });

  if (!(await waitForCacheSync(context, [dsInformer, podInformer, nodeInformer, revisionInformer]))) return;
  const deps: DaemonSetSyncDeps = {
    client,
    daemonSets: dsInformer.lister,
    pods: podInformer.lister,
    nodes: nodeInformer.lister,
    revisions: revisionInformer.lister,
    expectations,
    backoff: new FailedPodBackoff(),
    recorder: context.recorder("daemonset-controller"),
    log,
  };
  await runWorkers(
    queue,
    context.options.workers,
    async (key) => {
      const after = await syncDaemonSet(deps, key);
      if (after !== undefined) queue.addAfter(key, after);
    },
    { signal, log, name: "daemonset" },
  );
}

/** Upstream's "daemonset" controller. */
export const daemonSetController: Controller = { name: "daemonset", run };
