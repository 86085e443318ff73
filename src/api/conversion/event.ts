/**
 * Event core/v1 ↔ events.k8s.io/v1, as upstream's pkg/apis/events/v1/conversion.go (through the internal
 * core Event): involvedObject ↔ regarding, message ↔ note, source ↔ deprecatedSource, firstTimestamp ↔
 * deprecatedFirstTimestamp, lastTimestamp ↔ deprecatedLastTimestamp, count ↔ deprecatedCount,
 * reportingComponent ↔ reportingController; eventTime, series, related, action, reason, type and
 * reportingInstance keep their names.
 */
type Json = Record<string, unknown>;

/** core field → events.k8s.io field (both directions; everything else is carried as is). */
const RENAMES: readonly (readonly [string, string])[] = [
  ["involvedObject", "regarding"],
  ["message", "note"],
  ["source", "deprecatedSource"],
  ["firstTimestamp", "deprecatedFirstTimestamp"],
  ["lastTimestamp", "deprecatedLastTimestamp"],
  ["count", "deprecatedCount"],
  ["reportingComponent", "reportingController"],
];

function rename(input: Json, apiVersion: string, pairs: readonly (readonly [string, string])[]): Json {
  const out: Json = {};
  const map = new Map(pairs);
  for (const [key, value] of Object.entries(input)) {
    if (key === "apiVersion") out.apiVersion = apiVersion;
    else if (map.has(key)) {
      if (value !== undefined) out[map.get(key)!] = value;
    } else if (!pairs.some(([, to]) => to === key)) out[key] = value;
  }
  out.apiVersion = apiVersion;
  return out;
}

/** core/v1 Event → events.k8s.io/v1 Event. */
export function eventToEventsV1(core: Json): Json {
  return rename(core, "events.k8s.io/v1", RENAMES);
}

/** events.k8s.io/v1 Event → core/v1 Event (the storage version). */
export function eventToCoreV1(events: Json): Json {
  return rename(
    events,
    "v1",
    RENAMES.map(([a, b]) => [b, a] as const),
  );
}
