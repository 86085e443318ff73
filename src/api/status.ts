/**
 * The one way to fail a request: a `StatusError` carrying a Kubernetes `Status`, built with the same codes,
 * reasons, messages and details as k8s.io/apimachinery/pkg/api/errors, so kubectl prints what it prints
 * against upstream (`Error from server (NotFound): pods "x" not found`).
 */
import type { Status, StatusCause } from "kubernetes-types/meta/v1.js";
import { statusFor, type StorageError } from "../storage/errors.js";

export type StatusReason =
  | "BadRequest"
  | "Unauthorized"
  | "Forbidden"
  | "NotFound"
  | "AlreadyExists"
  | "Conflict"
  | "Gone"
  | "Expired"
  | "Invalid"
  | "MethodNotAllowed"
  | "NotAcceptable"
  | "RequestEntityTooLarge"
  | "UnsupportedMediaType"
  | "TooManyRequests"
  | "InternalError"
  | "ServiceUnavailable"
  | "Timeout";

/** A resource as upstream names it in messages: "pods", or "deployments.apps" outside the core group. */
export interface QualifiedResource {
  readonly group: string;
  readonly resource: string;
}

export class StatusError extends Error {
  readonly status: Status & { code: number; reason: StatusReason };

  constructor(status: Status & { code: number; reason: StatusReason }) {
    super(status.message);
    this.name = "StatusError";
    this.status = { kind: "Status", apiVersion: "v1", metadata: {}, ...status, status: "Failure" };
  }

  get code(): number {
    return this.status.code;
  }
}

export function isStatusError(error: unknown): error is StatusError {
  return error instanceof StatusError;
}

function qualified(qr: QualifiedResource): string {
  return qr.group === "" ? qr.resource : `${qr.resource}.${qr.group}`;
}

function details(qr: QualifiedResource, name: string | undefined): Status["details"] {
  return { ...(name ? { name } : {}), ...(qr.group ? { group: qr.group } : {}), kind: qr.resource };
}

export function notFound(qr: QualifiedResource, name: string): StatusError {
  return new StatusError({
    code: 404,
    reason: "NotFound",
    message: `${qualified(qr)} "${name}" not found`,
    details: details(qr, name),
  });
}

export function alreadyExists(qr: QualifiedResource, name: string): StatusError {
  return new StatusError({
    code: 409,
    reason: "AlreadyExists",
    message: `${qualified(qr)} "${name}" already exists`,
    details: details(qr, name),
  });
}

export const OBJECT_MODIFIED =
  "the object has been modified; please apply your changes to the latest version and try again";

export function conflict(qr: QualifiedResource, name: string, why: string = OBJECT_MODIFIED): StatusError {
  return new StatusError({
    code: 409,
    reason: "Conflict",
    message: `Operation cannot be fulfilled on ${qualified(qr)} "${name}": ${why}`,
    details: details(qr, name),
  });
}

/** One field error, as upstream's field.Error: `type` becomes the cause reason (e.g. FieldValueRequired). */
export interface FieldError {
  readonly type: FieldErrorType;
  readonly field: string;
  /** Upstream's message detail, e.g. `must be no more than 63 characters`. */
  readonly detail?: string;
  /** The offending value, quoted into the message as upstream does for Invalid/NotSupported/Duplicate. */
  readonly value?: unknown;
}

export type FieldErrorType =
  | "FieldValueRequired"
  | "FieldValueInvalid"
  | "FieldValueNotSupported"
  | "FieldValueDuplicate"
  | "FieldValueForbidden"
  | "FieldValueTooLong"
  | "FieldValueTooMany"
  | "FieldValueTypeInvalid"
  | "FieldValueNotFound"
  | "InternalError";

/** The cause message upstream's field.Error.ErrorBody() produces for each type. */
export function fieldErrorMessage(e: FieldError): string {
  const value = (): string =>
    e.value === undefined ? "" : typeof e.value === "string" ? `"${e.value}"` : JSON.stringify(e.value);
  switch (e.type) {
    case "FieldValueRequired":
      return e.detail ? `Required value: ${e.detail}` : "Required value";
    case "FieldValueForbidden":
      return e.detail ? `Forbidden: ${e.detail}` : "Forbidden";
    case "FieldValueTooLong":
      return e.detail ? `Too long: ${e.detail}` : "Too long";
    case "FieldValueTooMany":
      return e.detail ? `Too many: ${e.detail}` : "Too many";
    case "FieldValueNotSupported":
      return `Unsupported value: ${value()}${e.detail ? `: ${e.detail}` : ""}`;
    case "FieldValueDuplicate":
      return `Duplicate value: ${value()}`;
    case "FieldValueNotFound":
      return `Not found: ${value()}`;
    case "FieldValueTypeInvalid":
      return `Invalid value: ${value()}${e.detail ? `: ${e.detail}` : ""}`;
    case "InternalError":
      return `Internal error: ${e.detail ?? ""}`;
    case "FieldValueInvalid":
      return e.value === undefined
        ? `Invalid value: ${e.detail ?? ""}`
        : `Invalid value: ${value()}${e.detail ? `: ${e.detail}` : ""}`;
  }
}

/** 422: `Pod "x" is invalid: [spec.containers[0].image: Required value, …]`, one cause per field error. */
export function invalid(
  groupKind: { readonly group: string; readonly kind: string },
  name: string,
  errors: readonly FieldError[],
): StatusError {
  const kind = groupKind.group === "" ? groupKind.kind : `${groupKind.kind}.${groupKind.group}`;
  const causes: StatusCause[] = errors.map((e) => ({ reason: e.type, message: fieldErrorMessage(e), field: e.field }));
  const list = errors.map((e) => `${e.field}: ${fieldErrorMessage(e)}`);
  const summary = list.length === 1 ? list[0]! : `[${list.join(", ")}]`;
  return new StatusError({
    code: 422,
    reason: "Invalid",
    message: `${kind} "${name}" is invalid: ${summary}`,
    details: { name, ...(groupKind.group ? { group: groupKind.group } : {}), kind: groupKind.kind, causes },
  });
}

export function badRequest(message: string): StatusError {
  return new StatusError({ code: 400, reason: "BadRequest", message });
}

export function unauthorized(message = "Unauthorized"): StatusError {
  return new StatusError({ code: 401, reason: "Unauthorized", message });
}

export function forbidden(qr: QualifiedResource, name: string, why: string): StatusError {
  const what = name ? `${qualified(qr)} "${name}"` : qualified(qr);
  return new StatusError({
    code: 403,
    reason: "Forbidden",
    message: `${what} is forbidden: ${why}`,
    details: details(qr, name || undefined),
  });
}

export function methodNotSupported(qr: QualifiedResource, action: string): StatusError {
  return new StatusError({
    code: 405,
    reason: "MethodNotAllowed",
    message: `${action} is not supported on resources of kind "${qualified(qr)}"`,
    details: details(qr, undefined),
  });
}

export function notAcceptable(message: string): StatusError {
  return new StatusError({ code: 406, reason: "NotAcceptable", message });
}

/** 410 for a watch or list from a compacted resourceVersion, or an expired continue token. */
export function expired(message: string): StatusError {
  return new StatusError({ code: 410, reason: "Expired", message });
}

export function gone(message: string): StatusError {
  return new StatusError({ code: 410, reason: "Gone", message });
}

export function requestEntityTooLarge(message: string): StatusError {
  return new StatusError({
    code: 413,
    reason: "RequestEntityTooLarge",
    message: `Request entity too large: ${message}`,
  });
}

export function unsupportedMediaType(contentType: string): StatusError {
  return new StatusError({
    code: 415,
    reason: "UnsupportedMediaType",
    message: `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (got ${JSON.stringify(contentType)})`,
  });
}

export function tooManyRequests(message: string, retryAfterSeconds: number): StatusError {
  return new StatusError({
    code: 429,
    reason: "TooManyRequests",
    message,
    details: { retryAfterSeconds },
  });
}

export function internalError(message: string): StatusError {
  return new StatusError({
    code: 500,
    reason: "InternalError",
    message: `Internal error occurred: ${message}`,
    details: { causes: [{ message }] },
  });
}

export function serviceUnavailable(message: string): StatusError {
  return new StatusError({ code: 503, reason: "ServiceUnavailable", message });
}

export function timeout(message: string, retryAfterSeconds = 1): StatusError {
  return new StatusError({ code: 504, reason: "Timeout", message, details: { retryAfterSeconds } });
}

/** A datastore failure as the Status upstream's apiserver answers for the equivalent etcd error. */
export function fromStorageError(error: StorageError, qr: QualifiedResource, name: string): StatusError {
  switch (error.code) {
    case "NotFound":
      return notFound(qr, name);
    case "KeyExists":
      return alreadyExists(qr, name);
    case "Conflict":
      return conflict(qr, name);
    case "Compacted":
      return expired(`The resourceVersion for the provided watch is too old.`);
    case "TooLarge":
      return requestEntityTooLarge("limit is 1572864");
    case "FutureRevision":
      return timeout(`Too large resource version`);
    default: {
      const { code, reason } = statusFor(error.code);
      return new StatusError({ code, reason: reason as StatusReason, message: error.message });
    }
  }
}
