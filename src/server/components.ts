/**
 * The control-plane components `skiff server` runs beside the API server: the scheduler and the controller
 * manager, each in its own worker thread (component-worker.ts), each with its own identity (a token on the
 * server's loopback socket, or a client certificate when there is no socket) and its own leader-elected Lease
 * in kube-system, so that of several servers on one etcd only one of each acts.
 */
import { setMaxListeners } from "node:events";
import { Worker } from "node:worker_threads";
import { createEventRecorder } from "../client/events.js";
import { createInformerFactory } from "../client/informer.js";
import type { Client } from "../client/types.js";
import { ALL_CONTROLLERS } from "../controllers/index.js";
import { runControllerManager } from "../controllers/manager.js";
import type { ControllerOptions } from "../controllers/types.js";
import { runScheduler } from "../scheduler/index.js";
import type { Logger } from "../util/log.js";

export type ComponentName = "kube-scheduler" | "kube-controller-manager";

/** Everything a component worker needs; plain data, as it crosses into the worker. */
export interface ComponentSpec {
  readonly name: ComponentName;
  readonly url: string;
  readonly credentials: { readonly ca: string; readonly cert: string; readonly key: string };
  /** The server's loopback socket and this component's token there; without it, `url` and `credentials`. */
  readonly loopback?: { readonly socketPath: string; readonly token: string };
  /** This server's candidate identity in leader election (host name + a random suffix, as upstream). */
  readonly identity: string;
  readonly verbosity: number;
  readonly leaderElection?: {
    readonly leaseDurationMs?: number;
    readonly renewDeadlineMs?: number;
    readonly retryPeriodMs?: number;
  };
  readonly controllerOptions?: Partial<ControllerOptions>;
  readonly host?: string;
}

/** Runs one component until `signal` aborts (called while this server holds the component's Lease). */
export async function runComponent(
  spec: ComponentSpec,
  client: Client,
  log: Logger,
  signal: AbortSignal,
): Promise<void> {
  // Every informer, queue and worker listens on this one signal.
  setMaxListeners(0, signal);
  if (spec.name === "kube-scheduler") {
    const informers = createInformerFactory(client, { log });
    try {
      await runScheduler({
        client,
        informers,
        recorder: createEventRecorder(client, "default-scheduler", log, spec.host),
        log,
        signal,
      });
    } finally {
      informers.stop();
    }
    return;
  }
  await runControllerManager({
    client,
    log,
    signal,
    controllers: ALL_CONTROLLERS,
    ...(spec.controllerOptions ? { options: spec.controllerOptions } : {}),
    ...(spec.host ? { host: spec.host } : {}),
  });
}

export interface RunningComponents {
  stop(): Promise<void>;
}

/**
 * Starts each component in a worker thread; a worker that dies on its own is restarted after a second (as a
 * supervisor restarts a crashed kube-scheduler). `stop` asks them to release their Leases and waits (5 s at most).
 */
export function startComponents(specs: readonly ComponentSpec[], log: Logger): RunningComponents {
  let stopping = false;
  const live = new Map<ComponentName, { worker: Worker; exited: Promise<void> }>();
  const launch = (spec: ComponentSpec): void => {
    const worker = new Worker(new URL("./component-worker.js", import.meta.url), { workerData: spec });
    const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
    worker.on("error", (error) => log.error({ err: error, component: spec.name }, "component worker crashed"));
    void exited.then(() => {
      if (stopping) return;
      log.warn({ component: spec.name }, "component worker exited; restarting in 1 s");
      setTimeout(() => {
        if (!stopping) launch(spec);
      }, 1_000).unref();
    });
    live.set(spec.name, { worker, exited });
  };
  specs.forEach(launch);
  return {
    async stop() {
      stopping = true;
      await Promise.all(
        [...live.values()].map(async ({ worker, exited }) => {
          worker.postMessage("stop");
          const timer = setTimeout(() => void worker.terminate(), 5_000);
          await exited;
          clearTimeout(timer);
        }),
      );
    },
  };
}
