/** The ReplicaSet controller (upstream pkg/controller/replicaset), and the pieces other controllers reuse. */
import type { Controller } from "../types.js";
import { runReplicaSetLikeController } from "./controller.js";
import { replicaSetKind } from "./workload.js";

export const replicaSetController: Controller = {
  name: "replicaset",
  run: (context) => runReplicaSetLikeController(replicaSetKind, context),
};

export { runReplicaSetLikeController } from "./controller.js";
export { replicaSetKind, replicationControllerKind, type WorkloadKind, type ReplicaSetView } from "./workload.js";
export { claimObjects, recheckOwner } from "./claim.js";
export { podsToDelete, compareForDeletion } from "./ranking.js";
export { calculateStatus } from "./status.js";
