/**
 * Event recording as client-go's tools/record package: core/v1 Events named `<object>.<hex nanoseconds>`, run
 * through the event correlator (similar-event aggregation, de-duplication into count/lastTimestamp patches, and
 * the per-object spam filter), then written asynchronously through a bounded queue. Recording never throws.
 */
import type { Event } from "kubernetes-types/core/v1.js";
import { isStatusError } from "../api/status.js";
import type { Logger } from "../util/log.js";
import { events } from "./resources.js";
import type { Client, EventRecorder, KubeObject } from "./types.js";

/** Upstream's defaults (tools/record/events_cache.go). */
const MAX_CACHE_ENTRIES = 4096;
const AGGREGATE_MAX_EVENTS = 10;
const AGGREGATE_INTERVAL_MS = 600_000;
const SPAM_BURST = 25;
const SPAM_REFILL_MS = 300_000;
/** De-duplication window: an Event last seen longer ago is recorded anew. */
const DEDUP_WINDOW_MS = 600_000;
const MAX_PENDING_WRITES = 1000;

/** metav1.Time: RFC 3339 in seconds. */
function metaTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

let lastNanos = 0n;
/** A nanosecond-ish Unix timestamp, strictly increasing within the process (names stay unique). */
function nowNanos(ms: number): bigint {
  let nanos = BigInt(ms) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
  if (nanos <= lastNanos) nanos = lastNanos + 1n;
  lastNanos = nanos;
  return nanos;
}

/** A Map used as an LRU cache bounded at `MAX_CACHE_ENTRIES`. */
function touch<K, V>(cache: Map<K, V>, key: K, value: V): void {
  cache.delete(key);
  cache.set(key, value);
  if (cache.size > MAX_CACHE_ENTRIES) cache.delete(cache.keys().next().value as K);
}

function sourceAndObject(event: Event): string {
  const o = event.involvedObject;
  return [event.source?.component, event.source?.host, o.kind, o.namespace, o.name, o.uid, o.apiVersion].join("\u0000");
}

/** Everything that makes two Events "the same" except the message (upstream EventAggregatorByReasonFunc). */
function aggregateKey(event: Event): string {
  return [sourceAndObject(event), event.type, event.reason, event.reportingComponent, event.reportingInstance].join(
    "\u0000",
  );
}

/** upstream getEventKey: everything that makes two Events the same one, message included. */
function eventKey(event: Event): string {
  return [sourceAndObject(event), event.type, event.reason, event.message].join("\u0000");
}

export interface CorrelatedEvent {
  /** The Event to write: new (count 1) or an existing one to patch (count > 1, name of the existing one). */
  readonly event: Event;
  /** The strategic-merge patch for an Event seen before; absent for a new Event. */
  readonly patch?: { count: number; lastTimestamp: string; message: string };
  /** The de-duplication key; pass it to `recorded` after the write. */
  readonly key: string;
}

interface Observation {
  count: number;
  firstTimestamp: string;
  name: string;
  resourceVersion: string;
  lastSeen: number;
}

/**
 * Upstream's EventCorrelator: aggregation of similar events, de-duplication, and the spam filter. Pure
 * in-memory state; `now` is injectable for tests.
 */
export class EventCorrelator {
  private readonly aggregates = new Map<string, { readonly messages: Set<string>; lastSeen: number }>();
  private readonly observations = new Map<string, Observation>();
  private readonly buckets = new Map<string, { tokens: number; refilledAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The Event to write for `event`, or undefined when the spam filter drops it. */
  correlate(event: Event): CorrelatedEvent | undefined {
    const now = this.now();
    const { event: aggregated, key } = this.aggregate(event, now);
    const observed = this.observe(aggregated, key, now);
    if (!this.allow(observed.event, now)) return undefined;
    return observed;
  }

  /** Records what the server answered, so the next duplicate patches the right Event. */
  recorded(key: string, written: Event): void {
    touch(this.observations, key, {
      count: written.count ?? 1,
      firstTimestamp: written.firstTimestamp ?? "",
      name: written.metadata?.name ?? "",
      resourceVersion: written.metadata?.resourceVersion ?? "",
      lastSeen: this.now(),
    });
  }

  /** EventAggregate: after 10 distinct messages for the same key within 10 minutes, one combined Event. */
  private aggregate(event: Event, now: number): { event: Event; key: string } {
    const key = aggregateKey(event);
    let record = this.aggregates.get(key);
    if (!record || now - record.lastSeen > AGGREGATE_INTERVAL_MS) record = { messages: new Set(), lastSeen: now };
    record.lastSeen = now;
    record.messages.add(event.message ?? "");
    if (record.messages.size < AGGREGATE_MAX_EVENTS) {
      touch(this.aggregates, key, record);
      return { event, key: eventKey(event) };
    }
    // Do not grow the set further; the combined Event is keyed by the aggregate key so it is patched from now on.
    record.messages.delete(record.messages.values().next().value as string);
    touch(this.aggregates, key, record);
    const stamp = metaTime(now);
    return {
      key,
      event: {
        apiVersion: "v1",
        kind: "Event",
        metadata: {
          name: `${event.involvedObject.name ?? ""}.${nowNanos(now).toString(16)}`,
          namespace: event.metadata?.namespace,
        },
        involvedObject: event.involvedObject,
        reason: event.reason,
        message: `(combined from similar events): ${event.message ?? ""}`,
        type: event.type,
        source: event.source,
        count: 1,
        firstTimestamp: stamp,
        lastTimestamp: stamp,
        reportingComponent: event.reportingComponent,
        reportingInstance: event.reportingInstance,
      },
    };
  }

  /** eventObserve: an Event seen before (within the window) becomes a patch of count+1 on the existing one. */
  private observe(event: Event, key: string, now: number): CorrelatedEvent {
    const last = this.observations.get(key);
    if (!last || now - last.lastSeen > DEDUP_WINDOW_MS) {
      touch(this.observations, key, {
        count: event.count ?? 1,
        firstTimestamp: event.firstTimestamp ?? "",
        name: event.metadata?.name ?? "",
        resourceVersion: "",
        lastSeen: now,
      });
      return { event, key };
    }
    const count = last.count + 1;
    const updated: Event = {
      ...event,
      metadata: { ...event.metadata, name: last.name, resourceVersion: last.resourceVersion || undefined },
      firstTimestamp: last.firstTimestamp,
      count,
    };
    touch(this.observations, key, { ...last, count, lastSeen: now });
    return {
      event: updated,
      key,
      patch: { count, lastTimestamp: updated.lastTimestamp ?? metaTime(now), message: updated.message ?? "" },
    };
  }

  /** EventSourceObjectSpamFilter: a token bucket per (source, object): burst 25, one more every 5 minutes. */
  private allow(event: Event, now: number): boolean {
    const key = sourceAndObject(event);
    let bucket = this.buckets.get(key);
    if (!bucket) bucket = { tokens: SPAM_BURST, refilledAt: now };
    const refill = Math.floor((now - bucket.refilledAt) / SPAM_REFILL_MS);
    if (refill > 0) {
      bucket.tokens = Math.min(SPAM_BURST, bucket.tokens + refill);
      bucket.refilledAt += refill * SPAM_REFILL_MS;
    }
    touch(this.buckets, key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens--;
    return true;
  }
}

export interface EventRecorderOptions {
  /** The clock (tests); default Date.now. */
  readonly now?: () => number;
}

class Recorder implements EventRecorder {
  private readonly correlator: EventCorrelator;
  private readonly now: () => number;
  private readonly pending: Event[] = [];
  private writing = false;
  private dropped = 0;

  constructor(
    private readonly client: Client,
    private readonly component: string,
    private readonly log: Logger,
    private readonly host: string | undefined,
    options: EventRecorderOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.correlator = new EventCorrelator(this.now);
  }

  event(object: KubeObject, type: "Normal" | "Warning", reason: string, message: string): void {
    try {
      if (this.pending.length >= MAX_PENDING_WRITES) {
        if (this.dropped++ % 100 === 0) {
          this.log.warn({ reason, dropped: this.dropped }, "event queue full; dropping events");
        }
        return;
      }
      this.pending.push(this.build(object, type, reason, message));
      if (!this.writing) void this.drain();
    } catch (error) {
      this.log.error({ err: error, reason }, "could not record event");
    }
  }

  private build(object: KubeObject, type: string, reason: string, message: string): Event {
    const now = this.now();
    const meta = object.metadata ?? {};
    const stamp = metaTime(now);
    return {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: `${meta.name ?? ""}.${nowNanos(now).toString(16)}`, namespace: meta.namespace || "default" },
      involvedObject: {
        kind: object.kind,
        namespace: meta.namespace,
        name: meta.name,
        uid: meta.uid,
        apiVersion: object.apiVersion,
        resourceVersion: meta.resourceVersion,
      },
      reason,
      message,
      type,
      source: this.host ? { component: this.component, host: this.host } : { component: this.component },
      firstTimestamp: stamp,
      lastTimestamp: stamp,
      count: 1,
      reportingComponent: this.component,
      reportingInstance: this.host ?? "",
    };
  }

  /** Writes queued Events one at a time, in order (so a duplicate's patch follows its create). */
  private async drain(): Promise<void> {
    this.writing = true;
    try {
      for (let event = this.pending.shift(); event; event = this.pending.shift()) {
        const correlated = this.correlator.correlate(event);
        if (!correlated) continue;
        try {
          const written = await this.write(correlated);
          this.correlator.recorded(correlated.key, written);
        } catch (error) {
          this.log.info({ err: error, reason: event.reason, object: event.involvedObject.name }, "event dropped");
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private async write({ event, patch }: CorrelatedEvent): Promise<Event> {
    const client = this.client.resource(events);
    const namespace = event.metadata?.namespace;
    if (patch) {
      try {
        return await client.patch(namespace, event.metadata?.name ?? "", "strategic", patch);
      } catch (error) {
        if (!(isStatusError(error) && error.code === 404)) throw error;
        // The Event is gone (expired by its TTL): create it anew, as upstream does.
      }
      return client.create({ ...event, metadata: { name: event.metadata?.name, namespace } });
    }
    return client.create(event);
  }

  /** Resolves when every queued Event was written (tests). */
  async flush(): Promise<void> {
    while (this.writing || this.pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * A recorder reporting as `component` (source.component, reportingComponent) from `host` (source.host,
 * reportingInstance).
 */
export function createEventRecorder(
  client: Client,
  component: string,
  log: Logger,
  host?: string,
  options: EventRecorderOptions = {},
): EventRecorder & { flush(): Promise<void> } {
  return new Recorder(client, component, log, host, options);
}
