/**
 * The ReplicationController controller (upstream pkg/controller/replication): the ReplicaSet reconcile behind
 * an adapter for RC's map selector, its kind in controller references and its event source.
 */
import { replicationControllerKind, runReplicaSetLikeController } from "../replicaset/index.js";
import type { Controller } from "../types.js";

export const replicationControllerController: Controller = {
  name: "replicationcontroller",
  run: (context) => runReplicaSetLikeController(replicationControllerKind, context),
};
