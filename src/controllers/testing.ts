/**
 * The one test harness for controller tests: run controllers against a real API server (`startTestCluster`)
 * the way the controller manager does, with an event recorder that keeps what it is told, and stop both. The
 * kubelet (and the scheduler's binding) is played by the helpers in `./testing/kubelet.ts`, re-exported here.
 */
import { pino } from "pino";
import type { ApiServerOptions } from "../apiserver/index.js";
import { startTestCluster, type TestCluster } from "../client/testing.js";
import type { EventRecorder, KubeObject } from "../client/types.js";
import {
  DEFAULT_CONTROLLER_OPTIONS,
  type Controller,
  type ControllerContext,
  type ControllerOptions,
} from "./types.js";

export * from "./testing/kubelet.js";

export interface RecordedEvent {
  /** The recorder's component, e.g. "replicaset-controller". */
  readonly component: string;
  readonly object: KubeObject;
  /** "Kind/namespace/name", or "Kind/name" for a cluster-scoped object. */
  readonly ref: string;
  readonly type: string;
  readonly reason: string;
  readonly message: string;
}

export interface ControllerTestOptions {
  /** Overrides of DEFAULT_CONTROLLER_OPTIONS; tests default to 2 workers. */
  readonly options?: Partial<ControllerOptions>;
  /** Passed to `startTestCluster` (e.g. garbageCollection, namespaceLifecycle, admission). */
  readonly apiServer?: Partial<ApiServerOptions>;
}

/** A test cluster with controllers running on it, and the events they recorded. */
export interface ControllerTest extends TestCluster {
  readonly context: ControllerContext;
  readonly events: RecordedEvent[];
  /** Stops the controllers (waiting until they returned), then the cluster. */
  close(): Promise<void>;
}

/**
 * Starts a test cluster and runs `controllers` on it as the controller manager does: every `run` gets one
 * context, then the shared informers start.
 */
export async function startControllerTest(
  controllers: Controller | readonly Controller[],
  { options = {}, apiServer }: ControllerTestOptions = {},
): Promise<ControllerTest> {
  const cluster = await startTestCluster(apiServer ? { apiServer } : {});
  const abort = new AbortController();
  const events: RecordedEvent[] = [];
  const recorder = (component: string): EventRecorder => ({
    event(object, type, reason, message) {
      const { namespace, name } = object.metadata ?? {};
      const ref = namespace ? `${object.kind}/${namespace}/${name}` : `${object.kind}/${name}`;
      events.push({ component, object, ref, type, reason, message });
    },
  });
  const context: ControllerContext = {
    client: cluster.client,
    informers: cluster.informers,
    recorder,
    log: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
    signal: abort.signal,
    options: { ...DEFAULT_CONTROLLER_OPTIONS, workers: 2, ...options },
  };
  const runs = (Array.isArray(controllers) ? controllers : [controllers]).map((c: Controller) => c.run(context));
  cluster.informers.start();
  return {
    ...cluster,
    context,
    events,
    async close() {
      abort.abort();
      await Promise.all(runs);
      await cluster.close();
    },
  };
}
