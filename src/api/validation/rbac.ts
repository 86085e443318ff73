/** rbac.authorization.k8s.io/v1 Role, ClusterRole, RoleBinding, ClusterRoleBinding (pkg/apis/rbac/validation). */
import type {
  ClusterRole,
  ClusterRoleBinding,
  PolicyRule,
  Role,
  RoleBinding,
  RoleRef,
  Subject,
} from "kubernetes-types/rbac/v1.js";
import { goQuote } from "../selectors/goformat.js";
import { validateLabelSelector } from "../selectors/validation.js";
import type { FieldError } from "../status.js";
import { GoRepr, invalid, notSupported, required } from "./errors.js";
import { goStrings } from "./goformat.js";
import { nameIsDNSSubdomain, nameIsPathSegment, type NameValidator } from "./names.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./objectmeta.js";
import { asSelector } from "./selector.js";

const RBAC_GROUP = "rbac.authorization.k8s.io";

/** ValidateRBACName: path.IsValidPathSegmentName, whatever `prefix` says. */
export const validateRBACName: NameValidator = (name) => nameIsPathSegment(name, false);

/** ValidatePolicyRule. */
function validatePolicyRule(rule: PolicyRule, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if ((rule.verbs ?? []).length === 0) {
    errs.push(required(`${path}.verbs`, "verbs must contain at least one value"));
  }
  const urls = rule.nonResourceURLs ?? [];
  if (urls.length > 0) {
    if (namespaced) {
      errs.push(
        invalid(`${path}.nonResourceURLs`, goStrings(urls), "namespaced rules cannot apply to non-resource URLs"),
      );
    }
    if ((rule.apiGroups ?? []).length + (rule.resources ?? []).length + (rule.resourceNames ?? []).length > 0) {
      errs.push(
        invalid(
          `${path}.nonResourceURLs`,
          goStrings(urls),
          "rules cannot apply to both regular resources and non-resource URLs",
        ),
      );
    }
    return errs;
  }
  if ((rule.apiGroups ?? []).length === 0) {
    errs.push(required(`${path}.apiGroups`, "resource rules must supply at least one api group"));
  }
  if ((rule.resources ?? []).length === 0) {
    errs.push(required(`${path}.resources`, "resource rules must supply at least one resource"));
  }
  return errs;
}

function validateRules(rules: readonly PolicyRule[] | undefined, namespaced: boolean): FieldError[] {
  return (rules ?? []).flatMap((r, i) => validatePolicyRule(r, namespaced, `rules[${i}]`));
}

/** ValidateRole / ValidateRoleUpdate (the update runs the create checks, metadata included, then the update ones). */
export function validateRole(role: Role, old?: Role): FieldError[] {
  const errs = [
    ...validateObjectMeta(role.metadata, { namespaced: true, nameFn: validateRBACName }),
    ...validateRules(role.rules, true),
  ];
  if (old) errs.push(...validateObjectMetaUpdate(role.metadata, old.metadata));
  return errs;
}

/** ValidateClusterRole / ValidateClusterRoleUpdate. */
export function validateClusterRole(role: ClusterRole, old?: ClusterRole): FieldError[] {
  const errs = [
    ...validateObjectMeta(role.metadata, { namespaced: false, nameFn: validateRBACName }),
    ...validateRules(role.rules, false),
  ];
  const agg = role.aggregationRule;
  if (agg) {
    const selectors = agg.clusterRoleSelectors ?? [];
    if (selectors.length === 0) {
      errs.push(
        required(
          "aggregationRule.clusterRoleSelectors",
          "at least one clusterRoleSelector required if aggregationRule is non-nil",
        ),
      );
    }
    selectors.forEach((sel, i) => {
      const at = `aggregationRule.clusterRoleSelectors[${i}]`;
      errs.push(...validateLabelSelector(sel, at));
      // LabelSelectorAsSelector failed: upstream reports the (nil) selector it got back.
      if (asSelector(sel).error) errs.push(invalid(at, null, "invalid label selector."));
    });
  }
  if (old) errs.push(...validateObjectMetaUpdate(role.metadata, old.metadata));
  return errs;
}

/** ValidateRoleBindingSubject. */
function validateSubject(subject: Subject, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = subject.name ?? "";
  const apiGroup = subject.apiGroup ?? "";
  if (!name) errs.push(required(`${path}.name`));
  switch (subject.kind) {
    case "ServiceAccount":
      if (name) for (const m of nameIsDNSSubdomain(name, false)) errs.push(invalid(`${path}.name`, name, m));
      if (apiGroup) errs.push(notSupported(`${path}.apiGroup`, apiGroup, [""]));
      if (!namespaced && !subject.namespace) errs.push(required(`${path}.namespace`));
      break;
    case "User":
    case "Group":
      if (apiGroup !== RBAC_GROUP) errs.push(notSupported(`${path}.apiGroup`, apiGroup, [RBAC_GROUP]));
      break;
    default:
      errs.push(notSupported(`${path}.kind`, subject.kind ?? "", ["ServiceAccount", "User", "Group"]));
  }
  return errs;
}

/** `rbac.RoleRef{APIGroup:"…", Kind:"…", Name:"…"}` (Go %#v). */
function goRoleRef(ref: RoleRef | undefined): GoRepr {
  return new GoRepr(
    `rbac.RoleRef{APIGroup:${goQuote(ref?.apiGroup ?? "")}, Kind:${goQuote(ref?.kind ?? "")}, Name:${goQuote(ref?.name ?? "")}}`,
  );
}

function sameRoleRef(a: RoleRef | undefined, b: RoleRef | undefined): boolean {
  return (
    (a?.apiGroup ?? "") === (b?.apiGroup ?? "") &&
    (a?.kind ?? "") === (b?.kind ?? "") &&
    (a?.name ?? "") === (b?.name ?? "")
  );
}

function validateBinding(
  binding: RoleBinding | ClusterRoleBinding,
  old: RoleBinding | ClusterRoleBinding | undefined,
  namespaced: boolean,
): FieldError[] {
  const errs = validateObjectMeta(binding.metadata, { namespaced, nameFn: validateRBACName });
  const ref = binding.roleRef as RoleRef | undefined;
  // A missing roleRef is a zero struct upstream, whose apiGroup defaulting fills in.
  const apiGroup = ref ? (ref.apiGroup ?? "") : RBAC_GROUP;
  if (apiGroup !== RBAC_GROUP) errs.push(notSupported("roleRef.apiGroup", apiGroup, [RBAC_GROUP]));
  const kinds = namespaced ? ["Role", "ClusterRole"] : ["ClusterRole"];
  const kind = ref?.kind ?? "";
  if (!kinds.includes(kind)) errs.push(notSupported("roleRef.kind", kind, kinds));
  const name = ref?.name ?? "";
  if (!name) errs.push(required("roleRef.name"));
  else for (const m of validateRBACName(name, false)) errs.push(invalid("roleRef.name", name, m));
  (binding.subjects ?? []).forEach((s, i) => errs.push(...validateSubject(s, namespaced, `subjects[${i}]`)));
  if (old) {
    errs.push(...validateObjectMetaUpdate(binding.metadata, old.metadata));
    const oldRef = old.roleRef as RoleRef | undefined;
    const norm = (r: RoleRef | undefined): RoleRef | undefined => r ?? { apiGroup: RBAC_GROUP, kind: "", name: "" };
    if (!sameRoleRef(norm(ref), norm(oldRef)))
      errs.push(invalid("roleRef", goRoleRef(norm(ref)), "cannot change roleRef"));
  }
  return errs;
}

/** ValidateRoleBinding / ValidateRoleBindingUpdate. */
export function validateRoleBinding(rb: RoleBinding, old?: RoleBinding): FieldError[] {
  return validateBinding(rb, old, true);
}

/** ValidateClusterRoleBinding / ValidateClusterRoleBindingUpdate. */
export function validateClusterRoleBinding(crb: ClusterRoleBinding, old?: ClusterRoleBinding): FieldError[] {
  return validateBinding(crb, old, false);
}
