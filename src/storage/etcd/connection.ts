/**
 * gRPC channels to the etcd endpoints: one channel per endpoint shared by the KV and Watch clients, unary
 * calls with a deadline and typed errors, and failover to the next endpoint after a connection failure.
 * Writes are never retried (a lost reply does not mean the write was not applied); reads may be retried on
 * the next endpoint.
 */
import * as grpc from "@grpc/grpc-js";
import { StorageError } from "../errors.js";
import { toStorageError } from "./grpc-errors.js";
import type { ResponseHeader } from "./wire.js";
import { KV, Watch, type KVClient, type KVMethods, type WatchClient, type WatchStream } from "./proto.js";

export interface CallOptions {
  /** Defaults to the connection's request timeout. */
  readonly timeoutMs?: number;
  /** Safe to send again to another endpoint after a connection failure (reads). */
  readonly idempotent?: boolean;
  /** Wait for a connection instead of failing fast while etcd is unreachable (only for `open`). */
  readonly waitForReady?: boolean;
}

interface Member {
  readonly target: string;
  readonly channel: grpc.Channel;
  readonly kv: KVClient;
  readonly watch: WatchClient;
}

const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  // Lists can be large; etcd's own client accepts up to 2 GiB.
  "grpc.max_receive_message_length": -1,
  "grpc.max_send_message_length": -1,
  // grpc-js backs off up to 120s between reconnects by default: after an etcd restart calls would keep
  // failing long after it is back.
  "grpc.initial_reconnect_backoff_ms": 200,
  "grpc.max_reconnect_backoff_ms": 2000,
  // Notice a silently dead connection (etcd's default policy allows pings every 5s or more).
  "grpc.keepalive_time_ms": 15_000,
  "grpc.keepalive_timeout_ms": 5_000,
};

export function closedError(cause?: unknown): StorageError {
  return new StorageError("Closed", "the etcd store is closed", cause === undefined ? {} : { cause });
}

export class Connection {
  private readonly members: Member[];
  private current = 0;
  private closed = false;
  private seen = 0;

  constructor(
    endpoints: readonly string[],
    private readonly requestTimeoutMs: number,
  ) {
    if (endpoints.length === 0) throw new StorageError("Unavailable", "no etcd endpoints given");
    const urls = endpoints.map(parseEndpoint);
    const secure = urls.filter((u) => u.protocol === "https:").length;
    if (secure !== 0 && secure !== urls.length) {
      throw new StorageError("Unavailable", "etcd endpoints mix http:// and https://");
    }
    const credentials = secure ? grpc.credentials.createSsl() : grpc.credentials.createInsecure();
    this.members = urls.map((url) => {
      const channel = new grpc.Channel(url.host, credentials, CHANNEL_OPTIONS);
      const options = { channelOverride: channel };
      return {
        target: url.host,
        channel,
        kv: new KV(url.host, credentials, options),
        watch: new Watch(url.host, credentials, options),
      };
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The highest etcd revision any answer has shown so far (etcd's numbering: 1 before the first write). */
  get seenRevision(): number {
    return this.seen;
  }

  /** Note the revision in an answer's header. */
  observe(header: ResponseHeader | null | undefined): void {
    const revision = Number(header?.revision ?? 0);
    if (revision > this.seen) this.seen = revision;
  }

  /** The endpoint calls currently go to, for messages. */
  get target(): string {
    return this.member().target;
  }

  async kv<M extends keyof KVMethods>(
    method: M,
    request: KVMethods[M][0],
    options: CallOptions = {},
  ): Promise<KVMethods[M][1]> {
    const attempts = options.idempotent ? this.members.length : 1;
    let last: StorageError | undefined;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (this.closed) throw closedError();
      const index = this.current;
      try {
        const deadline = Date.now() + (options.timeoutMs ?? this.requestTimeoutMs);
        const response = await unary(this.member().kv, method, request, deadline, options.waitForReady ?? false);
        this.observe((response as { header?: ResponseHeader }).header);
        return response;
      } catch (error) {
        if (this.closed) throw closedError(error);
        last = toStorageError(error);
        if (last.code !== "Unavailable") throw last;
        this.failedOver(index);
      }
    }
    throw last ?? new StorageError("Unavailable", "etcd call was not attempted");
  }

  /** A new bidirectional Watch stream on the current endpoint. */
  watchStream(): WatchStream {
    if (this.closed) throw closedError();
    return this.member().watch.Watch(new grpc.Metadata());
  }

  /** The member at `index` failed with a connection error: send the next calls to the next endpoint. */
  failedOver(index: number = this.current): void {
    if (this.current === index) this.current = (index + 1) % this.members.length;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const member of this.members) member.channel.close();
  }

  private member(): Member {
    return this.members[this.current % this.members.length]!;
  }
}

function parseEndpoint(endpoint: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.host === "") {
    throw new StorageError("Unavailable", `etcd endpoint ${JSON.stringify(endpoint)} is not http(s)://host:port`);
  }
  return url;
}

function unary<M extends keyof KVMethods>(
  client: KVClient,
  method: M,
  request: KVMethods[M][0],
  deadline: number,
  waitForReady: boolean,
): Promise<KVMethods[M][1]> {
  // The three methods share one signature shape; TypeScript cannot correlate `M` across the union.
  const fn = client[method].bind(client) as KVClient["Range"] as unknown as (
    request: KVMethods[M][0],
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: (error: grpc.ServiceError | null, response?: KVMethods[M][1]) => void,
  ) => grpc.ClientUnaryCall;
  return new Promise((resolve, reject) => {
    fn(request, new grpc.Metadata({ waitForReady }), { deadline }, (error, response) => {
      if (error) reject(error);
      else if (response === undefined) reject(new StorageError("Unavailable", `etcd ${method} returned nothing`));
      else resolve(response);
    });
  });
}
