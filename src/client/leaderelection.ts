/**
 * Leader election over a coordination.k8s.io/v1 Lease, as client-go's leaderelection package: candidates try to
 * acquire the Lease every retry period; the holder renews it and loses leadership when renewing keeps failing for
 * the renew deadline. A Lease is taken over when it has no holder or when its record has not changed for its
 * lease duration — judged by when this candidate last saw it change, not by comparing clocks.
 */
import type { Lease, LeaseSpec } from "kubernetes-types/coordination/v1.js";
import { isStatusError } from "../api/status.js";
import type { Logger } from "../util/log.js";
import { leases } from "./resources.js";
import type { Client } from "./types.js";
import { microTime, sleep } from "./time.js";

export interface LeaderElectionOptions {
  readonly client: Client;
  /** The Lease name (e.g. "kube-scheduler"). */
  readonly name: string;
  /** Default "kube-system". */
  readonly namespace?: string;
  /** This candidate's identity (upstream: hostname + "_" + a UUID). */
  readonly identity: string;
  /** How long a Lease stays valid without renewal (default 15 s). */
  readonly leaseDurationMs?: number;
  /** How long the leader keeps retrying a failing renewal before giving up leadership (default 10 s). */
  readonly renewDeadlineMs?: number;
  /** How often candidates try to acquire and the leader renews (default 2 s). */
  readonly retryPeriodMs?: number;
  readonly log: Logger;
}

/** The parts of a Lease that make its leader election record; a change to any of them renews the observation. */
function recordOf(spec: LeaseSpec | undefined): string {
  return JSON.stringify([
    spec?.holderIdentity ?? "",
    spec?.leaseDurationSeconds ?? 0,
    spec?.acquireTime ?? "",
    spec?.renewTime ?? "",
    spec?.leaseTransitions ?? 0,
  ]);
}

class LeaderElector {
  private readonly namespace: string;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly leaseDurationSeconds: number;
  /** The Lease as last read or written, and when (local monotonic time) its record last changed. */
  private observed: Lease | undefined;
  private observedRecord = "";
  private observedTime = 0;

  constructor(private readonly options: LeaderElectionOptions) {
    this.namespace = options.namespace ?? "kube-system";
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    this.leaseDurationSeconds = Math.max(1, Math.ceil(this.leaseDurationMs / 1000));
  }

  private get leases() {
    return this.options.client.resource(leases);
  }

  private observe(lease: Lease): void {
    this.observed = lease;
    const record = recordOf(lease.spec);
    if (record !== this.observedRecord) {
      this.observedRecord = record;
      this.observedTime = performance.now();
    }
  }

  isLeader(): boolean {
    return this.observed?.spec?.holderIdentity === this.options.identity;
  }

  /** One attempt to acquire or renew (client-go tryAcquireOrRenew); true when we hold the Lease afterwards. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const { identity, name, log } = this.options;
    const now = new Date();
    let current: Lease;
    try {
      current = await this.leases.get(this.namespace, name);
    } catch (error) {
      if (!(isStatusError(error) && error.code === 404)) {
        log.info({ lease: name, err: error }, "error retrieving lease");
        return false;
      }
      try {
        const created = await this.leases.create({
          apiVersion: "coordination.k8s.io/v1",
          kind: "Lease",
          metadata: { name, namespace: this.namespace },
          spec: {
            holderIdentity: identity,
            leaseDurationSeconds: this.leaseDurationSeconds,
            acquireTime: microTime(now),
            renewTime: microTime(now),
            leaseTransitions: 0,
          },
        });
        this.observe(created);
        return true;
      } catch (createError) {
        log.info({ lease: name, err: createError }, "error creating lease");
        return false;
      }
    }
    this.observe(current);
    const spec = current.spec ?? {};
    const holder = spec.holderIdentity ?? "";
    const held = holder !== "" && holder !== identity;
    if (held && this.observedTime + (spec.leaseDurationSeconds ?? 0) * 1000 > performance.now()) {
      return false; // someone else holds a lease that is still valid
    }
    const renewing = holder === identity;
    const next: Lease = {
      ...current,
      spec: {
        ...spec,
        holderIdentity: identity,
        leaseDurationSeconds: this.leaseDurationSeconds,
        acquireTime: renewing && spec.acquireTime ? spec.acquireTime : microTime(now),
        renewTime: microTime(now),
        leaseTransitions: renewing ? (spec.leaseTransitions ?? 0) : (spec.leaseTransitions ?? 0) + 1,
      },
    };
    try {
      this.observe(await this.leases.update(next));
      return true;
    } catch (error) {
      log.info({ lease: name, err: error }, "failed to update lease");
      return false;
    }
  }

  /** Retries acquiring every retry period (jittered) until it succeeds (true) or `signal` aborts (false). */
  async acquire(signal: AbortSignal): Promise<boolean> {
    for (;;) {
      if (signal.aborted) return false;
      if (await this.tryAcquireOrRenew()) return true;
      if (signal.aborted) return false;
      await sleep(this.retryPeriodMs * (1 + Math.random() * 0.2), signal);
    }
  }

  /**
   * Renews every retry period while `leading` is not aborted; resolves false when renewal failed for the whole
   * renew deadline (leadership lost), true when `leading` aborted first.
   */
  async renew(leading: AbortSignal): Promise<boolean> {
    for (;;) {
      await sleep(this.retryPeriodMs, leading);
      if (leading.aborted) return true;
      const deadline = performance.now() + this.renewDeadlineMs;
      for (;;) {
        const remaining = deadline - performance.now();
        const ok = await Promise.race([
          this.tryAcquireOrRenew(),
          new Promise<false>((resolve) => setTimeout(resolve, Math.max(0, remaining), false).unref()),
        ]);
        if (leading.aborted) return true;
        if (ok) break;
        if (performance.now() >= deadline) return false;
        await sleep(Math.min(this.retryPeriodMs, Math.max(0, deadline - performance.now())), leading);
        if (leading.aborted) return true;
      }
    }
  }

  /** Gives the Lease up so another candidate can take it at once (client-go ReleaseOnCancel). */
  async release(): Promise<void> {
    const lease = this.observed;
    if (!lease || !this.isLeader()) return;
    const now = microTime();
    try {
      const released = await this.leases.update({
        ...lease,
        spec: {
          holderIdentity: "",
          leaseTransitions: lease.spec?.leaseTransitions ?? 0,
          leaseDurationSeconds: 1,
          acquireTime: now,
          renewTime: now,
        },
      });
      this.observe(released);
      this.options.log.info({ lease: this.options.name, identity: this.options.identity }, "released leader lease");
    } catch (error) {
      this.options.log.info({ lease: this.options.name, err: error }, "failed to release lease");
    }
  }
}

/**
 * Runs `run` while this candidate leads: waits to acquire the Lease, starts `run` with a signal that aborts when
 * leadership is lost (renewal failing for the renew deadline) or `signal` aborts, and after a loss waits for
 * `run` to return and becomes a candidate again. On `signal` abort it stops `run`, releases the Lease and
 * resolves. If `run` returns by itself, the Lease is released and this resolves (or rejects with its error).
 */
export async function runWithLeaderElection(
  options: LeaderElectionOptions,
  run: (signal: AbortSignal) => Promise<void>,
  signal: AbortSignal,
): Promise<void> {
  const elector = new LeaderElector(options);
  const { log, name, identity } = options;
  while (!signal.aborted) {
    log.info({ lease: name, identity }, "attempting to acquire leader lease");
    if (!(await elector.acquire(signal))) break;
    log.info({ lease: name, identity }, "successfully acquired lease");

    const leading = new AbortController();
    const stopLeading = (): void => leading.abort();
    signal.addEventListener("abort", stopLeading, { once: true });
    let runEnded = false;
    let runError: unknown;
    const running = (async () => {
      try {
        await run(leading.signal);
      } catch (error) {
        runError = error;
      } finally {
        runEnded = true;
        leading.abort();
      }
    })();
    const kept = await elector.renew(leading.signal);
    leading.abort();
    signal.removeEventListener("abort", stopLeading);
    await running;
    if (!kept) {
      log.info({ lease: name, identity }, "leader election lost");
      continue;
    }
    if (signal.aborted || runEnded) {
      await elector.release();
      if (!signal.aborted && runEnded) {
        if (runError !== undefined) throw runError;
        return;
      }
    }
  }
}
