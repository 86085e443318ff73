/**
 * Node health bookkeeping (upstream tryUpdateNodeHealth's nodeHealthMap): for every node, the local time the
 * controller last saw a sign of life — a new Ready heartbeat in node status or a newer Lease renewTime — so
 * clock skew between kubelets and the controller does not matter. A node with no sign of life for the grace
 * period gets its kubelet-owned conditions set to Unknown.
 */
import type { Lease } from "kubernetes-types/coordination/v1.js";
import type { Node, NodeCondition, NodeStatus } from "kubernetes-types/core/v1.js";

/** The conditions the controller turns Unknown (NetworkUnavailable belongs to the control plane). */
const KUBELET_CONDITIONS = ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"] as const;

interface NodeHealth {
  probeTimestamp: number;
  readyTransitionTimestamp: number;
  status: NodeStatus | undefined;
  leaseRenewTime: number | undefined;
}

export interface HealthCheck {
  /** The Ready condition as the node reported it (Unknown at creation time when it never did). */
  readonly observedReady: NodeCondition;
  /** The Ready condition after this check (undefined when the node never reported one and is in its grace). */
  readonly currentReady: NodeCondition | undefined;
  /** A copy of the node with conditions set to Unknown, to write with updateStatus; undefined if unchanged. */
  readonly update: Node | undefined;
}

const readyOf = (status: NodeStatus | undefined): NodeCondition | undefined =>
  status?.conditions?.find((c) => c.type === "Ready");

export class NodeHealthTracker {
  readonly #byName = new Map<string, NodeHealth>();

  constructor(
    private readonly gracePeriodMs: number,
    private readonly startupGracePeriodMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Upstream tryUpdateNodeHealth up to (not including) the status write. `node` is not modified. */
  check(node: Node, lease: Lease | undefined, at: string = new Date(this.now()).toISOString()): HealthCheck {
    const name = node.metadata!.name!;
    const now = this.now();
    const created = node.metadata?.creationTimestamp ?? at;
    const createdMs = Date.parse(created);
    let health = this.#byName.get(name);
    const currentReady = readyOf(node.status);
    let observedReady: NodeCondition;
    let gracePeriod: number;
    if (!currentReady) {
      observedReady = {
        type: "Ready",
        status: "Unknown",
        lastHeartbeatTime: created,
        lastTransitionTime: created,
      };
      gracePeriod = this.startupGracePeriodMs;
      if (health) health.status = node.status;
      else
        health = {
          status: node.status,
          probeTimestamp: createdMs,
          readyTransitionTimestamp: createdMs,
          leaseRenewTime: undefined,
        };
    } else {
      observedReady = { ...currentReady };
      gracePeriod = this.gracePeriodMs;
    }
    const savedReady = readyOf(health?.status);
    const fresh = (): NodeHealth => ({
      status: node.status,
      probeTimestamp: now,
      readyTransitionTimestamp: now,
      leaseRenewTime: health?.leaseRenewTime,
    });
    if (!health) {
      health = fresh();
    } else if (!savedReady && currentReady) {
      health = fresh();
    } else if (savedReady && !currentReady) {
      health = fresh();
    } else if (savedReady && currentReady && savedReady.lastHeartbeatTime !== currentReady.lastHeartbeatTime) {
      const transition =
        savedReady.lastTransitionTime !== currentReady.lastTransitionTime ? now : health.readyTransitionTimestamp;
      health = { ...fresh(), readyTransitionTimestamp: transition };
    }
    const renewed = lease?.spec?.renewTime ? Date.parse(lease.spec.renewTime) : undefined;
    if (renewed !== undefined && (health.leaseRenewTime === undefined || health.leaseRenewTime < renewed)) {
      health.leaseRenewTime = renewed;
      health.probeTimestamp = now;
    }
    this.#byName.set(name, health);

    if (now <= health.probeTimestamp + gracePeriod) return { observedReady, currentReady, update: undefined };

    const conditions: NodeCondition[] = (node.status?.conditions ?? []).map((c) =>
      (KUBELET_CONDITIONS as readonly string[]).includes(c.type) && c.status !== "Unknown"
        ? {
            ...c,
            status: "Unknown",
            reason: "NodeStatusUnknown",
            message: "Kubelet stopped posting node status.",
            lastTransitionTime: at,
          }
        : { ...c },
    );
    for (const type of KUBELET_CONDITIONS) {
      if (conditions.some((c) => c.type === type)) continue;
      conditions.push({
        type,
        status: "Unknown",
        reason: "NodeStatusNeverUpdated",
        message: "Kubelet never posted node status.",
        lastHeartbeatTime: created,
        lastTransitionTime: at,
      });
    }
    const update: Node = { ...structuredClone(node), status: { ...structuredClone(node.status ?? {}), conditions } };
    const nextReady = readyOf(update.status)!;
    const changed = JSON.stringify(nextReady) !== JSON.stringify(observedReady);
    return { observedReady, currentReady: changed ? nextReady : currentReady, update: changed ? update : undefined };
  }

  /** The Unknown status was written (keeps the probe time, restarts the transition clock). */
  written(node: Node): void {
    const health = this.#byName.get(node.metadata!.name!);
    if (!health) return;
    health.status = node.status;
    health.readyTransitionTimestamp = this.now();
  }

  /** Leaving full-disruption mode: every node gets a fresh grace period. */
  resetProbes(): void {
    const now = this.now();
    for (const health of this.#byName.values()) {
      health.probeTimestamp = now;
      health.readyTransitionTimestamp = now;
    }
  }

  /** The Ready condition last seen for `name` (upstream processPod reads nodeHealth.status). */
  readyOf(name: string): NodeCondition | undefined {
    return readyOf(this.#byName.get(name)?.status);
  }

  forget(name: string): void {
    this.#byName.delete(name);
  }
}
