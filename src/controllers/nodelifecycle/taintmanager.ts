/**
 * The NoExecute taint manager (upstream pkg/controller/tainteviction): a pod on a node with NoExecute taints it
 * does not tolerate is deleted at once; a pod tolerating them for `tolerationSeconds` is deleted when the
 * shortest of those runs out, counted from the taint's timeAdded (from when the taint was first seen if it
 * has none); a pod tolerating them forever stays. Before deleting, the pod gets the DisruptionTarget condition
 * (reason DeletionByTaintManager), as upstream.
 */
import type { Node, Pod, Taint } from "kubernetes-types/core/v1.js";
import { isStatusError } from "../../api/status.js";
import { pods } from "../../client/resources.js";
import type { Client, EventRecorder, Lister } from "../../client/types.js";
import { matchingTolerations } from "../../api/taints.js";
import { nowTime } from "./writes.js";

export type EvictionDecision =
  { readonly action: "none" } | { readonly action: "evict" } | { readonly action: "wait"; readonly atMs: number };

/** NoExecute taints of a node (getNoExecuteTaints). */
export function noExecuteTaints(node: Node | undefined): Taint[] {
  return (node?.spec?.taints ?? []).filter((t) => t.effect === "NoExecute");
}

/**
 * What to do with `pod` given its node's NoExecute taints at `nowMs` (processPodOnNode). `firstSeen(taint)` is
 * the start for a taint without timeAdded.
 */
export function evictionDecision(
  pod: Pod,
  taints: readonly Taint[],
  nowMs: number,
  firstSeen: (taint: Taint) => number = () => nowMs,
): EvictionDecision {
  if (taints.length === 0) return { action: "none" };
  const { allTolerated, used } = matchingTolerations(taints, pod.spec?.tolerations ?? []);
  if (!allTolerated) return { action: "evict" };
  let atMs = Infinity;
  for (const { taint, toleration } of used) {
    if (toleration.tolerationSeconds === undefined || toleration.tolerationSeconds === null) continue;
    const start = taint.timeAdded ? Date.parse(taint.timeAdded) : firstSeen(taint);
    atMs = Math.min(atMs, start + Math.max(0, toleration.tolerationSeconds) * 1000);
  }
  if (atMs === Infinity) return { action: "none" };
  return atMs <= nowMs ? { action: "evict" } : { action: "wait", atMs };
}

const isCode = (error: unknown, code: number): boolean => isStatusError(error) && error.code === code;

/** addConditionAndDeletePod: DisruptionTarget=True, then delete (with the pod's uid as precondition). */
export async function evictPod(client: Client, recorder: EventRecorder, pod: Pod): Promise<void> {
  const api = client.resource(pods);
  const { namespace, name, uid } = pod.metadata!;
  recorder.event(pod, "Normal", "TaintManagerEviction", `Marking for deletion Pod ${namespace}/${name}`);
  try {
    const fresh = await api.get(namespace, name!);
    if (fresh.metadata?.uid !== uid) return;
    const conditions = fresh.status?.conditions ?? [];
    const existing = conditions.find((c) => c.type === "DisruptionTarget");
    if (existing?.status !== "True" || existing.reason !== "DeletionByTaintManager") {
      const target = {
        type: "DisruptionTarget",
        status: "True",
        reason: "DeletionByTaintManager",
        message: "Taint manager: deleting due to NoExecute taint",
        lastTransitionTime: nowTime(),
      };
      await api.patch(
        namespace,
        name!,
        "merge",
        {
          metadata: { uid },
          status: { conditions: [...conditions.filter((c) => c.type !== "DisruptionTarget"), target] },
        },
        { subresource: "status" },
      );
    }
    await api.delete(namespace, name!, { preconditions: { uid: uid! } });
  } catch (error) {
    if (!isCode(error, 404) && !isCode(error, 409)) throw error;
  }
}

/** Scheduling state per pod, so cancellations are reported once (cancelWorkWithEvent). */
export class TaintEvictionTracker {
  readonly #scheduled = new Map<string, number>();
  /** When each NoExecute taint (node/key/effect) was first seen, for taints without timeAdded. */
  readonly #firstSeen = new Map<string, number>();

  constructor(
    private readonly client: Client,
    private readonly recorder: EventRecorder,
    private readonly podLister: Lister<Pod>,
    private readonly nodeLister: Lister<Node>,
    private readonly requeueAfter: (key: string, delayMs: number) => void,
    private readonly now: () => number = Date.now,
  ) {}

  async reconcile(key: string): Promise<void> {
    const pod = this.podLister.get(key);
    const nodeName = pod?.spec?.nodeName;
    const phase = pod?.status?.phase;
    if (!pod || !nodeName || pod.metadata?.deletionTimestamp || phase === "Succeeded" || phase === "Failed") {
      this.#scheduled.delete(key);
      return;
    }
    const taints = noExecuteTaints(this.nodeLister.get(nodeName));
    const now = this.now();
    const decision = evictionDecision(pod, taints, now, (taint) => this.#seen(nodeName, taint, now));
    switch (decision.action) {
      case "none":
        if (this.#scheduled.delete(key)) {
          this.recorder.event(pod, "Normal", "TaintManagerEviction", `Cancelling deletion of Pod ${key}`);
        }
        return;
      case "wait":
        this.#scheduled.set(key, decision.atMs);
        this.requeueAfter(key, decision.atMs - now);
        return;
      case "evict":
        this.#scheduled.delete(key);
        await evictPod(this.client, this.recorder, pod);
    }
  }

  /** Forgets first-seen times of taints a node no longer has. */
  nodeChanged(node: Node): void {
    const name = node.metadata!.name!;
    const present = new Set(noExecuteTaints(node).map((t) => `${name}/${t.key}/${t.effect}`));
    for (const id of this.#firstSeen.keys())
      if (id.startsWith(`${name}/`) && !present.has(id)) this.#firstSeen.delete(id);
  }

  #seen(nodeName: string, taint: Taint, now: number): number {
    const id = `${nodeName}/${taint.key}/${taint.effect}`;
    const seen = this.#firstSeen.get(id);
    if (seen !== undefined) return seen;
    this.#firstSeen.set(id, now);
    return now;
  }
}
