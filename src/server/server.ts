/**
 * The `skiff server` composition root: datastore → API server behind HTTPS with client-certificate
 * authentication, health and metrics, and the admin kubeconfig. The controller manager and scheduler are
 * wired in here as they arrive.
 */
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { Gauge } from "prom-client";
import { RESOURCES } from "../api/resources/catalog.js";
import { serviceUnavailable } from "../api/status.js";
import { createApiServer, type ApiServer } from "../apiserver/index.js";
import { writeStatus } from "../apiserver/http.js";
import {
  AlwaysAllowAuthenticated,
  ensureClusterPki,
  firstServiceIP,
  tlsServerOptions,
  UnionAuthenticator,
  writeAdminKubeconfig,
  X509Authenticator,
} from "../auth/index.js";
import { openStore, startCompactor, type Store } from "../storage/index.js";
import type { Logger } from "../util/log.js";
import { metricsRegistry } from "../metrics/registry.js";
import { KUBERNETES_VERSION, skiffVersion } from "../cli/version.js";
import { lockDataDir } from "./lock.js";

export interface ServerOptions {
  readonly dataDir: string;
  readonly bindAddress: string;
  readonly port: number;
  readonly datastoreEndpoint: string;
  readonly serviceCidr: string;
  readonly clusterCidr: string;
  readonly log: Logger;
}

export interface RunningServer {
  readonly store: Store;
  /** The API server's URL, e.g. https://127.0.0.1:6443. */
  readonly url: string;
  readonly kubeconfigPath: string;
  /** Milliseconds from start until the API server was ready. */
  readonly startupMs: number;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const started = performance.now();
  const lock = lockDataDir(options.dataDir);
  let store: Store | undefined;
  try {
    const pkiPromise = ensureClusterPki(join(options.dataDir, "tls"), {
      serverNames: [],
      serverIPs: [options.bindAddress],
      serviceIP: firstServiceIP(options.serviceCidr),
    });
    store = await openStore({ endpoint: options.datastoreEndpoint, dataDir: options.dataDir });
    const pki = await pkiPromise;
    return await serve(options, store, pki, lock.release, started);
  } catch (error) {
    await store?.close().catch(() => undefined);
    lock.release();
    throw error;
  }
}

async function serve(
  options: ServerOptions,
  store: Store,
  pki: Awaited<ReturnType<typeof ensureClusterPki>>,
  releaseLock: () => void,
  started: number,
): Promise<RunningServer> {
  const { log } = options;
  const compactor = startCompactor(store, {
    onError: (error) => log.warn({ err: error }, "compaction failed; will retry"),
  });

  // Listen first: the port (which may be 0 in tests) goes into discovery and the kubeconfig.
  const serving: { api?: ApiServer } = {};
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (serving.api) serving.api.handle(req, res);
    else writeStatus(res, serviceUnavailable("the API server is starting"));
  };
  const https: Server = createServer(tlsServerOptions(pki), handle);
  https.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    https.once("error", reject);
    https.listen(options.port, options.bindAddress, () => resolve());
  });
  const { port } = https.address() as AddressInfo;
  const clientHost =
    options.bindAddress === "0.0.0.0" || options.bindAddress === "::" ? "127.0.0.1" : options.bindAddress;
  const url = `https://${clientHost.includes(":") ? `[${clientHost}]` : clientHost}:${port}`;

  const [major, minor] = KUBERNETES_VERSION.slice(1).split(".");
  const api = createApiServer({
    store,
    resources: RESOURCES,
    authenticator: new UnionAuthenticator([new X509Authenticator()]),
    authorizer: new AlwaysAllowAuthenticated(),
    log,
    serverAddress: `${clientHost}:${port}`,
    namespaceLifecycle: true,
    services: { cidr: options.serviceCidr, apiServer: { address: clientHost, port } },
    version: {
      major: major!,
      minor: minor!,
      gitVersion: KUBERNETES_VERSION,
      gitCommit: `skiff-v${skiffVersion()}`,
      gitTreeState: "clean",
      buildDate: "1970-01-01T00:00:00Z",
      goVersion: `node${process.versions.node}`,
      compiler: "skiff",
      platform: `linux/${process.arch === "x64" ? "amd64" : process.arch}`,
    },
    extraHandler: async (_req, res, path) => {
      if (path === "/metrics") {
        const text = await metricsRegistry.metrics();
        res.writeHead(200, { "content-type": metricsRegistry.contentType }).end(text);
        return true;
      }
      return false;
    },
  });
  serving.api = api;
  try {
    await api.ready();
  } catch (error) {
    compactor.stop();
    await api.close();
    https.closeAllConnections();
    await new Promise<void>((resolve) => https.close(() => resolve()));
    throw error;
  }

  const kubeconfigPath = join(options.dataDir, "kubeconfig.yaml");
  await writeAdminKubeconfig(kubeconfigPath, {
    server: url,
    caPem: pki.caCertPem,
    certPem: pki.admin.certPem,
    keyPem: pki.admin.keyPem,
  });

  const revisionGauge = "skiff_storage_revision";
  new Gauge({
    name: revisionGauge,
    help: "The datastore's current revision.",
    registers: [metricsRegistry],
    async collect() {
      this.set(await store.currentRevision());
    },
  });

  const startupMs = Math.round(performance.now() - started);
  log.info({ backend: store.backend, url, startupMs, generatedCertificates: pki.generated }, "API server ready");

  return {
    store,
    url,
    kubeconfigPath,
    startupMs,
    async close() {
      compactor.stop();
      metricsRegistry.removeSingleMetric(revisionGauge);
      const closed = new Promise<void>((resolve) => https.close(() => resolve()));
      await api.close();
      https.closeAllConnections();
      await closed;
      await store.close();
      releaseLock();
    },
  };
}
