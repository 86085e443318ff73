/**
 * The scheduling queue (upstream pkg/scheduler/backend/queue/scheduling_queue.go):
 * - activeQ: pods ready to be tried, highest priority first, then earliest enqueue time (PrioritySort);
 * - backoffQ: pods that failed recently, released when their per-pod exponential backoff
 *   (initial × 2^(attempts−1), capped) expires;
 * - unschedulable: pods no node fits; a cluster event (node added/changed, pod deleted, …) moves them back,
 *   and they are retried anyway after `maxInUnschedulableMs`.
 * A pod that fails while a move request happened during its cycle goes to backoffQ instead, so it does not
 * miss the event. Pods with schedulingGates wait in `gated` until an update removes them. The queue also
 * tracks nominated pods (preemptors waiting for victims to leave), per node.
 */
import type { Pod } from "kubernetes-types/core/v1.js";
import { KeyedHeap } from "./heap.js";
import { newPodInfo, podKey, podPriority, type PodInfo } from "./podinfo.js";

export interface QueuedPodInfo {
  podInfo: PodInfo;
  readonly key: string;
  /** When the pod was last added to a queue (ordering in activeQ, backoff start). */
  timestamp: number;
  attempts: number;
  initialAttemptTimestamp: number | undefined;
  /** Plugins that rejected the pod in its last cycle. */
  unschedulablePlugins: Set<string>;
}

export interface QueueOptions {
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly maxInUnschedulableMs: number;
  readonly now?: () => number;
}

export class SchedulingQueue {
  private readonly now: () => number;
  private readonly activeQ: KeyedHeap<QueuedPodInfo>;
  private readonly backoffQ: KeyedHeap<QueuedPodInfo>;
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  private readonly gated = new Map<string, QueuedPodInfo>();
  private readonly inFlight = new Map<string, QueuedPodInfo>();
  private readonly waiters: ((qp: QueuedPodInfo | undefined) => void)[] = [];
  private readonly nominatedByNode = new Map<string, Map<string, PodInfo>>();
  private readonly nominatedNodeOf = new Map<string, string>();
  private timers: NodeJS.Timeout[] = [];
  private closed = false;
  private handoffScheduled = false;
  /** Incremented on every pop. */
  schedulingCycle = 0;
  private moveRequestCycle = -1;

  constructor(private readonly options: QueueOptions) {
    this.now = options.now ?? Date.now;
    this.activeQ = new KeyedHeap(
      (qp) => qp.key,
      (a, b) => {
        const pa = podPriority(a.podInfo.pod);
        const pb = podPriority(b.podInfo.pod);
        return pa > pb || (pa === pb && a.timestamp < b.timestamp);
      },
    );
    this.backoffQ = new KeyedHeap(
      (qp) => qp.key,
      (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b),
    );
  }

  /** Starts the periodic flushes (backoffQ every second, long-unschedulable pods every 30 s). */
  run(): void {
    this.timers.push(setInterval(() => this.flushBackoffCompleted(), 1000).unref());
    this.timers.push(setInterval(() => this.flushUnschedulableLeftover(), 30_000).unref());
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  // ---- Informer-driven changes

  add(pod: Pod): void {
    const key = podKey(pod);
    const qp = this.newQueued(pod);
    this.addNominated(qp.podInfo);
    if (isGated(pod)) {
      this.gated.set(key, qp);
      return;
    }
    this.unschedulable.delete(key);
    this.backoffQ.delete(key);
    this.pushActive(qp);
  }

  update(oldPod: Pod | undefined, pod: Pod): void {
    const key = podKey(pod);
    const info = newPodInfo(pod);
    // Keep a nomination made locally (after preemption) until the API server's copy says otherwise.
    if (pod.status?.nominatedNodeName || oldPod?.status?.nominatedNodeName) {
      this.deleteNominated(key);
      this.addNominated(info);
    } else {
      const node = this.nominatedNodeOf.get(key);
      if (node) this.addNominated(info, node);
    }
    const inFlight = this.inFlight.get(key);
    if (inFlight) {
      inFlight.podInfo = info;
      return;
    }
    const gated = this.gated.get(key);
    if (gated) {
      gated.podInfo = info;
      if (!isGated(pod)) {
        this.gated.delete(key);
        this.pushActive(gated);
      }
      return;
    }
    const active = this.activeQ.get(key);
    if (active) {
      active.podInfo = info;
      this.activeQ.addOrUpdate(active);
      return;
    }
    const backoff = this.backoffQ.get(key);
    if (backoff) {
      backoff.podInfo = info;
      this.backoffQ.addOrUpdate(backoff);
      return;
    }
    const waiting = this.unschedulable.get(key);
    if (waiting) {
      waiting.podInfo = info;
      if (oldPod && isPodUpdated(oldPod, pod)) {
        this.unschedulable.delete(key);
        this.requeue(waiting);
      }
      return;
    }
    this.add(pod);
  }

  delete(pod: Pod): void {
    const key = podKey(pod);
    this.deleteNominated(key);
    this.activeQ.delete(key);
    this.backoffQ.delete(key);
    this.unschedulable.delete(key);
    this.gated.delete(key);
    this.inFlight.delete(key);
  }

  /**
   * A cluster event that may make unschedulable pods schedulable: moves them (those `filter` accepts) to
   * activeQ, or to backoffQ while their backoff lasts.
   */
  moveAllToActiveOrBackoff(filter?: (qp: QueuedPodInfo) => boolean): void {
    for (const [key, qp] of this.unschedulable) {
      if (filter && !filter(qp)) continue;
      this.unschedulable.delete(key);
      this.requeue(qp);
    }
    this.moveRequestCycle = this.schedulingCycle;
  }

  // ---- The scheduling loop

  /** The next pod to schedule; waits while activeQ is empty; undefined once closed. */
  pop(): Promise<QueuedPodInfo | undefined> {
    const qp = this.tryPop();
    if (qp || this.closed) return Promise.resolve(qp);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  tryPop(): QueuedPodInfo | undefined {
    const qp = this.activeQ.pop();
    if (!qp) return undefined;
    return this.startCycle(qp);
  }

  private startCycle(qp: QueuedPodInfo): QueuedPodInfo {
    this.schedulingCycle++;
    qp.attempts++;
    qp.initialAttemptTimestamp ??= this.now();
    this.inFlight.set(qp.key, qp);
    return qp;
  }

  /** The cycle of this pod ended (bound, or handed back through one of the methods below). */
  done(key: string): void {
    this.inFlight.delete(key);
  }

  /**
   * A pod that did not fit (upstream AddUnschedulableIfNotPresent): to backoffQ when a move request
   * happened since its cycle started (or it failed with an error), else to the unschedulable pods.
   */
  addUnschedulable(qp: QueuedPodInfo, podSchedulingCycle: number, error = false): void {
    if (!this.inFlight.has(qp.key) && !this.isQueued(qp.key)) {
      // Deleted while it was being scheduled.
      return;
    }
    this.inFlight.delete(qp.key);
    if (this.isQueued(qp.key)) return;
    qp.timestamp = this.now();
    if (error || this.moveRequestCycle >= podSchedulingCycle) {
      this.backoffQ.addOrUpdate(qp);
    } else {
      this.unschedulable.set(qp.key, qp);
    }
  }

  private isQueued(key: string): boolean {
    return this.activeQ.has(key) || this.backoffQ.has(key) || this.unschedulable.has(key) || this.gated.has(key);
  }

  /** Moves backoffQ pods whose backoff expired to activeQ. */
  flushBackoffCompleted(): void {
    const now = this.now();
    for (;;) {
      const top = this.backoffQ.peek();
      if (!top || this.backoffExpiry(top) > now) break;
      this.backoffQ.pop();
      this.pushActive(top);
    }
  }

  /** Retries pods that stayed unschedulable longer than maxInUnschedulableMs. */
  flushUnschedulableLeftover(): void {
    const now = this.now();
    for (const [key, qp] of this.unschedulable) {
      if (now - qp.timestamp < this.options.maxInUnschedulableMs) continue;
      this.unschedulable.delete(key);
      this.requeue(qp);
    }
  }

  // ---- Nominated pods

  nominatedPodsForNode(nodeName: string): PodInfo[] {
    if (this.nominatedByNode.size === 0) return [];
    const pods = this.nominatedByNode.get(nodeName);
    return pods ? [...pods.values()] : [];
  }

  /** Records that `pod` waits for `nodeName` (after preemption, before status.nominatedNodeName is seen). */
  nominate(info: PodInfo, nodeName: string | undefined): void {
    this.deleteNominated(info.key);
    if (nodeName) this.addNominated(info, nodeName);
  }

  private addNominated(info: PodInfo, nodeName = info.pod.status?.nominatedNodeName): void {
    if (!nodeName || info.pod.spec?.nodeName) return;
    let pods = this.nominatedByNode.get(nodeName);
    if (!pods) this.nominatedByNode.set(nodeName, (pods = new Map()));
    pods.set(info.key, info);
    this.nominatedNodeOf.set(info.key, nodeName);
  }

  private deleteNominated(key: string): void {
    const node = this.nominatedNodeOf.get(key);
    if (node === undefined) return;
    this.nominatedNodeOf.delete(key);
    const pods = this.nominatedByNode.get(node);
    pods?.delete(key);
    if (pods?.size === 0) this.nominatedByNode.delete(node);
  }

  // ---- Introspection (tests, metrics)

  lengths(): { active: number; backoff: number; unschedulable: number; gated: number; inFlight: number } {
    return {
      active: this.activeQ.size,
      backoff: this.backoffQ.size,
      unschedulable: this.unschedulable.size,
      gated: this.gated.size,
      inFlight: this.inFlight.size,
    };
  }

  where(key: string): "active" | "backoff" | "unschedulable" | "gated" | "inFlight" | undefined {
    if (this.activeQ.has(key)) return "active";
    if (this.backoffQ.has(key)) return "backoff";
    if (this.unschedulable.has(key)) return "unschedulable";
    if (this.gated.has(key)) return "gated";
    if (this.inFlight.has(key)) return "inFlight";
    return undefined;
  }

  // ---- Internals

  private newQueued(pod: Pod): QueuedPodInfo {
    return {
      podInfo: newPodInfo(pod),
      key: podKey(pod),
      timestamp: this.now(),
      attempts: 0,
      initialAttemptTimestamp: undefined,
      unschedulablePlugins: new Set(),
    };
  }

  /** initial × 2^(attempts−1), capped at the max (upstream calculateBackoffDuration). */
  backoffDuration(qp: QueuedPodInfo): number {
    let duration = this.options.initialBackoffMs;
    for (let i = 1; i < qp.attempts; i++) {
      if (duration >= this.options.maxBackoffMs / 2) return this.options.maxBackoffMs;
      duration *= 2;
    }
    return Math.min(duration, this.options.maxBackoffMs);
  }

  private backoffExpiry(qp: QueuedPodInfo): number {
    return qp.timestamp + this.backoffDuration(qp);
  }

  private requeue(qp: QueuedPodInfo): void {
    if (qp.attempts > 0 && this.backoffExpiry(qp) > this.now()) this.backoffQ.addOrUpdate(qp);
    else this.pushActive(qp);
  }

  private pushActive(qp: QueuedPodInfo): void {
    this.activeQ.addOrUpdate(qp);
    if (this.waiters.length === 0 || this.handoffScheduled) return;
    // Hand over on the next turn, so pods added in the same batch of events are ordered first.
    this.handoffScheduled = true;
    setImmediate(() => {
      this.handoffScheduled = false;
      while (this.waiters.length > 0) {
        const qp = this.tryPop();
        if (!qp) return;
        this.waiters.shift()!(qp);
      }
    });
  }
}

function isGated(pod: Pod): boolean {
  return (pod.spec?.schedulingGates?.length ?? 0) > 0;
}

/** Upstream isPodUpdated: a change other than status, resourceVersion, generation or managedFields. */
function isPodUpdated(oldPod: Pod, newPod: Pod): boolean {
  const strip = (p: Pod) => ({
    ...p,
    metadata: { ...p.metadata, resourceVersion: undefined, generation: undefined, managedFields: undefined },
    status: undefined,
  });
  return JSON.stringify(strip(oldPod)) !== JSON.stringify(strip(newPod));
}
