/** The scheduler's tunables (upstream KubeSchedulerConfiguration fields) and what runScheduler receives. */
import type { Client, EventRecorder, InformerFactory } from "../client/types.js";
import type { Logger } from "../util/log.js";

export interface SchedulerOptions {
  /** Pods whose spec.schedulerName is this are ours (default "default-scheduler"). */
  readonly schedulerName: string;
  /** Share of nodes to find feasible before scoring; 0 = adaptive (50 − nodes/125 %, ≥ 5 %, ≥ 100 nodes). */
  readonly percentageOfNodesToScore: number;
  readonly podInitialBackoffMs: number;
  readonly podMaxBackoffMs: number;
  /** Unschedulable pods are retried at least this often (default 5 min). */
  readonly podMaxInUnschedulablePodsDurationMs: number;
  /** Bindings in flight at once; the next cycle waits for a free slot. */
  readonly bindConcurrency: number;
}

export const DEFAULT_SCHEDULER_OPTIONS: SchedulerOptions = {
  schedulerName: "default-scheduler",
  percentageOfNodesToScore: 0,
  podInitialBackoffMs: 1000,
  podMaxBackoffMs: 10_000,
  podMaxInUnschedulablePodsDurationMs: 5 * 60_000,
  bindConcurrency: 64,
};

export interface SchedulerContext {
  readonly client: Client;
  readonly informers: InformerFactory;
  /** Reports as "default-scheduler". */
  readonly recorder: EventRecorder;
  readonly log: Logger;
  /** runScheduler resolves once this aborts. */
  readonly signal: AbortSignal;
  readonly options?: Partial<SchedulerOptions>;
}
