/**
 * bench:api watch fan-out: `watchers` HTTPS watch streams on one namespace's pods (chunked JSON lines, held
 * by worker threads: watch-worker.ts), then `events` pod creates in that namespace at a steady rate from this
 * thread. Delivery latency = receipt of the event's line by a watcher − the time just before its POST was
 * issued, one sample per watcher per event; every watcher must receive every event exactly once, in
 * resourceVersion order, and nothing else.
 */
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { type CpuUse, LatencyRecorder, type LatencySummary, cpuMeter, nowMs, sleep } from "../report.js";
import { ApiClient, type Credentials, ErrorTally, keepAliveAgent, pad, podBody, podsPath } from "./client.js";
import {
  COUNTERS,
  C_DUPLICATES,
  C_ENDED,
  C_OUT_OF_ORDER,
  C_RECEIVED,
  C_UNEXPECTED,
  C_WARM,
  type FromWorker,
  type WatchWorkerData,
} from "./watch-worker.js";

export interface WatchConfig {
  readonly watchers: number;
  readonly events: number;
  /** Creates per second, all writers together. */
  readonly rate: number;
  readonly writers: number;
  /** Worker threads the streams are spread over. */
  readonly threads: number;
}

export interface WatchBench extends WatchConfig {
  /** Opening every watch stream (TLS handshakes, 200 headers) and the warm-up event reaching all of them. */
  readonly setupMs: number;
  readonly writeSeconds: number;
  readonly writeRate: number;
  readonly writeLatency: LatencySummary;
  readonly delivery: LatencySummary;
  readonly expectedDeliveries: number;
  readonly delivered: number;
  readonly missing: number;
  readonly duplicates: number;
  readonly outOfOrder: number;
  readonly unexpected: number;
  /** Streams that ended or failed before the phase did, with the reason. */
  readonly streamErrors: string[];
  readonly writeErrors: Record<string, { count: number; sample: string }>;
  readonly cpu: CpuUse;
  readonly exactlyOnce: boolean;
}

const NAME_PREFIX = "wev-";

/** Starts a worker holding streams [first, first + count); resolves once every stream answered 200. */
function startWorker(data: WatchWorkerData): Promise<{ worker: Worker; stop(): Promise<string[]> }> {
  const worker = new Worker(new URL("./watch-worker.js", import.meta.url), { workerData: data });
  return new Promise((resolve, reject) => {
    const onMessage = (message: FromWorker): void => {
      if (message.type === "failed") reject(new Error(`watch worker: ${message.error}`));
      if (message.type !== "ready") return;
      worker.off("message", onMessage);
      resolve({
        worker,
        stop: () =>
          new Promise<string[]>((done) => {
            worker.once("message", (m: FromWorker) => {
              void worker.terminate();
              done(m.type === "stopped" ? m.errors : []);
            });
            worker.postMessage({ type: "stop" });
          }),
      });
    };
    worker.on("message", onMessage);
    worker.once("error", reject);
  });
}

export async function watchFanOut(
  baseUrl: string,
  creds: Credentials,
  namespace: string,
  config: WatchConfig,
  serverPid: number,
  /** etcd's process, whose CPU is reported as the datastore's rather than as interference. */
  etcdPid?: number,
): Promise<WatchBench> {
  const { watchers: count, events: total } = config;
  const writeAgent = keepAliveAgent(creds, config.writers);
  const writer = new ApiClient(baseUrl, writeAgent);
  /** When each event's POST was issued, on the clock the workers use (timeOrigin + now). */
  const issuedAt = new Float64Array(total);
  const receipts = new Float64Array(new SharedArrayBuffer(count * total * 8));
  const counters = new Int32Array(new SharedArrayBuffer(count * COUNTERS * 4));
  const writeLatency = new LatencyRecorder();
  const writeErrors = new ErrorTally();
  const workers: { stop(): Promise<string[]> }[] = [];
  const streamErrors: string[] = [];
  const counter = (i: number, which: number): number => Atomics.load(counters, i * COUNTERS + which);
  const every = (test: (i: number) => boolean): boolean => {
    for (let i = 0; i < count; i++) if (!test(i)) return false;
    return true;
  };
  try {
    const list = await writer.ok("GET", podsPath(namespace));
    const rv = (JSON.parse(list.body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    const setupStart = nowMs();
    const per = Math.ceil(count / config.threads);
    const started = await Promise.all(
      Array.from({ length: config.threads }, (_, t) =>
        startWorker({
          baseUrl,
          ca: creds.ca,
          cert: creds.cert,
          key: creds.key,
          namespace,
          resourceVersion: rv,
          first: t * per,
          count: Math.max(0, Math.min(per, count - t * per)),
          events: total,
          namePrefix: NAME_PREFIX,
          receipts: receipts.buffer as SharedArrayBuffer,
          counters: counters.buffer as SharedArrayBuffer,
        }),
      ),
    );
    workers.push(...started);
    await writer.ok("POST", podsPath(namespace), podBody(namespace, `${NAME_PREFIX}warmup`));
    await waitFor(() => every((i) => counter(i, C_WARM) === 1 || counter(i, C_ENDED) === 1), 60_000, "warm-up");
    const setupMs = nowMs() - setupStart;
    await sleep(500);

    const stopCpu = cpuMeter(serverPid, etcdPid);
    const interval = 1000 / config.rate;
    const start = nowMs();
    const write = async (k: number): Promise<void> => {
      for (let seq = k; seq < total; seq += config.writers) {
        const wait = start + seq * interval - nowMs();
        if (wait > 0.5) await sleep(wait);
        const body = podBody(namespace, `${NAME_PREFIX}${pad(seq, 6)}`);
        const issued = nowMs();
        issuedAt[seq] = performance.timeOrigin + issued;
        try {
          await writer.ok("POST", podsPath(namespace), body);
          writeLatency.record(nowMs() - issued);
        } catch (error) {
          writeErrors.add(error);
        }
      }
    };
    await Promise.all(Array.from({ length: config.writers }, (_, k) => write(k)));
    const writeSeconds = (nowMs() - start) / 1000;
    const written = total - writeErrors.total;
    await waitFor(() => every((i) => counter(i, C_RECEIVED) >= written || counter(i, C_ENDED) === 1), 60_000).catch(
      () => undefined,
    );
    const cpu = stopCpu();
    await sleep(200); // duplicates trailing the last event
    for (const w of workers.splice(0)) streamErrors.push(...(await w.stop()));

    const delivery = new LatencyRecorder();
    let delivered = 0;
    for (let i = 0; i < count; i++) {
      for (let seq = 0; seq < total; seq++) {
        const at = receipts[i * total + seq]!;
        if (at === 0) continue;
        delivered++;
        delivery.record(at - issuedAt[seq]!);
      }
    }
    const sum = (which: number): number => {
      let n = 0;
      for (let i = 0; i < count; i++) n += counter(i, which);
      return n;
    };
    const expected = total * count;
    const result = {
      ...config,
      setupMs,
      writeSeconds,
      writeRate: total / writeSeconds,
      writeLatency: writeLatency.summary(),
      delivery: delivery.summary(),
      expectedDeliveries: expected,
      delivered,
      missing: expected - delivered,
      duplicates: sum(C_DUPLICATES),
      outOfOrder: sum(C_OUT_OF_ORDER),
      unexpected: sum(C_UNEXPECTED),
      streamErrors: [...new Set(streamErrors)].slice(0, 5),
      writeErrors: writeErrors.toJSON(),
      cpu,
    };
    const exactlyOnce =
      result.missing === 0 &&
      result.duplicates === 0 &&
      result.outOfOrder === 0 &&
      result.unexpected === 0 &&
      result.streamErrors.length === 0 &&
      writeErrors.total === 0;
    return { ...result, exactlyOnce };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    writeAgent.destroy();
  }
}

async function waitFor(condition: () => boolean, ms: number, what = "condition"): Promise<void> {
  const deadline = nowMs() + ms;
  while (!condition()) {
    if (nowMs() > deadline) throw new Error(`${what}: not reached within ${ms / 1000} s`);
    await sleep(5);
  }
}
