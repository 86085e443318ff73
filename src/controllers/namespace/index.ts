/** The namespace controller: empties terminating namespaces and finalizes them. */
export { createNamespaceController, namespaceController, type NamespaceControllerOptions } from "./controller.js";
export { NamespacedResourcesDeleter, ResourcesRemainingError, KUBERNETES_FINALIZER } from "./deleter.js";
export { NamespaceConditionUpdater, CONDITION_TYPES } from "./conditions.js";
