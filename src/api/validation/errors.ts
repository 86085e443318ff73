/**
 * field.Error constructors (k8s.io/apimachinery/pkg/util/validation/field) producing `FieldError`s whose
 * `fieldErrorMessage(...)` is byte-for-byte upstream's `ErrorBody()`.
 *
 * Upstream prints a bad value with `%q` for strings, `%v` for numbers/bools and `%#v` for everything else
 * (maps, structs, slices). `status.ts` renders only strings, numbers and booleans; for the rest we pre-render the
 * Go `%#v` text (a `GoRepr`) into the detail, which yields the identical message:
 * `Invalid value: map[string]string{"a":"b"}: \`selector\` does not match template \`labels\``.
 */
import type { FieldError } from "../status.js";
import { goQuote } from "../selectors/goformat.js";

/** A value already rendered the way Go's `%#v` prints it. */
export class GoRepr {
  constructor(readonly text: string) {}
}

export type BadValue = string | number | boolean | null | undefined | GoRepr;

function withValue(type: FieldError["type"], field: string, value: BadValue, detail: string): FieldError {
  if (value instanceof GoRepr) {
    return { type, field, detail: detail ? `${value.text}: ${detail}` : value.text };
  }
  // A nil pointer prints as "null", quoted like a string (upstream replaces the value with the string "null").
  const v = value === null || value === undefined ? "null" : value;
  return detail ? { type, field, value: v, detail } : { type, field, value: v };
}

export function required(field: string, detail = ""): FieldError {
  return detail ? { type: "FieldValueRequired", field, detail } : { type: "FieldValueRequired", field };
}

export function forbidden(field: string, detail = ""): FieldError {
  return detail ? { type: "FieldValueForbidden", field, detail } : { type: "FieldValueForbidden", field };
}

export function invalid(field: string, value: BadValue, detail: string): FieldError {
  return withValue("FieldValueInvalid", field, value, detail);
}

/** field.NotSupported: `Unsupported value: "x": supported values: "a", "b"`. */
export function notSupported(field: string, value: BadValue, valid: readonly string[]): FieldError {
  const detail = valid.length ? `supported values: ${valid.map(goQuote).join(", ")}` : "";
  // A struct value (rare: an unknown strategy type) cannot be rendered unquoted through status.ts; quote its text.
  const v = value instanceof GoRepr ? value.text : value === null || value === undefined ? "null" : value;
  return detail
    ? { type: "FieldValueNotSupported", field, value: v, detail }
    : { type: "FieldValueNotSupported", field, value: v };
}

export function duplicate(field: string, value: string | number): FieldError {
  return { type: "FieldValueDuplicate", field, value };
}

export function notFound(field: string, value: string | number): FieldError {
  return { type: "FieldValueNotFound", field, value };
}

/** field.TooLong (v1.33): `Too long: may not be more than 262144 bytes`. */
export function tooLong(field: string, maxLength: number): FieldError {
  const detail =
    maxLength >= 0 ? `may not be more than ${maxLength} ${maxLength === 1 ? "byte" : "bytes"}` : "value is too long";
  return { type: "FieldValueTooLong", field, detail };
}

export function internalError(field: string, detail: string): FieldError {
  return { type: "InternalError", field, detail };
}

/** fieldImmutableErrorMsg. */
export const FIELD_IMMUTABLE = "field is immutable";
/** IsNegativeErrorMsg. */
export const IS_NEGATIVE = "must be greater than or equal to 0";

/** ValidateNonnegativeField. */
export function nonNegative(value: number | undefined | null, field: string): FieldError[] {
  return typeof value === "number" && value < 0 ? [invalid(field, value, IS_NEGATIVE)] : [];
}

/** validation.InclusiveRangeError. */
export function inclusiveRangeError(lo: number, hi: number): string {
  return `must be between ${lo} and ${hi}, inclusive`;
}
