/** The garbage collector: deletes dependents of deleted owners, orphans, and runs foreground deletion. */
export {
  createGarbageCollectorController,
  garbageCollectorController,
  type GarbageCollectorOptions,
} from "./controller.js";
export { DependencyGraph, GraphNode, ORPHAN_FINALIZER, FOREGROUND_FINALIZER, type ObjectIdentity } from "./graph.js";
export { discoverPreferredResources, type DiscoveredResource, type DiscoveryResult } from "./discovery.js";
export { RestMapper } from "./restmapper.js";
