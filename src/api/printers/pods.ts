// Pods and pod templates: printPod (READY, STATUS, RESTARTS…) and printPodTemplate.
import type { Container, ContainerStatus, Pod, PodCondition, PodTemplate } from "kubernetes-types/core/v1.js";
import { DESCRIPTIONS } from "./descriptions.js";
import { humanDuration, parseTime } from "./duration.js";
import { column, type TableCell, type TablePrinter } from "./types.js";
import { AGE_COLUMN, NAME_COLUMN, ageOf, formatLabels, layoutContainerCells, nameOf, printer } from "./util.js";

/** node.NodeUnreachablePodReason: the reason the node lifecycle controller sets on pods of a lost node. */
const NODE_UNREACHABLE_POD_REASON = "NodeLost";

const POD_COLUMNS = [
  NAME_COLUMN,
  column({ name: "Ready", description: "The aggregate readiness state of this pod for accepting traffic." }),
  column({ name: "Status", description: "The aggregate status of the containers in this pod." }),
  column({
    name: "Restarts",
    description:
      "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
  }),
  AGE_COLUMN,
  column({ name: "IP", priority: 1, description: DESCRIPTIONS["PodStatus.podIP"] }),
  column({ name: "Node", priority: 1, description: DESCRIPTIONS["PodSpec.nodeName"] }),
  column({ name: "Nominated Node", priority: 1, description: DESCRIPTIONS["PodStatus.nominatedNodeName"] }),
  column({ name: "Readiness Gates", priority: 1, description: DESCRIPTIONS["PodSpec.readinessGates"] }),
];

/** podutil.IsRestartableInitContainer: a sidecar (init container with restartPolicy Always). */
function isRestartable(container: Container | undefined): boolean {
  return container?.restartPolicy === "Always";
}

/** hasPodReadyCondition: any Ready=True condition. */
function hasReadyCondition(conditions: readonly PodCondition[] | undefined): boolean {
  return (conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

/** isPodInitializedConditionTrue: the first Initialized condition decides. */
function isInitialized(conditions: readonly PodCondition[] | undefined): boolean {
  return (conditions ?? []).find((c) => c.type === "Initialized")?.status === "True";
}

/** The later of a running "last restart" time and a container's last termination. */
function laterRestart(current: number | undefined, status: ContainerStatus): number | undefined {
  const finished = parseTime(status.lastState?.terminated?.finishedAt);
  if (finished === undefined) return current;
  return current === undefined || finished > current ? finished : current;
}

/** printPod: the row cells for one pod, as kube-apiserver computes them (wide). */
export function podCells(pod: Pod, now: Date): TableCell[] {
  const spec = pod.spec ?? { containers: [] };
  const status = pod.status ?? {};
  let restarts = 0;
  let restartableInitContainerRestarts = 0;
  let totalContainers = (spec.containers ?? []).length;
  let readyContainers = 0;
  let lastRestartDate: number | undefined;
  let lastRestartableInitContainerRestartDate: number | undefined;

  const podPhase = status.phase ?? "";
  let reason = status.reason ? status.reason : podPhase;

  // A pod carrying {type: PodScheduled, reason: SchedulingGated} reads "SchedulingGated".
  for (const condition of status.conditions ?? []) {
    if (condition.type === "PodScheduled" && condition.reason === "SchedulingGated") reason = "SchedulingGated";
  }

  const initContainers = new Map<string, Container>();
  for (const c of spec.initContainers ?? []) {
    initContainers.set(c.name, c);
    if (isRestartable(c)) totalContainers++;
  }

  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const container = initStatuses[i]!;
    restarts += container.restartCount ?? 0;
    lastRestartDate = laterRestart(lastRestartDate, container);
    const restartable = isRestartable(initContainers.get(container.name));
    if (restartable) {
      restartableInitContainerRestarts += container.restartCount ?? 0;
      lastRestartableInitContainerRestartDate = laterRestart(lastRestartableInitContainerRestartDate, container);
    }
    const terminated = container.state?.terminated;
    const waiting = container.state?.waiting;
    if (terminated && (terminated.exitCode ?? 0) === 0) {
      continue;
    } else if (restartable && container.started === true) {
      if (container.ready) readyContainers++;
      continue;
    } else if (terminated) {
      // initialization failed
      if (!terminated.reason) {
        reason = terminated.signal ? `Init:Signal:${terminated.signal}` : `Init:ExitCode:${terminated.exitCode ?? 0}`;
      } else {
        reason = `Init:${terminated.reason}`;
      }
      initializing = true;
    } else if (waiting && waiting.reason && waiting.reason !== "PodInitializing") {
      reason = `Init:${waiting.reason}`;
      initializing = true;
    } else {
      reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
      initializing = true;
    }
    break;
  }

  if (!initializing || isInitialized(status.conditions)) {
    restarts = restartableInitContainerRestarts;
    lastRestartDate = lastRestartableInitContainerRestartDate;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const container = statuses[i]!;
      restarts += container.restartCount ?? 0;
      lastRestartDate = laterRestart(lastRestartDate, container);
      const waiting = container.state?.waiting;
      const terminated = container.state?.terminated;
      if (waiting && waiting.reason) {
        reason = waiting.reason;
      } else if (terminated && terminated.reason) {
        reason = terminated.reason;
      } else if (terminated) {
        reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode ?? 0}`;
      } else if (container.ready && container.state?.running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // Back to "Running" when at least one container still reports running.
    if (reason === "Completed" && hasRunning) {
      reason = hasReadyCondition(status.conditions) ? "Running" : "NotReady";
    }
  }

  const deleting = pod.metadata?.deletionTimestamp !== undefined && pod.metadata?.deletionTimestamp !== null;
  if (deleting && status.reason === NODE_UNREACHABLE_POD_REASON) {
    reason = "Unknown";
  } else if (deleting && podPhase !== "Succeeded" && podPhase !== "Failed") {
    reason = "Terminating";
  }

  let restartsCell = String(restarts);
  if (restarts !== 0 && lastRestartDate !== undefined) {
    restartsCell = `${restarts} (${humanDuration(now.getTime() - lastRestartDate)} ago)`;
  }

  // The internal PodStatus always has podIPs: conversion from v1 fills it from podIP when absent.
  const podIP = status.podIPs?.[0]?.ip || status.podIP || "<none>";
  const nodeName = spec.nodeName || "<none>";
  const nominatedNodeName = status.nominatedNodeName || "<none>";
  let readinessGates = "<none>";
  const gates = spec.readinessGates ?? [];
  if (gates.length > 0) {
    let trueConditions = 0;
    for (const gate of gates) {
      const condition = (status.conditions ?? []).find((c) => c.type === gate.conditionType);
      if (condition?.status === "True") trueConditions++;
    }
    readinessGates = `${trueConditions}/${gates.length}`;
  }

  return [
    nameOf(pod),
    `${readyContainers}/${totalContainers}`,
    reason,
    restartsCell,
    ageOf(pod, now),
    podIP,
    nodeName,
    nominatedNodeName,
    readinessGates,
  ];
}

export const podPrinter: TablePrinter = printer<Pod>(POD_COLUMNS, podCells);

export const podTemplatePrinter: TablePrinter = printer<PodTemplate>(
  [
    NAME_COLUMN,
    column({ name: "Containers", description: "Names of each container in the template." }),
    column({ name: "Images", description: "Images referenced by each container in the template." }),
    column({ name: "Pod Labels", description: "The labels for the pod template." }),
  ],
  (obj) => {
    const [names, images] = layoutContainerCells(obj.template?.spec?.containers);
    return [nameOf(obj), names, images, formatLabels(obj.template?.metadata?.labels)];
  },
);
