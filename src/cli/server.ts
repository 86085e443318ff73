/** `skiff server`: the control plane on this machine (see src/server/server.ts for what runs inside). */
import { Command, InvalidArgumentError, Option } from "commander";
import { mkdirSync } from "node:fs";
import { isIP } from "node:net";
import { configureLogging } from "../util/log.js";
import { defaultDataDir, parseDuration, parseNonNegativeInt, parsePort } from "./options.js";
import { startServer } from "../server/server.js";
import { tuneGarbageCollection } from "../util/gc.js";

export function serverCommand(): Command {
  return new Command("server")
    .description("run the control plane (datastore, API server, scheduler, controller manager) on this machine")
    .option("--data-dir <dir>", "where Skiff keeps its state", defaultDataDir())
    .option("--bind-address <ip>", "address the API server listens on", "127.0.0.1")
    .option("--port <port>", "HTTPS port of the API server", parsePort, 6443)
    .option(
      "--datastore-endpoint <url>",
      "empty: embedded SQLite in the data dir; http://host:port[,http://host:port…]: etcd",
      "",
    )
    .option("--service-cidr <cidr>", "IP range for Service ClusterIPs", parseCidr, "10.43.0.0/16")
    .option("--cluster-cidr <cidr>", "IP range for pod IPs", parseCidr, "10.42.0.0/16")
    .option("--disable-agent", "do not run a node (kubelet) on this machine", false)
    .option("--disable-scheduler", "do not run the scheduler on this server", false)
    .option("--disable-controller-manager", "do not run the controller manager on this server", false)
    .addOption(
      new Option("--node-monitor-grace-period <duration>", "a node silent this long turns NotReady (Unknown)")
        .argParser(parseDuration)
        .default(40_000, "40s"),
    )
    .addOption(
      new Option("--node-monitor-period <duration>", "how often node health is checked")
        .argParser(parseDuration)
        .default(5_000, "5s"),
    )
    .option(
      "--default-not-ready-toleration-seconds <n>",
      "tolerationSeconds added to pods for the node.kubernetes.io/not-ready:NoExecute taint",
      parseNonNegativeInt,
      300,
    )
    .option(
      "--default-unreachable-toleration-seconds <n>",
      "tolerationSeconds added to pods for the node.kubernetes.io/unreachable:NoExecute taint",
      parseNonNegativeInt,
      300,
    )
    .addOption(
      new Option("--leader-elect-lease-duration <duration>", "leader election: how long a Lease is valid")
        .argParser(parseDuration)
        .default(15_000, "15s"),
    )
    .addOption(
      new Option(
        "--leader-elect-renew-deadline <duration>",
        "leader election: a leader that cannot renew for this long steps down",
      )
        .argParser(parseDuration)
        .default(10_000, "10s"),
    )
    .addOption(
      new Option("--leader-elect-retry-period <duration>", "leader election: how often to try")
        .argParser(parseDuration)
        .default(2_000, "2s"),
    )
    .option("--v <level>", "log verbosity (0 info … 4 debug … 6 trace)", parseNonNegativeInt, 0)
    .action(async (opts: ServerCommandOptions) => {
      const log = configureLogging({ verbosity: opts.v });
      if (tuneGarbageCollection()) log.debug("scavenging on one thread (at most two cores)");
      mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
      const server = await startServer({
        dataDir: opts.dataDir,
        bindAddress: opts.bindAddress,
        port: opts.port,
        datastoreEndpoint: opts.datastoreEndpoint,
        serviceCidr: opts.serviceCidr,
        clusterCidr: opts.clusterCidr,
        log,
        verbosity: opts.v,
        disableScheduler: opts.disableScheduler,
        disableControllerManager: opts.disableControllerManager,
        controllerOptions: {
          nodeMonitorGracePeriodMs: opts.nodeMonitorGracePeriod,
          nodeMonitorPeriodMs: opts.nodeMonitorPeriod,
        },
        defaultTolerationSeconds: {
          notReady: opts.defaultNotReadyTolerationSeconds,
          unreachable: opts.defaultUnreachableTolerationSeconds,
        },
        leaderElection: {
          leaseDurationMs: opts.leaderElectLeaseDuration,
          renewDeadlineMs: opts.leaderElectRenewDeadline,
          retryPeriodMs: opts.leaderElectRetryPeriod,
        },
      });
      const datastore =
        server.store.backend === "sqlite" ? `SQLite in ${opts.dataDir}` : `etcd at ${opts.datastoreEndpoint}`;
      console.log(
        [
          `Skiff is ready in ${server.startupMs} ms: the Kubernetes API at ${server.url} (datastore: ${datastore}).`,
          `Try:`,
          `  export KUBECONFIG=${server.kubeconfigPath}`,
          `  kubectl get namespaces`,
          `  kubectl create deployment web --image=nginx && kubectl get deploy,pods`,
          `Health: curl -k ${server.url}/readyz?verbose`,
          `The scheduler and controllers run; nodes join with \`skiff simulate --nodes 3 --kubeconfig ${server.kubeconfigPath}\` (hollow nodes) until the kubelet arrives.`,
          `Stop with Ctrl-C.`,
        ].join("\n"),
      );
      let stopping = false;
      const stop = (signal: string): void => {
        if (stopping) return;
        stopping = true;
        log.info({ signal }, "shutting down");
        server.close().then(
          () => process.exit(0),
          (error: unknown) => {
            log.error({ err: error }, "shutdown failed");
            process.exit(1);
          },
        );
      };
      process.once("SIGTERM", () => stop("SIGTERM"));
      process.once("SIGINT", () => stop("SIGINT"));
    });
}

function parseCidr(value: string): string {
  const [ip, bits, extra] = value.split("/");
  const family = isIP(ip ?? "");
  const max = family === 6 ? 128 : 32;
  const n = Number(bits);
  if (family === 0 || extra !== undefined || !Number.isInteger(n) || n < 0 || n > max) {
    throw new InvalidArgumentError("expected a CIDR such as 10.43.0.0/16");
  }
  return value;
}

interface ServerCommandOptions {
  readonly dataDir: string;
  readonly bindAddress: string;
  readonly port: number;
  readonly datastoreEndpoint: string;
  readonly serviceCidr: string;
  readonly clusterCidr: string;
  readonly disableAgent: boolean;
  readonly disableScheduler: boolean;
  readonly disableControllerManager: boolean;
  readonly nodeMonitorGracePeriod: number;
  readonly nodeMonitorPeriod: number;
  readonly defaultNotReadyTolerationSeconds: number;
  readonly defaultUnreachableTolerationSeconds: number;
  readonly leaderElectLeaseDuration: number;
  readonly leaderElectRenewDeadline: number;
  readonly leaderElectRetryPeriod: number;
  readonly v: number;
}
