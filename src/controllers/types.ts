/**
 * What every controller gets from the controller manager: one client, one shared informer factory, event
 * recorders and a logger. A controller is a reconcile function over informer caches plus its wiring
 * (`controller.ts` in each folder); `run` starts its workers and resolves once `signal` aborts and they stopped.
 */
import type { Client, EventRecorder, InformerFactory } from "../client/types.js";
import type { Logger } from "../util/log.js";

export interface ControllerContext {
  readonly client: Client;
  readonly informers: InformerFactory;
  /** An event recorder reporting as `component` (e.g. "deployment-controller"). */
  recorder(component: string): EventRecorder;
  readonly log: Logger;
  /** Aborts when the controller manager stops or loses leadership. */
  readonly signal: AbortSignal;
  readonly options: ControllerOptions;
}

/** Tunables upstream exposes as kube-controller-manager flags; tests shorten them. */
export interface ControllerOptions {
  /** --node-monitor-grace-period: a node whose Lease is older than this turns Ready=Unknown (default 40 s). */
  readonly nodeMonitorGracePeriodMs: number;
  /** --node-monitor-period: how often node health is checked (default 5 s). */
  readonly nodeMonitorPeriodMs: number;
  /** Default tolerationSeconds for the not-ready/unreachable NoExecute taints added to pods (default 300). */
  readonly defaultTolerationSeconds: number;
  /** --terminated-pod-gc-threshold (default 12500). */
  readonly terminatedPodGcThreshold: number;
  /** Workers per controller (upstream --concurrent-*-syncs; default 5). */
  readonly workers: number;
}

export const DEFAULT_CONTROLLER_OPTIONS: ControllerOptions = {
  nodeMonitorGracePeriodMs: 40_000,
  nodeMonitorPeriodMs: 5_000,
  defaultTolerationSeconds: 300,
  terminatedPodGcThreshold: 12_500,
  workers: 5,
};

export interface Controller {
  /** Upstream's controller name, e.g. "deployment", "replicaset", "garbage-collector". */
  readonly name: string;
  run(context: ControllerContext): Promise<void>;
}
