/**
 * The API server's request pipeline, transport-agnostic: `handle(req, res)` can sit behind HTTPS (`skiff
 * server`) or plain HTTP on loopback (tests). See README.md for the flow:
 * health/version → authenticate → request info → authorize → discovery | resource handlers → registry →
 * datastore, with LIST/WATCH served from per-resource watch caches.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { DiscoveryResponder } from "../api/discovery/index.js";
import { openApiResponder } from "../api/openapi/respond.js";
import { ResourceRegistry as ApiResourceRegistry } from "../api/resources/registry.js";
import type { ResourceType } from "../api/resources/types.js";
import {
  forbidden,
  fromStorageError,
  internalError,
  methodNotSupported,
  isStatusError,
  serviceUnavailable,
  StatusError,
  unauthorized,
} from "../api/status.js";
import type {
  AuthorizationAttributes,
  AuthorizationDecision,
  Authenticator,
  Authorizer,
  UserInfo,
} from "../auth/types.js";
import { SYSTEM_AUTHENTICATED, SYSTEM_MASTERS } from "../auth/types.js";
import { isStorageError } from "../storage/errors.js";
import type { Store } from "../storage/types.js";
import type { Logger } from "../util/log.js";
import { admissionHooks, type AdmissionPlugin } from "./admission.js";
import { observeRequest } from "./metrics.js";
import { ensureSystemNamespaces } from "./bootstrap.js";
import { ensureKubernetesService, type ApiServerEndpoint } from "./services/bootstrap.js";
import { makeServiceAllocators, serviceStrategy } from "./services/index.js";
import { startServiceRepair } from "./services/repair.js";
import { serveHealth, type HealthCheck, type HealthEndpoint } from "./health.js";
import type { WatchTuning } from "./handlers/context.js";
import { routeResource } from "./handlers/route.js";
import { writeJson, writeStatus } from "./http.js";
import { parseRequestInfo, type RequestInfo } from "./requestinfo.js";
import { resourceId, strategyFor, type Strategy, type StrategyOverrides } from "./registry/strategy.js";
import { convertObject, storageVersionFor } from "../api/conversion/index.js";
import { apiVersionOf, type StoredObject } from "./object.js";
import { RegistryStore } from "./registry/store.js";
import { Cacher } from "./watchcache/cacher.js";

export interface VersionInfo {
  readonly major: string;
  readonly minor: string;
  readonly gitVersion: string;
  readonly gitCommit?: string;
  readonly gitTreeState?: string;
  readonly buildDate?: string;
  readonly goVersion?: string;
  readonly compiler?: string;
  readonly platform?: string;
}

export interface ApiServerOptions {
  readonly store: Store;
  readonly resources: readonly ResourceType[];
  /** Without one, every request is served as a cluster admin (tests, in-process use). */
  readonly authenticator?: Authenticator;
  /** Default: every authenticated user may do everything. */
  readonly authorizer?: Authorizer;
  readonly log: Logger;
  readonly version: VersionInfo;
  /** `host:port` published in `/api` (serverAddressByClientCIDRs). */
  readonly serverAddress?: string;
  /** Per-resource strategy hooks (defaulting, validation, printers), keyed "group/resource" (core: "/pods"). */
  readonly strategies?: Readonly<Record<string, StrategyOverrides>>;
  /**
   * Non-resource paths served by others (e.g. /openapi/v3): return true when handled. Runs after
   * authentication and authorization.
   */
  readonly extraHandler?: (req: IncomingMessage, res: ServerResponse, path: string) => boolean | Promise<boolean>;
  readonly watch?: Partial<WatchTuning>;
  /**
   * Service allocation: ClusterIPs from this IPv4 CIDR, NodePorts from 30000–32767, and the `kubernetes`
   * Service pointing at the API server. Without it, Services are stored as given.
   */
  readonly services?: { readonly cidr: string; readonly apiServer: ApiServerEndpoint };
  /** More checks for /healthz and /readyz (e.g. controllers' informers synced), after the built-in ones. */
  readonly healthChecks?: readonly HealthCheck[];
  /**
   * The garbage collector runs: DELETE with propagationPolicy Orphan/Foreground adds the `orphan` /
   * `foregroundDeletion` finalizers it processes (upstream default). Off (default here until the GC
   * controller exists): the policy is ignored and objects are deleted at once.
   */
  readonly garbageCollection?: boolean;
  /** Admission plugins, run in order (mutating phase, then validating phase). */
  readonly admission?: readonly AdmissionPlugin[];
  /**
   * Upstream namespace termination (Terminating phase; gone once spec.finalizers is empty). Turn on when the
   * namespace controller runs; without it namespaces are deleted at once (their content stays).
   */
  readonly namespaceLifecycle?: boolean;
  /** Events each watch cache keeps for watches resuming from an older resourceVersion (default 4096). */
  readonly watchCacheSize?: number;
}

export interface ApiServer {
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Resolves once the system namespaces exist (readyz turns 200). */
  ready(): Promise<void>;
  /** Ends open watches and stops the watch caches (the store stays open: the caller owns it). */
  close(): Promise<void>;
  /**
   * The watch cache's view of one resource (as fresh as the datastore's watch), for admission plugins that
   * look other objects up, as upstream's do through the API server's own informers. Undefined for unknown ones.
   */
  cached(group: string, resource: string): CachedResource | undefined;
}

/** Read access to a watch cache; objects are shared, never mutate them. */
export interface CachedResource {
  get(namespace: string, name: string): StoredObject | undefined;
  list(namespace?: string): StoredObject[];
}

const PUBLIC_PATHS = new Set(["/healthz", "/livez", "/readyz", "/version"]);
const ADMIN: UserInfo = { name: "system:admin", groups: [SYSTEM_MASTERS, SYSTEM_AUTHENTICATED] };

interface Served {
  readonly type: ResourceType;
  readonly registry: RegistryStore;
}

export function createApiServer(options: ApiServerOptions): ApiServer {
  const { store, log } = options;
  const resources = new ApiResourceRegistry(options.resources);
  const discovery = new DiscoveryResponder({
    serverAddress: options.serverAddress ?? "127.0.0.1:6443",
    registry: resources,
  });
  const openapi = openApiResponder(resources);
  const watchTuning: WatchTuning = {
    bookmarkIntervalMs: 60_000,
    slowWatcherCutoffMs: 10_000,
    maxBufferedBytes: 16 * 1024 * 1024,
    ...options.watch,
  };
  const served = new Map<string, Served>();
  const strategies: Record<string, StrategyOverrides> = { ...options.strategies };
  const serviceAllocators = options.services ? makeServiceAllocators(store, options.services.cidr) : undefined;
  if (serviceAllocators) {
    strategies["/services"] = { ...serviceStrategy(serviceAllocators), ...options.strategies?.["/services"] };
  }
  const cachers = new Map<string, Cacher>();
  const openWatches = new Set<ServerResponse>();
  let closed = false;

  const namespacesType = options.resources.find((t) => t.group === "" && t.resource === "namespaces");
  const lookupNamespace = async (name: string) => {
    if (!namespacesRegistry) return { metadata: { name } };
    // Like upstream's NamespaceLifecycle admission: the cache first, a live read when it does not know the name.
    const cached = namespacesCacher?.get(namespacesRegistry.key("", name));
    if (cached) return cached;
    try {
      const kv = await store.get(namespacesRegistry.key("", name));
      return kv ? namespacesRegistry.decode(kv) : undefined;
    } catch (error) {
      if (isStorageError(error, "InvalidKey")) return undefined; // a name no namespace can have
      throw error;
    }
  };
  const registryFor = (type: ResourceType): Served => {
    const id = `${type.group}/${type.version}/${type.resource}`;
    let s = served.get(id);
    if (!s) {
      const storageId = resourceId(type.storage);
      const lifecycle = storageId === "/namespaces" && options.namespaceLifecycle ? { namespaceLifecycle: true } : {};
      const gc = options.garbageCollection ? { garbageCollection: true } : {};
      const strategy = versionedTable(type, strategyFor(type, { ...strategies[storageId], ...lifecycle, ...gc }));
      s = { type, registry: new RegistryStore(type, strategy, store, lookupNamespace) };
      served.set(id, s);
    }
    return s;
  };
  const namespacesRegistry = namespacesType ? registryFor(namespacesType).registry : undefined;
  /** One cache per datastore prefix, started on first use. */
  const cacherFor = (registry: RegistryStore): Cacher => {
    const prefix = registry.prefix("");
    let c = cachers.get(prefix);
    if (!c) {
      c = new Cacher({
        store,
        prefix,
        decode: registry.decodeStored,
        resource: registry.type.storage,
        log,
        capacity: options.watchCacheSize ?? 4096,
      });
      cachers.set(prefix, c);
    }
    registry.readCurrentFrom(c);
    return c;
  };

  // Start every watch cache in the background, as kube-apiserver does, so watches can resume from any
  // resourceVersion handed out since boot.
  for (const type of options.resources) {
    if (type.verbs.includes("watch")) cacherFor(registryFor(type).registry);
  }

  const namespacesCacher = namespacesRegistry ? cacherFor(namespacesRegistry) : undefined;

  const servicesType = options.resources.find((t) => t.group === "" && t.resource === "services");
  const endpointsType = options.resources.find((t) => t.group === "" && t.resource === "endpoints");
  const servicesRegistry = servicesType ? registryFor(servicesType).registry : undefined;
  const booted = (namespacesRegistry ? ensureSystemNamespaces(namespacesRegistry) : Promise.resolve()).then(
    async () => {
      if (!serviceAllocators || !servicesRegistry || !options.services) return;
      const endpoints = endpointsType ? registryFor(endpointsType).registry : undefined;
      const slicesType = options.resources.find(
        (t) => t.group === "discovery.k8s.io" && t.resource === "endpointslices",
      );
      const slices = slicesType ? registryFor(slicesType).registry : undefined;
      await ensureKubernetesService(
        servicesRegistry,
        endpoints,
        serviceAllocators.cidr,
        options.services.apiServer,
        slices,
      );
    },
  );
  const serviceRepair =
    serviceAllocators && servicesRegistry
      ? startServiceRepair(
          serviceAllocators,
          async () => (await store.list(servicesRegistry.prefix(""))).items.map((kv) => servicesRegistry.decode(kv)),
          log,
        )
      : undefined;
  let isReady = false;
  booted.then(
    () => (isReady = true),
    (err: unknown) => log.error({ err }, "creating the system namespaces failed"),
  );

  // kube-apiserver's checks: ping, the datastore ("etcd" on etcd), post-start hooks, shutdown.
  const healthChecks: HealthCheck[] = [
    { name: "ping", check: async () => undefined },
    {
      name: store.backend === "etcd" ? "etcd" : "datastore",
      async check() {
        const report = await store.health();
        return report.healthy ? undefined : (report.message ?? "unhealthy");
      },
    },
    {
      name: "poststarthook/bootstrap-namespaces",
      check: async () => (isReady ? undefined : "system namespaces not yet created"),
    },
    { name: "shutdown", check: async () => (closed ? "shutting down" : undefined) },
    ...(options.healthChecks ?? []),
  ];
  const livezChecks = healthChecks.filter((c) => c.name === "ping" || c.name === "shutdown");

  const allowAll: AuthorizationDecision = { allowed: true, reason: "" };
  const decide = (attributes: AuthorizationAttributes): Promise<AuthorizationDecision> =>
    options.authorizer ? options.authorizer.authorize(attributes) : Promise.resolve(allowAll);

  async function authorize(user: UserInfo, info: RequestInfo): Promise<void> {
    if (!options.authorizer) return;
    const decision = await options.authorizer.authorize({
      user,
      verb: info.verb,
      resourceRequest: info.isResourceRequest,
      path: info.path,
      namespace: info.namespace,
      apiGroup: info.apiGroup,
      apiVersion: info.apiVersion,
      resource: info.resource,
      subresource: info.subresource,
      name: info.name,
    });
    if (decision.allowed) return;
    if (!info.isResourceRequest) {
      throw new StatusError({
        code: 403,
        reason: "Forbidden",
        message: `forbidden: User "${user.name}" cannot ${info.verb} path "${info.path}"`,
        details: {},
      });
    }
    const resource = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
    const where = info.namespace ? ` in the namespace "${info.namespace}"` : " at the cluster scope";
    throw forbidden(
      { group: info.apiGroup, resource },
      info.name,
      `User "${user.name}" cannot ${info.verb} resource "${resource}" in API group "${info.apiGroup}"${where}${decision.reason ? `: ${decision.reason}` : ""}`,
    );
  }

  async function serve(
    req: IncomingMessage,
    res: ServerResponse,
    metrics: ReturnType<typeof observeRequest>,
  ): Promise<void> {
    const url = new URL(req.url ?? "/", "http://apiserver.local");
    const path = url.pathname;
    const method = req.method ?? "GET";
    const top = `/${path.split("/")[1] ?? ""}`;
    if (top === "/healthz" || top === "/livez" || top === "/readyz") {
      return serveHealth(top.slice(1) as HealthEndpoint, top === "/livez" ? livezChecks : healthChecks, req, res);
    }
    if (path === "/version") return writeJson(res, 200, options.version);
    if (closed) throw serviceUnavailable("the server is shutting down");

    let user = ADMIN;
    if (options.authenticator) {
      const authenticated = options.authenticator.authenticate(req);
      if (!authenticated) throw unauthorized();
      user = authenticated;
    }
    const info = parseRequestInfo(method, url);
    metrics.setInfo(info);
    await authorize(user, info);

    if (!info.isResourceRequest) {
      if (method === "GET" || method === "HEAD") {
        const answer = discovery.respond(path, req.headers.accept, req.headers["if-none-match"]);
        if (answer) {
          res.writeHead(answer.status, answer.headers);
          res.end(answer.body);
          return;
        }
        const spec = openapi.respond(path, url.searchParams, req.headers);
        if (spec) {
          res.writeHead(spec.status, spec.headers);
          res.end(spec.body);
          return;
        }
      }
      if (options.extraHandler && (await options.extraHandler(req, res, path))) return;
      if (PUBLIC_PATHS.has(path)) return;
      throw pathNotFound();
    }

    const type = resources.get(info.apiGroup, info.apiVersion, info.resource);
    if (!type) throw pathNotFound();
    // The namespace of /api/v1/namespaces/NAME is the object's name, not a scope.
    const isNamespaceObject = type.group === "" && type.resource === "namespaces";
    const namespace = type.namespaced ? info.namespace : "";
    const name = info.parts[1] ?? "";
    if (!type.namespaced && info.namespace && !isNamespaceObject) throw pathNotFound();
    if (type.namespaced && !info.namespace && name !== "") throw pathNotFound();
    if (type.namespaced && !info.namespace && ["create", "deletecollection"].includes(info.verb)) {
      // The all-namespaces path only serves list and watch (upstream has no route for the other verbs).
      throw methodNotSupported({ group: type.group, resource: type.resource }, info.verb);
    }
    const { registry } = registryFor(type);
    if (info.verb === "watch") {
      openWatches.add(res);
      res.on("close", () => openWatches.delete(res));
    }
    await routeResource({
      req,
      res,
      url,
      info,
      type,
      registry,
      // Created on first use only: create-only resources (reviews, bindings) never get a watch cache.
      get cacher() {
        return cacherFor(registry);
      },
      log,
      resources,
      name,
      namespace,
      user,
      registryFor(group: string, version: string, resource: string) {
        const t = resources.get(group, version, resource);
        return t ? registryFor(t).registry : undefined;
      },
      authorize: decide,
      admission: (operation, dryRun) =>
        admissionHooks(options.admission ?? [], {
          operation,
          user,
          group: type.group,
          version: type.version,
          kind: type.kind,
          resource: type.resource,
          subresource: info.subresource,
          namespace,
          dryRun,
        }),
      authorizerConfigured: options.authorizer !== undefined,
      watch: watchTuning,
    });
  }

  function fail(res: ServerResponse, req: IncomingMessage, error: unknown): void {
    let status: StatusError;
    if (isStatusError(error)) status = error;
    else if (isStorageError(error)) status = fromStorageError(error, { group: "", resource: "" }, "");
    else {
      log.error({ err: error, method: req.method, url: req.url }, "internal error serving request");
      status = internalError(error instanceof Error ? error.message : String(error));
    }
    if (status.code >= 500) log.error({ status: status.status, method: req.method, url: req.url }, "request failed");
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // Drain what the client is still sending so the answer gets through.
    req.resume();
    writeStatus(res, status);
  }

  return {
    cached(group, resource) {
      const type = options.resources.find((t) => t.group === group && t.resource === resource);
      if (!type) return undefined;
      const { registry } = registryFor(type);
      const cacher = cacherFor(registry);
      return {
        get: (namespace, name) => cacher.get(registry.key(namespace, name)),
        list: (namespace) => cacher.list(registry.prefix(namespace ?? ""), () => true).items,
      };
    },
    handle(req, res) {
      // A client that goes away mid-request must not take the process down with an unhandled 'error'.
      req.on("error", (err) => log.debug({ err }, "request stream error"));
      res.on("error", (err) => log.debug({ err }, "response stream error"));
      const metrics = observeRequest(req.method ?? "GET");
      const started = performance.now();
      res.once("close", () => {
        metrics.done(res.statusCode);
        log.debug(
          { method: req.method, url: req.url, code: res.statusCode, ms: Math.round(performance.now() - started) },
          "request",
        );
      });
      serve(req, res, metrics).catch((error: unknown) => {
        try {
          fail(res, req, error);
        } catch (err) {
          log.error({ err }, "failed to answer a failed request");
          res.destroy();
        }
      });
    },
    ready: () => booted,
    async close() {
      closed = true;
      serviceRepair?.stop();
      for (const c of cachers.values()) c.stop();
      for (const res of openWatches) res.end();
      openWatches.clear();
    },
  };
}

function pathNotFound(): StatusError {
  return new StatusError({
    code: 404,
    reason: "NotFound",
    message: "the server could not find the requested resource",
    details: {},
  });
}

/**
 * Tables of resources served in several versions are printed from the storage version (upstream prints the
 * internal object, so e.g. an autoscaling/v1 HPA's Targets column lists every metric, not only cpu).
 */
function versionedTable(type: ResourceType, strategy: Strategy): Strategy {
  const storageVersion = storageVersionFor(type.storage.group, type.storage.resource);
  if (storageVersion === undefined || storageVersion === apiVersionOf(type.group, type.version)) return strategy;
  const table = strategy.table;
  const stored = (o: StoredObject): StoredObject => convertObject(o, storageVersion);
  return {
    ...strategy,
    table: {
      columns: table.columns,
      cells: (object, now) => table.cells(stored(object), now),
      ...(table.compare ? { compare: (a, b) => table.compare!(stored(a), stored(b)) } : {}),
    },
  };
}
