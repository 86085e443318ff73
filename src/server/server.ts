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
import { isStatusError, serviceUnavailable } from "../api/status.js";
import { createApiServer, type ApiServer } from "../apiserver/index.js";
import { writeStatus } from "../apiserver/http.js";
import {
  AlwaysAllowAuthenticated,
  ensureClusterPki,
  firstServiceIP,
  tlsServerOptions,
  TokenAuthenticator,
  UnionAuthenticator,
  writeAdminKubeconfig,
  X509Authenticator,
} from "../auth/index.js";
import { openStore, startCompactor, type Store } from "../storage/index.js";
import type { Logger } from "../util/log.js";
import { SYSTEM_MASTERS } from "../auth/types.js";
import { metricsRegistry } from "../metrics/registry.js";
import { KUBERNETES_VERSION, skiffVersion } from "../cli/version.js";
import { lockDataDir } from "./lock.js";
import { defaultTolerationSecondsAdmission } from "../admission/defaulttolerationseconds.js";
import { priorityAdmission, SYSTEM_PRIORITY_CLASSES } from "../admission/priority.js";
import { createClient } from "../client/rest.js";
import { priorityClasses } from "../client/resources.js";
import type { Client } from "../client/types.js";
import type { ControllerOptions } from "../controllers/types.js";
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { startIdleHeapReclaim } from "../util/gc.js";
import type { PriorityClass } from "kubernetes-types/scheduling/v1.js";
import { listenLoopback, type LoopbackListener } from "./loopback.js";
import { startComponents, type ComponentName, type ComponentSpec, type RunningComponents } from "./components.js";

export interface ServerOptions {
  readonly dataDir: string;
  readonly bindAddress: string;
  readonly port: number;
  readonly datastoreEndpoint: string;
  readonly serviceCidr: string;
  readonly clusterCidr: string;
  readonly log: Logger;
  /** --v, passed on to the component workers. */
  readonly verbosity?: number;
  /** Run no scheduler here (another server's, or none). */
  readonly disableScheduler?: boolean;
  /** Run no controller manager here. */
  readonly disableControllerManager?: boolean;
  /** Controller tunables (node monitor grace period …). */
  readonly controllerOptions?: Partial<ControllerOptions>;
  /** tolerationSeconds the DefaultTolerationSeconds admission gives pods for not-ready/unreachable (300 each). */
  readonly defaultTolerationSeconds?: { readonly notReady: number; readonly unreachable: number };
  /** Leader election timing for the scheduler and controller manager (upstream: 15 s / 10 s / 2 s). */
  readonly leaderElection?: ComponentSpec["leaderElection"];
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
  // The components this server runs reach it through the loopback socket, with tokens issued here.
  const tokens = new TokenAuthenticator();
  let loopbackListener: LoopbackListener | undefined;
  try {
    loopbackListener = await listenLoopback(options.dataDir, handle);
  } catch (error) {
    log.warn({ err: error }, "no loopback socket; the components use the HTTPS port");
  }
  const clientHost =
    options.bindAddress === "0.0.0.0" || options.bindAddress === "::" ? "127.0.0.1" : options.bindAddress;
  const url = `https://${clientHost.includes(":") ? `[${clientHost}]` : clientHost}:${port}`;

  const [major, minor] = KUBERNETES_VERSION.slice(1).split(".");
  // Admission plugins that look objects up read the API server's own watch caches (set once it exists).
  const cache: { api?: ApiServer } = {};
  const cachedPriorityClasses = () => cache.api?.cached("scheduling.k8s.io", "priorityclasses");
  const api = createApiServer({
    store,
    resources: RESOURCES,
    authenticator: new UnionAuthenticator([new X509Authenticator(), tokens]),
    authorizer: new AlwaysAllowAuthenticated(),
    log,
    serverAddress: `${clientHost}:${port}`,
    namespaceLifecycle: true,
    garbageCollection: !options.disableControllerManager,
    admission: [
      priorityAdmission({
        get: async (name) => cachedPriorityClasses()?.get("", name) as PriorityClass | undefined,
        list: async () => (cachedPriorityClasses()?.list() ?? []) as unknown as PriorityClass[],
      }),
      defaultTolerationSecondsAdmission(options.defaultTolerationSeconds ?? { notReady: 300, unreachable: 300 }),
    ],
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
  cache.api = api;
  let components: RunningComponents | undefined;
  let loopback: Client | undefined;
  try {
    await api.ready();
    // The API server's own identity (upstream's loopback client) creates the bootstrap objects.
    const loopbackCert = await pki.issueClientCertificate({
      commonName: "system:apiserver",
      organizations: [SYSTEM_MASTERS],
    });
    loopback = createClient({
      url,
      userAgent: "skiff-apiserver",
      ca: pki.caCertPem,
      cert: loopbackCert.certPem,
      key: loopbackCert.keyPem,
    });
    await ensurePriorityClasses(loopback);
    components = await startControlPlane(
      options,
      pki,
      url,
      loopbackListener && { socketPath: loopbackListener.socketPath, tokens },
    );
  } catch (error) {
    loopback?.close();
    await components?.stop();
    await loopbackListener?.close();
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
  const stopReclaim = startIdleHeapReclaim();

  return {
    store,
    url,
    kubeconfigPath,
    startupMs,
    async close() {
      stopReclaim();
      await components?.stop();
      loopback?.close();
      await loopbackListener?.close();
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

async function ensurePriorityClasses(client: Client): Promise<void> {
  for (const pc of SYSTEM_PRIORITY_CLASSES) {
    try {
      await client.resource(priorityClasses).create(pc);
    } catch (error) {
      if (!(isStatusError(error) && error.code === 409)) throw error;
    }
  }
}

/** The scheduler and controller manager, each with its own certificate (CN = upstream's user name). */
async function startControlPlane(
  options: ServerOptions,
  pki: Awaited<ReturnType<typeof ensureClusterPki>>,
  url: string,
  loopback: { readonly socketPath: string; readonly tokens: TokenAuthenticator } | undefined,
): Promise<RunningComponents | undefined> {
  const names: ComponentName[] = [];
  if (!options.disableScheduler) names.push("kube-scheduler");
  if (!options.disableControllerManager) names.push("kube-controller-manager");
  if (names.length === 0) return undefined;
  const identity = `${hostname()}_${randomBytes(8).toString("hex")}`;
  const specs: ComponentSpec[] = [];
  for (const name of names) {
    const cert = await pki.issueClientCertificate({ commonName: `system:${name}` });
    specs.push({
      name,
      url,
      credentials: { ca: pki.caCertPem, cert: cert.certPem, key: cert.keyPem },
      ...(loopback
        ? { loopback: { socketPath: loopback.socketPath, token: loopback.tokens.issue({ name: `system:${name}` }) } }
        : {}),
      identity,
      verbosity: options.verbosity ?? 0,
      host: hostname(),
      ...(options.leaderElection ? { leaderElection: options.leaderElection } : {}),
      ...(options.controllerOptions ? { controllerOptions: options.controllerOptions } : {}),
    });
  }
  return startComponents(specs, options.log);
}
