/** The Endpoints controller: Endpoints objects for Services with a selector. */
export { endpointsController, syncService, endpointsLabels, ENDPOINTS_MANAGED_BY_LABEL } from "./controller.js";
export * from "./pod-endpoints.js";
export * from "./subsets.js";
