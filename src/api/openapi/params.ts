/** The query and path parameters of Kubernetes API operations, with short descriptions of our own. */

export interface Param {
  readonly name: string;
  readonly in: "query" | "path";
  readonly type: "string" | "integer" | "boolean";
  readonly description: string;
  readonly required?: boolean;
}

const q = (name: string, type: Param["type"], description: string): Param => ({ name, in: "query", type, description });

export const PRETTY = q("pretty", "string", "If 'true', the output is pretty printed.");
export const DRY_RUN = q("dryRun", "string", "When present (All), modifications are not persisted.");
export const FIELD_MANAGER = q("fieldManager", "string", "Name of the actor making the change.");
export const FIELD_VALIDATION = q(
  "fieldValidation",
  "string",
  "How to handle unknown or duplicate fields in the request body: Ignore, Warn or Strict.",
);
export const FORCE = q("force", "boolean", "Force an apply request to take conflicting fields (apply patches only).");

const ALLOW_WATCH_BOOKMARKS = q("allowWatchBookmarks", "boolean", "Ask for BOOKMARK watch events.");
const CONTINUE = q("continue", "string", "The continue token of the previous chunk of a paged list.");
const FIELD_SELECTOR = q("fieldSelector", "string", "Restrict the list by fields.");
const LABEL_SELECTOR = q("labelSelector", "string", "Restrict the list by labels.");
const LIMIT = q("limit", "integer", "Maximum number of items to return in one chunk.");
const RESOURCE_VERSION = q("resourceVersion", "string", "Which resource version to serve the request from.");
const RESOURCE_VERSION_MATCH = q("resourceVersionMatch", "string", "How resourceVersion applies to a list.");
const SEND_INITIAL_EVENTS = q("sendInitialEvents", "boolean", "Start a watch with synthetic events for the state.");
const TIMEOUT_SECONDS = q("timeoutSeconds", "integer", "Timeout for the list or watch call.");
const WATCH = q("watch", "boolean", "Watch for changes instead of listing.");
const GRACE_PERIOD = q("gracePeriodSeconds", "integer", "Seconds before the object is deleted.");
const IGNORE_STORE_READ_ERROR = q(
  "ignoreStoreReadErrorWithClusterBreakingPotential",
  "boolean",
  "Delete objects that cannot be read from storage.",
);
const ORPHAN = q("orphanDependents", "boolean", "Deprecated: orphan the dependents (use propagationPolicy).");
const PROPAGATION = q("propagationPolicy", "string", "Garbage collection: Orphan, Background or Foreground.");

export const LIST_PARAMS: readonly Param[] = [
  ALLOW_WATCH_BOOKMARKS,
  CONTINUE,
  FIELD_SELECTOR,
  LABEL_SELECTOR,
  LIMIT,
  RESOURCE_VERSION,
  RESOURCE_VERSION_MATCH,
  SEND_INITIAL_EVENTS,
  TIMEOUT_SECONDS,
  WATCH,
];
export const WRITE_PARAMS: readonly Param[] = [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION];
export const PATCH_PARAMS: readonly Param[] = [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE];
export const DELETE_PARAMS: readonly Param[] = [DRY_RUN, GRACE_PERIOD, IGNORE_STORE_READ_ERROR, ORPHAN, PROPAGATION];
export const DELETE_COLLECTION_PARAMS: readonly Param[] = [
  CONTINUE,
  DRY_RUN,
  FIELD_SELECTOR,
  GRACE_PERIOD,
  IGNORE_STORE_READ_ERROR,
  LABEL_SELECTOR,
  LIMIT,
  ORPHAN,
  PROPAGATION,
  RESOURCE_VERSION,
  RESOURCE_VERSION_MATCH,
  SEND_INITIAL_EVENTS,
  TIMEOUT_SECONDS,
];

export function pathParam(name: string, description: string): Param {
  return { name, in: "path", type: "string", description, required: true };
}

/** The four patch content types (plus CBOR apply) upstream accepts on PATCH. */
export const PATCH_CONTENT_TYPES: readonly string[] = [
  "application/apply-patch+yaml",
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
];
export const RESPONSE_CONTENT_TYPES: readonly string[] = [
  "application/json",
  "application/yaml",
  "application/vnd.kubernetes.protobuf",
];
export const WATCH_CONTENT_TYPES: readonly string[] = [
  ...RESPONSE_CONTENT_TYPES,
  "application/json;stream=watch",
  "application/vnd.kubernetes.protobuf;stream=watch",
];
