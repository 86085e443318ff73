/** Controller history (upstream pkg/controller/history): ControllerRevision naming, hashing and storage. */
export * from "./hash.js";
export * from "./json.js";
export * from "./revisions.js";
