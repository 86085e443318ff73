/**
 * bench:api's workload against one running `skiff server` (see bench/README.md): RSS at 0 pods, the fill,
 * RSS at N pods, LIST (whole and paged), creates at 1/16/64 clients, GETs, and the watch fan-out.
 */
import type { EtcdServer } from "../../test/harness/etcd.js";
import type { SkiffServer } from "../../test/harness/skiff.js";
import { type CpuUse, LatencyRecorder, type LatencySummary, cpuMeter, nowMs, settle, sleep } from "../report.js";
import {
  ApiClient,
  ErrorTally,
  adminCredentials,
  closedLoop,
  keepAliveAgent,
  pad,
  podBody,
  podsPath,
  rssBytes,
  runCount,
} from "./client.js";
import { type WatchBench, watchFanOut } from "./watch.js";

export type Backend = "sqlite" | "etcd";

export interface Config {
  readonly seconds: number;
  readonly clients: readonly number[];
  readonly pods: number;
  readonly lists: number;
  readonly pageLimit: number;
  readonly watchers: number;
  readonly watchEvents: number;
  readonly watchRate: number;
  readonly only?: Backend;
}

export const DEFAULTS: Config = {
  seconds: 5,
  clients: [1, 16, 64],
  pods: 10_000,
  lists: 25,
  pageLimit: 500,
  watchers: 1000,
  watchEvents: 10000,
  watchRate: 50,
};

export const GOALS = { createsPerSec: 3000, createP99Ms: 50, listP99Ms: 300, watchP99Ms: 50, kbPerPod: 5 };

// ---------------------------------------------------------------------------------------------------------
// The workload, against one running server

export interface Throughput {
  readonly clients: number;
  /** Opening the clients' keep-alive connections (one unmeasured GET each) before the measured window (creates). */
  readonly connectMs?: number;
  readonly ops: number;
  readonly elapsedMs: number;
  readonly opsPerSec: number;
  readonly latency: LatencySummary;
  readonly errors: Record<string, { count: number; sample: string }>;
  readonly cpu: CpuUse;
}

export interface Metrics {
  bootMs?: number;
  rss0?: number;
  fill?: { pods: number; ms: number; podsPerSec: number };
  rssFull?: number;
  /** V8 heap in use (nodejs_heap_size_used_bytes from the server's /metrics) at the same two points. */
  heap0?: number;
  heapFull?: number;
  /** etcd's own RSS at the same two points (the etcd run only). */
  etcdRss?: { empty?: number; full?: number };
  list?: { latency: LatencySummary; bytes: number; cpu: CpuUse };
  paged?: { walks: number; pages: number; latency: LatencySummary };
  creates: Throughput[];
  gets?: Throughput;
  watch?: WatchBench;
}

export interface Run {
  readonly backend: Backend;
  ok: boolean;
  error?: string;
  phase: string;
  metrics: Metrics;
  /** The server's last warning/error log lines, if it logged any. */
  serverLogTail?: string;
  wallSeconds?: number;
}

export type Log = (line: string) => void;

export const cpuText = (cpu: CpuUse | undefined): string =>
  cpu === undefined
    ? ""
    : `; CPU: server ${cpu.otherPercent?.toFixed(0) ?? "?"}%, ` +
      (cpu.datastorePercent === undefined ? "" : `etcd ${cpu.datastorePercent.toFixed(0)}%, `) +
      `client ${cpu.selfPercent.toFixed(0)}% (event loop ${cpu.eventLoopPercent.toFixed(0)}%)` +
      (cpu.othersPercent >= 5 ? `, other processes ${cpu.othersPercent.toFixed(0)}%` : "");

export const fmtMs = (l: LatencySummary): string =>
  `p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms, max ${l.max.toFixed(1)} ms`;

export async function workload(
  server: SkiffServer,
  config: Config,
  run: Run,
  log: Log,
  etcd: EtcdServer | undefined,
): Promise<void> {
  const m = run.metrics;
  const creds = adminCredentials(server.dataDir);
  const admin = new ApiClient(server.url, keepAliveAgent(creds, 64));
  const phase = (name: string): void => {
    run.phase = name;
  };
  const check = (errors: ErrorTally, what: string): void => {
    if (errors.total > 0) throw new Error(`${what}: ${errors.total} failed requests: ${errors.describe()}`);
  };

  phase("namespaces");
  for (const ns of ["bench", "bench-list", "bench-watch", "bench-warmup"]) await admin.createNamespace(ns);

  // RSS with 0 pods: after boot, once the server has been idle a while.
  phase("rss at 0 pods");
  await sleep(3000);
  m.rss0 = await rssBytes(server.pid);
  m.heap0 = await heapUsed(admin);
  m.etcdRss = { empty: etcd === undefined ? undefined : await rssBytes(etcd.pid) };
  log(
    `server RSS at 0 pods: ${mib(m.rss0)}, V8 heap used ${mib(m.heap0)}${etcd === undefined ? "" : ` (etcd ${mib(m.etcdRss.empty)})`}`,
  );

  // Fill: `pods` creates at 64 clients into bench-list.
  phase(`fill ${config.pods} pods`);
  {
    const errors = new ErrorTally();
    const ms = await runCount(
      config.pods,
      64,
      async (i) => void (await admin.ok("POST", podsPath("bench-list"), podBody("bench-list", `pod-${pad(i, 6)}`))),
      errors,
    );
    check(errors, "fill");
    m.fill = { pods: config.pods, ms, podsPerSec: config.pods / (ms / 1000) };
    log(`filled ${config.pods} pods in ${(ms / 1000).toFixed(1)} s (${Math.round(m.fill.podsPerSec)} creates/s at 64)`);
  }
  phase(`rss at ${config.pods} pods`);
  await sleep(3000);
  m.rssFull = await rssBytes(server.pid);
  m.heapFull = await heapUsed(admin);
  if (etcd !== undefined) m.etcdRss.full = await rssBytes(etcd.pid);
  log(
    `server RSS at ${config.pods} pods: ${mib(m.rssFull)} → ${kbPerPod(m, config)?.toFixed(2)} KB/pod; ` +
      `V8 heap used ${mib(m.heapFull)}` +
      (etcd === undefined ? "" : ` (etcd ${mib(m.etcdRss.full)})`),
  );

  // LIST all pods of bench-list, one at a time; two unmeasured first.
  phase("list");
  {
    const latency = new LatencyRecorder();
    let bytes = 0;
    const stopCpu = cpuMeter(server.pid, etcd?.pid);
    for (let i = -2; i < config.lists; i++) {
      const start = nowMs();
      const res = await admin.ok("GET", podsPath("bench-list"));
      const ms = nowMs() - start;
      if (i < 0) {
        const items = (JSON.parse(res.body) as { items: unknown[] }).items.length;
        if (items !== config.pods) throw new Error(`LIST returned ${items} pods, expected ${config.pods}`);
        bytes = res.body.length;
        continue;
      }
      latency.record(ms);
    }
    m.list = { latency: latency.summary(), bytes, cpu: stopCpu() };
    log(`LIST ${config.pods} pods (${mib(bytes)}): ${fmtMs(m.list.latency)}${cpuText(m.list.cpu)}`);
  }
  phase("list, paged");
  {
    const latency = new LatencyRecorder();
    let pages = 0;
    for (let walk = 0; walk < 3; walk++) {
      const start = nowMs();
      let cont = "";
      let items = 0;
      do {
        const q = `?limit=${config.pageLimit}${cont === "" ? "" : `&continue=${encodeURIComponent(cont)}`}`;
        const res = await admin.ok("GET", `${podsPath("bench-list")}${q}`);
        const page = JSON.parse(res.body) as { items: unknown[]; metadata: { continue?: string } };
        items += page.items.length;
        cont = page.metadata.continue ?? "";
        pages++;
      } while (cont !== "");
      if (items !== config.pods) throw new Error(`paged LIST returned ${items} pods, expected ${config.pods}`);
      latency.record(nowMs() - start);
    }
    m.paged = { walks: 3, pages: pages / 3, latency: latency.summary() };
    log(`LIST limit=${config.pageLimit}, full walk of ${m.paged.pages} pages: ${fmtMs(m.paged.latency)}`);
  }
  await settle();

  // Creates: a 1 s unmeasured warm-up at 64, then each concurrency for `seconds`, one agent per phase.
  phase("create warm-up");
  {
    const errors = new ErrorTally();
    await closedLoop(
      64,
      1,
      async (c, seq) =>
        void (await admin.ok(
          "POST",
          podsPath("bench-warmup"),
          podBody("bench-warmup", `w-${pad(c, 2)}-${pad(seq, 6)}`),
        )),
      errors,
    );
    check(errors, "warm-up");
  }
  for (const clients of config.clients) {
    await settle();
    phase(`creates · ${clients} clients`);
    const agent = keepAliveAgent(creds, clients);
    const client = new ApiClient(server.url, agent);
    // Keep-alive clients: each opens its connection (TLS handshake with the client certificate) first, with one
    // unmeasured GET; the setup time is reported on its own.
    const connectStart = nowMs();
    await Promise.all(Array.from({ length: clients }, () => client.ok("GET", "/api/v1/namespaces/bench")));
    const connectMs = nowMs() - connectStart;
    const latency = new LatencyRecorder();
    const errors = new ErrorTally();
    const stopCpu = cpuMeter(server.pid, etcd?.pid);
    const { ops, elapsedMs } = await closedLoop(
      clients,
      config.seconds,
      async (c, seq) => {
        const body = podBody("bench", `c${clients}-${pad(c, 2)}-${pad(seq, 6)}`);
        const start = nowMs();
        await client.ok("POST", `${podsPath("bench")}?fieldManager=kubectl-run`, body);
        latency.record(nowMs() - start);
      },
      errors,
    );
    const cpu = stopCpu();
    agent.destroy();
    const t: Throughput = {
      clients,
      connectMs,
      ops,
      elapsedMs,
      opsPerSec: ops / (elapsedMs / 1000),
      latency: latency.summary(),
      errors: errors.toJSON(),
      cpu,
    };
    m.creates.push(t);
    log(
      `creates · ${clients} clients: ${Math.round(t.opsPerSec)}/s (${ops} in ${(elapsedMs / 1000).toFixed(1)} s), ` +
        `${fmtMs(t.latency)}${errors.total > 0 ? `, ${errors.total} ERRORS` : ""}${cpuText(cpu)}; ` +
        `${clients} connections opened in ${connectMs.toFixed(0)} ms before`,
    );
    check(errors, `creates · ${clients} clients`);
  }

  // Single-object reads: GET of the filled pods at 16 clients for half the create-phase time.
  await settle();
  phase("gets · 16 clients");
  {
    const latency = new LatencyRecorder();
    const errors = new ErrorTally();
    const stopCpu = cpuMeter(server.pid, etcd?.pid);
    const { ops, elapsedMs } = await closedLoop(
      16,
      Math.max(1, config.seconds / 2),
      async (c, seq) => {
        const path = `${podsPath("bench-list")}/pod-${pad((c * 7919 + seq * 31) % config.pods, 6)}`;
        const start = nowMs();
        await admin.ok("GET", path);
        latency.record(nowMs() - start);
      },
      errors,
    );
    m.gets = {
      clients: 16,
      ops,
      elapsedMs,
      opsPerSec: ops / (elapsedMs / 1000),
      latency: latency.summary(),
      errors: errors.toJSON(),
      cpu: stopCpu(),
    };
    log(`gets · 16 clients: ${Math.round(m.gets.opsPerSec)}/s, ${fmtMs(m.gets.latency)}${cpuText(m.gets.cpu)}`);
    check(errors, "gets");
  }
  admin.agent.destroy();

  await settle();
  phase(`watch · ${config.watchers} watchers × ${config.watchEvents} events`);
  m.watch = await watchFanOut(
    server.url,
    creds,
    "bench-watch",
    { watchers: config.watchers, events: config.watchEvents, rate: config.watchRate, writers: 8, threads: 2 },
    server.pid,
    etcd?.pid,
  );
  const w = m.watch;
  log(
    `watch · ${w.watchers} watchers × ${w.events} events at ${Math.round(w.writeRate)}/s: delivery ${fmtMs(w.delivery)}; ` +
      `write ${fmtMs(w.writeLatency)}; ${w.delivered}/${w.expectedDeliveries} delivered, ${w.missing} missing, ` +
      `${w.duplicates} duplicates, ${w.outOfOrder} out of order, ${w.unexpected} unexpected; setup ` +
      `${(w.setupMs / 1000).toFixed(1)} s${cpuText(w.cpu)}` +
      (w.streamErrors.length > 0 ? `; stream errors: ${w.streamErrors.join(" | ")}` : ""),
  );
  if (!w.exactlyOnce) throw new Error("watch fan-out: exactly-once check failed (see the line above)");
}

export const mib = (bytes: number | undefined): string =>
  bytes === undefined ? "n/a" : `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** The server's V8 heap in use, from its Prometheus /metrics; undefined when not served. */
async function heapUsed(client: ApiClient): Promise<number | undefined> {
  const res = await client.send("GET", "/metrics").catch(() => undefined);
  const match = res === undefined ? null : /^nodejs_heap_size_used_bytes\s+([\d.e+]+)/m.exec(res.body);
  return match === null ? undefined : Number(match[1]);
}

export function kbPerPod(m: Metrics, config: Config): number | undefined {
  return m.rss0 === undefined || m.rssFull === undefined ? undefined : (m.rssFull - m.rss0) / 1024 / config.pods;
}
