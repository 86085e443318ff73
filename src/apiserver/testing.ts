/** Test helper: an API server on plain HTTP loopback over a fresh SQLite store. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { makeTempDir } from "../../test/harness/tmp.js";
import { RESOURCES } from "../api/resources/catalog.js";
import { SqliteStore } from "../storage/sqlite/index.js";
import type { Store } from "../storage/types.js";
import { logger } from "../util/log.js";
import { createApiServer, type ApiServer, type ApiServerOptions } from "./index.js";

export interface TestApiServer {
  readonly url: string;
  readonly api: ApiServer;
  readonly store: Store;
  readonly dir: string;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** A JSON request body for `fetch`. */
export function jsonBody(body: unknown, method = "POST", type = "application/json"): RequestInit {
  return {
    method,
    headers: { "Content-Type": type },
    body: typeof body === "string" ? body : JSON.stringify(body),
  };
}

/** `extra.store` replaces the SQLite store (the caller closes it after `close()`; here it is closed too). */
export async function startTestApiServer(extra: Partial<ApiServerOptions> = {}): Promise<TestApiServer> {
  const tmp = await makeTempDir("apiserver");
  const store = extra.store ?? (await SqliteStore.open({ file: join(tmp.path, "state.db"), progressIntervalMs: 20 }));
  const api = createApiServer({
    resources: RESOURCES,
    log: logger("apiserver-test"),
    version: { major: "1", minor: "31", gitVersion: "v1.31.0" },
    watch: { bookmarkIntervalMs: 200 },
    ...extra,
    store,
  });
  const server: Server = createServer((req, res) => api.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  await api.ready();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    api,
    store,
    dir: tmp.path,
    fetch: (path, init) => fetch(`${url}${path}`, init),
    async close() {
      await api.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await store.close();
      await tmp.remove();
    },
  };
}
