/**
 * Every controller the controller manager runs, by upstream's name (kube-controller-manager --controllers).
 * Each folder holds one controller: its reconcile function over informer caches and its wiring.
 */
import { cronJobController } from "./cronjob/index.js";
import { daemonSetController } from "./daemonset/index.js";
import { deploymentController } from "./deployment/index.js";
import { endpointsController } from "./endpoints/index.js";
import { endpointSliceController } from "./endpointslice/index.js";
import { garbageCollectorController } from "./garbagecollector/index.js";
import { jobController } from "./job/index.js";
import { namespaceController } from "./namespace/index.js";
import { nodeLifecycleController } from "./nodelifecycle/index.js";
import { podGcController } from "./podgc/index.js";
import { replicaSetController } from "./replicaset/index.js";
import { replicationControllerController } from "./replicationcontroller/index.js";
import { resourceQuotaController } from "./resourcequota/index.js";
import { serviceAccountController } from "./serviceaccount/index.js";
import { statefulSetController } from "./statefulset/index.js";
import { ttlAfterFinishedController } from "./ttlafterfinished/index.js";
import type { Controller } from "./types.js";

export const ALL_CONTROLLERS: readonly Controller[] = [
  replicationControllerController,
  replicaSetController,
  deploymentController,
  statefulSetController,
  daemonSetController,
  jobController,
  cronJobController,
  ttlAfterFinishedController,
  endpointsController,
  endpointSliceController,
  namespaceController,
  garbageCollectorController,
  nodeLifecycleController,
  serviceAccountController,
  resourceQuotaController,
  podGcController,
];
