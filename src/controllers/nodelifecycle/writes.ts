/**
 * The node controller's writes (upstream pkg/controller/util/node and controller_utils.go): swapping taints on a
 * node with optimistic concurrency, writing node status, and MarkPodsNotReady.
 */
import type { Node, Pod, Taint } from "kubernetes-types/core/v1.js";
import { isStatusError } from "../../api/status.js";
import { nodes, pods } from "../../client/resources.js";
import type { Client, EventRecorder, Lister } from "../../client/types.js";
import { swapTaints } from "./taints.js";

const UPDATE_RETRIES = 5;

const isCode = (error: unknown, code: number): boolean => isStatusError(error) && error.code === code;

/** RFC 3339 without fractional seconds, as metav1.Time serialises. */
export function nowTime(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Adds `add` (stamped timeAdded now) and removes `remove` from the node's taints: first against the cached node,
 * then against fresh reads when the write conflicts. Resolves true when the node ends up as wanted (or is gone).
 */
export async function swapNodeTaints(
  client: Client,
  nodeLister: Lister<Node>,
  name: string,
  add: readonly Taint[],
  remove: readonly Taint[],
): Promise<boolean> {
  if (add.length === 0 && remove.length === 0) return true;
  const api = client.resource(nodes);
  for (let attempt = 0; attempt < UPDATE_RETRIES; attempt++) {
    let node: Node | undefined;
    try {
      node = attempt === 0 ? nodeLister.get(name) : await api.get(undefined, name);
    } catch (error) {
      if (isCode(error, 404)) return true;
      throw error;
    }
    if (!node) return true;
    const taints = swapTaints(node.spec?.taints ?? [], add, remove, nowTime());
    if (!taints) return true;
    try {
      await api.patch(undefined, name, "merge", {
        metadata: { resourceVersion: node.metadata!.resourceVersion },
        spec: { taints },
      });
      return true;
    } catch (error) {
      if (isCode(error, 404)) return true;
      if (!isCode(error, 409)) throw error;
    }
  }
  return false;
}

/** MarkPodsNotReady: every pod of `nodeName` whose Ready condition is not False gets it set False. */
export async function markPodsNotReady(
  client: Client,
  recorder: EventRecorder,
  nodePods: readonly Pod[],
  nodeName: string,
): Promise<void> {
  const api = client.resource(pods);
  const errors: unknown[] = [];
  for (const pod of nodePods) {
    if (pod.spec?.nodeName !== nodeName) continue;
    const ready = pod.status?.conditions?.find((c) => c.type === "Ready");
    if (!ready || ready.status === "False") continue;
    const conditions = pod.status!.conditions!.map((c) =>
      c.type === "Ready" ? { ...c, status: "False", lastTransitionTime: nowTime() } : c,
    );
    try {
      await api.patch(
        pod.metadata!.namespace,
        pod.metadata!.name!,
        "merge",
        { metadata: { uid: pod.metadata!.uid }, status: { conditions } },
        { subresource: "status" },
      );
      recorder.event(pod, "Warning", "NodeNotReady", "Node is not ready");
    } catch (error) {
      if (!isCode(error, 404)) errors.push(error);
    }
  }
  if (errors.length > 0) throw errors[0];
}
