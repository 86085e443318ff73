/** policy/v1 PodDisruptionBudget validation (pkg/apis/policy/validation, v1.33). */
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1.js";
import { validateLabelSelector } from "../selectors/validation.js";
import type { FieldError } from "../status.js";
import { GoRepr, invalid, nonNegative, notSupported } from "./errors.js";
import { goIntOrString } from "./goformat.js";
import { isValidPercent, nameIsPathSegment } from "./names.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./objectmeta.js";

const EVICTION_POLICIES = ["AlwaysAllow", "IfHealthyBudget"];

/** ValidatePositiveIntOrPercent + IsNotMoreThan100Percent (apps validation). */
function intOrPercent(v: unknown, path: string): FieldError[] {
  if (typeof v === "number") return nonNegative(v, path);
  if (typeof v !== "string") return [];
  const errs = isValidPercent(v).map((m) => invalid(path, goIntOrString(v), m));
  if (errs.length === 0 && Number(v.slice(0, -1)) > 100) {
    errs.push(invalid(path, goIntOrString(v), "must not be greater than 100%"));
  }
  return errs;
}

/** ValidatePodDisruptionBudgetSpec. */
function validateSpec(pdb: PodDisruptionBudget, allowInvalidLabelValueInSelector: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const spec = pdb.spec ?? {};
  const has = (v: unknown): boolean => v !== undefined && v !== null;
  if (has(spec.minAvailable) && has(spec.maxUnavailable)) {
    // Upstream prints the whole spec struct (with pointer addresses); abbreviated here.
    errs.push(
      invalid(
        "spec",
        new GoRepr("policy.PodDisruptionBudgetSpec{…}"),
        "minAvailable and maxUnavailable cannot be both set",
      ),
    );
  }
  if (has(spec.minAvailable)) errs.push(...intOrPercent(spec.minAvailable, "spec.minAvailable"));
  if (has(spec.maxUnavailable)) errs.push(...intOrPercent(spec.maxUnavailable, "spec.maxUnavailable"));
  errs.push(...validateLabelSelector(spec.selector, "spec.selector", { allowInvalidLabelValueInSelector }));
  const policy = spec.unhealthyPodEvictionPolicy;
  if (policy !== undefined && policy !== null && !EVICTION_POLICIES.includes(policy)) {
    errs.push(notSupported("spec.unhealthyPodEvictionPolicy", policy, EVICTION_POLICIES));
  }
  return errs;
}

/**
 * The PDB strategy validates only the spec; metadata gets the registry's generic checks (path-segment names,
 * apimachinery finalizer rules): on create after the strategy and only if it found nothing (rest.BeforeCreate),
 * on update before it (validateCommonFields). Updates tolerate invalid selector label values already stored.
 */
export function validatePodDisruptionBudget(pdb: PodDisruptionBudget, old?: PodDisruptionBudget): FieldError[] {
  if (old) {
    const allowInvalid = !!old.spec?.selector && validateLabelSelector(old.spec.selector, "spec.selector").length > 0;
    return [
      ...validateObjectMeta(pdb.metadata, { namespaced: true, nameFn: nameIsPathSegment, kubeFinalizers: false }),
      ...validateObjectMetaUpdate(pdb.metadata, old.metadata, { kubeFinalizers: false }),
      ...validateSpec(pdb, allowInvalid),
    ];
  }
  const errs = validateSpec(pdb, false);
  if (errs.length > 0) return errs;
  return validateObjectMeta(pdb.metadata, { namespaced: true, nameFn: nameIsPathSegment, kubeFinalizers: false });
}
