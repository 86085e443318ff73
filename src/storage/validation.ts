/**
 * Checks shared by every backend, so that bad keys, values and revisions fail the same way everywhere and
 * before any I/O.
 */
import { StorageError } from "./errors.js";

export const REGISTRY_PREFIX = "/registry/";

/** etcd's default request limit (--max-request-bytes); Kubernetes objects must fit in it. */
export const MAX_VALUE_BYTES = 1.5 * 1024 * 1024;

const MAX_KEY_BYTES = 1024;
// Printable ASCII without space; Kubernetes names, namespaces and resources all live within it.
const KEY_CHARS = /^[\x21-\x7e]+$/;

export function checkKey(key: unknown): string {
  if (typeof key !== "string" || !key.startsWith(REGISTRY_PREFIX)) {
    throw new StorageError("InvalidKey", `key ${JSON.stringify(key)} must start with ${REGISTRY_PREFIX}`, {
      key: typeof key === "string" ? key : undefined,
    });
  }
  if (key.endsWith("/")) {
    throw new StorageError("InvalidKey", `key ${JSON.stringify(key)} must not end with "/"`, { key });
  }
  checkPath(key);
  return key;
}

/** A list/watch prefix: under the registry, ending in "/" so "/registry/pods/" never matches "/registry/podsx/". */
export function checkPrefix(prefix: unknown): string {
  if (typeof prefix !== "string" || !prefix.startsWith(REGISTRY_PREFIX) || !prefix.endsWith("/")) {
    throw new StorageError(
      "InvalidKey",
      `prefix ${JSON.stringify(prefix)} must start with ${REGISTRY_PREFIX} and end with "/"`,
      { key: typeof prefix === "string" ? prefix : undefined },
    );
  }
  checkPath(prefix);
  return prefix;
}

function checkPath(path: string): void {
  if (Buffer.byteLength(path) > MAX_KEY_BYTES) {
    throw new StorageError("InvalidKey", `key is longer than ${MAX_KEY_BYTES} bytes`, { key: path });
  }
  if (!KEY_CHARS.test(path)) {
    throw new StorageError("InvalidKey", `key ${JSON.stringify(path)} has characters outside printable ASCII`, {
      key: path,
    });
  }
  const segments = path.slice(1, path.endsWith("/") ? -1 : undefined).split("/");
  if (segments.some((s) => s === "" || s === "." || s === "..")) {
    throw new StorageError("InvalidKey", `key ${JSON.stringify(path)} has an empty, "." or ".." segment`, {
      key: path,
    });
  }
}

/** The exclusive end of the key range covered by `prefix` (its last byte incremented). */
export function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

/** Buffers made by `encodeJsonValue`: JSON objects by construction, owned by the datastore once handed over. */
const encodedJson = new WeakSet<Uint8Array>();

/**
 * An object encoded as a datastore value. The caller must not change the buffer afterwards: the datastore
 * then skips re-parsing it to prove it is a JSON object, and keeps it without a defensive copy.
 */
export function encodeJsonValue(object: object): Buffer {
  return jsonValueOf(JSON.stringify(object));
}

/** Like encodeJsonValue, for a caller that already has the object's JSON (`json` must be JSON.stringify's). */
export function jsonValueOf(json: string): Buffer {
  const bytes = Buffer.from(json);
  encodedJson.add(bytes);
  return bytes;
}

/** True for a buffer from `encodeJsonValue` (already known to be a JSON object, and never changed). */
export function isEncodedJsonValue(value: unknown): boolean {
  return value instanceof Uint8Array && encodedJson.has(value);
}

/** A value must be one JSON object of at most 1.5 MiB. Returns it as a Buffer (no copy when it is one). */
export function checkValue(value: unknown, key: string): Buffer {
  if (!(value instanceof Uint8Array)) {
    throw new StorageError("InvalidValue", `value for ${key} must be bytes`, { key });
  }
  if (value.byteLength === 0) {
    throw new StorageError("InvalidValue", `value for ${key} is empty`, { key });
  }
  if (value.byteLength > MAX_VALUE_BYTES) {
    throw new StorageError(
      "TooLarge",
      `value for ${key} is ${value.byteLength} bytes; the limit is ${MAX_VALUE_BYTES} bytes (1.5 MiB)`,
      { key },
    );
  }
  const bytes = Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (encodedJson.has(value)) return bytes;
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString("utf8"));
  } catch (cause) {
    throw new StorageError("InvalidValue", `value for ${key} is not valid JSON`, { key, cause });
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new StorageError("InvalidValue", `value for ${key} must be a JSON object`, { key });
  }
  return bytes;
}

/** A revision argument: a non-negative safe integer. */
export function checkRevision(revision: unknown, what = "revision"): number {
  if (typeof revision !== "number" || !Number.isSafeInteger(revision) || revision < 0) {
    throw new StorageError("InvalidRevision", `${what} ${String(revision)} is not a non-negative integer`);
  }
  return revision;
}

/** Optional list limit: absent or 0 = unlimited. */
export function checkLimit(limit: unknown): number {
  if (limit === undefined) return 0;
  if (typeof limit !== "number" || !Number.isSafeInteger(limit) || limit < 0) {
    throw new StorageError("InvalidRevision", `limit ${String(limit)} is not a non-negative integer`);
  }
  return limit;
}
