/**
 * Label key and value validation with upstream's messages (k8s.io/apimachinery/pkg/util/validation, v1.33:
 * IsQualifiedName, IsValidLabelValue, IsDNS1123Subdomain) and metav1 LabelSelector validation
 * (pkg/apis/meta/v1/validation: ValidateLabelSelector, ValidateLabels) as FieldErrors at a caller's path.
 */
import type { LabelSelector as LabelSelectorObject } from "kubernetes-types/meta/v1.js";
import type { FieldError } from "../status.js";
import { goLen, sortGo } from "./goformat.js";

const QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const QUALIFIED_NAME_ERR =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const QUALIFIED_NAME_MAX = 63;
const QUALIFIED_NAME_RE = new RegExp(`^${QUALIFIED_NAME_FMT}$`);

const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const LABEL_VALUE_ERR =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_MAX = 63;
const LABEL_VALUE_RE = new RegExp(`^${LABEL_VALUE_FMT}$`);

const DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_ERR =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_MAX = 253;
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);

/** validation.MaxLenError. */
export function maxLenError(length: number): string {
  return `must be no more than ${length} characters`;
}

/** validation.EmptyError. */
export function emptyError(): string {
  return "must be non-empty";
}

/** validation.RegexError (note upstream's double space before "or"). */
export function regexError(msg: string, re: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${re}')`;
  let out = `${msg} (e.g. `;
  examples.forEach((example, i) => {
    if (i > 0) out += " or ";
    out += `'${example}', `;
  });
  return `${out}regex used for validation is '${re}')`;
}

/** IsDNS1123Subdomain: the messages for a string that is not a lowercase RFC 1123 subdomain (≤253). */
export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (goLen(value) > DNS1123_SUBDOMAIN_MAX) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX));
  if (!DNS1123_SUBDOMAIN_RE.test(value))
    errs.push(regexError(DNS1123_SUBDOMAIN_ERR, DNS1123_SUBDOMAIN_FMT, "example.com"));
  return errs;
}

/**
 * IsQualifiedName: a label key is `[prefix/]name`, prefix a DNS-1123 subdomain, name ≤63 matching
 * `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`. Returns upstream's messages; empty when valid.
 */
export function validateLabelKey(key: string): string[] {
  const errs: string[] = [];
  const parts = key.split("/");
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push(`prefix part ${emptyError()}`);
    else errs.push(...isDNS1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [
      `a qualified name ${regexError(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")}` +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push(`name part ${emptyError()}`);
  else if (goLen(name) > QUALIFIED_NAME_MAX) errs.push(`name part ${maxLenError(QUALIFIED_NAME_MAX)}`);
  if (!QUALIFIED_NAME_RE.test(name)) {
    errs.push(`name part ${regexError(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")}`);
  }
  return errs;
}

/** IsValidLabelValue: empty, or ≤63 matching the qualified-name pattern. Returns upstream's messages. */
export function validateLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (goLen(value) > LABEL_VALUE_MAX) errs.push(maxLenError(LABEL_VALUE_MAX));
  if (!LABEL_VALUE_RE.test(value))
    errs.push(regexError(LABEL_VALUE_ERR, LABEL_VALUE_FMT, "MyValue", "my_value", "12345"));
  return errs;
}

/** metav1validation.ValidateLabelName: one FieldValueInvalid per message, at `path`. */
export function validateLabelName(key: string, path: string): FieldError[] {
  return validateLabelKey(key).map((detail) => ({ type: "FieldValueInvalid", field: path, value: key, detail }));
}

/** metav1validation.ValidateLabels (metadata.labels, matchLabels): errors at `path` itself, keys in sorted order. */
export function validateLabels(labels: Readonly<Record<string, string>> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of sortGo(Object.keys(labels ?? {}))) {
    const value = labels![key]!;
    errs.push(...validateLabelName(key, path));
    for (const detail of validateLabelValue(value))
      errs.push({ type: "FieldValueInvalid", field: path, value, detail });
  }
  return errs;
}

export interface LabelSelectorValidationOptions {
  /** Tolerate invalid values in matchExpressions (upstream: only for updates of already-persisted objects). */
  readonly allowInvalidLabelValueInSelector?: boolean;
  /** Let unknown operators pass (upstream: SubjectAccessReview). */
  readonly allowUnknownOperatorInRequirement?: boolean;
}

/**
 * metav1validation.ValidateLabelSelector: the FieldErrors for a metav1 LabelSelector at `path`
 * (e.g. "spec.selector"), for object validation to turn into a 422 with `invalid(…)`.
 */
export function validateLabelSelector(
  selector: LabelSelectorObject | undefined | null,
  path: string,
  opts: LabelSelectorValidationOptions = {},
): FieldError[] {
  if (!selector) return [];
  const errs = validateLabels(selector.matchLabels, `${path}.matchLabels`);
  (selector.matchExpressions ?? []).forEach((expr, i) => {
    const at = `${path}.matchExpressions[${i}]`;
    const values = expr.values ?? [];
    switch (expr.operator) {
      case "In":
      case "NotIn":
        if (values.length === 0) {
          errs.push({
            type: "FieldValueRequired",
            field: `${at}.values`,
            detail: "must be specified when `operator` is 'In' or 'NotIn'",
          });
        }
        break;
      case "Exists":
      case "DoesNotExist":
        if (values.length > 0) {
          errs.push({
            type: "FieldValueForbidden",
            field: `${at}.values`,
            detail: "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
          });
        }
        break;
      default:
        if (!opts.allowUnknownOperatorInRequirement) {
          errs.push({
            type: "FieldValueInvalid",
            field: `${at}.operator`,
            value: expr.operator,
            detail: "not a valid selector operator",
          });
        }
    }
    errs.push(...validateLabelName(expr.key, `${at}.key`));
    if (!opts.allowInvalidLabelValueInSelector) {
      values.forEach((value, j) => {
        for (const detail of validateLabelValue(value)) {
          errs.push({ type: "FieldValueInvalid", field: `${at}.values[${j}]`, value, detail });
        }
      });
    }
  });
  return errs;
}
