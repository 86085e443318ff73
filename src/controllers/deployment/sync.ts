/**
 * The Deployment reconcile (upstream deployment_controller.go syncDeployment, sync.go, progress.go): claim
 * ReplicaSets, find or create the new one, scale proportionally on resizes, clean up old revisions and write
 * status with the Available/Progressing conditions. Rollout strategies live in rolling.ts and recreate.ts.
 */
import type { Deployment, DeploymentStatus, ReplicaSet } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { labelSelectorFromObject, type LabelSelector } from "../../api/selectors/index.js";
import { deployments, replicaSets } from "../../client/resources.js";
import type { Client, EventRecorder, Lister } from "../../client/types.js";
import type { Logger } from "../../util/log.js";
import { claimObjects, recheckOwner } from "../replicaset/claim.js";
import { controllerRefOf, newControllerRef } from "../util/pods.js";
import { REVISION_ANNOTATION, replicasAnnotationsNeedUpdate, setReplicasAnnotations } from "./annotations.js";
import {
  getCondition,
  hasProgressDeadline,
  newCondition,
  PAUSED_REASON,
  PROGRESSING,
  RESUMED_REASON,
  setCondition,
  TIMED_OUT_REASON,
} from "./conditions.js";
import { activeReplicaSets, desiredReplicasAnnotation, maxSurge, replicasOf } from "./replicas.js";
import { getNewReplicaSet } from "./newreplicaset.js";
import { syncDeploymentStatus } from "./progress.js";
import { rolloutRecreate } from "./recreate.js";
import { rolloutRolling } from "./rolling.js";
import { cleanupDeployment, scale } from "./scale.js";
import { findNewReplicaSet, findOldReplicaSets } from "./templates.js";

export interface DeploymentSyncOptions {
  readonly client: Client;
  readonly deployments: Lister<Deployment>;
  readonly replicaSets: Lister<ReplicaSet>;
  readonly pods: Lister<Pod>;
  readonly recorder: EventRecorder;
  readonly enqueueAfter: (key: string, ms: number) => void;
  readonly enqueueRateLimited: (key: string) => void;
  readonly log: Logger;
  readonly now?: () => Date;
}

/** One sync's view of its deployment: the latest copy we know (updated after each of our writes). */
export interface SyncState {
  readonly key: string;
  d: Deployment;
}

/** Pods of the deployment grouped by the uid of the ReplicaSet controlling them (getPodMapForDeployment). */
export type PodMap = Map<string, Pod[]>;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function asEventSubject(d: Deployment): Deployment {
  return { ...d, apiVersion: "apps/v1", kind: "Deployment" };
}

export class DeploymentSyncer {
  constructor(readonly options: DeploymentSyncOptions) {}

  now(): Date {
    return this.options.now?.() ?? new Date();
  }

  async sync(key: string): Promise<void> {
    const cached = this.options.deployments.get(key);
    if (!cached) return;
    const state: SyncState = { key, d: structuredClone(cached) };
    const d = state.d;
    const selectorObject = d.spec?.selector;
    if (
      selectorObject &&
      Object.keys(selectorObject).every((k) => isEmpty(selectorObject[k as keyof typeof selectorObject]))
    ) {
      this.event(
        d,
        "Warning",
        "SelectingAll",
        "This deployment is selecting all pods. A non-empty selector is required.",
      );
      if ((d.status?.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) {
        await this.writeStatus(state, { ...d.status, observedGeneration: d.metadata?.generation ?? 0 });
      }
      return;
    }
    let selector: LabelSelector;
    try {
      selector = labelSelectorFromObject(selectorObject);
    } catch (error) {
      this.options.log.error({ key, err: messageOf(error) }, "invalid deployment selector");
      return;
    }
    const rsList = await this.claimReplicaSets(d, selector);
    const podMap = this.podMap(d, selector, rsList);
    if (d.metadata?.deletionTimestamp) return this.syncStatusOnly(state, rsList);
    await this.checkPausedConditions(state);
    if (state.d.spec?.paused) return this.syncScaling(state, rsList);
    if (this.isScalingEvent(state.d, rsList)) return this.syncScaling(state, rsList);
    if (state.d.spec?.strategy?.type === "Recreate") return rolloutRecreate(this, state, rsList, podMap);
    return rolloutRolling(this, state, rsList);
  }

  event(d: Deployment, type: "Normal" | "Warning", reason: string, message: string): void {
    this.options.recorder.event(asEventSubject(d), type, reason, message);
  }

  /** getReplicaSetsForDeployment: adopt matching orphans, release what stopped matching. */
  private async claimReplicaSets(d: Deployment, selector: LabelSelector): Promise<ReplicaSet[]> {
    const all = this.options.replicaSets.list(d.metadata?.namespace);
    return claimObjects(all, {
      controllerRef: newControllerRef(d, deployments),
      ownerDeleting: !!d.metadata?.deletionTimestamp,
      matches: (rs) => selector.matches(rs.metadata?.labels),
      canAdopt: recheckOwner(this.options.client.resource(deployments), d),
      client: this.options.client.resource(replicaSets),
    });
  }

  private podMap(d: Deployment, selector: LabelSelector, rsList: readonly ReplicaSet[]): PodMap {
    const map: PodMap = new Map(rsList.map((rs) => [rs.metadata!.uid!, []]));
    for (const pod of this.options.pods.list(d.metadata?.namespace)) {
      if (!selector.matches(pod.metadata?.labels)) continue;
      const ref = controllerRefOf(pod);
      if (ref) map.get(ref.uid)?.push(pod);
    }
    return map;
  }

  private async syncStatusOnly(state: SyncState, rsList: readonly ReplicaSet[]): Promise<void> {
    const { newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(state, rsList, false);
    await syncDeploymentStatus(this, state, [...oldRSs, newRS], newRS);
  }

  /** Paused or resized deployments: scale proportionally, never roll out (upstream `sync`). */
  private async syncScaling(state: SyncState, rsList: readonly ReplicaSet[]): Promise<void> {
    const { newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(state, rsList, false);
    await scale(this, state, newRS, oldRSs);
    if (state.d.spec?.paused) await cleanupDeployment(this, state, oldRSs);
    await syncDeploymentStatus(this, state, [...oldRSs, newRS], newRS);
  }

  private async checkPausedConditions(state: SyncState): Promise<void> {
    const d = state.d;
    if (!hasProgressDeadline(d)) return;
    const cond = getCondition(d.status, PROGRESSING);
    if (cond?.reason === TIMED_OUT_REASON) return;
    const pausedCondExists = cond?.reason === PAUSED_REASON;
    let status = d.status ?? {};
    if (d.spec?.paused && !pausedCondExists) {
      status = setCondition(
        status,
        newCondition(PROGRESSING, "Unknown", PAUSED_REASON, "Deployment is paused", this.now()),
      );
    } else if (!d.spec?.paused && pausedCondExists) {
      status = setCondition(
        status,
        newCondition(PROGRESSING, "Unknown", RESUMED_REASON, "Deployment is resumed", this.now()),
      );
    } else {
      return;
    }
    await this.writeStatus(state, status);
  }

  /** isScalingEvent: an active ReplicaSet's desired-replicas annotation differs from spec.replicas. */
  private isScalingEvent(d: Deployment, rsList: readonly ReplicaSet[]): boolean {
    const newRS = findNewReplicaSet(d, rsList);
    const oldRSs = findOldReplicaSets(d, rsList);
    for (const rs of activeReplicaSets([...oldRSs, newRS])) {
      const desired = desiredReplicasAnnotation(rs);
      if (desired !== undefined && desired !== replicasOf(d)) return true;
    }
    return false;
  }

  /**
   * getAllReplicaSetsAndSyncRevision: the new ReplicaSet (created when `create` and missing) with its revision
   * and annotations synced, and all old ones.
   */
  async getAllReplicaSetsAndSyncRevision(
    state: SyncState,
    rsList: readonly ReplicaSet[],
    create: boolean,
  ): Promise<{ newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] }> {
    const oldRSs = findOldReplicaSets(state.d, rsList);
    const newRS = await getNewReplicaSet(this, state, rsList, oldRSs, create);
    return { newRS, oldRSs };
  }

  /**
   * SetDeploymentRevision. Upstream writes the annotation through UpdateStatus (the deployment status strategy
   * keeps annotation changes); here it is a metadata patch, which works whatever the status strategy keeps.
   */
  async setDeploymentRevision(state: SyncState, revision: string): Promise<void> {
    if (state.d.metadata?.annotations?.[REVISION_ANNOTATION] === revision) return;
    const { namespace, name } = state.d.metadata ?? {};
    state.d = await this.options.client
      .resource(deployments)
      .patch(namespace, name!, "merge", { metadata: { annotations: { [REVISION_ANNOTATION]: revision } } });
  }

  /** UpdateStatus with `status`; `state.d` becomes the result. */
  async writeStatus(state: SyncState, status: DeploymentStatus): Promise<void> {
    state.d = await this.options.client.resource(deployments).updateStatus({ ...state.d, status });
  }

  /** scaleReplicaSetAndRecordEvent. */
  async scaleReplicaSetAndRecordEvent(
    state: SyncState,
    rs: ReplicaSet,
    newScale: number,
  ): Promise<{ scaled: boolean; rs: ReplicaSet }> {
    if (replicasOf(rs) === newScale) return { scaled: false, rs };
    return this.scaleReplicaSet(state, rs, newScale, replicasOf(rs) < newScale ? "up" : "down");
  }

  /** scaleReplicaSet: sets spec.replicas and the desired/max-replicas annotations in one update. */
  async scaleReplicaSet(
    state: SyncState,
    rs: ReplicaSet,
    newScale: number,
    operation: string,
  ): Promise<{ scaled: boolean; rs: ReplicaSet }> {
    const d = state.d;
    const desired = replicasOf(d);
    const max = desired + maxSurge(d);
    const sizeNeedsUpdate = replicasOf(rs) !== newScale;
    if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(rs, desired, max)) return { scaled: false, rs };
    const oldScale = replicasOf(rs);
    const annotations = { ...(rs.metadata?.annotations ?? {}) };
    setReplicasAnnotations(annotations, desired, max);
    const updated = await this.options.client.resource(replicaSets).update({
      ...rs,
      metadata: { ...rs.metadata, annotations },
      spec: { ...rs.spec!, replicas: newScale },
    });
    if (sizeNeedsUpdate) {
      this.event(
        d,
        "Normal",
        "ScalingReplicaSet",
        `Scaled ${operation} replica set ${updated.metadata?.name} from ${oldScale} to ${newScale}`,
      );
    }
    return { scaled: sizeNeedsUpdate, rs: updated };
  }
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === "object" && Object.keys(value).length === 0;
}
