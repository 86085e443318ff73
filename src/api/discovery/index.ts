export * from "./aggregated.js";
export * from "./etag.js";
export * from "./legacy.js";
export * from "./negotiate.js";
export * from "./respond.js";
export type * from "./types.js";
