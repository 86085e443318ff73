/**
 * bench:scheduler's workloads, scheduler_perf style: a fresh `skiff server` (SQLite) and `skiff simulate` with N
 * hollow nodes, some initial pods, then the measured pods created through the API server by closed-loop
 * clients. A pod counts as scheduled when this process's informer sees `spec.nodeName` set: the time covers the
 * full API path (create → scheduler's watch → filter/score → pods/binding → watch back here).
 */
import type { Pod } from "kubernetes-types/core/v1.js";
import { clientFromKubeconfig } from "../../src/client/kubeconfig.js";
import { createInformerFactory } from "../../src/client/informer.js";
import { namespaces, nodes, pods } from "../../src/client/resources.js";
import { startSimulator } from "../../test/harness/simulate.js";
import { startSkiffServer } from "../../test/harness/skiff.js";
import { rssBytes } from "../api/client.js";
import { nowMs, percentile, sleep } from "../report.js";

export interface Workload {
  readonly name: string;
  readonly nodes: number;
  /** Spread nodes over this many topology.kubernetes.io/zone values (0: no zone labels). */
  readonly zones: number;
  readonly initialPods: number;
  readonly measuredPods: number;
  readonly clients: number;
  readonly initialPod: (i: number) => Pod;
  readonly measuredPod: (i: number) => Pod;
}

export interface WorkloadResult {
  readonly nodesUpSeconds: number;
  readonly simulatorRssBytes: number | undefined;
  readonly serverRssBytes: number | undefined;
  readonly podsPerSecond: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly scheduled: number;
  readonly seconds: number;
}

const NAMESPACE = "bench";

/**
 * The anti-affinity+spread workload's pod spec: a DoNotSchedule zone spread of the `app=spread` pods plus a
 * required anti-affinity, per host, to the `color=blue` pods.
 */
export const SPREAD_ANTI_AFFINITY: Partial<NonNullable<Pod["spec"]>> = {
  topologySpreadConstraints: [
    {
      maxSkew: 1,
      topologyKey: "topology.kubernetes.io/zone",
      whenUnsatisfiable: "DoNotSchedule",
      labelSelector: { matchLabels: { app: "spread" } },
    },
  ],
  affinity: {
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [
        { labelSelector: { matchLabels: { color: "blue" } }, topologyKey: "kubernetes.io/hostname" },
      ],
    },
  },
};

/** scheduler_perf's pod-default.yaml: one pause container asking for 100m CPU and 500Mi. */
export function basicPod(name: string, extra: Partial<Pod["spec"]> = {}, labels: Record<string, string> = {}): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: NAMESPACE, labels },
    spec: {
      containers: [
        {
          name: "pause",
          image: "registry.k8s.io/pause:3.10",
          resources: { requests: { cpu: "100m", memory: "500Mi" }, limits: { cpu: "100m", memory: "500Mi" } },
        },
      ],
      ...extra,
    },
  };
}

export async function runWorkload(w: Workload, say: (line: string) => void): Promise<WorkloadResult> {
  const server = await startSkiffServer({ args: ["--disable-agent"] });
  try {
    say(`${w.name}: server up at ${server.url}; starting ${w.nodes} hollow nodes`);
    const upStarted = nowMs();
    const simulator = await startSimulator({
      kubeconfig: server.kubeconfig,
      nodes: w.nodes,
      args: ["--cpu", "4", "--memory", "32Gi", "--pods", "110", ...(w.zones > 0 ? ["--zones", String(w.zones)] : [])],
    });
    const nodesUpSeconds = (nowMs() - upStarted) / 1000;
    const simulatorRssBytes = await rssBytes(simulator.pid);
    const client = clientFromKubeconfig(server.kubeconfig, "bench-scheduler", { maxSockets: w.clients });
    const informers = createInformerFactory(client);
    try {
      const nodeCount = (await client.resource(nodes).listAll(undefined)).items.length;
      say(`${w.name}: ${nodeCount} nodes registered in ${nodesUpSeconds.toFixed(1)} s`);
      await client.resource(namespaces).create({ metadata: { name: NAMESPACE } });

      const createdAt = new Map<string, number>();
      const boundAt = new Map<string, number>();
      const podInformer = informers.informerFor(pods, { namespace: NAMESPACE });
      const observe = (pod: Pod): void => {
        const name = pod.metadata?.name ?? "";
        if (pod.spec?.nodeName && !boundAt.has(name)) boundAt.set(name, nowMs());
      };
      podInformer.addEventHandler({ onAdd: observe, onUpdate: (_old, pod) => observe(pod) });
      informers.start();
      await informers.waitForSync();

      const createAll = async (count: number, make: (i: number) => Pod): Promise<void> => {
        let next = 0;
        const worker = async (): Promise<void> => {
          for (let i = next++; i < count; i = next++) {
            const pod = make(i);
            createdAt.set(pod.metadata!.name!, nowMs());
            await client.resource(pods).create(pod);
          }
        };
        await Promise.all(Array.from({ length: w.clients }, worker));
      };
      const waitBound = async (names: readonly string[], timeoutMs: number): Promise<void> => {
        const deadline = nowMs() + timeoutMs;
        let last = -1;
        for (;;) {
          const bound = names.filter((n) => boundAt.has(n)).length;
          if (bound === names.length) return;
          if (nowMs() > deadline) throw new Error(`${w.name}: only ${bound}/${names.length} pods were scheduled`);
          if (bound !== last) say(`${w.name}: ${bound}/${names.length} scheduled`);
          last = bound;
          await sleep(1000);
        }
      };

      if (w.initialPods > 0) {
        await createAll(w.initialPods, w.initialPod);
        await waitBound(
          Array.from({ length: w.initialPods }, (_, i) => w.initialPod(i).metadata!.name!),
          10 * 60_000,
        );
        say(`${w.name}: ${w.initialPods} initial pods scheduled`);
      }
      const measuredNames = Array.from({ length: w.measuredPods }, (_, i) => w.measuredPod(i).metadata!.name!);
      const started = nowMs();
      await createAll(w.measuredPods, w.measuredPod);
      say(`${w.name}: ${w.measuredPods} pods created in ${((nowMs() - started) / 1000).toFixed(1)} s`);
      await waitBound(measuredNames, 20 * 60_000);
      const lastBound = Math.max(...measuredNames.map((n) => boundAt.get(n)!));
      const seconds = (lastBound - started) / 1000;
      const latencies = measuredNames.map((n) => boundAt.get(n)! - createdAt.get(n)!).sort((a, b) => a - b);
      return {
        nodesUpSeconds,
        simulatorRssBytes,
        serverRssBytes: await rssBytes(server.pid),
        podsPerSecond: w.measuredPods / seconds,
        latencyP50Ms: percentile(latencies, 50),
        latencyP99Ms: percentile(latencies, 99),
        scheduled: measuredNames.length,
        seconds,
      };
    } finally {
      informers.stop();
      client.close();
      await simulator.stop();
    }
  } finally {
    await server.stop();
  }
}
