/**
 * labels.Requirement as upstream (k8s.io/apimachinery/pkg/labels/selector.go): NewRequirement's validation
 * with its exact error strings, Matches, and String().
 */
import { badRequest } from "../status.js";
import { compareGo, goQuote, goStringSlice } from "./goformat.js";
import { validateLabelKey, validateLabelValue } from "./validation.js";
/** selection.Operator values, spelled as upstream spells them. */
export type LabelOperator = "in" | "notin" | "=" | "==" | "!=" | "exists" | "!" | "gt" | "lt";

export interface Requirement {
  readonly key: string;
  readonly operator: LabelOperator;
  /** As given (the parser yields them sorted and de-duplicated); empty for exists / `!`. */
  readonly values: readonly string[];
}

export const BINARY_OPERATORS: readonly LabelOperator[] = ["in", "notin", "=", "==", "!=", "gt", "lt"];
const VALID_OPERATORS: readonly string[] = [...BINARY_OPERATORS, "exists", "!"];

/** A selector parse/validation failure; its message is upstream's error string. */
export class SelectorError extends Error {}

const INT64 = /^[+-]?[0-9]+$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64), or undefined when Go would fail. */
function parseInt64(s: string): bigint | undefined {
  if (!INT64.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

/** utilerrors aggregate Error(): one message as is, several de-duplicated inside `[…, …]`. */
export function aggregate(messages: readonly string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0]! : `[${unique.join(", ")}]`;
}

/**
 * labels.NewRequirement: the upstream error messages (field.Error strings, paths relative to the
 * requirement) for key/operator/values, or an empty list. `values === null` stands for a nil slice.
 */
function requirementErrors(key: string, operator: string, values: readonly string[] | null): string[] {
  const errs: string[] = [];
  const keyErrs = validateLabelKey(key);
  if (keyErrs.length > 0) errs.push(`key: Invalid value: ${goQuote(key)}: ${keyErrs.join("; ")}`);
  const vals = values ?? [];
  const badVals = (detail: string): string => `values: Invalid value: ${goStringSlice(values)}: ${detail}`;
  switch (operator) {
    case "in":
    case "notin":
      if (vals.length === 0) errs.push(badVals("for 'in', 'notin' operators, values set can't be empty"));
      break;
    case "=":
    case "==":
    case "!=":
      if (vals.length !== 1) errs.push(badVals("exact-match compatibility requires one single value"));
      break;
    case "exists":
    case "!":
      if (vals.length !== 0) errs.push(badVals("values set must be empty for exists and does not exist"));
      break;
    case "gt":
    case "lt":
      if (vals.length !== 1) errs.push(badVals("for 'Gt', 'Lt' operators, exactly one value is required"));
      vals.forEach((v, i) => {
        if (parseInt64(v) === undefined) {
          errs.push(
            `values[${i}]: Invalid value: ${goQuote(v)}: for 'Gt', 'Lt' operators, the value must be an integer`,
          );
        }
      });
      break;
    default:
      errs.push(
        `operator: Unsupported value: ${goQuote(operator)}: supported values: ${VALID_OPERATORS.map(goQuote).join(", ")}`,
      );
  }
  vals.forEach((v, i) => {
    const valueErrs = validateLabelValue(v);
    if (valueErrs.length > 0) errs.push(`values[${i}][${key}]: Invalid value: ${goQuote(v)}: ${valueErrs.join("; ")}`);
  });
  return errs;
}

export function makeRequirement(key: string, operator: string, values: readonly string[] | null): Requirement {
  const errs = requirementErrors(key, operator, values);
  if (errs.length > 0) throw new SelectorError(aggregate(errs));
  return { key, operator: operator as LabelOperator, values: Object.freeze([...(values ?? [])]) };
}

/**
 * labels.NewRequirement: a validated Requirement, or a 400 BadRequest with upstream's message
 * (e.g. `values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty`).
 */
export function newRequirement(key: string, operator: LabelOperator, values: readonly string[] = []): Requirement {
  try {
    return makeRequirement(key, operator, values);
  } catch (error) {
    throw error instanceof SelectorError ? badRequest(error.message) : error;
  }
}

export function requirementMatches(r: Requirement, labels: Readonly<Record<string, string>> | undefined): boolean {
  const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels[r.key]! : undefined;
  switch (r.operator) {
    case "in":
    case "=":
    case "==":
      return value !== undefined && r.values.includes(value);
    case "notin":
    case "!=":
      return value === undefined || !r.values.includes(value);
    case "exists":
      return has;
    case "!":
      return !has;
    case "gt":
    case "lt": {
      if (value === undefined || r.values.length !== 1) return false;
      const have = parseInt64(value);
      const want = parseInt64(r.values[0]!);
      if (have === undefined || want === undefined) return false;
      return r.operator === "gt" ? have > want : have < want;
    }
  }
}

const sortedValues = (values: readonly string[]): string[] => [...values].sort(compareGo);

/** Requirement.String(): `k`, `!k`, `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k>1`, `k<1`. */
export function requirementString(r: Requirement): string {
  const values = r.values.length === 1 ? r.values[0]! : sortedValues(r.values).join(",");
  switch (r.operator) {
    case "exists":
      return r.key;
    case "!":
      return `!${r.key}`;
    case "in":
      return `${r.key} in (${values})`;
    case "notin":
      return `${r.key} notin (${values})`;
    case "gt":
      return `${r.key}>${values}`;
    case "lt":
      return `${r.key}<${values}`;
    default:
      return `${r.key}${r.operator}${values}`;
  }
}
