/**
 * bench:api watch fan-out, the receiving side: a worker thread holding a slice of the watch streams, so
 * reading them does not share an event loop with the writer. For each stream and event it stores the receipt
 * time (performance.timeOrigin + now(), comparable across threads) in a shared Float64Array and keeps
 * per-stream counters in a shared Int32Array; the main thread computes latencies and the exactly-once check.
 */
import type { ClientRequest } from "node:http";
import { request } from "node:https";
import { performance } from "node:perf_hooks";
import { parentPort, workerData } from "node:worker_threads";
import { keepAliveAgent, podsPath } from "./client.js";

export interface WatchWorkerData {
  readonly baseUrl: string;
  readonly ca: Uint8Array;
  readonly cert: Uint8Array;
  readonly key: Uint8Array;
  readonly namespace: string;
  readonly resourceVersion: string;
  /** Global index of this worker's first stream, and how many it holds. */
  readonly first: number;
  readonly count: number;
  readonly events: number;
  readonly namePrefix: string;
  /** Float64Array over all streams × events: receipt time, 0 = not received. */
  readonly receipts: SharedArrayBuffer;
  /** Int32Array, COUNTERS per stream (see the C_ constants). */
  readonly counters: SharedArrayBuffer;
}

export const COUNTERS = 6;
export const C_RECEIVED = 0;
export const C_DUPLICATES = 1;
export const C_OUT_OF_ORDER = 2;
export const C_UNEXPECTED = 3;
export const C_WARM = 4;
export const C_ENDED = 5;

export type FromWorker =
  | { readonly type: "ready" }
  | { readonly type: "failed"; readonly error: string }
  | { readonly type: "stopped"; readonly errors: string[] };

function run(data: WatchWorkerData, port: NonNullable<typeof parentPort>): void {
  const receipts = new Float64Array(data.receipts);
  const counters = new Int32Array(data.counters);
  const agent = keepAliveAgent(
    { ca: Buffer.from(data.ca), cert: Buffer.from(data.cert), key: Buffer.from(data.key) },
    data.count + 8,
  );
  const errors = new Set<string>();
  const requests: ClientRequest[] = [];
  const namePattern = `"name":"${data.namePrefix}`;
  let closing = false;

  const onLine = (index: number, lastRv: { v: number }, line: string, now: number): void => {
    const c = index * COUNTERS;
    // `{"type":"ADDED","object":{…"name":"<prefix>000123"…"resourceVersion":"456"…}}`
    const at = line.indexOf(namePattern);
    const rvAt = line.indexOf(`"resourceVersion":"`);
    if (!line.startsWith(`{"type":"ADDED"`) || at < 0 || rvAt < 0) {
      Atomics.add(counters, c + C_UNEXPECTED, 1);
      errors.add(`unexpected line: ${line.slice(0, 200)}`);
      return;
    }
    const rv = Number(line.slice(rvAt + 19, line.indexOf('"', rvAt + 19)));
    if (!(rv > lastRv.v)) Atomics.add(counters, c + C_OUT_OF_ORDER, 1);
    lastRv.v = rv;
    const start = at + namePattern.length;
    const name = line.slice(start, line.indexOf('"', start));
    if (name === "warmup") {
      Atomics.store(counters, c + C_WARM, 1);
      return;
    }
    const seq = Number(name);
    if (!Number.isInteger(seq) || seq < 0 || seq >= data.events) {
      Atomics.add(counters, c + C_UNEXPECTED, 1);
      return;
    }
    const slot = index * data.events + seq;
    if (receipts[slot] !== 0) {
      Atomics.add(counters, c + C_DUPLICATES, 1);
      return;
    }
    receipts[slot] = now;
    Atomics.add(counters, c + C_RECEIVED, 1);
  };

  const open = (index: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const path = `${podsPath(data.namespace)}?watch=true&resourceVersion=${data.resourceVersion}`;
      const lastRv = { v: 0 };
      let partial = "";
      const ended = (why: string): void => {
        if (closing) return;
        Atomics.store(counters, index * COUNTERS + C_ENDED, 1);
        errors.add(why);
      };
      const req = request(`${data.baseUrl}${path}`, { agent, headers: { Accept: "application/json" } }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`watch: HTTP ${res.statusCode}`));
          return;
        }
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          const now = performance.timeOrigin + performance.now();
          const text = partial === "" ? chunk : partial + chunk;
          let from = 0;
          for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", from)) {
            if (nl > from) onLine(index, lastRv, text.slice(from, nl), now);
            from = nl + 1;
          }
          partial = from === text.length ? "" : text.slice(from);
        });
        res.on("end", () => ended("the server ended a watch"));
        res.on("error", (e) => ended(`watch stream error: ${e.message}`));
        resolve();
      });
      req.on("error", (e) => {
        ended(`watch request error: ${e.message}`);
        reject(e);
      });
      requests.push(req);
      req.end();
    });

  port.on("message", (message: { type: "stop" }) => {
    if (message.type !== "stop") return;
    closing = true;
    for (const req of requests) req.destroy();
    agent.destroy();
    port.postMessage({ type: "stopped", errors: [...errors].slice(0, 5) } satisfies FromWorker);
  });

  void (async () => {
    // Open in batches of 50 so the TLS handshakes do not all queue at once.
    for (let i = 0; i < data.count; i += 50) {
      const batch: Promise<void>[] = [];
      for (let j = i; j < Math.min(i + 50, data.count); j++) batch.push(open(data.first + j));
      await Promise.all(batch);
    }
  })().then(
    () => port.postMessage({ type: "ready" } satisfies FromWorker),
    (error: unknown) =>
      port.postMessage({
        type: "failed",
        error: error instanceof Error ? error.message : String(error),
      } satisfies FromWorker),
  );
}

if (parentPort !== null) run(workerData as WatchWorkerData, parentPort);
