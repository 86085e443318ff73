/**
 * What a hollow node writes about itself, as the kubelet does (pkg/kubelet/kubelet_node_status.go and
 * nodelease): the Node it registers, the status conditions it reports, and its Lease in kube-node-lease.
 */
import type { Lease } from "kubernetes-types/coordination/v1.js";
import type { Node, NodeCondition, NodeStatus, Taint } from "kubernetes-types/core/v1.js";

export const HOLLOW_KUBELET_VERSION = "v1.33.0";
export const NODE_LEASE_NAMESPACE = "kube-node-lease";
/** The kubelet's default nodeLeaseDurationSeconds. */
export const NODE_LEASE_DURATION_SECONDS = 40;

export interface HollowCapacity {
  readonly cpu: string;
  readonly memory: string;
  readonly pods: string;
  readonly "ephemeral-storage": string;
}

export const DEFAULT_CAPACITY: HollowCapacity = {
  cpu: "4",
  memory: "16Gi",
  pods: "110",
  "ephemeral-storage": "100Gi",
};

export interface HollowNodeSpec {
  readonly name: string;
  readonly internalIp: string;
  readonly podCidr: string;
  readonly capacity: HollowCapacity;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
}

const ARCH = process.arch === "x64" ? "amd64" : process.arch;

/** The kubelet's four standard conditions, all healthy, stamped `now`. */
export function healthyConditions(now: string): NodeCondition[] {
  const pressure = (type: string, reason: string, message: string): NodeCondition => ({
    type,
    status: "False",
    reason,
    message,
    lastHeartbeatTime: now,
    lastTransitionTime: now,
  });
  return [
    pressure("MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
    pressure("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    pressure("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
    {
      type: "Ready",
      status: "True",
      reason: "KubeletReady",
      message: "kubelet is posting ready status",
      lastHeartbeatTime: now,
      lastTransitionTime: now,
    },
  ];
}

/**
 * The conditions to report now: healthy ones keep their lastTransitionTime when the previous report had the
 * same status (as the kubelet's setters do), and every heartbeat is `now`.
 */
export function nextConditions(previous: readonly NodeCondition[] | undefined, now: string): NodeCondition[] {
  return healthyConditions(now).map((condition) => {
    const old = previous?.find((c) => c.type === condition.type);
    return old && old.status === condition.status && old.lastTransitionTime
      ? { ...condition, lastTransitionTime: old.lastTransitionTime }
      : condition;
  });
}

export function nodeStatus(spec: HollowNodeSpec, now: string): NodeStatus {
  const resources = { ...spec.capacity };
  return {
    capacity: resources,
    allocatable: resources,
    conditions: healthyConditions(now),
    addresses: [
      { type: "InternalIP", address: spec.internalIp },
      { type: "Hostname", address: spec.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: spec.name,
      systemUUID: spec.name,
      bootID: spec.name,
      kernelVersion: "6.1.0-hollow",
      osImage: "Skiff hollow node",
      containerRuntimeVersion: "hollow://1.0.0",
      kubeletVersion: HOLLOW_KUBELET_VERSION,
      kubeProxyVersion: HOLLOW_KUBELET_VERSION,
      operatingSystem: "linux",
      architecture: ARCH,
    },
    phase: "Running",
  };
}

/** The Node a hollow kubelet registers. */
export function nodeObject(spec: HollowNodeSpec, now: string): Node {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: spec.name,
      labels: {
        "kubernetes.io/hostname": spec.name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": ARCH,
        "node.kubernetes.io/instance-type": "hollow",
        type: "hollow",
        ...spec.labels,
      },
      annotations: { "node.alpha.kubernetes.io/ttl": "0", "skiff.io/hollow": "true" },
    },
    spec: {
      podCIDR: spec.podCidr,
      podCIDRs: [spec.podCidr],
      ...(spec.taints.length > 0 ? { taints: spec.taints.map((t) => ({ ...t })) } : {}),
    },
    status: nodeStatus(spec, now),
  };
}

/** The node's Lease (pkg/kubelet/nodelease): holder = node name, owned by the Node. */
export function leaseObject(node: Node, now: string): Lease {
  return {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: {
      name: node.metadata!.name,
      namespace: NODE_LEASE_NAMESPACE,
      ownerReferences: [{ apiVersion: "v1", kind: "Node", name: node.metadata!.name!, uid: node.metadata!.uid! }],
    },
    spec: {
      holderIdentity: node.metadata!.name,
      leaseDurationSeconds: NODE_LEASE_DURATION_SECONDS,
      renewTime: now,
    },
  };
}

/** Time as the API writes it (RFC 3339, seconds). */
export function isoSeconds(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
