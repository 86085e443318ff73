/**
 * The REST client: typed calls for any resource over node:http(s) with keep-alive agents, JSON in and out,
 * failures as `StatusError` values, and watches as async iterables of JSON-line events.
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { Status } from "kubernetes-types/meta/v1.js";
import { internalError, serviceUnavailable, StatusError, type StatusReason } from "../api/status.js";
import type {
  Client,
  DeleteOptions,
  KubeObject,
  ListOptions,
  ObjectList,
  PatchOptions,
  PatchType,
  Resource,
  ResourceClient,
  WatchEvent,
  WatchOptions,
  WriteOptions,
} from "./types.js";

export interface ClientOptions {
  /** Base URL of the API server, e.g. "https://127.0.0.1:6443". */
  readonly url: string;
  /** Sent as User-Agent; its part before the first "/" is the default field manager. */
  readonly userAgent: string;
  /** PEM contents (not paths) of the CA bundle, client certificate and key. */
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  /** Bearer token. */
  readonly token?: string;
  /** Connections per server for ordinary requests (default 64); watches use their own unlimited agent. */
  readonly maxSockets?: number;
  /** Skip server certificate verification (kubeconfig insecure-skip-tls-verify). */
  readonly insecureSkipTLSVerify?: boolean;
  /** Connect through this Unix socket instead of the URL's host and port (the server's loopback listener). */
  readonly socketPath?: string;
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  json: "application/json-patch+json",
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
  apply: "application/apply-patch+yaml",
};

const JSON_TYPE = "application/json";

/** Builds a query string ("" or "?a=b&c=d") from defined values. */
function query(params: Record<string, string | number | boolean | undefined>): string {
  let out = "";
  for (const name in params) {
    const value = params[name];
    if (value === undefined || value === "") continue;
    out += (out === "" ? "?" : "&") + name + "=" + encodeURIComponent(String(value));
  }
  return out;
}

function statusFromBody(code: number, text: string): StatusError {
  try {
    const parsed = JSON.parse(text) as Partial<Status>;
    if (parsed && parsed.kind === "Status") {
      return new StatusError({
        ...parsed,
        code: parsed.code ?? code,
        reason: (parsed.reason ?? reasonForCode(code)) as StatusReason,
        message: parsed.message ?? `the server responded with status ${code}`,
      });
    }
  } catch {
    // Not JSON: fall through to a generic status for the code.
  }
  return new StatusError({
    code,
    reason: reasonForCode(code),
    message: text.length > 0 && text.length < 1024 ? text.trim() : `the server responded with status ${code}`,
  });
}

/** Upstream's reasonForCode (k8s.io/apimachinery/pkg/api/errors.NewGenericServerResponse). */
function reasonForCode(code: number): StatusReason {
  switch (code) {
    case 400:
      return "BadRequest";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 405:
      return "MethodNotAllowed";
    case 406:
      return "NotAcceptable";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 413:
      return "RequestEntityTooLarge";
    case 415:
      return "UnsupportedMediaType";
    case 422:
      return "Invalid";
    case 429:
      return "TooManyRequests";
    case 503:
      return "ServiceUnavailable";
    case 504:
      return "Timeout";
    default:
      return "InternalError";
  }
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on("data", (chunk: Buffer) => chunks.push(chunk));
    res.on("end", () => resolve(chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString()));
    res.on("error", reject);
    res.on("aborted", () => reject(new Error("response aborted")));
  });
}

class RestClient implements Client {
  readonly userAgent: string;
  readonly fieldManager: string;
  private readonly agent: HttpAgent;
  private readonly watchAgent: HttpAgent;
  private readonly send: typeof httpRequest;
  /** Where requests go: the URL's host and port, or a Unix socket. */
  private readonly target: { hostname: string; port: string } | { socketPath: string };
  private readonly basePath: string;
  private readonly headers: Record<string, string>;
  private readonly watches = new Set<ClientRequest>();
  /** One ResourceClient per Resource constant: components call `resource(pods)` on every request. */
  private readonly resourceClients = new WeakMap<Resource, ResourceClient<KubeObject>>();
  private closed = false;

  constructor(options: ClientOptions) {
    const url = new URL(options.url);
    const https = url.protocol === "https:";
    this.userAgent = options.userAgent;
    const slash = options.userAgent.indexOf("/");
    this.fieldManager = slash < 0 ? options.userAgent : options.userAgent.slice(0, slash);
    const tls = https
      ? {
          ca: options.ca,
          cert: options.cert,
          key: options.key,
          rejectUnauthorized: !options.insecureSkipTLSVerify,
        }
      : {};
    const AgentClass = https ? HttpsAgent : HttpAgent;
    this.agent = new AgentClass({ keepAlive: true, maxSockets: options.maxSockets ?? 64, ...tls });
    this.watchAgent = new AgentClass({ keepAlive: true, ...tls });
    this.send = https ? (httpsRequest as typeof httpRequest) : httpRequest;
    const hostname = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
    this.target = options.socketPath
      ? { socketPath: options.socketPath }
      : { hostname, port: url.port || (https ? "443" : "80") };
    this.basePath = url.pathname.replace(/\/+$/, "");
    this.headers = { Accept: JSON_TYPE, "User-Agent": options.userAgent };
    if (options.token) this.headers.Authorization = `Bearer ${options.token}`;
  }

  resource<T extends KubeObject>(resource: Resource<T>): ResourceClient<T> {
    let client = this.resourceClients.get(resource) as ResourceClient<T> | undefined;
    if (!client) {
      client = new RestResourceClient<T>(this, resource);
      this.resourceClients.set(resource, client as unknown as ResourceClient<KubeObject>);
    }
    return client;
  }

  request<R>(method: Method, path: string, body?: unknown): Promise<R> {
    return this.call<R>(method, path, body, body === undefined ? undefined : JSON_TYPE);
  }

  /** One JSON request: resolves with the parsed body (undefined when empty), rejects with StatusError. */
  call<R>(method: Method, path: string, body: unknown, contentType: string | undefined): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let payload: string | undefined;
      let headers = this.headers;
      if (body !== undefined) {
        payload = JSON.stringify(body);
        headers = {
          ...this.headers,
          "Content-Type": contentType ?? JSON_TYPE,
          "Content-Length": String(Buffer.byteLength(payload)),
        };
      }
      const req = this.send(
        { agent: this.agent, ...this.target, path: this.basePath + path, method, headers },
        (res) => {
          readBody(res).then(
            (text) => {
              const code = res.statusCode ?? 0;
              if (code < 200 || code >= 300) return reject(statusFromBody(code, text));
              if (text.length === 0) return resolve(undefined as R);
              try {
                resolve(JSON.parse(text) as R);
              } catch (e) {
                reject(internalError(`unparseable response body for ${method} ${path}: ${(e as Error).message}`));
              }
            },
            (e: Error) => reject(serviceUnavailable(`${method} ${path}: ${e.message}`)),
          );
        },
      );
      req.on("error", (e) => reject(serviceUnavailable(`${method} ${path}: ${e.message}`)));
      req.end(payload);
    });
  }

  /** A streaming GET of JSON-line watch events. */
  async *watchStream<T>(path: string, signal: AbortSignal | undefined): AsyncGenerator<WatchEvent<T>> {
    if (signal?.aborted || this.closed) return;
    const req = this.send({
      agent: this.watchAgent,
      ...this.target,
      path: this.basePath + path,
      method: "GET",
      headers: this.headers,
    });
    this.watches.add(req);
    let transportError: Error | undefined;
    let destroyed = false;
    const destroy = (): void => {
      destroyed = true;
      req.destroy();
    };
    signal?.addEventListener("abort", destroy, { once: true });
    req.on("error", (e) => {
      transportError ??= e;
    });
    try {
      const res = await new Promise<IncomingMessage | undefined>((resolve) => {
        req.once("response", resolve);
        req.once("close", () => resolve(undefined));
        req.end();
      });
      if (res === undefined) {
        if (destroyed || this.closed) return;
        throw serviceUnavailable(`watch ${path}: ${transportError?.message ?? "connection closed"}`);
      }
      res.on("error", (e) => {
        transportError ??= e;
      });
      const code = res.statusCode ?? 0;
      if (code < 200 || code >= 300) {
        const text = await readBody(res).catch(() => "");
        throw statusFromBody(code, text);
      }
      res.setEncoding("utf8");
      let pending = "";
      try {
        for await (const chunk of res as AsyncIterable<string>) {
          let start = 0;
          let newline = chunk.indexOf("\n");
          if (newline < 0) {
            pending += chunk;
            continue;
          }
          let line = pending + chunk.slice(0, newline);
          pending = "";
          for (;;) {
            if (line.length > 0) {
              let event: WatchEvent<T>;
              try {
                event = JSON.parse(line) as WatchEvent<T>;
              } catch (e) {
                throw internalError(`watch ${path}: unparseable event: ${(e as Error).message}`);
              }
              yield event;
              if (event.type === "ERROR") return;
            }
            start = newline + 1;
            newline = chunk.indexOf("\n", start);
            if (newline < 0) break;
            line = chunk.slice(start, newline);
          }
          pending = chunk.slice(start);
        }
      } catch (e) {
        if (e instanceof StatusError) throw e;
        if (destroyed || this.closed) return;
        throw serviceUnavailable(`watch ${path}: ${(e as Error).message}`);
      }
      if (pending.trim().length > 0) {
        let event: WatchEvent<T>;
        try {
          event = JSON.parse(pending) as WatchEvent<T>;
        } catch {
          return; // a truncated trailing line on disconnect
        }
        yield event;
      }
    } finally {
      signal?.removeEventListener("abort", destroy);
      this.watches.delete(req);
      if (!req.destroyed) req.destroy();
    }
  }

  close(): void {
    this.closed = true;
    for (const req of this.watches) req.destroy();
    this.watches.clear();
    this.agent.destroy();
    this.watchAgent.destroy();
  }
}

function deleteBody(options: DeleteOptions | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = { kind: "DeleteOptions", apiVersion: "v1" };
  if (!options) return body;
  if (options.propagationPolicy) body.propagationPolicy = options.propagationPolicy;
  if (options.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = options.gracePeriodSeconds;
  if (options.preconditions) body.preconditions = options.preconditions;
  if (options.dryRun) body.dryRun = ["All"];
  return body;
}

class RestResourceClient<T extends KubeObject> implements ResourceClient<T> {
  /** "/api/v1" or "/apis/GROUP/VERSION". */
  private readonly prefix: string;
  /** The cluster-wide collection path (also used for namespaced resources listed across namespaces). */
  private readonly clusterCollection: string;

  constructor(
    private readonly client: RestClient,
    private readonly resource: Resource<T>,
  ) {
    this.prefix = resource.group === "" ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`;
    this.clusterCollection = `${this.prefix}/${resource.resource}`;
  }

  private collection(namespace: string | undefined): string {
    if (!this.resource.namespaced || !namespace) return this.clusterCollection;
    return `${this.prefix}/namespaces/${namespace}/${this.resource.resource}`;
  }

  private item(namespace: string | undefined, name: string, subresource?: string): string {
    const path = `${this.collection(namespace)}/${encodeURIComponent(name)}`;
    return subresource ? `${path}/${subresource}` : path;
  }

  private writeQuery(options: WriteOptions | undefined, force?: boolean): string {
    return query({
      dryRun: options?.dryRun ? "All" : undefined,
      fieldManager: options?.fieldManager ?? this.client.fieldManager,
      force,
    });
  }

  get(namespace: string | undefined, name: string): Promise<T> {
    return this.client.call<T>("GET", this.item(namespace, name), undefined, undefined);
  }

  list(namespace: string | undefined, options?: ListOptions): Promise<ObjectList<T>> {
    const q = options
      ? query({
          labelSelector: options.labelSelector,
          fieldSelector: options.fieldSelector,
          limit: options.limit,
          continue: options.continue,
          resourceVersion: options.resourceVersion,
          resourceVersionMatch: options.resourceVersionMatch,
        })
      : "";
    return this.client.call<ObjectList<T>>("GET", this.collection(namespace) + q, undefined, undefined);
  }

  async listAll(namespace: string | undefined, options?: ListOptions): Promise<ObjectList<T>> {
    const limit = options?.limit ?? 500;
    const first = await this.list(namespace, { ...options, limit, continue: undefined });
    let token = first.metadata.continue;
    if (!token) return first;
    const items = first.items;
    try {
      while (token) {
        const page = await this.list(namespace, {
          labelSelector: options?.labelSelector,
          fieldSelector: options?.fieldSelector,
          limit,
          continue: token,
        });
        for (const item of page.items) items.push(item);
        token = page.metadata.continue;
      }
    } catch (e) {
      // The continue token expired (410): upstream's pager falls back to one full list.
      if (e instanceof StatusError && e.code === 410) {
        return this.list(namespace, { ...options, limit: undefined, continue: undefined });
      }
      throw e;
    }
    return { ...first, metadata: { resourceVersion: first.metadata.resourceVersion }, items };
  }

  watch(namespace: string | undefined, options?: WatchOptions): AsyncIterable<WatchEvent<T>> {
    const q = query({
      watch: 1,
      labelSelector: options?.labelSelector,
      fieldSelector: options?.fieldSelector,
      resourceVersion: options?.resourceVersion,
      allowWatchBookmarks: options?.allowWatchBookmarks ? "true" : undefined,
      timeoutSeconds: options?.timeoutSeconds,
    });
    return this.client.watchStream<T>(this.collection(namespace) + q, options?.signal);
  }

  create(object: T, options?: WriteOptions): Promise<T> {
    const namespace = object.metadata?.namespace;
    const path = options?.subresource
      ? this.item(namespace, object.metadata?.name ?? "", options.subresource)
      : this.collection(namespace);
    return this.client.call<T>("POST", path + this.writeQuery(options), object, JSON_TYPE);
  }

  update(object: T, options?: WriteOptions): Promise<T> {
    const path = this.item(object.metadata?.namespace, object.metadata?.name ?? "", options?.subresource);
    return this.client.call<T>("PUT", path + this.writeQuery(options), object, JSON_TYPE);
  }

  updateStatus(object: T, options?: WriteOptions): Promise<T> {
    return this.update(object, { ...options, subresource: "status" });
  }

  patch(namespace: string | undefined, name: string, type: PatchType, patch: unknown, options?: PatchOptions) {
    const path = this.item(namespace, name, options?.subresource);
    const q = this.writeQuery(options, type === "apply" && options?.force ? true : undefined);
    return this.client.call<T>("PATCH", path + q, patch, PATCH_CONTENT_TYPES[type]);
  }

  createSubresource<B extends KubeObject, R = Status>(
    namespace: string | undefined,
    name: string,
    subresource: string,
    body: B,
    options?: WriteOptions,
  ): Promise<R> {
    const path = this.item(namespace, name, subresource);
    return this.client.call<R>("POST", path + this.writeQuery(options), body, JSON_TYPE);
  }

  delete(namespace: string | undefined, name: string, options?: DeleteOptions): Promise<T | Status> {
    return this.client.call<T | Status>("DELETE", this.item(namespace, name), deleteBody(options), JSON_TYPE);
  }

  async deleteCollection(namespace: string | undefined, list?: ListOptions, options?: DeleteOptions): Promise<void> {
    const q = query({ labelSelector: list?.labelSelector, fieldSelector: list?.fieldSelector });
    await this.client.call<unknown>("DELETE", this.collection(namespace) + q, deleteBody(options), JSON_TYPE);
  }
}

/** A client for the API server at `options.url`. */
export function createClient(options: ClientOptions): Client {
  return new RestClient(options);
}
