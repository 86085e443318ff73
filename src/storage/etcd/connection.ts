/**
 * gRPC channels to the etcd endpoints: one channel per endpoint shared by the KV and Watch clients, unary
 * calls with a deadline and typed errors, and failover to the next endpoint after a connection failure.
 * Writes are never retried (a lost reply does not mean the write was not applied); reads may be retried on
 * the next endpoint.
 */
import { StorageError } from "../errors.js";
import { GrpcChannel, GrpcError, GrpcStatus, type GrpcStream } from "./grpc.js";
import { toStorageError } from "./grpc-errors.js";
import { toNumber, type ResponseHeader } from "./wire.js";
import { KV, WATCH, type KVMethods, type Method } from "./proto.js";

type Request<M extends keyof KVMethods> = Parameters<KVMethods[M]["encode"]>[0];
type Response<M extends keyof KVMethods> = ReturnType<KVMethods[M]["decode"]>;

export interface CallOptions {
  /** Defaults to the connection's request timeout. */
  readonly timeoutMs?: number;
  /** Safe to send again to another endpoint after a connection failure (reads). */
  readonly idempotent?: boolean;
  /** Retry connection failures until the timeout instead of failing fast (only for `open`). */
  readonly waitForReady?: boolean;
}

interface Member {
  readonly target: string;
  readonly channel: GrpcChannel;
}

const RETRY_WHILE_WAITING_MS = 200;

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
    this.members = urls.map((url) => ({ target: url.host, channel: new GrpcChannel(url.origin) }));
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
    const revision = toNumber(header?.revision);
    if (revision > this.seen) this.seen = revision;
  }

  /** The endpoint calls currently go to, for messages. */
  get target(): string {
    return this.member().target;
  }

  async kv<M extends keyof KVMethods>(method: M, request: Request<M>, options: CallOptions = {}): Promise<Response<M>> {
    const timeoutMs = options.timeoutMs ?? this.requestTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    const codec = KV[method] as Method<Request<M>, Response<M>>;
    const message = codec.encode(request);
    let attempts = options.idempotent || options.waitForReady ? this.members.length : 1;
    let last: StorageError | undefined;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (this.closed) throw closedError();
      const index = this.current;
      try {
        const left = Math.max(1, deadline - Date.now());
        const response = codec.decode(await this.member().channel.unary(codec.path, message, left));
        this.observe((response as { header?: ResponseHeader | null }).header);
        return response;
      } catch (error) {
        if (this.closed) throw closedError(error);
        last = toStorageError(error);
        if (last.code !== "Unavailable") throw last;
        this.failedOver(index);
        const deadlineExceeded = error instanceof GrpcError && error.code === GrpcStatus.DEADLINE_EXCEEDED;
        if (options.waitForReady && !deadlineExceeded && Date.now() + RETRY_WHILE_WAITING_MS < deadline) {
          await new Promise((resolve) => setTimeout(resolve, RETRY_WHILE_WAITING_MS));
          attempts++; // keep trying until the deadline
        }
      }
    }
    throw last ?? new StorageError("Unavailable", "etcd call was not attempted");
  }

  /** A new bidirectional Watch stream on the current endpoint (messages encoded with proto.ts's WATCH). */
  watchStream(): GrpcStream {
    if (this.closed) throw closedError();
    return this.member().channel.stream(WATCH.path);
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
