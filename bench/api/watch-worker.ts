/**
 * bench:api watch fan-out, the receiving side: a worker thread holding a slice of the watch streams, so
 * reading them does not share an event loop with the writer. For each stream and event it stores the receipt
 * time (performance.timeOrigin + now(), comparable across threads) in a shared Float64Array and keeps
 * per-stream counters in a shared Int32Array; the main thread computes latencies and the exactly-once check.
 */
import { performance } from "node:perf_hooks";
import type { ConnectOpts } from "node:net";
import { connect, type ConnectionOptions, type TLSSocket } from "node:tls";
import { parentPort, workerData } from "node:worker_threads";
import { ChunkedLines } from "./chunked-lines.js";
import { podsPath } from "./client.js";

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
  const base = new URL(data.baseUrl);
  const tlsOptions = { ca: Buffer.from(data.ca), cert: Buffer.from(data.cert), key: Buffer.from(data.key) };
  const request = Buffer.from(
    `GET ${podsPath(data.namespace)}?watch=true&resourceVersion=${data.resourceVersion} HTTP/1.1\r\n` +
      `Host: ${base.host}\r\nAccept: application/json\r\n\r\n`,
  );
  const errors = new Set<string>();
  const sockets: TLSSocket[] = [];
  const namePattern = Buffer.from(`"name":"${data.namePrefix}`);
  const rvPattern = Buffer.from(`"resourceVersion":"`);
  const added = Buffer.from(`{"type":"ADDED"`);
  const warmup = Buffer.from("warmup");
  /** Every stream's reads land here (`onread`): each is parsed before the next read. */
  const readBuffer = Buffer.allocUnsafe(64 * 1024);
  let closing = false;

  /** The decimal digits at `buffer[at…]` up to the next `"`; -1 if there are none or something else. */
  const digits = (buffer: Buffer, at: number, end: number): number => {
    let n = 0;
    let i = at;
    for (; i < end && buffer[i] !== 0x22; i++) {
      const d = buffer[i]! - 0x30;
      if (d < 0 || d > 9) return -1;
      n = n * 10 + d;
    }
    return i === at || i === end ? -1 : n;
  };

  // `{"type":"ADDED","object":{…"name":"<prefix>000123"…"resourceVersion":"456"…}}`
  const onLine = (
    index: number,
    lastRv: { v: number },
    line: Buffer,
    start: number,
    end: number,
    now: number,
  ): void => {
    const c = index * COUNTERS;
    const at = line.indexOf(namePattern, start);
    const rvAt = line.indexOf(rvPattern, start);
    if (
      line.compare(added, 0, added.length, start, start + added.length) !== 0 ||
      at < 0 ||
      at >= end ||
      rvAt < 0 ||
      rvAt >= end
    ) {
      Atomics.add(counters, c + C_UNEXPECTED, 1);
      errors.add(`unexpected line: ${line.toString("utf8", start, Math.min(end, start + 200))}`);
      return;
    }
    const rv = digits(line, rvAt + rvPattern.length, end);
    if (!(rv > lastRv.v)) Atomics.add(counters, c + C_OUT_OF_ORDER, 1);
    lastRv.v = rv;
    const nameAt = at + namePattern.length;
    if (
      line.compare(warmup, 0, warmup.length, nameAt, nameAt + warmup.length) === 0 &&
      line[nameAt + warmup.length] === 0x22
    ) {
      Atomics.store(counters, c + C_WARM, 1);
      return;
    }
    const seq = digits(line, nameAt, end);
    if (seq < 0 || seq >= data.events) {
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
      const lastRv = { v: 0 };
      let now = 0;
      let answered = false;
      const ended = (why: string): void => {
        if (closing) return;
        Atomics.store(counters, index * COUNTERS + C_ENDED, 1);
        errors.add(why);
        if (!answered) reject(new Error(why));
      };
      const body = new ChunkedLines((line, start, end) => onLine(index, lastRv, line, start, end, now));
      const onData = (length: number): boolean => {
        now = performance.timeOrigin + performance.now();
        try {
          body.push(readBuffer.subarray(0, length));
        } catch (error) {
          ended(`watch stream: ${error instanceof Error ? error.message : String(error)}`);
          socket.destroy();
          return false;
        }
        if (!answered && body.status !== 0) {
          answered = true;
          if (body.status === 200) resolve();
          else reject(new Error(`watch: HTTP ${body.status}`));
        }
        if (body.done) ended("the server ended a watch");
        return true;
      };
      // `onread`: decrypted bytes land in one reused buffer, bypassing the socket's stream machinery.
      const options: ConnectionOptions & ConnectOpts = {
        host: base.hostname,
        port: Number(base.port),
        ...tlsOptions,
        onread: { buffer: readBuffer, callback: onData },
      };
      const socket = connect(options, () => socket.write(request));
      sockets.push(socket);
      socket.on("end", () => ended("the server ended a watch"));
      socket.on("error", (e) => ended(`watch stream error: ${e.message}`));
    });

  port.on("message", (message: { type: "stop" }) => {
    if (message.type !== "stop") return;
    closing = true;
    for (const socket of sockets) socket.destroy();
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
