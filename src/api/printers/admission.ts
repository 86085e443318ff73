// Admission configuration: webhook configurations, (validating|mutating)admissionpolicies and their bindings.
import type {
  MutatingWebhookConfiguration,
  ParamKind,
  ParamRef,
  ValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding,
  ValidatingWebhookConfiguration,
} from "kubernetes-types/admissionregistration/v1.js";
import type { LabelSelector, ObjectMeta } from "kubernetes-types/meta/v1.js";
import { compareGo } from "../selectors/goformat.js";
import { column, type TablePrinter } from "./types.js";
import { AGE_COLUMN, NAME_COLUMN, ageOf, nameOf, printer } from "./util.js";

const WEBHOOKS_COLUMN = column({
  name: "Webhooks",
  type: "integer",
  description: "Webhooks indicates the number of webhooks registered in this configuration",
});

export const mutatingWebhookConfigurationPrinter: TablePrinter = printer<MutatingWebhookConfiguration>(
  [NAME_COLUMN, WEBHOOKS_COLUMN, AGE_COLUMN],
  (obj, now) => [nameOf(obj), (obj.webhooks ?? []).length, ageOf(obj, now)],
);

export const validatingWebhookConfigurationPrinter: TablePrinter = printer<ValidatingWebhookConfiguration>(
  [NAME_COLUMN, WEBHOOKS_COLUMN, AGE_COLUMN],
  (obj, now) => [nameOf(obj), (obj.webhooks ?? []).length, ageOf(obj, now)],
);

const PARAM_KIND_COLUMN = column({
  name: "ParamKind",
  description: "ParamKind specifies the kind of resources used to parameterize this policy",
});

function paramKind(kind: ParamKind | undefined): string {
  return kind ? `${kind.apiVersion ?? ""}/${kind.kind ?? ""}` : "<unset>";
}

export const validatingAdmissionPolicyPrinter: TablePrinter = printer<ValidatingAdmissionPolicy>(
  [
    NAME_COLUMN,
    column({
      name: "Validations",
      type: "integer",
      description: "Validations indicates the number of validation rules defined in this configuration",
    }),
    PARAM_KIND_COLUMN,
    AGE_COLUMN,
  ],
  (obj, now) => [nameOf(obj), (obj.spec?.validations ?? []).length, paramKind(obj.spec?.paramKind), ageOf(obj, now)],
);

/** A MutatingAdmissionPolicy (admissionregistration.k8s.io/v1alpha1+), reduced to what the printer reads. */
interface MutatingAdmissionPolicy {
  metadata?: ObjectMeta;
  spec?: { mutations?: unknown[]; paramKind?: ParamKind };
}

export const mutatingAdmissionPolicyPrinter: TablePrinter = printer<MutatingAdmissionPolicy>(
  [
    NAME_COLUMN,
    column({
      name: "Mutations",
      type: "integer",
      description: "Mutation indicates the number of mutations rules defined in this configuration",
    }),
    PARAM_KIND_COLUMN,
    AGE_COLUMN,
  ],
  (obj, now) => [nameOf(obj), (obj.spec?.mutations ?? []).length, paramKind(obj.spec?.paramKind), ageOf(obj, now)],
);

/** The gogo-protobuf String() of a metav1.LabelSelector, which upstream prints for selector param refs. */
export function goLabelSelectorString(sel: LabelSelector): string {
  const labels = sel.matchLabels ?? {};
  const keys = Object.keys(labels).sort(compareGo);
  const matchLabels = `map[string]string{${keys.map((k) => `${k}: ${labels[k]},`).join("")}}`;
  const expressions = (sel.matchExpressions ?? [])
    .map(
      (e) => `&LabelSelectorRequirement{Key:${e.key},Operator:${e.operator},Values:[${(e.values ?? []).join(" ")}],},`,
    )
    .join("");
  return `&LabelSelector{MatchLabels:${matchLabels},MatchExpressions:[]LabelSelectorRequirement{${expressions}},}`;
}

function paramRefName(ref: ParamRef | undefined): string {
  if (!ref) return "<unset>";
  if (ref.name) {
    // Can't tell from here if the param is cluster-scoped, so name-only refs get the "*" namespace.
    return ref.namespace ? `${ref.namespace}/${ref.name}` : `*/${ref.name}`;
  }
  if (ref.selector) return goLabelSelectorString(ref.selector);
  return "<unset>";
}

const bindingColumns = [
  NAME_COLUMN,
  column({
    name: "PolicyName",
    description: "PolicyName indicates the policy definition which the policy binding binded to",
  }),
  column({ name: "ParamRef", description: "ParamRef indicates the param resource which sets the configration param" }),
  AGE_COLUMN,
];

export const validatingAdmissionPolicyBindingPrinter: TablePrinter = printer<ValidatingAdmissionPolicyBinding>(
  bindingColumns,
  (obj, now) => [nameOf(obj), obj.spec?.policyName ?? "", paramRefName(obj.spec?.paramRef), ageOf(obj, now)],
);

/** A MutatingAdmissionPolicyBinding, reduced to what the printer reads. */
interface MutatingAdmissionPolicyBinding {
  metadata?: ObjectMeta;
  spec?: { policyName?: string; paramRef?: ParamRef };
}

export const mutatingAdmissionPolicyBindingPrinter: TablePrinter = printer<MutatingAdmissionPolicyBinding>(
  bindingColumns,
  (obj, now) => [nameOf(obj), obj.spec?.policyName ?? "", paramRefName(obj.spec?.paramRef), ageOf(obj, now)],
);
