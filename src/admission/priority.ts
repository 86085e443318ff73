/**
 * The Priority admission plugin (upstream plugin/pkg/admission/priority): on pod CREATE it resolves
 * spec.priorityClassName (or the globalDefault class, or 0 with PreemptLowerPriority when there is none) into
 * spec.priority and spec.preemptionPolicy, rejecting unknown classes and pods that set a different priority or
 * preemption policy themselves (403 Forbidden, upstream's messages); on UPDATE it carries both fields over. It
 * also keeps PriorityClasses to one globalDefault.
 */
import type { PriorityClass } from "kubernetes-types/scheduling/v1.js";
import { forbidden } from "../api/status.js";
import type { AdmissionAttributes, AdmissionPlugin } from "../apiserver/admission.js";
import type { StoredObject } from "../apiserver/object.js";

export interface PriorityClassLookup {
  get(name: string): Promise<PriorityClass | undefined>;
  list(): Promise<PriorityClass[]>;
}

export const SYSTEM_CRITICAL_PRIORITY = 2_000_000_000;
/** scheduling.DefaultPriorityWhenNoDefaultClassExists. */
export const DEFAULT_PRIORITY_WHEN_NO_DEFAULT_CLASS_EXISTS = 0;

/** The classes kube-apiserver creates at startup (upstream scheduling.SystemPriorityClasses). */
export const SYSTEM_PRIORITY_CLASSES: PriorityClass[] = [
  {
    apiVersion: "scheduling.k8s.io/v1",
    kind: "PriorityClass",
    metadata: { name: "system-node-critical" },
    value: SYSTEM_CRITICAL_PRIORITY + 1000,
    description: "Used for system critical pods that must not be moved from their current node.",
  },
  {
    apiVersion: "scheduling.k8s.io/v1",
    kind: "PriorityClass",
    metadata: { name: "system-cluster-critical" },
    value: SYSTEM_CRITICAL_PRIORITY,
    description:
      "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.",
  },
];

interface PodSpecFields {
  priorityClassName?: string;
  priority?: number;
  preemptionPolicy?: string;
}

/** admission.NewForbidden: the request's name, else the object's name or generateName, else "Unknown". */
function reject(attributes: AdmissionAttributes, object: StoredObject, why: string): Error {
  const name = attributes.name || object.metadata.name || object.metadata.generateName || "Unknown";
  return forbidden({ group: attributes.group, resource: attributes.resource }, name, why);
}

/** The globalDefault class; with several (a race), the lowest value, as upstream. */
async function defaultClass(lookup: PriorityClassLookup): Promise<PriorityClass | undefined> {
  let found: PriorityClass | undefined;
  for (const pc of await lookup.list()) {
    if (pc.globalDefault && (!found || found.value > pc.value)) found = pc;
  }
  return found;
}

export function priorityAdmission(lookup: PriorityClassLookup): AdmissionPlugin {
  return {
    name: "Priority",
    async admit(attributes, object, old) {
      if (attributes.subresource !== "" || attributes.group !== "" || attributes.resource !== "pods") return;
      const spec = (object.spec ?? (object.spec = {})) as PodSpecFields;
      if (attributes.operation === "UPDATE") {
        const oldSpec = (old?.spec ?? {}) as PodSpecFields;
        if (spec.priority === undefined && oldSpec.priority !== undefined) spec.priority = oldSpec.priority;
        if (spec.preemptionPolicy === undefined && oldSpec.preemptionPolicy !== undefined) {
          spec.preemptionPolicy = oldSpec.preemptionPolicy;
        }
        return;
      }
      if (attributes.operation !== "CREATE") return;
      let priority: number;
      let preemptionPolicy: string | undefined;
      if (!spec.priorityClassName) {
        const pc = await defaultClass(lookup);
        if (pc) {
          spec.priorityClassName = pc.metadata?.name;
          priority = pc.value;
          preemptionPolicy = pc.preemptionPolicy;
        } else {
          priority = DEFAULT_PRIORITY_WHEN_NO_DEFAULT_CLASS_EXISTS;
          preemptionPolicy = "PreemptLowerPriority";
        }
      } else {
        const pc = await lookup.get(spec.priorityClassName);
        if (!pc) throw reject(attributes, object, `no PriorityClass with name ${spec.priorityClassName} was found`);
        priority = pc.value;
        preemptionPolicy = pc.preemptionPolicy;
      }
      if (spec.priority !== undefined && spec.priority !== null && spec.priority !== priority) {
        throw reject(
          attributes,
          object,
          `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`,
        );
      }
      spec.priority = priority;
      if (preemptionPolicy) {
        if (spec.preemptionPolicy && spec.preemptionPolicy !== preemptionPolicy) {
          throw reject(
            attributes,
            object,
            `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${preemptionPolicy} from the given PriorityClass name`,
          );
        }
        spec.preemptionPolicy = preemptionPolicy;
      }
    },
    async validate(attributes, object) {
      if (attributes.subresource !== "" || attributes.group !== "scheduling.k8s.io") return;
      if (attributes.resource !== "priorityclasses") return;
      if (attributes.operation !== "CREATE" && attributes.operation !== "UPDATE") return;
      if (!(object as { globalDefault?: boolean }).globalDefault) return;
      const existing = await defaultClass(lookup);
      if (!existing) return;
      const existingName = existing.metadata?.name;
      if (attributes.operation === "CREATE" || existingName !== object.metadata.name) {
        throw reject(
          attributes,
          object,
          `PriorityClass ${existingName} is already marked as default. Only one default can exist`,
        );
      }
    },
  };
}
