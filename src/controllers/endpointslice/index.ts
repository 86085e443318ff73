/** The EndpointSlice controller: EndpointSlices for Services with a selector. */
export { endpointSliceController, createEndpointSliceController, syncService } from "./controller.js";
export type { EndpointSliceControllerOptions, EndpointSliceSyncer } from "./controller.js";
export * from "./desired.js";
export * from "./reconcile.js";
export { SliceTracker } from "./tracker.js";
