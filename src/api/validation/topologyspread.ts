/**
 * `spec.topologySpreadConstraints` validation (core validation.go v1.33: validateTopologySpreadConstraints,
 * ValidateMaxSkew, ValidateTopologyKey, ValidateWhenUnsatisfiable, ValidateSpreadConstraintNotRepeat,
 * validateMinDomains, validateNodeInclusionPolicy, validateMatchLabelKeysInTopologySpread).
 *
 * Upstream only requires topologyKey to be non-empty (it is not checked as a qualified name). The label selector
 * is validated strictly (upstream tolerates invalid selectors on update when the old object had them).
 */
import type { TopologySpreadConstraint } from "kubernetes-types/core/v1.js";
import type { LabelSelector } from "kubernetes-types/meta/v1.js";
import { validateLabelName, validateLabelSelector } from "../selectors/validation.js";
import type { FieldError } from "../status.js";
import { duplicate, forbidden, invalid, notSupported, required } from "./errors.js";

const SCHEDULE_ACTIONS = ["DoNotSchedule", "ScheduleAnyway"];
const NODE_INCLUSION_POLICIES = ["Honor", "Ignore"];
const NOT_POSITIVE = "must be greater than zero";

function validateMinDomains(minDomains: number | undefined | null, action: string, path: string): FieldError[] {
  if (minDomains === undefined || minDomains === null) return [];
  const errs: FieldError[] = [];
  if (minDomains <= 0) errs.push(invalid(path, minDomains, NOT_POSITIVE));
  if (action !== "DoNotSchedule") {
    errs.push(invalid(path, minDomains, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${action}`));
  }
  return errs;
}

function validateNodeInclusionPolicy(policy: string | undefined | null, path: string): FieldError[] {
  if (policy === undefined || policy === null) return [];
  return NODE_INCLUSION_POLICIES.includes(policy) ? [] : [notSupported(path, policy, NODE_INCLUSION_POLICIES)];
}

function validateMatchLabelKeys(
  keys: readonly string[] | undefined,
  selector: LabelSelector | undefined,
  path: string,
): FieldError[] {
  if (!keys?.length) return [];
  const errs: FieldError[] = [];
  const selectorKeys = new Set<string>();
  if (selector) {
    for (const k of Object.keys(selector.matchLabels ?? {})) selectorKeys.add(k);
    for (const e of selector.matchExpressions ?? []) selectorKeys.add(e.key);
  } else {
    errs.push(forbidden(path, "must not be specified when labelSelector is not set"));
  }
  keys.forEach((key, i) => {
    errs.push(...validateLabelName(key, `${path}[${i}]`));
    if (selectorKeys.has(key)) {
      errs.push(invalid(`${path}[${i}]`, key, "exists in both matchLabelKeys and labelSelector"));
    }
  });
  return errs;
}

/** validateTopologySpreadConstraints. */
export function validateTopologySpreadConstraints(
  constraints: readonly TopologySpreadConstraint[] | undefined | null,
  path: string,
): FieldError[] {
  const list = constraints ?? [];
  const errs: FieldError[] = [];
  list.forEach((c, i) => {
    const at = `${path}[${i}]`;
    const maxSkew = c.maxSkew ?? 0;
    const key = c.topologyKey ?? "";
    const action = c.whenUnsatisfiable ?? "";
    if (maxSkew <= 0) errs.push(invalid(`${at}.maxSkew`, maxSkew, NOT_POSITIVE));
    if (key.length === 0) errs.push(required(`${at}.topologyKey`, "can not be empty"));
    if (!SCHEDULE_ACTIONS.includes(action)) {
      errs.push(notSupported(`${at}.whenUnsatisfiable`, action, SCHEDULE_ACTIONS));
    }
    // The tuple {topologyKey, whenUnsatisfiable} denotes one kind of constraint; reported on the first of a pair.
    const repeated = list
      .slice(i + 1)
      .some((o) => (o.topologyKey ?? "") === key && (o.whenUnsatisfiable ?? "") === action);
    if (repeated) errs.push(duplicate(`${at}.{topologyKey, whenUnsatisfiable}`, `{${key}, ${action}}`));
    errs.push(...validateMinDomains(c.minDomains, action, `${at}.minDomains`));
    errs.push(...validateNodeInclusionPolicy(c.nodeAffinityPolicy, `${at}.nodeAffinityPolicy`));
    errs.push(...validateNodeInclusionPolicy(c.nodeTaintsPolicy, `${at}.nodeTaintsPolicy`));
    errs.push(...validateMatchLabelKeys(c.matchLabelKeys, c.labelSelector, `${at}.matchLabelKeys`));
    errs.push(...validateLabelSelector(c.labelSelector, `${at}.labelSelector`));
  });
  return errs;
}
