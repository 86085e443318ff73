/**
 * One PodGC pass (upstream gc_controller.go gc): deletes terminated pods beyond the threshold (evicted first,
 * then oldest), fails and force-deletes pods bound to nodes that stayed missing for the quarantine period (with a
 * DisruptionTarget condition, reason DeletionByPodGC), and force-deletes terminating pods that are unscheduled or
 * on a NotReady node tainted `node.kubernetes.io/out-of-service`.
 */
import type { Node, Pod, PodCondition } from "kubernetes-types/core/v1.js";
import { isStatusError } from "../../api/status.js";
import { nodes as nodesResource, pods as podsResource } from "../../client/resources.js";
import type { Client, Lister } from "../../client/types.js";
import type { Logger } from "../../util/log.js";
import { keyOf } from "../util/pods.js";

export interface PodGcDeps {
  readonly client: Client;
  readonly pods: Lister<Pod>;
  readonly nodes: Lister<Node>;
  readonly log: Logger;
  /** --terminated-pod-gc-threshold; ≤ 0 disables terminated-pod collection. */
  readonly terminatedPodThreshold: number;
  /** How long a node must be missing before its pods count as orphaned (upstream 40 s). */
  readonly quarantineMs: number;
  readonly now?: () => number;
}

const OUT_OF_SERVICE_TAINT = "node.kubernetes.io/out-of-service";

function isTerminated(pod: Pod): boolean {
  return pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
}

function isEvicted(pod: Pod): boolean {
  return pod.status?.phase === "Failed" && pod.status.reason === "Evicted";
}

/** Evicted pods first, then by creation time, then by name (upstream byEvictionAndCreationTimestamp). */
export function gcOrder(a: Pod, b: Pod): number {
  if (isEvicted(a) !== isEvicted(b)) return isEvicted(a) ? -1 : 1;
  const ca = Date.parse(a.metadata?.creationTimestamp ?? "") || 0;
  const cb = Date.parse(b.metadata?.creationTimestamp ?? "") || 0;
  if (ca !== cb) return ca - cb;
  return (a.metadata?.name ?? "") < (b.metadata?.name ?? "") ? -1 : 1;
}

/** The terminated pods to delete so that at most `threshold` remain. */
export function terminatedPodsToDelete(pods: readonly Pod[], threshold: number): Pod[] {
  if (threshold <= 0) return [];
  const terminated = pods.filter(isTerminated);
  const excess = terminated.length - threshold;
  return excess > 0 ? terminated.sort(gcOrder).slice(0, excess) : [];
}

export class PodGc {
  /** Missing node name → when it was first seen missing. */
  readonly #quarantine = new Map<string, number>();

  constructor(private readonly deps: PodGcDeps) {}

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** Runs one pass; resolves with the time until a quarantined node is due (undefined: none waiting). */
  async gc(): Promise<number | undefined> {
    const pods = this.deps.pods.list();
    await Promise.all(
      terminatedPodsToDelete(pods, this.deps.terminatedPodThreshold).map((p) => this.markFailedAndDelete(p)),
    );
    await Promise.all(this.terminatingOnOutOfServiceNodes(pods).map((p) => this.markFailedAndDelete(p)));
    const due = await this.gcOrphaned(pods);
    await Promise.all(
      pods.filter((p) => p.metadata?.deletionTimestamp && !p.spec?.nodeName).map((p) => this.markFailedAndDelete(p)),
    );
    return due;
  }

  /** Terminating pods on NotReady nodes tainted out-of-service (upstream gcTerminating). */
  private terminatingOnOutOfServiceNodes(pods: readonly Pod[]): Pod[] {
    return pods
      .filter((pod) => {
        if (!pod.metadata?.deletionTimestamp || isTerminated(pod) || !pod.spec?.nodeName) return false;
        const node = this.deps.nodes.get(pod.spec.nodeName);
        if (!node) return false;
        const ready = node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
        return !ready && (node.spec?.taints ?? []).some((t) => t.key === OUT_OF_SERVICE_TAINT);
      })
      .sort(gcOrder);
  }

  private async gcOrphaned(pods: readonly Pod[]): Promise<number | undefined> {
    const now = this.now();
    const existing = new Set(this.deps.nodes.list().map((n) => n.metadata?.name));
    const missing = new Set<string>();
    for (const pod of pods) {
      const node = pod.spec?.nodeName;
      if (node && !existing.has(node)) missing.add(node);
    }
    for (const node of this.#quarantine.keys()) if (!missing.has(node)) this.#quarantine.delete(node);
    const deleted = new Set<string>();
    let nextDue: number | undefined;
    for (const node of missing) {
      const since = this.#quarantine.get(node) ?? now;
      this.#quarantine.set(node, since);
      const left = since + this.deps.quarantineMs - now;
      if (left > 0) {
        nextDue = Math.min(nextDue ?? left, left);
        continue;
      }
      if (await this.nodeIsGone(node)) deleted.add(node);
      else this.#quarantine.delete(node);
    }
    const condition: PodCondition = {
      type: "DisruptionTarget",
      status: "True",
      reason: "DeletionByPodGC",
      message: "PodGC: node no longer exists",
      lastTransitionTime: new Date(now).toISOString().replace(/\.\d{3}Z$/, "Z"),
    };
    const orphans = pods.filter((p) => deleted.has(p.spec?.nodeName ?? ""));
    for (const pod of orphans)
      this.deps.log.info(
        { pod: keyOf(pod), node: pod.spec?.nodeName },
        "found orphaned pod assigned to the node, deleting",
      );
    await Promise.all(orphans.map((p) => this.markFailedAndDelete(p, condition)));
    return nextDue;
  }

  /** Asks the API server, not the cache, whether the node is gone (upstream checkIfNodeExists). */
  private async nodeIsGone(name: string): Promise<boolean> {
    try {
      await this.deps.client.resource(nodesResource).get(undefined, name);
      return false;
    } catch (error) {
      if (isStatusError(error) && error.code === 404) return true;
      throw error;
    }
  }

  /** upstream markFailedAndDeletePodWithCondition: a pod not yet terminated is set Failed first; then force delete. */
  private async markFailedAndDelete(pod: Pod, condition?: PodCondition): Promise<void> {
    const client = this.deps.client.resource(podsResource);
    const { namespace, name } = pod.metadata as { namespace: string; name: string };
    try {
      if (!isTerminated(pod)) {
        const status = { phase: "Failed", ...(condition ? { conditions: [condition] } : {}) };
        await client.patch(namespace, name, "strategic", { status }, { subresource: "status" });
      }
      await client.delete(namespace, name, { gracePeriodSeconds: 0 });
    } catch (error) {
      if (isStatusError(error) && error.code === 404) return;
      throw error;
    }
  }
}
