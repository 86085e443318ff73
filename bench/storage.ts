/**
 * `npm run bench:storage`: the datastore benchmark (see bench/README.md).
 *
 * Runs one identical workload against embedded SQLite (fsync on, a fresh temp dir) and a real etcd 3.4
 * (fsync on, started fresh by the test harness), one after the other in this process, and prints one table
 * with SQLite as the subject and etcd as the anchor:
 *   - creates/s and create p50/p99 at 1 and 64 concurrent writers (closed loop, fixed duration);
 *   - guarded updates/s and p50/p99 at 1 and 64 writers (update with the modRevision of the key's previous
 *     write; each writer owns its keys, so conflicts should be zero);
 *   - p50/p99 of a full list of 10,000 keys under one prefix;
 *   - p50/p99 watch delivery latency with 100 watchers on one prefix, from just before a write is issued to
 *     each watcher's onEvents receipt, plus an exactly-once check.
 * Results go to bench/results/storage-<timestamp>.json and storage-latest.json. Exit code: 0 when both
 * backends ran clean (even if a goal is missed), 1 when a backend failed or a correctness check failed.
 *
 * Options (after `npm run bench:storage --`): --only=sqlite|etcd, --seconds=N (per throughput phase),
 * --writers=N, --list-keys=N, --lists=N, --watchers=N, --watch-rate=N, --watch-seconds=N.
 */
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { isStorageError } from "../src/storage/errors.js";
import type { KeyValue, Store, StoreBackend, Watch } from "../src/storage/types.js";
import { SqliteStore } from "../src/storage/sqlite/index.js";
import { EtcdStore } from "../src/storage/etcd/index.js";
import { startEtcd } from "../test/harness/etcd.js";
import { makeTempDir } from "../test/harness/tmp.js";
import {
  positiveOption,
  runMain,
  backendOption,
  type CpuUse,
  LatencyRecorder,
  type LatencySummary,
  type Row,
  checkGoal,
  cpuMeter,
  formatFacts,
  interferenceWarning,
  machineFacts,
  nowMs,
  ratioFootnote,
  renderComparison,
  rowsForJson,
  settle,
  sleep,
  writeResults,
} from "./report.js";

// ---------------------------------------------------------------------------------------------------------
// Configuration

export interface BenchConfig {
  /** Duration of each throughput phase (creates/updates at 1 and N writers). */
  readonly phaseSeconds: number;
  /** The "many writers" concurrency (64). */
  readonly writers: number;
  /** Keys each writer owns in the guarded-update phases. */
  readonly updateKeysPerWriter: number;
  readonly listKeys: number;
  /** Measured full lists (after two unmeasured warm-up lists). */
  readonly listCalls: number;
  readonly watchers: number;
  /** Writes per second, all writers together, during the watch phase. */
  readonly watchRate: number;
  readonly watchWriters: number;
  readonly watchSeconds: number;
  /** Goal for watch delivery p99 (ms). */
  readonly watchP99GoalMs: number;
  readonly only?: StoreBackend;
}

export const DEFAULT_CONFIG: BenchConfig = {
  phaseSeconds: 4,
  writers: 64,
  updateKeysPerWriter: 4,
  listKeys: 10_000,
  listCalls: 40,
  watchers: 100,
  watchRate: 300,
  watchWriters: 6,
  watchSeconds: 4,
  watchP99GoalMs: 10,
};

function parseConfig(argv: readonly string[]): BenchConfig {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      only: { type: "string" },
      seconds: { type: "string" },
      writers: { type: "string" },
      "list-keys": { type: "string" },
      lists: { type: "string" },
      watchers: { type: "string" },
      "watch-rate": { type: "string" },
      "watch-seconds": { type: "string" },
    },
    strict: true,
  });
  const num = positiveOption;
  const only = backendOption(values.only);
  return {
    ...DEFAULT_CONFIG,
    phaseSeconds: num(values.seconds, DEFAULT_CONFIG.phaseSeconds, "seconds"),
    writers: Math.round(num(values.writers, DEFAULT_CONFIG.writers, "writers")),
    listKeys: Math.round(num(values["list-keys"], DEFAULT_CONFIG.listKeys, "list-keys")),
    listCalls: Math.round(num(values.lists, DEFAULT_CONFIG.listCalls, "lists")),
    watchers: Math.round(num(values.watchers, DEFAULT_CONFIG.watchers, "watchers")),
    watchRate: num(values["watch-rate"], DEFAULT_CONFIG.watchRate, "watch-rate"),
    watchSeconds: num(values["watch-seconds"], DEFAULT_CONFIG.watchSeconds, "watch-seconds"),
    only,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Values: a realistic Pod (about 1.9 KB of JSON), as a Deployment's ReplicaSet would create it.

function podTemplate(): string {
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: "@@NAME@@",
      generateName: "web-7d9f8c6b5-",
      namespace: "@@NAMESPACE@@",
      uid: "@@UID@@",
      generation: 1,
      creationTimestamp: "2025-11-20T09:14:03Z",
      labels: { app: "web", tier: "frontend", "pod-template-hash": "7d9f8c6b5", version: "1.4.2" },
      annotations: { "prometheus.io/scrape": "true", "prometheus.io/port": "9102", "bench/seq": "@@SEQ@@" },
      ownerReferences: [
        {
          apiVersion: "apps/v1",
          kind: "ReplicaSet",
          name: "web-7d9f8c6b5",
          uid: "5b0c2a8e-9f4d-4d51-a7e3-2c8f0e6d1b94",
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      containers: [
        {
          name: "web",
          image: "registry.example.com/shop/web:1.4.2",
          ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
          env: [
            { name: "LOG_LEVEL", value: "info" },
            { name: "POD_NAME", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" } } },
          ],
          resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
          readinessProbe: {
            httpGet: { path: "/healthz", port: 8080, scheme: "HTTP" },
            periodSeconds: 10,
            timeoutSeconds: 1,
            failureThreshold: 3,
          },
          terminationMessagePath: "/dev/termination-log",
          imagePullPolicy: "IfNotPresent",
        },
      ],
      restartPolicy: "Always",
      terminationGracePeriodSeconds: 30,
      dnsPolicy: "ClusterFirst",
      serviceAccountName: "default",
      nodeName: "node-3",
      schedulerName: "default-scheduler",
    },
    status: {
      phase: "Running",
      conditions: [
        { type: "Initialized", status: "True", lastTransitionTime: "2025-11-20T09:14:03Z" },
        { type: "Ready", status: "True", lastTransitionTime: "@@TIME@@" },
      ],
      hostIP: "10.0.0.13",
      podIP: "10.244.3.17",
      startTime: "2025-11-20T09:14:03Z",
      qosClass: "Burstable",
      containerStatuses: [
        {
          name: "web",
          state: { running: { startedAt: "2025-11-20T09:14:05Z" } },
          ready: true,
          restartCount: 0,
          image: "registry.example.com/shop/web:1.4.2",
          imageID:
            "registry.example.com/shop/web@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
          started: true,
        },
      ],
    },
  };
  return JSON.stringify(pod);
}

const TEMPLATE = podTemplate();

/**
 * The JSON of the pod stored at `key` (/registry/pods/<namespace>/<name>); `seq` and the Ready condition's
 * time change on every update, so every write stores a new value.
 */
export function podValue(key: string, uid: string, seq: number): Buffer {
  const [namespace = "", name = ""] = key.slice("/registry/pods/".length).split("/");
  return Buffer.from(
    TEMPLATE.replace("@@NAMESPACE@@", namespace)
      .replace("@@NAME@@", name)
      .replace("@@UID@@", uid)
      .replace("@@SEQ@@", String(seq))
      .replace("@@TIME@@", new Date().toISOString()),
  );
}

const pad = (n: number, width: number): string => String(n).padStart(width, "0");

// ---------------------------------------------------------------------------------------------------------
// Phase helpers

/** The phase now running, named in timeout and failure messages. */
let currentPhase = "start";

class PhaseError extends Error {
  constructor(
    readonly phase: string,
    readonly detail: unknown,
  ) {
    super(`${phase}: ${describeError(detail)}`);
  }
}

function describeError(error: unknown): string {
  if (isStorageError(error)) return `StorageError ${error.code}: ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${(ms / 1000).toFixed(0)} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface ThroughputResult {
  readonly writers: number;
  readonly ops: number;
  readonly elapsedMs: number;
  readonly opsPerSec: number;
  readonly latency: LatencySummary;
  readonly conflicts?: number;
  /** Average writes per commit, when the backend exposes `stats()` counters (SQLite's group commit). */
  readonly writesPerCommit?: number;
  readonly cpu?: CpuUse;
}

/**
 * Closed loop: `writers` async loops, each issuing one request at a time until `seconds` have passed; ops
 * still in flight at the deadline complete and count. Throughput = completed ops / time until the last one
 * completed. `op` times its own store call into `latency` (so value building is not counted).
 */
async function closedLoop(
  writers: number,
  seconds: number,
  op: (writer: number, seq: number) => Promise<void>,
): Promise<{ ops: number; elapsedMs: number }> {
  const start = nowMs();
  const deadline = start + seconds * 1000;
  let ops = 0;
  let failure: { error: unknown } | undefined;
  const loop = async (writer: number): Promise<void> => {
    for (let seq = 0; failure === undefined && nowMs() < deadline; seq++) {
      try {
        await op(writer, seq);
      } catch (error) {
        failure ??= { error };
        return;
      }
      ops++;
    }
  };
  await withTimeout(
    Promise.all(Array.from({ length: writers }, (_, w) => loop(w))),
    seconds * 1000 + 60_000,
    `${writers} writers`,
  );
  if (failure !== undefined) throw failure.error;
  return { ops, elapsedMs: nowMs() - start };
}

/** Runs `count` calls of `op(i)` with `concurrency` loops pulling from a shared counter. */
async function runCount(count: number, concurrency: number, op: (i: number) => Promise<void>): Promise<number> {
  const start = nowMs();
  let next = 0;
  let failure: { error: unknown } | undefined;
  const loop = async (): Promise<void> => {
    while (failure === undefined && next < count) {
      const i = next++;
      try {
        await op(i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await withTimeout(
    Promise.all(Array.from({ length: Math.min(concurrency, count) }, loop)),
    120_000,
    `${count} writes`,
  );
  if (failure !== undefined) throw failure.error;
  return nowMs() - start;
}

// ---------------------------------------------------------------------------------------------------------
// The workload

export interface ListBench {
  readonly keys: number;
  readonly calls: number;
  readonly latency: LatencySummary;
  /** Bytes of values returned by one list. */
  readonly valueBytes: number;
  /** Filling the prefix: `keys` creates at the high concurrency. */
  readonly fillMs: number;
  readonly fillOpsPerSec: number;
  /** CPU use while listing. */
  readonly cpu?: CpuUse;
}

export interface WatchBench {
  readonly watchers: number;
  readonly writes: number;
  readonly writeSeconds: number;
  /** Achieved writes/s (target: config.watchRate). */
  readonly writeRate: number;
  /** Latency of the writes themselves during this phase. */
  readonly writeLatency: LatencySummary;
  /** Time for all watchers to deliver a first (warm-up) event after being started. */
  readonly setupMs: number;
  /** From just before the write was issued to each watcher's onEvents receipt; one sample per watcher per event. */
  readonly delivery: LatencySummary;
  readonly expectedDeliveries: number;
  readonly delivered: number;
  readonly missing: number;
  readonly duplicates: number;
  readonly outOfOrder: number;
  /** Events that were not creates of a key this phase wrote. */
  readonly unexpected: number;
  readonly batches: number;
  readonly watchErrors: string[];
  /** CPU use while the writes were issued and delivered. */
  readonly cpu?: CpuUse;
  readonly exactlyOnce: boolean;
}

export interface WorkloadMetrics {
  createsAt1?: ThroughputResult;
  createsAtN?: ThroughputResult;
  updatesAt1?: ThroughputResult;
  updatesAtN?: ThroughputResult;
  list?: ListBench;
  watch?: WatchBench;
}

type Log = (line: string) => void;

function throughputLine(label: string, r: ThroughputResult): string {
  const l = r.latency;
  const conflicts = r.conflicts === undefined ? "" : `, ${r.conflicts} conflicts`;
  const batching = r.writesPerCommit === undefined ? "" : `, ${r.writesPerCommit.toFixed(1)} writes/commit`;
  return (
    `${label}: ${Math.round(r.opsPerSec).toLocaleString("en-US")} ops/s (${r.ops} ops in ` +
    `${(r.elapsedMs / 1000).toFixed(1)} s), p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms, ` +
    `max ${l.max.toFixed(1)} ms${conflicts}${batching}${cpuText(r.cpu)}`
  );
}

/** The backend's own write/commit counters, if it has a `stats()` method reporting them (SQLite does). */
function commitCounters(store: Store): { readonly writes: number; readonly transactions: number } | undefined {
  const candidate = store as unknown as { stats?: () => unknown };
  if (typeof candidate.stats !== "function") return undefined;
  const stats = candidate.stats() as { writes?: unknown; transactions?: unknown } | undefined;
  if (typeof stats?.writes !== "number" || typeof stats.transactions !== "number") return undefined;
  return { writes: stats.writes, transactions: stats.transactions };
}

/** Runs a throughput phase and adds CPU use and the backend's average batch size over it, when known. */
async function measured(
  store: Store,
  serverPid: number | undefined,
  body: () => Promise<ThroughputResult>,
): Promise<ThroughputResult> {
  const before = commitCounters(store);
  const stopCpu = cpuMeter(serverPid);
  const result = await body();
  const cpu = stopCpu();
  const after = commitCounters(store);
  if (before === undefined || after === undefined || after.transactions === before.transactions) {
    return { ...result, cpu };
  }
  const writesPerCommit = (after.writes - before.writes) / (after.transactions - before.transactions);
  return { ...result, cpu, writesPerCommit };
}

function cpuText(cpu: CpuUse | undefined): string {
  if (cpu === undefined) return "";
  const other = cpu.otherPercent === undefined ? "" : `, etcd ${cpu.otherPercent.toFixed(0)}%`;
  const others = cpu.othersPercent >= 5 ? `, other processes ${cpu.othersPercent.toFixed(0)}%` : "";
  return `; CPU: node ${cpu.selfPercent.toFixed(0)}% (event loop ${cpu.eventLoopPercent.toFixed(0)}% busy)${other}${others}`;
}

/** Runs every phase against `store`, filling `metrics` as phases complete (so a failure keeps earlier ones). */
export async function runWorkload(
  store: Store,
  config: BenchConfig,
  metrics: WorkloadMetrics,
  log: Log,
  /** A server process whose CPU use to report per phase (etcd). */
  serverPid?: number,
): Promise<void> {
  const N = config.writers;
  const phase = async <T>(name: string, body: () => Promise<T>): Promise<T> => {
    currentPhase = `${store.backend}: ${name}`;
    try {
      return await body();
    } catch (error) {
      throw new PhaseError(name, error);
    }
  };

  // Warm-up (not measured): JIT, connections, the database's first pages.
  await phase("warm-up", async () => {
    await closedLoop(N, 1, async (w, seq) => {
      const name = `warm-${pad(w, 3)}-${pad(seq, 6)}`;
      const key = `/registry/pods/bench-warmup/${name}`;
      const kv = await store.create(key, podValue(key, randomUUID(), 0));
      await store.update(key, podValue(key, randomUUID(), 1), kv.modRevision);
    });
    await store.list("/registry/pods/bench-warmup/");
  });
  await settle();

  // Creates: each writer creates new keys; a different namespace per phase so keys never collide.
  const creates = async (writers: number): Promise<ThroughputResult> => {
    const latency = new LatencyRecorder();
    const ns = `bench-create-${writers}`;
    const { ops, elapsedMs } = await closedLoop(writers, config.phaseSeconds, async (w, seq) => {
      const key = `/registry/pods/${ns}/pod-${pad(w, 3)}-${pad(seq, 6)}`;
      const value = podValue(key, randomUUID(), 0);
      const start = nowMs();
      await store.create(key, value);
      latency.record(nowMs() - start);
    });
    return { writers, ops, elapsedMs, opsPerSec: ops / (elapsedMs / 1000), latency: latency.summary() };
  };
  metrics.createsAt1 = await phase("creates · 1 writer", () => measured(store, serverPid, () => creates(1)));
  log(throughputLine("creates · 1 writer", metrics.createsAt1));
  await settle();
  metrics.createsAtN = await phase(`creates · ${N} writers`, () => measured(store, serverPid, () => creates(N)));
  log(throughputLine(`creates · ${N} writers`, metrics.createsAtN));
  await settle();

  // Guarded updates: N × updateKeysPerWriter keys; key k belongs to writer k % writers, who cycles through
  // its keys updating each with the modRevision its own previous write of that key returned (no reads).
  const updateKeys = N * config.updateKeysPerWriter;
  const keys: string[] = [];
  const uids: string[] = [];
  const revisions: number[] = [];
  const seqs: number[] = [];
  await phase("guarded updates: setup", () =>
    runCount(updateKeys, N, async (k) => {
      keys[k] = `/registry/pods/bench-update/pod-${pad(k, 5)}`;
      uids[k] = randomUUID();
      seqs[k] = 0;
      revisions[k] = (await store.create(keys[k]!, podValue(keys[k]!, uids[k]!, 0))).modRevision;
    }),
  );
  const updates = async (writers: number): Promise<ThroughputResult> => {
    const latency = new LatencyRecorder();
    const owned = Array.from({ length: writers }, (_, w) =>
      Array.from({ length: updateKeys }, (_, k) => k).filter((k) => k % writers === w),
    );
    let conflicts = 0;
    const { ops, elapsedMs } = await closedLoop(writers, config.phaseSeconds, async (w, seq) => {
      const mine = owned[w]!;
      const k = mine[seq % mine.length]!;
      const seqK = ++seqs[k]!;
      const value = podValue(keys[k]!, uids[k]!, seqK);
      const start = nowMs();
      let kv: KeyValue;
      try {
        kv = await store.update(keys[k]!, value, revisions[k]);
      } catch (error) {
        if (!isStorageError(error, "Conflict") || error.current === undefined) throw error;
        conflicts++; // should not happen: nobody else writes this key
        revisions[k] = error.current.modRevision;
        return;
      }
      latency.record(nowMs() - start);
      revisions[k] = kv.modRevision;
    });
    return {
      writers,
      ops,
      elapsedMs,
      opsPerSec: ops / (elapsedMs / 1000),
      latency: latency.summary(),
      conflicts,
    };
  };
  await settle();
  metrics.updatesAt1 = await phase("guarded updates · 1 writer", () => measured(store, serverPid, () => updates(1)));
  log(throughputLine("guarded updates · 1 writer", metrics.updatesAt1));
  await settle();
  metrics.updatesAtN = await phase(`guarded updates · ${N} writers`, () =>
    measured(store, serverPid, () => updates(N)),
  );
  log(throughputLine(`guarded updates · ${N} writers`, metrics.updatesAtN));
  await settle();

  // List: fill one prefix with listKeys pods, then full lists (no limit), one at a time.
  metrics.list = await phase(`list ${config.listKeys} keys`, async () => {
    const prefix = "/registry/pods/bench-list/";
    const fillMs = await runCount(config.listKeys, N, async (i) => {
      const key = `${prefix}pod-${pad(i, 5)}`;
      await store.create(key, podValue(key, randomUUID(), 0));
    });
    log(
      `list: filled ${config.listKeys} keys in ${(fillMs / 1000).toFixed(1)} s ` +
        `(${Math.round(config.listKeys / (fillMs / 1000))} creates/s at ${N} writers)`,
    );
    await settle();
    const latency = new LatencyRecorder();
    let valueBytes = 0;
    const stopCpu = cpuMeter(serverPid);
    for (let i = -2; i < config.listCalls; i++) {
      const start = nowMs();
      const result = await withTimeout(store.list(prefix), 60_000, "list");
      const ms = nowMs() - start;
      if (result.items.length !== config.listKeys || result.more) {
        throw new Error(
          `list returned ${result.items.length} items (more=${result.more}), expected ${config.listKeys}`,
        );
      }
      if (i < 0) {
        valueBytes = result.items.reduce((sum, kv) => sum + kv.value.byteLength, 0);
        continue; // warm-up
      }
      latency.record(ms);
    }
    return {
      keys: config.listKeys,
      calls: config.listCalls,
      latency: latency.summary(),
      valueBytes,
      fillMs,
      fillOpsPerSec: config.listKeys / (fillMs / 1000),
      cpu: stopCpu(),
    };
  });
  const ll = metrics.list.latency;
  log(
    `list ${config.listKeys} keys: p50 ${ll.p50.toFixed(1)} ms, p99 ${ll.p99.toFixed(1)} ms (${ll.count} lists)` +
      cpuText(metrics.list.cpu),
  );
  await settle();

  metrics.watch = await phase(`watch · ${config.watchers} watchers`, () => watchPhase(store, config, serverPid));
  const w = metrics.watch;
  log(
    `watch · ${w.watchers} watchers: ${w.writes} writes at ${Math.round(w.writeRate)}/s, delivery p50 ` +
      `${w.delivery.p50.toFixed(2)} ms, p99 ${w.delivery.p99.toFixed(2)} ms, max ${w.delivery.max.toFixed(1)} ms; ` +
      `${w.delivered}/${w.expectedDeliveries} delivered, ${w.missing} missing, ${w.duplicates} duplicates, ` +
      `${w.outOfOrder} out of order, ${w.unexpected} unexpected, ${w.watchErrors.length} errors, ` +
      `${w.batches} batches, setup ${w.setupMs.toFixed(0)} ms${cpuText(w.cpu)}`,
  );
}

interface WatcherState {
  readonly seen: Set<string>;
  lastRevision: number;
  warm: boolean;
  duplicates: number;
  outOfOrder: number;
  unexpected: number;
  batches: number;
  error?: string;
}

/**
 * `watchers` watches on one prefix from the current revision; one warm-up write that every watcher must see
 * (so watch setup is not measured); then `watchWriters` writers create keys on a fixed schedule totalling
 * `watchRate` writes/s for `watchSeconds`. Each event's latency = receipt in onEvents − the time just before
 * its write was issued (issue, not acknowledgement: the event may arrive before the write's promise resolves).
 */
async function watchPhase(store: Store, config: BenchConfig, serverPid?: number): Promise<WatchBench> {
  const prefix = "/registry/pods/bench-watch/";
  const warmKey = `${prefix}warm-up`;
  const issuedAt = new Map<string, number>();
  const delivery = new LatencyRecorder();
  const writeLatency = new LatencyRecorder();
  const states: WatcherState[] = [];
  const watches: Watch[] = [];
  const fromRevision = await store.currentRevision();
  const setupStart = nowMs();
  try {
    for (let i = 0; i < config.watchers; i++) {
      const state: WatcherState = {
        seen: new Set(),
        lastRevision: fromRevision,
        warm: false,
        duplicates: 0,
        outOfOrder: 0,
        unexpected: 0,
        batches: 0,
      };
      states.push(state);
      watches.push(
        store.watch({
          prefix,
          fromRevision,
          onEvents(events) {
            const now = nowMs();
            state.batches++;
            for (const event of events) {
              const key = event.kv.key;
              if (event.kv.modRevision <= state.lastRevision) state.outOfOrder++;
              state.lastRevision = event.kv.modRevision;
              if (key === warmKey) {
                state.warm = true;
                continue;
              }
              const issued = issuedAt.get(key);
              if (issued === undefined || event.type !== "create") {
                state.unexpected++;
              } else if (state.seen.has(key)) {
                state.duplicates++;
              } else {
                state.seen.add(key);
                delivery.record(now - issued);
              }
            }
          },
          onError(error) {
            state.error = describeError(error);
          },
        }),
      );
    }
    await store.create(warmKey, podValue(warmKey, randomUUID(), 0));
    await waitFor(() => states.every((s) => s.warm || s.error !== undefined), 20_000, "warm-up event");
    const setupMs = nowMs() - setupStart;
    await sleep(200);

    const total = Math.round(config.watchRate * config.watchSeconds);
    const writers = config.watchWriters;
    const interval = 1000 / config.watchRate;
    const stopCpu = cpuMeter(serverPid);
    const start = nowMs();
    const writer = async (w: number): Promise<void> => {
      for (let g = w; g < total; g += writers) {
        const due = start + g * interval;
        const wait = due - nowMs();
        if (wait > 0.5) await sleep(wait);
        const key = `${prefix}pod-${pad(g, 6)}`;
        const value = podValue(key, randomUUID(), 0);
        const issued = nowMs();
        issuedAt.set(key, issued);
        await store.create(key, value);
        writeLatency.record(nowMs() - issued);
      }
    };
    await withTimeout(
      Promise.all(Array.from({ length: writers }, (_, w) => writer(w))),
      config.watchSeconds * 1000 + 60_000,
      "watch-phase writes",
    );
    const writeSeconds = (nowMs() - start) / 1000;
    // Give stragglers up to 10 s to arrive; then count what every watcher got.
    await waitFor(() => states.every((s) => s.seen.size >= total || s.error !== undefined), 10_000).catch(
      () => undefined,
    );
    const cpu = stopCpu();
    await sleep(100); // catch duplicates that would trail the last event
    const delivered = states.reduce((sum, s) => sum + s.seen.size, 0);
    const expected = total * config.watchers;
    const sum = (f: (s: WatcherState) => number): number => states.reduce((acc, s) => acc + f(s), 0);
    const watchErrors = states.flatMap((s) => (s.error === undefined ? [] : [s.error]));
    const result: WatchBench = {
      watchers: config.watchers,
      writes: total,
      writeSeconds,
      cpu,
      writeRate: total / writeSeconds,
      writeLatency: writeLatency.summary(),
      setupMs,
      delivery: delivery.summary(),
      expectedDeliveries: expected,
      delivered,
      missing: expected - delivered,
      duplicates: sum((s) => s.duplicates),
      outOfOrder: sum((s) => s.outOfOrder),
      unexpected: sum((s) => s.unexpected),
      batches: sum((s) => s.batches),
      watchErrors: [...new Set(watchErrors)],
      exactlyOnce: false,
    };
    return {
      ...result,
      exactlyOnce:
        result.missing === 0 &&
        result.duplicates === 0 &&
        result.outOfOrder === 0 &&
        result.unexpected === 0 &&
        watchErrors.length === 0,
    };
  } finally {
    for (const watch of watches) watch.close();
  }
}

async function waitFor(condition: () => boolean, ms: number, what = "condition"): Promise<void> {
  const deadline = nowMs() + ms;
  while (!condition()) {
    if (nowMs() > deadline) throw new Error(`${what}: not reached within ${ms / 1000} s`);
    await sleep(2);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Backends

export interface BackendRun {
  readonly backend: StoreBackend;
  ok: boolean;
  error?: string;
  failedPhase?: string;
  /** Opening the store (and, for etcd, starting the server). */
  startupMs?: number;
  version?: string;
  metrics: WorkloadMetrics;
  disk?: Record<string, number>;
  wallSeconds?: number;
}

async function dirSize(path: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const p = join(path, entry.name);
    if (entry.isDirectory()) total += await dirSize(p);
    else if (entry.isFile()) total += (await stat(p)).size;
  }
  return total;
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/** Runs the workload and always closes the store; records a failure instead of throwing. */
async function benchStore(
  run: BackendRun,
  store: Store,
  config: BenchConfig,
  log: Log,
  serverPid?: number,
): Promise<void> {
  try {
    await runWorkload(store, config, run.metrics, log, serverPid);
  } catch (error) {
    run.ok = false;
    run.failedPhase = error instanceof PhaseError ? error.phase : currentPhase;
    run.error = describeError(error instanceof PhaseError ? error.detail : error);
    log(`FAILED in ${run.failedPhase}: ${run.error}`);
  }
}

async function closeStore(run: BackendRun, store: Store, log: Log): Promise<void> {
  try {
    await withTimeout(store.close(), 30_000, "close()");
  } catch (error) {
    run.ok = false;
    run.error ??= `close: ${describeError(error)}`;
    log(`close failed: ${describeError(error)}`);
  }
}

async function runSqlite(config: BenchConfig): Promise<BackendRun> {
  const run: BackendRun = { backend: "sqlite", ok: true, metrics: {} };
  const log: Log = (line) => console.log(`  [sqlite] ${line}`);
  const started = nowMs();
  const dir = await makeTempDir("bench-sqlite");
  try {
    const file = join(dir.path, "state.db");
    currentPhase = "sqlite: open";
    let store: Store;
    try {
      store = await withTimeout(SqliteStore.open({ file }), 30_000, "SqliteStore.open");
    } catch (error) {
      Object.assign(run, { ok: false, failedPhase: "open", error: describeError(error) });
      log(`FAILED to open: ${run.error}`);
      return run;
    }
    run.startupMs = nowMs() - started;
    log(`opened ${file} in ${run.startupMs.toFixed(0)} ms`);
    await benchStore(run, store, config, log);
    await closeStore(run, store, log);
    run.disk = {
      databaseBytes: await fileSize(file),
      walBytes: await fileSize(`${file}-wal`),
      directoryBytes: await dirSize(dir.path),
    };
  } finally {
    await dir.remove();
    run.wallSeconds = (nowMs() - started) / 1000;
  }
  return run;
}

async function etcdDataDir(pid: number): Promise<string | undefined> {
  try {
    const args = (await readFile(`/proc/${pid}/cmdline`, "utf8")).split("\0");
    return args.find((a) => a.startsWith("--data-dir="))?.slice("--data-dir=".length);
  } catch {
    return undefined;
  }
}

async function runEtcd(config: BenchConfig): Promise<BackendRun> {
  const run: BackendRun = { backend: "etcd", ok: true, metrics: {} };
  const log: Log = (line) => console.log(`  [etcd]   ${line}`);
  const started = nowMs();
  currentPhase = "etcd: start server";
  let server;
  try {
    server = await startEtcd();
  } catch (error) {
    Object.assign(run, { ok: false, failedPhase: "start etcd", error: describeError(error) });
    log(`FAILED to start etcd: ${run.error}`);
    return run;
  }
  try {
    try {
      const res = await fetch(`${server.endpoint}/version`);
      run.version = ((await res.json()) as { etcdserver?: string }).etcdserver;
    } catch {
      // version is a nice-to-have
    }
    currentPhase = "etcd: open";
    let store: Store;
    try {
      store = await withTimeout(EtcdStore.open({ endpoints: [server.endpoint] }), 30_000, "EtcdStore.open");
    } catch (error) {
      Object.assign(run, { ok: false, failedPhase: "open", error: describeError(error) });
      log(`FAILED to open: ${run.error}`);
      return run;
    }
    run.startupMs = nowMs() - started;
    log(
      `etcd ${run.version ?? "?"} at ${server.endpoint} (pid ${server.pid}), ready in ${run.startupMs.toFixed(0)} ms`,
    );
    await benchStore(run, store, config, log, server.pid);
    await closeStore(run, store, log);
    const dataDir = await etcdDataDir(server.pid);
    if (dataDir !== undefined) {
      run.disk = {
        databaseBytes: await fileSize(join(dataDir, "member", "snap", "db")),
        walBytes: await dirSize(join(dataDir, "member", "wal")).catch(() => 0),
        directoryBytes: await dirSize(dataDir).catch(() => 0),
      };
    }
  } finally {
    await server.stop();
    run.wallSeconds = (nowMs() - started) / 1000;
  }
  return run;
}

// ---------------------------------------------------------------------------------------------------------
// Report

/** Rows of the table; a backend that was not run (`--only`) shows n/a, one that failed shows "error". */
function tableRows(config: BenchConfig, sqlite: WorkloadMetrics | undefined, etcd: WorkloadMetrics | undefined): Row[] {
  const N = config.writers;
  const rows: Row[] = [];
  const both = (
    pick: (m: WorkloadMetrics) => number | undefined,
  ): { subject: number | undefined; anchor: number | undefined } => ({
    subject: sqlite === undefined ? Number.NaN : pick(sqlite),
    anchor: etcd === undefined ? Number.NaN : pick(etcd),
  });
  const throughput = (
    label: string,
    unitLabel: string,
    pick: (m: WorkloadMetrics) => ThroughputResult | undefined,
    writers: number,
  ): void => {
    const at = writers === 1 ? "1 writer" : `${writers} writers`;
    const goal = writers === 1 ? undefined : ({ kind: "matchAnchor" } as const);
    rows.push({
      metric: `${label} · ${at}`,
      unit: "ops/s",
      better: "higher",
      ...both((m) => pick(m)?.opsPerSec),
      goal,
    });
    for (const p of ["p50", "p99"] as const) {
      rows.push({
        metric: `${unitLabel} ${p} · ${at}`,
        unit: "ms",
        better: "lower",
        ...both((m) => pick(m)?.latency[p]),
        goal,
      });
    }
  };
  throughput("creates", "create", (m) => m.createsAt1, 1);
  throughput("creates", "create", (m) => m.createsAtN, N);
  throughput("guarded updates", "update", (m) => m.updatesAt1, 1);
  throughput("guarded updates", "update", (m) => m.updatesAtN, N);
  const keys = config.listKeys.toLocaleString("en-US");
  for (const p of ["p50", "p99"] as const) {
    rows.push({
      metric: `list ${keys} keys ${p}`,
      unit: "ms",
      better: "lower",
      ...both((m) => m.list?.latency[p]),
    });
  }
  for (const p of ["p50", "p99"] as const) {
    rows.push({
      metric: `watch delivery ${p} · ${config.watchers} watchers`,
      unit: "ms",
      better: "lower",
      ...both((m) => m.watch?.delivery[p]),
      goal: p === "p99" ? { kind: "below", limit: config.watchP99GoalMs } : undefined,
    });
  }
  return rows;
}

/** CPU use of every measured phase, for the interference warning. */
function phaseCpu(config: BenchConfig, runs: readonly BackendRun[]): { phase: string; cpu: CpuUse }[] {
  return runs.flatMap((run) => {
    const m = run.metrics;
    const phases: [string, CpuUse | undefined][] = [
      ["creates · 1 writer", m.createsAt1?.cpu],
      [`creates · ${config.writers} writers`, m.createsAtN?.cpu],
      ["guarded updates · 1 writer", m.updatesAt1?.cpu],
      [`guarded updates · ${config.writers} writers`, m.updatesAtN?.cpu],
      ["list", m.list?.cpu],
      ["watch", m.watch?.cpu],
    ];
    return phases.flatMap(([phase, cpu]) => (cpu === undefined ? [] : [{ phase: `${run.backend}: ${phase}`, cpu }]));
  });
}

const mib = (bytes: number | undefined): string =>
  bytes === undefined ? "n/a" : `${(bytes / 2 ** 20).toFixed(1)} MiB`;

function notes(config: BenchConfig, runs: readonly BackendRun[]): string[] {
  const lines: string[] = [];
  for (const run of runs) {
    const m = run.metrics;
    const name = run.backend === "sqlite" ? "SQLite" : "etcd";
    const parts: string[] = [];
    if (m.updatesAt1 !== undefined || m.updatesAtN !== undefined) {
      parts.push(`update conflicts ${(m.updatesAt1?.conflicts ?? 0) + (m.updatesAtN?.conflicts ?? 0)}`);
    }
    if (m.list !== undefined) {
      parts.push(
        `list fill ${Math.round(m.list.fillOpsPerSec).toLocaleString("en-US")} creates/s at ${config.writers} writers`,
        `one list = ${mib(m.list.valueBytes)} of values`,
      );
    }
    if (m.watch !== undefined) {
      const w = m.watch;
      parts.push(
        `watch: ${w.writes} writes at ${Math.round(w.writeRate)}/s (write p99 ${w.writeLatency.p99.toFixed(2)} ms), ` +
          `delivery p99 ${w.delivery.p99.toFixed(2)} ms ${w.delivery.p99 < config.watchP99GoalMs ? "<" : "≥"} ` +
          `${config.watchP99GoalMs} ms, exactly-once ${w.exactlyOnce ? "OK" : "FAILED"} ` +
          `(${w.delivered}/${w.expectedDeliveries} delivered, ${w.missing} missing, ${w.duplicates} duplicate, ` +
          `${w.outOfOrder} out of order, ${w.unexpected} unexpected${w.watchErrors.length > 0 ? `, errors: ${w.watchErrors.join("; ")}` : ""})`,
      );
    }
    if (run.disk !== undefined) {
      parts.push(
        `on disk ${mib(run.disk.directoryBytes)} (database ${mib(run.disk.databaseBytes)}, WAL ${mib(run.disk.walBytes)})`,
      );
    }
    if (!run.ok) parts.push(`FAILED in ${run.failedPhase ?? "?"}: ${run.error ?? "?"}`);
    lines.push(`${name}: ${parts.join("; ")}`);
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------------------
// Main

function etcdBinaryVersion(): string {
  const out = spawnSync("etcd", ["--version"], { encoding: "utf8" });
  return /etcd Version:\s*(\S+)/.exec(out.stdout ?? "")?.[1] ?? "not installed";
}

function sqliteLibraryVersion(): string {
  try {
    const db = new Database(":memory:");
    const row = db.prepare("select sqlite_version() as v").get() as { v: string };
    db.close();
    return row.v;
  } catch {
    return "unknown";
  }
}

async function main(): Promise<number> {
  const config = parseConfig(process.argv.slice(2));
  const startedAt = new Date();
  const t0 = nowMs();
  const watchdog = setTimeout(() => {
    console.error(`bench:storage: stuck in "${currentPhase}" after 10 minutes; giving up`);
    process.exit(2);
  }, 10 * 60_000);
  watchdog.unref();

  const facts = machineFacts({ etcd: etcdBinaryVersion(), sqlite: sqliteLibraryVersion() });
  console.log(`Skiff storage benchmark — ${startedAt.toISOString()}`);
  console.log(formatFacts(facts));
  console.log(
    `workload: ${config.phaseSeconds} s per write phase at 1 and ${config.writers} writers; ` +
      `list of ${config.listKeys} keys × ${config.listCalls}; ${config.watchers} watchers, ` +
      `${config.watchRate} writes/s for ${config.watchSeconds} s; values are ${podValue("/registry/pods/bench-list/pod-00001", randomUUID(), 0).length}-byte pod JSON`,
  );
  console.log("");

  const runs: BackendRun[] = [];
  if (config.only !== "etcd") {
    console.log("SQLite (embedded, fresh temp dir):");
    runs.push(await runSqlite(config));
    await settle(1000);
  }
  if (config.only !== "sqlite") {
    console.log("etcd (real server, fsync on, fresh data dir):");
    runs.push(await runEtcd(config));
  }
  const sqlite = runs.find((r) => r.backend === "sqlite");
  const etcd = runs.find((r) => r.backend === "etcd");

  const table = {
    subjectName: "SQLite",
    anchorName: "etcd",
    rows: tableRows(config, sqlite?.metrics, etcd?.metrics),
  };
  const elapsedSeconds = (nowMs() - t0) / 1000;
  console.log("");
  console.log(`Skiff storage · ${formatFacts(facts)}`);
  console.log("");
  console.log(renderComparison(table));
  console.log("");
  const busy = interferenceWarning(phaseCpu(config, runs));
  if (busy !== undefined) console.log(busy);
  console.log(ratioFootnote("SQLite", "etcd"));
  console.log(
    `  goal: SQLite at least matches etcd on every ${config.writers}-writer row; watch delivery p99 < ` +
      `${config.watchP99GoalMs} ms (measured from just before the write is issued to each watcher's receipt).`,
  );
  for (const line of notes(config, runs)) console.log(`  ${line}`);

  const goals = table.rows.flatMap((row) => {
    const g = checkGoal(row, table.anchorName);
    return g === undefined ? [] : [{ metric: row.metric, ...g }];
  });
  const unmet = goals.filter((g) => g.met === false);
  const unchecked = goals.filter((g) => g.met === undefined);
  const checksOk = runs.length > 0 && runs.every((r) => r.ok && r.metrics.watch?.exactlyOnce === true);
  const allGoals = unmet.length === 0 && unchecked.length === 0;
  console.log(
    `  goals: ${goals.length - unmet.length - unchecked.length}/${goals.length} met` +
      `${unmet.length > 0 ? `; not met: ${unmet.map((g) => g.metric).join(", ")}` : ""}` +
      `${unchecked.length > 0 ? `; ${unchecked.length} not checked (a value is missing)` : ""}` +
      `. Run took ${elapsedSeconds.toFixed(0)} s.`,
  );

  const { file } = await writeResults(
    "storage",
    {
      benchmark: "storage",
      timestamp: startedAt.toISOString(),
      elapsedSeconds,
      machine: facts,
      config,
      subject: "sqlite",
      anchor: "etcd",
      rows: rowsForJson(table),
      goals: { allMet: allGoals, results: goals },
      checksOk,
      backends: Object.fromEntries(runs.map((r) => [r.backend, r])),
    },
    startedAt,
  );
  console.log(`  results: ${file}`);
  if (!checksOk) {
    console.error("bench:storage: a backend failed or a correctness check failed (see above)");
    return 1;
  }
  return 0;
}

runMain("bench:storage", import.meta.url, main);
