/**
 * A fake kubelet (and scheduler binding) for controller tests: bind a pod, move it through phases, mark it
 * Ready with an IP, finish graceful deletion, or run all of that in a loop. Status writes go through a merge
 * patch of pods/status (`patchRetrying`), so they do not race a controller's concurrent writes.
 */
import type { Pod, PodStatus } from "kubernetes-types/core/v1.js";
import { isStatusError } from "../../api/status.js";
import { pods } from "../../client/resources.js";
import type { Client, KubeObject, Resource } from "../../client/types.js";

/** A pod by namespace and name (for calls that take a `Pod`). */
export function podRef(namespace: string, name: string): Pod {
  return { metadata: { namespace, name } };
}

/** The current time as the API serializes it (RFC 3339, seconds). */
function timestamp(time: Date = new Date()): string {
  return time.toISOString().replace(/\.\d+Z$/, "Z");
}

/**
 * A PATCH retried on 409 Conflict. A patch carries no resourceVersion, but this API server can still answer
 * Conflict when a controller writes the same object concurrently (upstream retries such patches server-side).
 */
export async function patchRetrying<T extends KubeObject>(
  client: Client,
  resource: Resource<T>,
  namespace: string | undefined,
  name: string,
  type: "merge" | "strategic",
  body: unknown,
  subresource?: string,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.resource(resource).patch(namespace, name, type, body, subresource ? { subresource } : {});
    } catch (error) {
      if (!(isStatusError(error) && error.code === 409) || attempt >= 20) throw error;
    }
  }
}

/** Merge-patches `status` into the pod's status, as a kubelet's status manager does. */
export function patchPodStatus(client: Client, pod: Pod, status: PodStatus): Promise<Pod> {
  const { namespace, name } = pod.metadata!;
  return patchRetrying(client, pods, namespace, name!, "merge", { status }, "status");
}

/** Binds the pod to `node` through pods/binding, as the scheduler does. */
export async function bindPod(client: Client, pod: Pod, node: string): Promise<void> {
  const { namespace, name } = pod.metadata!;
  await client.resource(pods).createSubresource(namespace, name!, "binding", {
    apiVersion: "v1",
    kind: "Binding",
    metadata: { name },
    target: { apiVersion: "v1", kind: "Node", name: node },
  } as never);
}

export interface ReadyOptions {
  /** Ready=False instead of True (default true). */
  readonly ready?: boolean;
  /** Sets podIP/podIPs. */
  readonly podIP?: string;
  /** The conditions' lastTransitionTime (default now). */
  readonly since?: Date;
}

/** What the kubelet reports for a started pod: phase Running, Ready and ContainersReady, optionally an IP. */
export function markPodReady(client: Client, pod: Pod, options: ReadyOptions = {}): Promise<Pod> {
  const status = options.ready === false ? "False" : "True";
  const lastTransitionTime = timestamp(options.since);
  return patchPodStatus(client, pod, {
    phase: "Running",
    conditions: [
      { type: "Ready", status, lastTransitionTime },
      { type: "ContainersReady", status, lastTransitionTime },
    ],
    ...(options.podIP ? { podIP: options.podIP, podIPs: [{ ip: options.podIP }] } : {}),
  });
}

/** Moves the pod to `phase` (Failed/Succeeded with every container terminated with `exitCode`). */
export async function setPodPhase(
  client: Client,
  pod: Pod,
  phase: "Running" | "Succeeded" | "Failed",
  exitCode = phase === "Succeeded" ? 0 : 1,
): Promise<Pod> {
  const fresh = await client.resource(pods).get(pod.metadata?.namespace, pod.metadata!.name!);
  const now = timestamp();
  return patchPodStatus(client, fresh, {
    phase,
    ...(phase === "Running" ? { conditions: [{ type: "Ready", status: "True", lastTransitionTime: now }] } : {}),
    containerStatuses: (fresh.spec?.containers ?? []).map((c) => ({
      name: c.name,
      image: c.image ?? "",
      imageID: "",
      ready: phase === "Running",
      restartCount: 0,
      state:
        phase === "Running"
          ? { running: { startedAt: now } }
          : { terminated: { exitCode, reason: exitCode === 0 ? "Completed" : "Error", finishedAt: now } },
    })),
  });
}

/** Finishes a graceful deletion, as the kubelet does once the containers stopped. */
export async function finishPodDeletion(client: Client, pod: Pod): Promise<void> {
  await client.resource(pods).delete(pod.metadata?.namespace, pod.metadata!.name!, { gracePeriodSeconds: 0 });
}

/** Pods in `namespace` matching `labelSelector` that are not being deleted. */
export async function listActivePods(client: Client, namespace: string, labelSelector?: string): Promise<Pod[]> {
  const list = await client.resource(pods).list(namespace, labelSelector ? { labelSelector } : {});
  return list.items.filter((p) => !p.metadata?.deletionTimestamp);
}

export interface FakeKubeletOptions {
  /** The node to bind an unbound pod to; when given, only bound pods start. */
  readonly nodeFor?: (pod: Pod) => string | undefined;
  /** Whether a pod may start and turn Ready (default: every pod). */
  readonly mayBecomeReady?: (pod: Pod) => boolean;
}

/**
 * Plays the scheduler and the kubelets for the pods of `namespace` until the returned function is called:
 * binds unbound pods (`nodeFor`), marks non-terminal pods Running+Ready, and finishes graceful deletions.
 */
export function startFakeKubelet(
  client: Client,
  namespace: string,
  options: FakeKubeletOptions = {},
): () => Promise<void> {
  let stopped = false;
  const step = async (pod: Pod): Promise<void> => {
    const phase = pod.status?.phase;
    const ready = pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
    if (pod.metadata?.deletionTimestamp) {
      await finishPodDeletion(client, pod);
    } else if (options.nodeFor && !pod.spec?.nodeName) {
      const node = options.nodeFor(pod);
      if (node) await bindPod(client, pod, node);
    } else if (!ready && phase !== "Succeeded" && phase !== "Failed" && (options.mayBecomeReady?.(pod) ?? true)) {
      await markPodReady(client, pod);
    }
  };
  const loop = (async () => {
    while (!stopped) {
      const list = await client
        .resource(pods)
        .list(namespace)
        .catch(() => ({ items: [] as Pod[] }));
      for (const pod of list.items) await step(pod).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}
