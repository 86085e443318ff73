/** The pod garbage collector (upstream pkg/controller/podgc). */
export { newPodGcController, podGcController, runPodGcController, type PodGcOptions } from "./controller.js";
export { gcOrder, terminatedPodsToDelete } from "./gc.js";
