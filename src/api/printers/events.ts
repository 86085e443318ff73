// Events: core/v1 events and events.k8s.io/v1 events (upstream serves both from the core Event storage,
// so both print LAST SEEN, TYPE, REASON, OBJECT, MESSAGE the same way).
import type { Event as CoreEvent } from "kubernetes-types/core/v1.js";
import type { Event as EventsEvent } from "kubernetes-types/events/v1.js";
import { DESCRIPTIONS } from "./descriptions.js";
import { translateTimestampSince } from "./duration.js";
import { column, type TableCell, type TablePrinter } from "./types.js";
import { NAME_COLUMN, nameOf, printer } from "./util.js";

const EVENT_COLUMNS = [
  column({ name: "Last Seen", description: DESCRIPTIONS["Event.lastTimestamp"] }),
  column({ name: "Type", description: DESCRIPTIONS["Event.type"] }),
  column({ name: "Reason", description: DESCRIPTIONS["Event.reason"] }),
  column({ name: "Object", description: DESCRIPTIONS["Event.involvedObject"] }),
  column({ name: "Subobject", priority: 1, description: DESCRIPTIONS["ObjectReference.fieldPath"] }),
  column({ name: "Source", priority: 1, description: DESCRIPTIONS["Event.source"] }),
  column({ name: "Message", description: DESCRIPTIONS["Event.message"] }),
  column({ name: "First Seen", priority: 1, description: DESCRIPTIONS["Event.firstTimestamp"] }),
  column({ name: "Count", priority: 1, description: DESCRIPTIONS["Event.count"] }),
  { ...NAME_COLUMN, priority: 1 },
];

function firstNonEmpty(...values: (string | undefined)[]): string {
  return values.find((v) => v !== undefined && v.length > 0) ?? "";
}

/** printEvent on a core/v1 Event. */
export function coreEventCells(obj: CoreEvent, now: Date): TableCell[] {
  let firstTimestamp = translateTimestampSince(obj.firstTimestamp, now);
  if (!obj.firstTimestamp) firstTimestamp = translateTimestampSince(obj.eventTime, now);
  let lastTimestamp = translateTimestampSince(obj.lastTimestamp, now);
  if (!obj.lastTimestamp) lastTimestamp = firstTimestamp;
  let count = obj.count ?? 0;
  if (obj.series) {
    lastTimestamp = translateTimestampSince(obj.series.lastObservedTime, now);
    count = obj.series.count ?? 0;
  } else if (count === 0) {
    // Singleton events don't have a count set in the new API.
    count = 1;
  }
  const involved = obj.involvedObject ?? {};
  const kind = (involved.kind ?? "").toLowerCase();
  const target = involved.name ? `${kind}/${involved.name}` : kind;
  // formatEventSource: component (or reportingController), then ", host" (or reportingInstance) when set.
  const component = firstNonEmpty(obj.source?.component, obj.reportingComponent);
  const instance = firstNonEmpty(obj.source?.host, obj.reportingInstance);
  const source = instance.length === 0 ? component : `${component}, ${instance}`;
  return [
    lastTimestamp,
    obj.type ?? "",
    obj.reason ?? "",
    target,
    involved.fieldPath ?? "",
    source,
    (obj.message ?? "").trim(),
    firstTimestamp,
    count,
    nameOf(obj),
  ];
}

/** The core/v1 shape of an events.k8s.io/v1 Event (upstream's conversion through the internal type). */
export function eventsV1ToCore(obj: EventsEvent): CoreEvent {
  return {
    metadata: obj.metadata ?? {},
    involvedObject: obj.regarding ?? {},
    related: obj.related,
    reason: obj.reason,
    message: obj.note,
    source: obj.deprecatedSource,
    firstTimestamp: obj.deprecatedFirstTimestamp,
    lastTimestamp: obj.deprecatedLastTimestamp,
    count: obj.deprecatedCount,
    type: obj.type,
    eventTime: obj.eventTime,
    series: obj.series ? { count: obj.series.count, lastObservedTime: obj.series.lastObservedTime } : undefined,
    action: obj.action,
    reportingComponent: obj.reportingController,
    reportingInstance: obj.reportingInstance,
  };
}

export const eventPrinter: TablePrinter = printer<CoreEvent>(EVENT_COLUMNS, coreEventCells);

/** events.k8s.io events; objects already in the core/v1 shape (involvedObject) are printed as they are. */
export const eventsV1Printer: TablePrinter = printer<EventsEvent & CoreEvent>(EVENT_COLUMNS, (obj, now) =>
  coreEventCells("involvedObject" in obj && !("regarding" in obj) ? obj : eventsV1ToCore(obj), now),
);
