/** The ResourceQuota controller and the quota arithmetic it is built on. */
export { resourceQuotaController, createResourceQuotaController, resourceListsEqual } from "./controller.js";
export type { ResourceQuotaControllerOptions } from "./controller.js";
export * from "./quantity.js";
export * from "./pod-resources.js";
export * from "./scopes.js";
export * from "./usage.js";
