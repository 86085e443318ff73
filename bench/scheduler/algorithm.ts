/**
 * In-memory benchmark of the scheduling algorithm (no API server): `node dist/bench/scheduler/algorithm.js [pods]`.
 * Two workloads shaped like bench/scheduler.ts: 5,000 nodes (3 zones) with ReplicaSet-style pods under default
 * spreading, and 500 nodes in 10 zones with a DoNotSchedule zone spread plus required anti-affinity. Prints
 * pods/s of schedulePod + assume, the part of the scheduler that must keep up with 1,000 pods/s.
 */
import { pathToFileURL } from "node:url";
import type { Pod } from "kubernetes-types/core/v1.js";
import { labelSelectorFromSet } from "../../src/api/selectors/labels.js";
import { Algorithm } from "../../src/scheduler/algorithm.js";
import { SchedulerCache } from "../../src/scheduler/cache.js";
import { CycleState } from "../../src/scheduler/framework.js";
import { FitError } from "../../src/scheduler/fiterror.js";
import { defaultPlugins } from "../../src/scheduler/plugins/index.js";
import { newPodInfo } from "../../src/scheduler/podinfo.js";
import { makeNode, makePod } from "../../src/scheduler/testutil.js";
import { SPREAD_ANTI_AFFINITY } from "./workload.js";

const ZONE = "topology.kubernetes.io/zone";

function run(
  name: string,
  nodes: number,
  zones: number,
  pods: number,
  podFor: (i: number) => Pod,
  spread: boolean,
): void {
  const cache = new SchedulerCache();
  const selector = labelSelectorFromSet({ app: "web" });
  const algorithm = new Algorithm(
    defaultPlugins(spread ? () => selector : undefined),
    cache,
    { nominatedPodsForNode: () => [] },
    0,
  );
  for (let i = 0; i < nodes; i++) {
    cache.addNode(makeNode(`n${i}`, { cpu: "4", memory: "32Gi", labels: zones ? { [ZONE]: `z${i % zones}` } : {} }));
  }
  for (let i = 0; i < 100; i++) {
    cache.addPod(makePod(`blue-${i}`, { cpu: "100m", memory: "500Mi", labels: { color: "blue" }, nodeName: `n${i}` }));
  }
  let failed = 0;
  const start = performance.now();
  for (let i = 0; i < pods; i++) {
    const pod = podFor(i);
    const result = algorithm.schedulePod(new CycleState(), newPodInfo(pod));
    if (result instanceof FitError) {
      failed++;
      continue;
    }
    cache.assumePod({ ...pod, spec: { ...pod.spec!, nodeName: result.nodeName } });
  }
  const ms = performance.now() - start;
  console.log(
    `${name}: ${pods} pods on ${nodes} nodes in ${ms.toFixed(0)} ms → ${((pods / ms) * 1000).toFixed(0)} pods/s` +
      (failed ? ` (${failed} unschedulable)` : ""),
  );
}

function main(): void {
  const pods = Number(process.argv[2] ?? 5000);
  run(
    "basic + default spreading",
    5000,
    3,
    pods,
    (i) => makePod(`p${i}`, { cpu: "100m", memory: "500Mi", labels: { app: "web" } }),
    true,
  );
  run(
    "zone spread + anti-affinity",
    500,
    10,
    pods,
    (i) => makePod(`s${i}`, { cpu: "100m", memory: "500Mi", labels: { app: "spread" } }, SPREAD_ANTI_AFFINITY),
    false,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
