/** The Deployment controller (upstream pkg/controller/deployment). */
import type { Controller } from "../types.js";
import { runDeploymentController } from "./controller.js";

export const deploymentController: Controller = {
  name: "deployment",
  run: runDeploymentController,
};

export { computeHash, safeEncodeString } from "./hash.js";
export { maxSurge, maxUnavailable, resolveFenceposts, newRSNewReplicas } from "./replicas.js";
