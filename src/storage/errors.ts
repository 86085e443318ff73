import type { KeyValue } from "./types.js";

/** Every way a storage call can fail. The API server maps each to one Kubernetes Status (see `statusFor`). */
export type StorageErrorCode =
  | "KeyExists"
  | "NotFound"
  | "Conflict"
  | "Compacted"
  | "FutureRevision"
  | "TooLarge"
  | "InvalidKey"
  | "InvalidValue"
  | "InvalidRevision"
  | "Closed"
  | "Unavailable";

export interface StorageErrorDetails {
  readonly key?: string;
  /** For `Compacted`: the compacted revision. For `FutureRevision`: the current revision. */
  readonly revision?: number;
  /** For `Conflict`: the value the key has now, so a caller can retry without another read. */
  readonly current?: KeyValue;
  readonly cause?: unknown;
}

export class StorageError extends Error {
  readonly code: StorageErrorCode;
  readonly key?: string;
  readonly revision?: number;
  readonly current?: KeyValue;

  constructor(code: StorageErrorCode, message: string, details: StorageErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "StorageError";
    this.code = code;
    this.key = details.key;
    this.revision = details.revision;
    this.current = details.current;
  }
}

export function isStorageError(error: unknown, code?: StorageErrorCode): error is StorageError {
  return error instanceof StorageError && (code === undefined || error.code === code);
}

/** The HTTP code and Status reason the API server answers for each storage failure (as upstream does). */
export function statusFor(code: StorageErrorCode): { readonly code: number; readonly reason: string } {
  return STATUS_BY_CODE[code];
}

const STATUS_BY_CODE: Record<StorageErrorCode, { readonly code: number; readonly reason: string }> = {
  KeyExists: { code: 409, reason: "AlreadyExists" },
  NotFound: { code: 404, reason: "NotFound" },
  Conflict: { code: 409, reason: "Conflict" },
  Compacted: { code: 410, reason: "Expired" },
  FutureRevision: { code: 504, reason: "Timeout" },
  TooLarge: { code: 413, reason: "RequestEntityTooLarge" },
  InvalidKey: { code: 400, reason: "BadRequest" },
  InvalidValue: { code: 400, reason: "BadRequest" },
  InvalidRevision: { code: 400, reason: "BadRequest" },
  Closed: { code: 503, reason: "ServiceUnavailable" },
  Unavailable: { code: 503, reason: "ServiceUnavailable" },
};
