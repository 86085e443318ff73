/**
 * The `skiff server` composition root: opens the datastore, keeps it compacted, and serves health and
 * metrics. The API server, controller manager and scheduler are wired in here as they arrive.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Gauge } from "prom-client";
import { openStore, startCompactor, type Store } from "../storage/index.js";
import type { Logger } from "../util/log.js";
import { metricsRegistry } from "../metrics/registry.js";
import { serveHealth, type HealthCheck } from "./health.js";
import { KUBERNETES_VERSION, skiffVersion } from "../cli/version.js";

export interface ServerOptions {
  readonly dataDir: string;
  readonly bindAddress: string;
  readonly port: number;
  readonly datastoreEndpoint: string;
  readonly log: Logger;
}

export interface RunningServer {
  readonly store: Store;
  /** The URL the server answers on. */
  readonly url: string;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { log } = options;
  const started = performance.now();
  const store = await openStore({ endpoint: options.datastoreEndpoint, dataDir: options.dataDir });
  const compactor = startCompactor(store, {
    onError: (error) => log.warn({ err: error }, "compaction failed; will retry"),
  });
  new Gauge({
    name: "skiff_storage_revision",
    help: "The datastore's current revision.",
    registers: [metricsRegistry],
    async collect() {
      this.set(await store.currentRevision());
    },
  });

  const datastoreCheck: HealthCheck = {
    name: store.backend === "etcd" ? "etcd" : "datastore",
    async check() {
      const report = await store.health();
      return report.healthy ? undefined : (report.message ?? "unhealthy");
    },
  };
  const checks: HealthCheck[] = [{ name: "ping", check: async () => undefined }, datastoreCheck];

  const http: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const endpoint = path.split("/")[1];
    if (endpoint === "healthz" || endpoint === "livez" || endpoint === "readyz") {
      void serveHealth(endpoint, checks, req, res);
    } else if (path === "/metrics") {
      metricsRegistry.metrics().then(
        (text) => res.writeHead(200, { "content-type": metricsRegistry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
    } else if (path === "/version") {
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ gitVersion: KUBERNETES_VERSION, skiffVersion: skiffVersion(), platform: "linux/amd64" }));
    } else {
      res.writeHead(404, { "content-type": "text/plain" }).end("404 page not found\n");
    }
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(options.port, options.bindAddress, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const url = `http://${options.bindAddress}:${port}`;
  log.info(
    { backend: store.backend, url, startupMs: Math.round(performance.now() - started) },
    "datastore skeleton ready",
  );

  return {
    store,
    url,
    async close() {
      compactor.stop();
      metricsRegistry.removeSingleMetric("skiff_storage_revision");
      await new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await store.close();
    },
  };
}
