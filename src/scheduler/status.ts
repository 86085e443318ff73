/**
 * Writes the pod's scheduling outcome (upstream updatePod in schedule_one.go): the PodScheduled condition
 * (False, reason, message; lastTransitionTime moves only when the status flips) and status.nominatedNodeName,
 * as a strategic merge patch on pods/status; nothing is sent when nothing changes.
 */
import type { Pod, PodCondition } from "kubernetes-types/core/v1.js";
import { pods } from "../client/resources.js";
import type { Client } from "../client/types.js";

export interface SchedulingStatus {
  readonly reason: string;
  readonly message: string;
  /** undefined: leave as is; "": clear. */
  readonly nominatedNodeName?: string | undefined;
}

export async function updatePodSchedulingStatus(client: Client, pod: Pod, update: SchedulingStatus): Promise<void> {
  const old = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
  const conditionChanged =
    !old || old.status !== "False" || old.reason !== update.reason || old.message !== update.message;
  const nominatedChanged =
    update.nominatedNodeName !== undefined && (pod.status?.nominatedNodeName ?? "") !== update.nominatedNodeName;
  if (!conditionChanged && !nominatedChanged) return;
  const status: Record<string, unknown> = {};
  if (conditionChanged) {
    const condition: PodCondition = {
      type: "PodScheduled",
      status: "False",
      reason: update.reason,
      message: update.message,
      lastTransitionTime:
        old && old.status === "False" ? old.lastTransitionTime : new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    };
    status.conditions = [{ ...condition, lastProbeTime: null }];
  }
  if (nominatedChanged) status.nominatedNodeName = update.nominatedNodeName || null;
  await client
    .resource(pods)
    .patch(pod.metadata?.namespace, pod.metadata!.name!, "strategic", { status }, { subresource: "status" });
}
