/** Test helpers: run defaults then validation, and render FieldErrors as upstream prints them. */
import { applyDefaults } from "../defaults/index.js";
import { fieldErrorMessage, type FieldError } from "../status.js";
import { generateJobSelector, validateObject, type GroupVersionKindLike } from "./index.js";

export type Triple = [type: FieldError["type"], field: string, message: string];

export function triples(errs: readonly FieldError[]): Triple[] {
  return errs.map((e) => [e.type, e.field, fieldErrorMessage(e)]);
}

export const core = (kind: string): GroupVersionKindLike => ({ group: "", version: "v1", kind });
export const apps = (kind: string): GroupVersionKindLike => ({ group: "apps", version: "v1", kind });
export const batch = (kind: string): GroupVersionKindLike => ({ group: "batch", version: "v1", kind });

/** Deep copy of a JSON fixture. */
export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/**
 * applyDefaults, then validateObject (create when `old` is undefined), as the API server does; a Job create also
 * gets the Job strategy's `generateJobSelector` in between (the store's prepareForCreate).
 */
export function check(gvk: GroupVersionKindLike, obj: object, old?: object): Triple[] {
  const o = clone(obj) as Record<string, unknown>;
  applyDefaults(gvk, o);
  if (!old && gvk.group === "batch" && gvk.kind === "Job") generateJobSelector(o);
  let prev: Record<string, unknown> | undefined;
  if (old) {
    prev = clone(old) as Record<string, unknown>;
    applyDefaults(gvk, prev);
  }
  return triples(validateObject(gvk, o, prev));
}

export const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
export const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
export const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
