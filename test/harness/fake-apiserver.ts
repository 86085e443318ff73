/**
 * A fake API server for tests that drive a real client (kubectl) without a real `skiff server`: a throw-away
 * HTTP server on 127.0.0.1 that answers /version, discovery built by src/api/discovery (from the catalog or a
 * registry the test gives), the test's own handlers, and a NotFound Status for everything else. Every request
 * is logged (method, URL, path, query, headers, raw body) together with how it was answered.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DiscoveryResponder } from "../../src/api/discovery/respond.js";
import type { ResourceRegistry } from "../../src/api/resources/registry.js";

/** What a handler answers. */
export interface Reply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
}

/** A JSON reply (Content-Type application/json unless given). */
export function jsonReply(status: number, value: unknown, contentType = "application/json"): Reply {
  return { status, headers: { "Content-Type": contentType }, body: JSON.stringify(value) };
}

/** Which part of the server answered a request. */
export type AnsweredBy = "version" | "route" | "discovery" | "handler" | "not-found";

export interface RecordedRequest {
  readonly method: string;
  /** The request target as sent, query string included. */
  readonly url: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The request's Content-Type, "" when it has none. */
  readonly contentType: string;
  /** The raw request body. */
  readonly body: Buffer;
  /** How it was answered; set when the reply is sent. */
  answer?: { readonly by: AnsweredBy; readonly status: number; readonly contentType: string };
}

/** Answers a request, or returns undefined to leave it to the next step. */
export type Handler = (request: RecordedRequest) => Reply | undefined;

/**
 * "aggregated": discovery as the API server serves it (aggregated v2/v2beta1 to clients that ask for it in
 * Accept, legacy otherwise); "legacy": legacy documents whatever the client asks for (the fallback clients take
 * against old servers); "none": no discovery.
 */
export type DiscoveryMode = "aggregated" | "legacy" | "none";

export interface FakeApiServerOptions {
  /** The minor /version reports ("33" → v1.33.0); the kubectl dispatcher on PATH runs kubectl.1.<minor>. */
  readonly minor?: string;
  /** Default "aggregated"; can be changed later through `FakeApiServer.discovery`. */
  readonly discovery?: DiscoveryMode;
  /** The resources discovery publishes; default the built-in catalog. */
  readonly registry?: ResourceRegistry;
  /** Handlers by exact path (no query string), tried before discovery. */
  readonly routes?: Readonly<Record<string, Handler>>;
  /** Tried for whatever neither a route nor discovery answered; then 404. */
  readonly handle?: Handler;
}

export interface FakeApiServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** Every request so far, oldest first (empty it with `requests.length = 0`). */
  readonly requests: RecordedRequest[];
  discovery: DiscoveryMode;
  close(): Promise<void>;
}

const NOT_FOUND = { kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404 };

export async function startFakeApiServer(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  const minor = options.minor ?? "33";
  const requests: RecordedRequest[] = [];
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const discovery = new DiscoveryResponder({
    serverAddress: `127.0.0.1:${port}`,
    ...(options.registry ? { registry: options.registry } : {}),
  });
  const fake: FakeApiServer = {
    url: `http://127.0.0.1:${port}`,
    requests,
    discovery: options.discovery ?? "aggregated",
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  function answer(request: RecordedRequest, mode: DiscoveryMode): [AnsweredBy, Reply] {
    if (request.path === "/version") {
      const version = { major: "1", minor, gitVersion: `v1.${minor}.0`, platform: "linux/amd64" };
      return ["version", jsonReply(200, version)];
    }
    const routed = options.routes?.[request.path]?.(request);
    if (routed) return ["route", routed];
    if (mode !== "none" && request.method === "GET") {
      const accept = mode === "legacy" ? "application/json" : request.headers.accept;
      const doc = discovery.respond(request.path, accept, request.headers["if-none-match"]);
      if (doc) return ["discovery", doc];
    }
    const handled = options.handle?.(request);
    if (handled) return ["handler", handled];
    return ["not-found", jsonReply(404, NOT_FOUND)];
  }

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const request: RecordedRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        contentType: req.headers["content-type"] ?? "",
        body: Buffer.concat(chunks),
      };
      requests.push(request);
      let by: AnsweredBy;
      let reply: Reply;
      try {
        [by, reply] = answer(request, fake.discovery);
      } catch (e) {
        by = "handler";
        reply = jsonReply(500, { kind: "Status", apiVersion: "v1", status: "Failure", message: String(e), code: 500 });
      }
      request.answer = { by, status: reply.status, contentType: reply.headers?.["Content-Type"] ?? "" };
      res.writeHead(reply.status, { ...reply.headers });
      res.end(reply.body ?? "");
    });
  });
  return fake;
}
