/**
 * `skiff server`: today the datastore-backed skeleton (datastore + compaction + health endpoints); the API
 * server, controllers and scheduler grow inside it issue by issue.
 */
import { Command } from "commander";
import { mkdirSync } from "node:fs";
import { configureLogging } from "../util/log.js";
import { defaultDataDir, parseNonNegativeInt, parsePort } from "./options.js";
import { startServer } from "../server/server.js";

export function serverCommand(): Command {
  return new Command("server")
    .description("run the control plane (datastore, and the API server as it arrives) on this machine")
    .option("--data-dir <dir>", "where Skiff keeps its state", defaultDataDir())
    .option("--bind-address <ip>", "address to listen on", "127.0.0.1")
    .option("--port <port>", "port to listen on", parsePort, 6443)
    .option(
      "--datastore-endpoint <url>",
      "empty: embedded SQLite in the data dir; http://host:port[,http://host:port…]: etcd",
      "",
    )
    .option("--v <level>", "log verbosity (0 info … 4 debug … 6 trace)", parseNonNegativeInt, 0)
    .action(async (opts: ServerCommandOptions) => {
      const log = configureLogging({ verbosity: opts.v });
      mkdirSync(opts.dataDir, { recursive: true });
      const server = await startServer({
        dataDir: opts.dataDir,
        bindAddress: opts.bindAddress,
        port: opts.port,
        datastoreEndpoint: opts.datastoreEndpoint,
        log,
      });
      console.log(
        [
          `Skiff server is running: datastore ${server.store.backend === "sqlite" ? `SQLite in ${opts.dataDir}` : `etcd at ${opts.datastoreEndpoint}`}.`,
          `  health:  curl ${server.url}/readyz?verbose`,
          `  metrics: curl ${server.url}/metrics`,
          "This is the datastore skeleton; the Kubernetes API server (and a kubeconfig) arrives with the next issue.",
          "Stop with Ctrl-C.",
        ].join("\n"),
      );
      const stop = (signal: string): void => {
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

interface ServerCommandOptions {
  readonly dataDir: string;
  readonly bindAddress: string;
  readonly port: number;
  readonly datastoreEndpoint: string;
  readonly v: number;
}
