/** Field manager names: the default derived from the User-Agent, and PatchOptions validation. */
import { invalid, type FieldError, type StatusError } from "../status.js";

/** validation.FieldManagerMaxLength */
export const FIELD_MANAGER_MAX_LENGTH = 128;

/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
function isPrint(ch: string): boolean {
  return ch === " " || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch);
}

/**
 * prefixFromUserAgent: what precedes the first "/" ("kubectl/v1.32.0 (linux/amd64) kubernetes/…" → "kubectl"),
 * unprintable characters dropped, cut to 128 bytes.
 */
export function defaultFieldManager(userAgent: string | undefined): string {
  const prefix = (userAgent ?? "").split("/")[0] ?? "";
  let out = "";
  let bytes = 0;
  for (const ch of prefix) {
    if (!isPrint(ch)) continue;
    const n = Buffer.byteLength(ch, "utf8");
    if (bytes + n > FIELD_MANAGER_MAX_LENGTH) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/** The manager a write is recorded under: the fieldManager query parameter, else the User-Agent prefix. */
export function managerFor(fieldManager: string | undefined, userAgent: string | undefined): string {
  return fieldManager ? fieldManager : defaultFieldManager(userAgent);
}

/** ValidateFieldManager: at most 128 bytes, printable characters only. */
export function fieldManagerErrors(fieldManager: string): FieldError[] {
  const errors: FieldError[] = [];
  if (Buffer.byteLength(fieldManager, "utf8") > FIELD_MANAGER_MAX_LENGTH) {
    errors.push({
      type: "FieldValueTooLong",
      field: "fieldManager",
      detail: `may not be more than ${FIELD_MANAGER_MAX_LENGTH} bytes`,
    });
  }
  let i = 0;
  for (const ch of fieldManager) {
    if (!isPrint(ch)) {
      const cp = ch.codePointAt(0)!;
      const hex = cp.toString(16).toUpperCase().padStart(4, "0");
      errors.push({
        type: "FieldValueInvalid",
        field: "fieldManager",
        value: fieldManager,
        detail: `invalid character U+${hex} (at position ${i})`,
      });
    }
    i += Buffer.byteLength(ch, "utf8");
  }
  return errors;
}

/**
 * ValidatePatchOptions: apply requires fieldManager; other patches may not set force. A 422 on the
 * PatchOptions kind (`PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: …`), or undefined.
 */
export function validatePatchOptions(opts: {
  readonly apply: boolean;
  readonly fieldManager: string | undefined;
  readonly force: string | undefined;
}): StatusError | undefined {
  const errors: FieldError[] = [];
  if (!opts.apply) {
    if (opts.force !== undefined) {
      errors.push({ type: "FieldValueForbidden", field: "force", detail: "may not be specified for non-apply patch" });
    }
  } else if (!opts.fieldManager) {
    errors.push({ type: "FieldValueRequired", field: "fieldManager", detail: "is required for apply patch" });
  }
  errors.push(...fieldManagerErrors(opts.fieldManager ?? ""));
  return errors.length > 0 ? invalid({ group: "meta.k8s.io", kind: "PatchOptions" }, "", errors) : undefined;
}
