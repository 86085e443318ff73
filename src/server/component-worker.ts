/**
 * Entry point of a control-plane component running in its own worker thread (the scheduler, the controller
 * manager). A worker shares nothing with the API server but the way to reach it (the loopback socket and a
 * token, or the URL and a client certificate), so the one rule (everything through the API) holds by
 * construction, and each component gets a core of its own.
 * The parent posts "stop" to end it; the worker releases its Lease and exits.
 */
import { parentPort, workerData } from "node:worker_threads";
import { createClient } from "../client/rest.js";
import { runWithLeaderElection } from "../client/leaderelection.js";
import { configureLogging } from "../util/log.js";
import { startIdleHeapReclaim } from "../util/gc.js";
import { runComponent, type ComponentSpec } from "./components.js";

const spec = workerData as ComponentSpec;
const log = configureLogging({ verbosity: spec.verbosity }).child({ component: spec.name });
const client = createClient(
  spec.loopback
    ? {
        url: "http://localhost",
        userAgent: spec.name,
        socketPath: spec.loopback.socketPath,
        token: spec.loopback.token,
      }
    : {
        url: spec.url,
        userAgent: spec.name,
        ca: spec.credentials.ca,
        cert: spec.credentials.cert,
        key: spec.credentials.key,
      },
);
const stopReclaim = startIdleHeapReclaim(); // this thread's own heap
const stop = new AbortController();
parentPort?.on("message", (message: unknown) => {
  if (message === "stop") stop.abort();
});

runWithLeaderElection(
  { client, name: spec.name, namespace: "kube-system", identity: spec.identity, log, ...spec.leaderElection },
  (signal) => runComponent(spec, client, log, signal),
  stop.signal,
)
  .catch((error: unknown) => log.error({ err: error }, "component failed"))
  .finally(() => {
    stopReclaim();
    client.close();
    parentPort?.postMessage("stopped");
    parentPort?.close();
  });
