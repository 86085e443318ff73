/**
 * `npm run bench:scheduler`: the scheduler benchmark, scheduler_perf style (see bench/README.md).
 *
 * Two workloads, each on a fresh `skiff server` (SQLite) with `skiff simulate` hollow nodes:
 *   - SchedulingBasic: 5,000 nodes (4 CPU, 32Gi, 110 pods), 1,000 initial pods, then 10,000 measured pods;
 *   - anti-affinity + topology spread: 500 nodes in 10 zones, 100 initial pods labelled color=blue, then
 *     10,000 measured pods with required anti-affinity to color=blue (per host) and a DoNotSchedule zone spread
 *     (maxSkew 1).
 * Measured: scheduled pods/s (10,000 / time from the first create to the last pod seen bound), per-pod latency
 * from create to bound (p50/p99), the time and simulator memory to bring the hollow nodes up, and server RSS.
 * Anchor: upstream kube-scheduler's CI floor for SchedulingBasic at 5,000 nodes, 680 pods/s.
 *
 * Options (after `npm run bench:scheduler --`): --nodes=N, --initial-pods=N, --pods=N, --clients=N,
 * --only=basic|affinity.
 */
import { parseArgs } from "node:util";
import {
  formatFacts,
  machineFacts,
  positiveOption,
  ratioFootnote,
  renderComparison,
  rowsForJson,
  runMain,
  writeResults,
  type Row,
} from "./report.js";
import { basicPod, runWorkload, SPREAD_ANTI_AFFINITY, type WorkloadResult } from "./scheduler/workload.js";

/** Upstream kube-scheduler's SchedulingBasic threshold at 5,000 nodes (scheduler_perf performance-config.yaml). */
const UPSTREAM_BASIC_PODS_PER_SECOND = 680;
const GOAL_PODS_PER_SECOND = 1000;

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      nodes: { type: "string" },
      "initial-pods": { type: "string" },
      pods: { type: "string" },
      clients: { type: "string" },
      only: { type: "string" },
    },
    strict: true,
  });
  if (values.only !== undefined && values.only !== "basic" && values.only !== "affinity") {
    throw new Error("--only must be basic or affinity");
  }
  const nodeCount = Math.round(positiveOption(values.nodes, 5000, "nodes"));
  const initial = Math.round(positiveOption(values["initial-pods"], 1000, "initial-pods"));
  const measured = Math.round(positiveOption(values.pods, 10_000, "pods"));
  const clients = Math.round(positiveOption(values.clients, 64, "clients"));
  const startedAt = new Date();
  const facts = machineFacts();
  console.log(formatFacts(facts));
  const say = (line: string): void => console.log(`  ${line}`);

  let basic: WorkloadResult | undefined;
  let affinity: WorkloadResult | undefined;
  const failures: string[] = [];
  if (values.only !== "affinity") {
    try {
      basic = await runWorkload(
        {
          name: "basic",
          nodes: nodeCount,
          zones: 0,
          initialPods: initial,
          measuredPods: measured,
          clients,
          initialPod: (i) => basicPod(`init-${i}`),
          measuredPod: (i) => basicPod(`pod-${i}`),
        },
        say,
      );
    } catch (error) {
      failures.push(`basic: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (values.only !== "basic") {
    const affinityNodes = Math.max(1, Math.round(nodeCount / 10));
    try {
      affinity = await runWorkload(
        {
          name: "affinity",
          nodes: affinityNodes,
          zones: 10,
          initialPods: Math.min(100, affinityNodes),
          measuredPods: measured,
          clients,
          initialPod: (i) => basicPod(`blue-${i}`, {}, { color: "blue" }),
          measuredPod: (i) => basicPod(`spread-${i}`, SPREAD_ANTI_AFFINITY, { app: "spread" }),
        },
        say,
      );
    } catch (error) {
      failures.push(`affinity: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  const mib = (b: number | undefined): number | undefined => (b === undefined ? undefined : b / 2 ** 20);
  const none = Number.NaN;
  const n = nodeCount.toLocaleString("en-US");
  const rows: Row[] = [
    {
      metric: `scheduled pods/s · basic, ${n} nodes`,
      unit: "pods/s",
      better: "higher",
      subject: basic?.podsPerSecond,
      anchor: UPSTREAM_BASIC_PODS_PER_SECOND,
      goal: { kind: "atLeast", limit: GOAL_PODS_PER_SECOND },
    },
    { metric: "create→bound p50 · basic", unit: "ms", better: "lower", subject: basic?.latencyP50Ms, anchor: none },
    { metric: "create→bound p99 · basic", unit: "ms", better: "lower", subject: basic?.latencyP99Ms, anchor: none },
    {
      metric: `hollow nodes up · ${n}`,
      unit: "s",
      better: "lower",
      subject: basic?.nodesUpSeconds,
      anchor: none,
    },
    {
      metric: `simulator RSS · ${n} nodes`,
      unit: "MiB",
      better: "lower",
      subject: mib(basic?.simulatorRssBytes),
      anchor: none,
    },
    {
      metric: "server RSS after basic",
      unit: "MiB",
      better: "lower",
      subject: mib(basic?.serverRssBytes),
      anchor: none,
    },
    {
      metric: "scheduled pods/s · anti-affinity+spread",
      unit: "pods/s",
      better: "higher",
      subject: affinity?.podsPerSecond,
      anchor: none,
    },
    {
      metric: "create→bound p99 · anti-affinity+spread",
      unit: "ms",
      better: "lower",
      subject: affinity?.latencyP99Ms,
      anchor: none,
    },
  ];
  // A workload left out with --only has no rows (rather than rows reading "error").
  const ran = (row: Row): boolean =>
    row.metric.includes("anti-affinity") ? values.only !== "basic" : values.only !== "affinity";
  const table = { subjectName: "Skiff", anchorName: "upstream", rows: rows.filter(ran) };
  console.log("");
  console.log(renderComparison(table));
  console.log(ratioFootnote("Skiff", "upstream"));
  console.log(
    `upstream = kube-scheduler's scheduler_perf CI floor for SchedulingBasic at 5,000 nodes (${UPSTREAM_BASIC_PODS_PER_SECOND} pods/s, ` +
      `on larger machines, pods bound straight through the API without kubelets); goal: ≥ ${GOAL_PODS_PER_SECOND} pods/s here.`,
  );
  for (const f of failures) console.log(`failed: ${f}`);
  const written = await writeResults(
    "scheduler",
    { facts, config: { nodeCount, initial, measured, clients }, basic, affinity, failures, rows: rowsForJson(table) },
    startedAt,
  );
  console.log(`results: ${written.file}`);
  return failures.length === 0 ? 0 : 1;
}

runMain("bench:scheduler", import.meta.url, main);
