/** The TTL-after-finished controller (upstream pkg/controller/ttlafterfinished). */
export {
  newTtlAfterFinishedController,
  runTtlAfterFinishedController,
  ttlAfterFinishedController,
  type TtlAfterFinishedOptions,
} from "./controller.js";
export { needsCleanup, timeLeftMs } from "./sync.js";
