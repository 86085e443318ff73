// Cluster-scoped infrastructure: namespaces, nodes, leases, priorityclasses, runtimeclasses.
import type { Lease } from "kubernetes-types/coordination/v1.js";
import type { Namespace, Node } from "kubernetes-types/core/v1.js";
import type { RuntimeClass } from "kubernetes-types/node/v1.js";
import type { PriorityClass } from "kubernetes-types/scheduling/v1.js";
import { DESCRIPTIONS } from "./descriptions.js";
import { column, type TablePrinter } from "./types.js";
import { AGE_COLUMN, NAME_COLUMN, ageOf, nameOf, printer, sortedUnique } from "./util.js";

const LABEL_NODE_ROLE_PREFIX = "node-role.kubernetes.io/";
const NODE_LABEL_ROLE = "kubernetes.io/role";

export const namespacePrinter: TablePrinter = printer<Namespace>(
  [NAME_COLUMN, column({ name: "Status", description: "The status of the namespace" }), AGE_COLUMN],
  (obj, now) => [nameOf(obj), obj.status?.phase ?? "", ageOf(obj, now)],
);

/** findNodeRoles: node-role.kubernetes.io/<role> label keys and kubernetes.io/role=<role> values, sorted. */
export function findNodeRoles(node: Node): string[] {
  const roles: string[] = [];
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith(LABEL_NODE_ROLE_PREFIX)) {
      const role = k.slice(LABEL_NODE_ROLE_PREFIX.length);
      if (role.length > 0) roles.push(role);
    } else if (k === NODE_LABEL_ROLE && v !== "") {
      roles.push(v);
    }
  }
  return sortedUnique(roles);
}

/** The STATUS cell of a node: Ready / NotReady / Unknown, plus ",SchedulingDisabled" when cordoned. */
export function nodeStatus(node: Node): string {
  const status: string[] = [];
  // The last condition of a type wins, as in upstream's conditionMap.
  const ready = (node.status?.conditions ?? []).filter((c) => c.type === "Ready").pop();
  if (ready) status.push(ready.status === "True" ? "Ready" : "NotReady");
  if (status.length === 0) status.push("Unknown");
  if (node.spec?.unschedulable) status.push("SchedulingDisabled");
  return status.join(",");
}

function nodeAddress(node: Node, type: string): string {
  return (node.status?.addresses ?? []).find((a) => a.type === type)?.address ?? "<none>";
}

export const nodePrinter: TablePrinter = printer<Node>(
  [
    NAME_COLUMN,
    column({ name: "Status", description: "The status of the node" }),
    column({ name: "Roles", description: "The roles of the node" }),
    AGE_COLUMN,
    column({ name: "Version", description: DESCRIPTIONS["NodeSystemInfo.kubeletVersion"] }),
    column({ name: "Internal-IP", priority: 1, description: DESCRIPTIONS["NodeStatus.addresses"] }),
    column({ name: "External-IP", priority: 1, description: DESCRIPTIONS["NodeStatus.addresses"] }),
    column({ name: "OS-Image", priority: 1, description: DESCRIPTIONS["NodeSystemInfo.osImage"] }),
    column({ name: "Kernel-Version", priority: 1, description: DESCRIPTIONS["NodeSystemInfo.kernelVersion"] }),
    column({
      name: "Container-Runtime",
      priority: 1,
      description: DESCRIPTIONS["NodeSystemInfo.containerRuntimeVersion"],
    }),
  ],
  (obj, now) => {
    const info = obj.status?.nodeInfo;
    const roles = findNodeRoles(obj).join(",");
    return [
      nameOf(obj),
      nodeStatus(obj),
      roles.length === 0 ? "<none>" : roles,
      ageOf(obj, now),
      info?.kubeletVersion ?? "",
      nodeAddress(obj, "InternalIP"),
      nodeAddress(obj, "ExternalIP"),
      info?.osImage || "<unknown>",
      info?.kernelVersion || "<unknown>",
      info?.containerRuntimeVersion || "<unknown>",
    ];
  },
);

export const leasePrinter: TablePrinter = printer<Lease>(
  [NAME_COLUMN, column({ name: "Holder", description: DESCRIPTIONS["LeaseSpec.holderIdentity"] }), AGE_COLUMN],
  (obj, now) => [nameOf(obj), obj.spec?.holderIdentity ?? "", ageOf(obj, now)],
);

export const priorityClassPrinter: TablePrinter = printer<PriorityClass>(
  [
    NAME_COLUMN,
    column({ name: "Value", type: "integer", description: DESCRIPTIONS["PriorityClass.value"] }),
    column({ name: "Global-Default", type: "boolean", description: DESCRIPTIONS["PriorityClass.globalDefault"] }),
    AGE_COLUMN,
    column({ name: "PreemptionPolicy", description: DESCRIPTIONS["PriorityClass.preemptionPolicy"] }),
  ],
  (obj, now) => [
    nameOf(obj),
    obj.value ?? 0,
    obj.globalDefault ?? false,
    ageOf(obj, now),
    // preemptionPolicy defaults to PreemptLowerPriority.
    obj.preemptionPolicy ?? "PreemptLowerPriority",
  ],
);

export const runtimeClassPrinter: TablePrinter = printer<RuntimeClass>(
  [NAME_COLUMN, column({ name: "Handler", description: DESCRIPTIONS["RuntimeClass.handler"] }), AGE_COLUMN],
  (obj, now) => [nameOf(obj), obj.handler ?? "", ageOf(obj, now)],
);
