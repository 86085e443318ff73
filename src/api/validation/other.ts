/** Lease (coordination.k8s.io), PriorityClass (scheduling.k8s.io) and the metadata-only fallback. */
import type { Lease } from "kubernetes-types/coordination/v1.js";
import type { ObjectMeta } from "kubernetes-types/meta/v1.js";
import type { PriorityClass } from "kubernetes-types/scheduling/v1.js";
import type { FieldError } from "../status.js";
import { FIELD_IMMUTABLE, forbidden, invalid, notSupported, required } from "./errors.js";
import { nameIsDNSSubdomain, nameIsPathSegment, type NameValidator } from "./names.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./objectmeta.js";

export function validateLease(lease: Lease, old?: Lease): FieldError[] {
  const errs = old
    ? validateObjectMetaUpdate(lease.metadata, old.metadata, { kubeFinalizers: false })
    : validateObjectMeta(lease.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain, kubeFinalizers: false });
  const spec: NonNullable<Lease["spec"]> & { strategy?: string; preferredHolder?: string } = lease.spec ?? {};
  if (spec.leaseDurationSeconds !== undefined && spec.leaseDurationSeconds !== null && spec.leaseDurationSeconds <= 0) {
    errs.push(invalid("spec.leaseDurationSeconds", spec.leaseDurationSeconds, "must be greater than 0"));
  }
  if (spec.leaseTransitions !== undefined && spec.leaseTransitions !== null && spec.leaseTransitions < 0) {
    errs.push(invalid("spec.leaseTransitions", spec.leaseTransitions, "must be greater than or equal to 0"));
  }
  if (spec.strategy !== undefined && spec.strategy !== null && spec.strategy !== "OldestEmulationVersion") {
    errs.push(notSupported("spec.strategy", spec.strategy, ["OldestEmulationVersion"]));
  }
  if (spec.preferredHolder && !spec.strategy) {
    errs.push(forbidden("spec.preferredHolder", "may only be specified if `strategy` is defined"));
  }
  return errs;
}

const SYSTEM_PRIORITY_CLASSES: Readonly<Record<string, number>> = {
  "system-node-critical": 2000001000,
  "system-cluster-critical": 2000000000,
};
const HIGHEST_USER_PRIORITY = 1000000000;

export function validatePriorityClass(pc: PriorityClass, old?: PriorityClass): FieldError[] {
  if (old) {
    const errs = validateObjectMetaUpdate(pc.metadata, old.metadata);
    if (pc.value !== old.value) errs.push(forbidden("value", "may not be changed in an update."));
    if ((pc.preemptionPolicy ?? null) !== (old.preemptionPolicy ?? null)) {
      errs.push(invalid("preemptionPolicy", pc.preemptionPolicy ?? null, FIELD_IMMUTABLE));
    }
    return errs;
  }
  const errs = validateObjectMeta(pc.metadata, { namespaced: false, nameFn: nameIsDNSSubdomain });
  const name = pc.metadata?.name ?? "";
  if (name.startsWith("system-")) {
    const known = SYSTEM_PRIORITY_CLASSES[name];
    let why = "";
    if (known === undefined) why = `${name} is not a known system priority class`;
    else if (known !== pc.value) why = `value of ${name} PriorityClass must be ${known}`;
    else if (pc.globalDefault) why = `globalDefault of ${name} PriorityClass must be false`;
    if (why) {
      errs.push(
        forbidden(
          "metadata.name",
          `priority class names with 'system-' prefix are reserved for system use only. error: ${why}`,
        ),
      );
    }
  } else if ((pc.value ?? 0) > HIGHEST_USER_PRIORITY) {
    errs.push(forbidden("value", `maximum allowed value of a user defined priority is ${HIGHEST_USER_PRIORITY}`));
  }
  const pp = pc.preemptionPolicy;
  if (pp !== undefined && pp !== null) {
    if (pp === "") errs.push(required("preemptionPolicy"));
    else if (pp !== "PreemptLowerPriority" && pp !== "Never") {
      errs.push(notSupported("preemptionPolicy", pp, ["PreemptLowerPriority", "Never"]));
    }
  }
  return errs;
}

const RBAC_GROUP = "rbac.authorization.k8s.io";

/** The name rule a kind uses when nothing more specific is implemented. */
export function fallbackNameValidator(group: string, kind: string): NameValidator {
  if (group === RBAC_GROUP) return nameIsPathSegment;
  void kind;
  return nameIsDNSSubdomain;
}

/** Metadata-only validation for kinds without type-specific rules. */
export function validateMetadataOnly(
  group: string,
  kind: string,
  metadata: ObjectMeta | undefined,
  oldMetadata: ObjectMeta | undefined,
  namespaced: boolean | undefined,
  builtIn: boolean,
): FieldError[] {
  if (oldMetadata) return validateObjectMetaUpdate(metadata, oldMetadata, { kubeFinalizers: builtIn });
  return validateObjectMeta(metadata, {
    namespaced,
    nameFn: fallbackNameValidator(group, kind),
    kubeFinalizers: builtIn,
  });
}
