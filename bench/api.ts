/**
 * `npm run bench:api`: the API server benchmark (see bench/README.md).
 *
 * Runs the real `skiff server` (HTTPS, admin client certificate; the API server alone, without the scheduler
 * and controller manager) twice, first on its embedded SQLite, then on
 * a fresh real etcd, and drives it from this process with keep-alive HTTPS clients:
 *   - server RSS after boot (0 pods), then 10,000 pods created at 64 clients, RSS again: KB per stored pod;
 *   - LIST of the 10,000 pods (JSON, no limit), p50/p99; and the full walk with limit=500;
 *   - pod creates/s and p50/p99 at 1, 16 and 64 concurrent closed-loop clients; GET p50/p99 at 16;
 *   - watch fan-out: N watch streams, M pod creates at a steady rate, delivery p50/p99, exactly-once check.
 * Prints one table (SQLite | etcd | goal | upstream SLO); results go to bench/results/api-<timestamp>.json and
 * api-latest.json. Exit code: 0 when both backends ran clean (even if a goal is missed), 1 otherwise.
 *
 * Options (after `npm run bench:api --`): --only=sqlite|etcd, --seconds=N (each create phase), --pods=N,
 * --lists=N, --watchers=N, --watch-events=N, --watch-rate=N.
 */
import { parseArgs } from "node:util";
import { startEtcd, type EtcdServer } from "../test/harness/etcd.js";
import { startSkiffServer, type SkiffServer } from "../test/harness/skiff.js";
import {
  positiveOption,
  backendOption,
  formatFacts,
  interferenceWarning,
  machineFacts,
  nowMs,
  settle,
  writeResults,
  runMain,
} from "./report.js";
import { renderTable } from "./api/table.js";
import { type Backend, type Config, DEFAULTS, GOALS, type Log, type Run, mib, workload } from "./api/workload.js";

function parseConfig(argv: readonly string[]): Config {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      only: { type: "string" },
      seconds: { type: "string" },
      pods: { type: "string" },
      lists: { type: "string" },
      watchers: { type: "string" },
      "watch-events": { type: "string" },
      "watch-rate": { type: "string" },
    },
    strict: true,
  });
  const num = positiveOption;
  const only = backendOption(values.only);
  return {
    ...DEFAULTS,
    seconds: num(values.seconds, DEFAULTS.seconds, "seconds"),
    pods: Math.round(num(values.pods, DEFAULTS.pods, "pods")),
    lists: Math.round(num(values.lists, DEFAULTS.lists, "lists")),
    watchers: Math.round(num(values.watchers, DEFAULTS.watchers, "watchers")),
    watchEvents: Math.round(num(values["watch-events"], DEFAULTS.watchEvents, "watch-events")),
    watchRate: num(values["watch-rate"], DEFAULTS.watchRate, "watch-rate"),
    only,
  };
}

async function runBackend(backend: Backend, config: Config): Promise<Run> {
  const run: Run = { backend, ok: true, phase: "start", metrics: { creates: [] } };
  const log: Log = (line) => console.log(`  [${backend}]${backend === "etcd" ? "  " : ""} ${line}`);
  const started = nowMs();
  let etcd: EtcdServer | undefined;
  let server: SkiffServer | undefined;
  try {
    run.phase = "start etcd";
    if (backend === "etcd") etcd = await startEtcd();
    run.phase = "start server";
    // The API server alone: the scheduler and controller manager (measured by bench:scheduler) stay off.
    const args = [
      "--disable-agent",
      "--disable-scheduler",
      "--disable-controller-manager",
      ...(etcd === undefined ? [] : ["--datastore-endpoint", etcd.endpoint]),
    ];
    const bootStart = nowMs();
    server = await startSkiffServer({ args });
    run.metrics.bootMs = nowMs() - bootStart;
    log(`skiff server (pid ${server.pid}) at ${server.url}, ready in ${run.metrics.bootMs.toFixed(0)} ms`);
    await workload(server, config, run, log, etcd);
  } catch (error) {
    run.ok = false;
    run.error = error instanceof Error ? error.message : String(error);
    log(`FAILED in ${run.phase}: ${run.error}`);
  } finally {
    if (server !== undefined) {
      const out = server.output();
      const problems = out
        .split("\n")
        .filter((l) => /"level":(40|50|60)/.test(l) || (!l.startsWith("{") && /error/i.test(l)));
      if (problems.length > 0) {
        run.serverLogTail = problems.slice(-20).join("\n");
        log(`server logged ${problems.length} warnings/errors; last: ${problems.at(-1)?.slice(0, 300)}`);
      }
      await server.stop();
    }
    await etcd?.stop();
    run.wallSeconds = (nowMs() - started) / 1000;
  }
  return run;
}

async function main(): Promise<number> {
  const config = parseConfig(process.argv.slice(2));
  const startedAt = new Date();
  const t0 = nowMs();
  const facts = machineFacts();
  console.log(`bench:api · ${formatFacts(facts)}`);
  const runs: Run[] = [];
  for (const backend of ["sqlite", "etcd"] as const) {
    if (config.only !== undefined && config.only !== backend) continue;
    console.log(`${backend}:`);
    runs.push(await runBackend(backend, config));
    await settle(1000);
  }
  const elapsedSeconds = (nowMs() - t0) / 1000;
  const table = renderTable(config, runs);
  console.log("");
  console.log(`Skiff API server · ${formatFacts(facts)}`);
  console.log("");
  console.log(table.text);
  console.log("");
  const phases = runs.flatMap((r) => [
    ...r.metrics.creates.map((t) => ({ phase: `${r.backend}: creates · ${t.clients}`, cpu: t.cpu })),
    ...(r.metrics.list === undefined ? [] : [{ phase: `${r.backend}: list`, cpu: r.metrics.list.cpu }]),
    ...(r.metrics.watch === undefined ? [] : [{ phase: `${r.backend}: watch`, cpu: r.metrics.watch.cpu }]),
  ]);
  const busy = interferenceWarning(phases);
  if (busy !== undefined) console.log(busy);
  console.log(
    "  Clients are closed loops over keep-alive HTTPS (admin client certificate) in one node process on the same " +
      "machine as the server; latency is per request, from just before it is issued to the end of the response.",
  );
  console.log(
    "  Upstream SLO (p99 over 5 min): mutating calls ≤ 1 s, single-object reads ≤ 1 s, namespaced LISTs ≤ 5 s.",
  );
  for (const r of runs) {
    const w = r.metrics.watch;
    const parts = [
      r.ok ? "ran clean" : `FAILED in ${r.phase}: ${r.error}`,
      r.metrics.fill === undefined
        ? ""
        : `fill ${Math.round(r.metrics.fill.podsPerSec)} creates/s at 64 clients (into ${config.pods} pods)`,
      r.metrics.list === undefined ? "" : `one LIST = ${mib(r.metrics.list.bytes)}`,
      w === undefined
        ? ""
        : `watch: exactly-once ${w.exactlyOnce ? "OK" : "FAILED"} (${w.delivered}/${w.expectedDeliveries}), ` +
          `${w.events} creates at ${Math.round(w.writeRate)}/s (create p99 ${w.writeLatency.p99.toFixed(1)} ms)`,
      r.metrics.heap0 === undefined || r.metrics.heapFull === undefined
        ? ""
        : `server V8 heap used ${mib(r.metrics.heap0)} → ${mib(r.metrics.heapFull)} ` +
          `(${((r.metrics.heapFull - r.metrics.heap0) / 1024 / config.pods).toFixed(1)} KB/pod)`,
      r.metrics.etcdRss?.full === undefined
        ? ""
        : `etcd's own RSS ${mib(r.metrics.etcdRss.empty)} → ${mib(r.metrics.etcdRss.full)}`,
      `${r.wallSeconds?.toFixed(0)} s`,
    ].filter((p) => p !== "");
    console.log(`  ${r.backend}: ${parts.join("; ")}.`);
  }
  console.log(`  Run took ${elapsedSeconds.toFixed(0)} s.`);
  const checksOk = runs.length > 0 && runs.every((r) => r.ok);
  const { file } = await writeResults(
    "api",
    {
      benchmark: "api",
      timestamp: startedAt.toISOString(),
      elapsedSeconds,
      machine: facts,
      config,
      goals: GOALS,
      rows: table.json,
      checksOk,
      backends: Object.fromEntries(runs.map((r) => [r.backend, r])),
    },
    startedAt,
  );
  console.log(`  results: ${file}`);
  if (!checksOk) {
    console.error("bench:api: a backend failed or a correctness check failed (see above)");
    return 1;
  }
  return 0;
}

runMain("bench:api", import.meta.url, main);
