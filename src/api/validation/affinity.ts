/**
 * Pod affinity validation (core validation.go v1.33: validateAffinity, ValidateNodeSelector,
 * ValidateNodeSelectorRequirement, ValidateNodeFieldSelectorRequirement, ValidatePreferredSchedulingTerms,
 * validatePodAffinityTerm, validateMatchLabelKeysAndMismatchLabelKeys).
 *
 * Create semantics: upstream relaxes label-value checks on update only when the old object already had
 * invalid values (AllowInvalidLabelValueIn…); we always validate strictly.
 */
import type {
  Affinity,
  NodeAffinity,
  NodeSelector,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  PodAffinityTerm,
  PreferredSchedulingTerm,
  WeightedPodAffinityTerm,
} from "kubernetes-types/core/v1.js";
import type { LabelSelector } from "kubernetes-types/meta/v1.js";
import { validateLabelName, validateLabelSelector } from "../selectors/validation.js";
import type { FieldError } from "../status.js";
import { forbidden, invalid, required } from "./errors.js";
import { isValidLabelValue, nameIsDNSLabel, nameIsDNSSubdomain } from "./names.js";

export interface AffinityOptions {
  /** AllowInvalidLabelValueInRequiredNodeAffinity (update of an object that already had invalid values). */
  readonly allowInvalidLabelValueInRequiredNodeAffinity?: boolean;
  /** AllowInvalidLabelValueInSelector (pod affinity label/namespace selectors). */
  readonly allowInvalidLabelValueInSelector?: boolean;
}

/** ValidateNodeSelectorRequirement. */
export function validateNodeSelectorRequirement(
  rq: NodeSelectorRequirement,
  allowInvalidLabelValue: boolean,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const values = rq.values ?? [];
  const op = rq.operator ?? "";
  switch (op) {
    case "In":
    case "NotIn":
      if (values.length === 0) {
        errs.push(required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      }
      break;
    case "Exists":
    case "DoesNotExist":
      if (values.length > 0) {
        errs.push(forbidden(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      }
      break;
    case "Gt":
    case "Lt":
      if (values.length !== 1) {
        errs.push(required(`${path}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      }
      break;
    default:
      errs.push(invalid(`${path}.operator`, op, "not a valid selector operator"));
  }
  errs.push(...validateLabelName(rq.key ?? "", `${path}.key`));
  if (!allowInvalidLabelValue) {
    values.forEach((v, i) => {
      for (const m of isValidLabelValue(v)) errs.push(invalid(`${path}.values[${i}]`, v, m));
    });
  }
  return errs;
}

/** ValidateNodeFieldSelectorRequirement: only `metadata.name`, In/NotIn with exactly one value. */
export function validateNodeFieldSelectorRequirement(rq: NodeSelectorRequirement, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const values = rq.values ?? [];
  const op = rq.operator ?? "";
  if (op === "In" || op === "NotIn") {
    if (values.length !== 1) {
      errs.push(
        required(`${path}.values`, "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"),
      );
    }
  } else {
    errs.push(invalid(`${path}.operator`, op, "not a valid selector operator"));
  }
  const key = rq.key ?? "";
  if (key !== "metadata.name") {
    errs.push(invalid(`${path}.key`, key, "not a valid field selector key"));
  } else {
    values.forEach((v, i) => {
      for (const m of nameIsDNSSubdomain(v, false)) errs.push(invalid(`${path}.values[${i}]`, v, m));
    });
  }
  return errs;
}

/** ValidateNodeSelectorTerm. */
export function validateNodeSelectorTerm(
  term: NodeSelectorTerm | undefined,
  allowInvalidLabelValue: boolean,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  (term?.matchExpressions ?? []).forEach((rq, j) => {
    errs.push(...validateNodeSelectorRequirement(rq, allowInvalidLabelValue, `${path}.matchExpressions[${j}]`));
  });
  (term?.matchFields ?? []).forEach((rq, j) => {
    errs.push(...validateNodeFieldSelectorRequirement(rq, `${path}.matchFields[${j}]`));
  });
  return errs;
}

/** ValidateNodeSelector (also used by PersistentVolume node affinity). */
export function validateNodeSelector(sel: NodeSelector, allowInvalidLabelValue: boolean, path: string): FieldError[] {
  const termPath = `${path}.nodeSelectorTerms`;
  const terms = sel.nodeSelectorTerms ?? [];
  if (terms.length === 0) return [required(termPath, "must have at least one node selector term")];
  const errs: FieldError[] = [];
  terms.forEach((t, i) => errs.push(...validateNodeSelectorTerm(t, allowInvalidLabelValue, `${termPath}[${i}]`)));
  return errs;
}

const WEIGHT_MSG = "must be in the range 1-100";

/** ValidatePreferredSchedulingTerms (invalid label values are always allowed in preferred terms). */
function validatePreferredSchedulingTerms(terms: readonly PreferredSchedulingTerm[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  terms.forEach((t, i) => {
    const w = t.weight ?? 0;
    if (w <= 0 || w > 100) errs.push(invalid(`${path}[${i}].weight`, w, WEIGHT_MSG));
    errs.push(...validateNodeSelectorTerm(t.preference, true, `${path}[${i}].preference`));
  });
  return errs;
}

function validateNodeAffinity(na: NodeAffinity, opts: AffinityOptions, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const req = na.requiredDuringSchedulingIgnoredDuringExecution;
  if (req) {
    errs.push(
      ...validateNodeSelector(
        req,
        opts.allowInvalidLabelValueInRequiredNodeAffinity ?? false,
        `${path}.requiredDuringSchedulingIgnoredDuringExecution`,
      ),
    );
  }
  const pref = na.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  if (pref.length > 0) {
    errs.push(...validatePreferredSchedulingTerms(pref, `${path}.preferredDuringSchedulingIgnoredDuringExecution`));
  }
  return errs;
}

/** validateLabelKeys (matchLabelKeys / mismatchLabelKeys of pod affinity terms). */
function validateLabelKeys(
  keys: readonly string[] | undefined,
  selector: LabelSelector | undefined,
  path: string,
): FieldError[] {
  if (!keys?.length) return [];
  if (!selector) return [forbidden(path, "must not be specified when labelSelector is not set")];
  const errs: FieldError[] = [];
  keys.forEach((k, i) => errs.push(...validateLabelName(k, `${path}[${i}]`)));
  return errs;
}

/** validateMatchLabelKeysAndMismatchLabelKeys (upstream's `exists in both … labelSelector` path is `<term>[i]`). */
function validateMatchLabelKeysAndMismatchLabelKeys(term: PodAffinityTerm, path: string): FieldError[] {
  const match = term.matchLabelKeys ?? [];
  const mismatch = term.mismatchLabelKeys ?? [];
  const sel = term.labelSelector;
  const errs = validateLabelKeys(match, sel, `${path}.matchLabelKeys`);
  errs.push(...validateLabelKeys(mismatch, sel, `${path}.mismatchLabelKeys`));
  if (sel) {
    const index = new Map<string, number>();
    match.forEach((k, i) => index.set(k, i));
    const seen = new Set(Object.keys(sel.matchLabels ?? {}));
    for (const expr of sel.matchExpressions ?? []) {
      const i = index.get(expr.key);
      if (i !== undefined && seen.has(expr.key)) {
        errs.push(invalid(`${path}[${i}]`, expr.key, "exists in both matchLabelKeys and labelSelector"));
      }
      seen.add(expr.key);
    }
  }
  const mismatchSet = new Set(mismatch);
  match.forEach((k, i) => {
    if (mismatchSet.has(k)) {
      errs.push(invalid(`${path}.matchLabelKeys[${i}]`, k, "exists in both matchLabelKeys and mismatchLabelKeys"));
    }
  });
  return errs;
}

/** validatePodAffinityTerm. */
function validatePodAffinityTerm(term: PodAffinityTerm | undefined, allowInvalid: boolean, path: string): FieldError[] {
  const t = term ?? ({ topologyKey: "" } as PodAffinityTerm);
  const selOpts = { allowInvalidLabelValueInSelector: allowInvalid };
  const errs = validateLabelSelector(t.labelSelector, `${path}.labelSelector`, selOpts);
  errs.push(...validateLabelSelector(t.namespaceSelector, `${path}.namespaceSelector`, selOpts));
  for (const name of t.namespaces ?? []) {
    for (const m of nameIsDNSLabel(name, false)) errs.push(invalid(`${path}.namespace`, name, m));
  }
  errs.push(...validateMatchLabelKeysAndMismatchLabelKeys(t, path));
  const key = t.topologyKey ?? "";
  if (key.length === 0) errs.push(required(`${path}.topologyKey`, "can not be empty"));
  errs.push(...validateLabelName(key, `${path}.topologyKey`));
  return errs;
}

interface PodAffinityLike {
  requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[];
  preferredDuringSchedulingIgnoredDuringExecution?: WeightedPodAffinityTerm[];
}

/** validatePodAffinity / validatePodAntiAffinity (identical checks). */
function validatePodAffinity(pa: PodAffinityLike, allowInvalid: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const req = pa.requiredDuringSchedulingIgnoredDuringExecution;
  if (req) {
    const at = `${path}.requiredDuringSchedulingIgnoredDuringExecution`;
    req.forEach((t, i) => errs.push(...validatePodAffinityTerm(t, allowInvalid, `${at}[${i}]`)));
  }
  const pref = pa.preferredDuringSchedulingIgnoredDuringExecution;
  if (pref) {
    const at = `${path}.preferredDuringSchedulingIgnoredDuringExecution`;
    pref.forEach((wt, j) => {
      const w = wt.weight ?? 0;
      if (w <= 0 || w > 100) errs.push(invalid(`${at}[${j}].weight`, w, WEIGHT_MSG));
      errs.push(...validatePodAffinityTerm(wt.podAffinityTerm, allowInvalid, `${at}[${j}].podAffinityTerm`));
    });
  }
  return errs;
}

/** validateAffinity: `spec.affinity` of pods and pod templates. */
export function validateAffinity(
  affinity: Affinity | undefined | null,
  path: string,
  opts: AffinityOptions = {},
): FieldError[] {
  if (!affinity) return [];
  const errs: FieldError[] = [];
  const allowInvalid = opts.allowInvalidLabelValueInSelector ?? false;
  if (affinity.nodeAffinity) errs.push(...validateNodeAffinity(affinity.nodeAffinity, opts, `${path}.nodeAffinity`));
  if (affinity.podAffinity)
    errs.push(...validatePodAffinity(affinity.podAffinity, allowInvalid, `${path}.podAffinity`));
  if (affinity.podAntiAffinity) {
    errs.push(...validatePodAffinity(affinity.podAntiAffinity, allowInvalid, `${path}.podAntiAffinity`));
  }
  return errs;
}
