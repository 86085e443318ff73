/**
 * The pod statuses a hollow kubelet reports, as the real kubelet's status manager builds them
 * (pkg/kubelet/kubelet_pods.go generateAPIPodStatus, pkg/kubelet/status/generate.go): Pending with containers
 * waiting in ContainerCreating, Running with every container running and ready, and terminal phases with
 * containers terminated. Pure functions of the pod and a few facts the simulator keeps.
 */
import type { Container, ContainerStatus, Pod, PodCondition, PodStatus } from "kubernetes-types/core/v1.js";

/** How long each container of the pod runs before it exits (seconds). Without it, containers run forever. */
export const RUN_SECONDS_ANNOTATION = "skiff.io/hollow-run-seconds";
/** The exit code containers exit with after RUN_SECONDS_ANNOTATION (default 0). */
export const EXIT_CODE_ANNOTATION = "skiff.io/hollow-exit-code";

export interface Termination {
  readonly exitCode: number;
  readonly startedAt: string;
  readonly finishedAt: string;
}

/** What the simulator knows about one pod it runs. */
export interface HollowPodFacts {
  readonly hostIp: string;
  /** When the kubelet first saw the pod (status.startTime). */
  readonly startTime: string;
  readonly podIp?: string;
  /** When the current containers started. */
  readonly containersStartedAt?: string;
  readonly restartCount: number;
  /** The previous run of the containers (restartPolicy Always / OnFailure restarts). */
  readonly lastTermination?: Termination;
}

/** The run time and exit code the pod's annotations ask for; `runMs` is undefined for "runs forever". */
export function plannedExit(pod: Pod): { runMs: number | undefined; exitCode: number } {
  const annotations = pod.metadata?.annotations ?? {};
  const seconds = Number(annotations[RUN_SECONDS_ANNOTATION]);
  const exitCode = Number(annotations[EXIT_CODE_ANNOTATION] ?? 0);
  return {
    runMs: annotations[RUN_SECONDS_ANNOTATION] !== undefined && seconds >= 0 ? seconds * 1000 : undefined,
    exitCode: Number.isInteger(exitCode) ? exitCode : 1,
  };
}

/** What happens when the containers exit with `exitCode` (upstream's restart policy rules). */
export function afterExit(pod: Pod, exitCode: number): "restart" | "Succeeded" | "Failed" {
  const policy = pod.spec?.restartPolicy ?? "Always";
  if (policy === "Always") return "restart";
  if (exitCode === 0) return "Succeeded";
  return policy === "OnFailure" ? "restart" : "Failed";
}

function condition(type: string, ok: boolean, now: string, reason?: string, message?: string): PodCondition {
  return {
    type,
    status: ok ? "True" : "False",
    lastTransitionTime: now,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  };
}

/** Keeps lastTransitionTime of conditions whose status did not change (the kubelet's condition merge). */
function mergeConditions(previous: readonly PodCondition[] | undefined, next: PodCondition[]): PodCondition[] {
  return next.map((c) => {
    const old = previous?.find((p) => p.type === c.type);
    return old && old.status === c.status && old.lastTransitionTime
      ? { ...c, lastTransitionTime: old.lastTransitionTime }
      : c;
  });
}

function containerId(pod: Pod, name: string, restartCount: number): string {
  return `hollow://${pod.metadata?.uid ?? pod.metadata?.name}/${name}/${restartCount}`;
}

function imageId(image: string | undefined): string {
  return `hollow://${image ?? ""}`;
}

const names = (statuses: readonly { name: string }[]): string => `[${statuses.map((s) => s.name).join(" ")}]`;

/** Pending: the sandbox is being created, containers wait in ContainerCreating (init containers first). */
export function pendingStatus(pod: Pod, facts: HollowPodFacts, now: string): PodStatus {
  const spec = pod.spec!;
  const inits = spec.initContainers ?? [];
  const waiting =
    (reason: string) =>
    (c: { name: string; image?: string }): ContainerStatus => ({
      name: c.name,
      image: c.image ?? "",
      imageID: "",
      ready: false,
      restartCount: 0,
      started: false,
      state: { waiting: { reason } },
    });
  const initialized = inits.length === 0;
  const containerReason = initialized ? "ContainerCreating" : "PodInitializing";
  const notReady = `containers with unready status: ${names(spec.containers)}`;
  return {
    phase: "Pending",
    hostIP: facts.hostIp,
    hostIPs: [{ ip: facts.hostIp }],
    startTime: facts.startTime,
    conditions: mergeConditions(pod.status?.conditions, [
      condition("PodReadyToStartContainers", false, now),
      initialized
        ? condition("Initialized", true, now)
        : condition(
            "Initialized",
            false,
            now,
            "ContainersNotInitialized",
            `containers with incomplete status: ${names(inits)}`,
          ),
      condition("Ready", false, now, "ContainersNotReady", notReady),
      condition("ContainersReady", false, now, "ContainersNotReady", notReady),
      condition("PodScheduled", true, now),
    ]),
    ...(inits.length > 0 ? { initContainerStatuses: inits.map(waiting("PodInitializing")) } : {}),
    containerStatuses: spec.containers.map(waiting(containerReason)),
    ...(pod.status?.qosClass ? { qosClass: pod.status.qosClass } : {}),
  };
}

function initContainersCompleted(pod: Pod, facts: HollowPodFacts): ContainerStatus[] {
  const at = facts.containersStartedAt ?? facts.startTime;
  return (pod.spec!.initContainers ?? []).map((c) => ({
    name: c.name,
    image: c.image ?? "",
    imageID: imageId(c.image),
    containerID: containerId(pod, c.name, 0),
    ready: true,
    restartCount: 0,
    started: false,
    state: { terminated: { exitCode: 0, reason: "Completed", startedAt: facts.startTime, finishedAt: at } },
  }));
}

function terminatedState(t: Termination): NonNullable<ContainerStatus["state"]> {
  return {
    terminated: {
      exitCode: t.exitCode,
      reason: t.exitCode === 0 ? "Completed" : "Error",
      startedAt: t.startedAt,
      finishedAt: t.finishedAt,
    },
  };
}

function ipFields(facts: HollowPodFacts): Partial<PodStatus> {
  return facts.podIp ? { podIP: facts.podIp, podIPs: [{ ip: facts.podIp }] } : {};
}

/** The status of a started app container: ready and started while running, neither once terminated. */
function startedContainer(
  pod: Pod,
  container: Container,
  facts: HollowPodFacts,
  state: NonNullable<ContainerStatus["state"]>,
): ContainerStatus {
  const running = state.running !== undefined;
  return {
    name: container.name,
    image: container.image ?? "",
    imageID: imageId(container.image),
    containerID: containerId(pod, container.name, facts.restartCount),
    ready: running,
    restartCount: facts.restartCount,
    started: running,
    state,
    lastState: facts.lastTermination ? terminatedState(facts.lastTermination) : {},
  };
}

/** Running: init containers Completed, every container running and ready, all conditions True. */
export function runningStatus(pod: Pod, facts: HollowPodFacts, now: string): PodStatus {
  const spec = pod.spec!;
  const startedAt = facts.containersStartedAt ?? now;
  return {
    phase: "Running",
    hostIP: facts.hostIp,
    hostIPs: [{ ip: facts.hostIp }],
    ...ipFields(facts),
    startTime: facts.startTime,
    conditions: mergeConditions(pod.status?.conditions, [
      condition("PodReadyToStartContainers", true, now),
      condition("Initialized", true, now),
      condition("Ready", true, now),
      condition("ContainersReady", true, now),
      condition("PodScheduled", true, now),
    ]),
    ...(spec.initContainers?.length ? { initContainerStatuses: initContainersCompleted(pod, facts) } : {}),
    containerStatuses: spec.containers.map((c) => startedContainer(pod, c, facts, { running: { startedAt } })),
    ...(pod.status?.qosClass ? { qosClass: pod.status.qosClass } : {}),
  };
}

/** Terminal: every container terminated with `termination`; phase Succeeded or Failed. */
export function terminatedStatus(
  pod: Pod,
  facts: HollowPodFacts,
  termination: Termination,
  phase: "Succeeded" | "Failed",
  now: string,
): PodStatus {
  const spec = pod.spec!;
  const reason = phase === "Succeeded" ? "PodCompleted" : "PodFailed";
  return {
    phase,
    hostIP: facts.hostIp,
    hostIPs: [{ ip: facts.hostIp }],
    ...ipFields(facts),
    startTime: facts.startTime,
    conditions: mergeConditions(pod.status?.conditions, [
      condition("PodReadyToStartContainers", false, now),
      condition("Initialized", true, now, "PodCompleted"),
      condition("Ready", false, now, reason),
      condition("ContainersReady", false, now, reason),
      condition("PodScheduled", true, now),
    ]),
    ...(spec.initContainers?.length ? { initContainerStatuses: initContainersCompleted(pod, facts) } : {}),
    containerStatuses: spec.containers.map((c) => startedContainer(pod, c, facts, terminatedState(termination))),
    ...(pod.status?.qosClass ? { qosClass: pod.status.qosClass } : {}),
  };
}

/** The phase a pod ends in when its containers are stopped because it is deleted (kubelet getPhase, terminal). */
export function phaseAfterKill(exitCode: number): "Succeeded" | "Failed" {
  return exitCode === 0 ? "Succeeded" : "Failed";
}
