// Port of k8s.io/apimachinery/pkg/util/duration.HumanDuration and the printers' timestamp helpers.

/**
 * HumanDuration: a succinct duration with ~2-3 significant figures ("5s", "3m4s", "2d3h", "4y12d").
 * `ms` is a duration in milliseconds. Up to 2 s in the future still reads as "0s" (clock skew); beyond that
 * it is "<invalid>".
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(ms / 3_600_000);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    const days = Math.trunc(hours / 24);
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  const years = Math.trunc(hours / 24 / 365);
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    return dy === 0 ? `${years}y` : `${years}y${dy}d`;
  }
  return `${years}y`;
}

// Go's zero time.Time (0001-01-01T00:00:00Z); metav1.Time serializes it as null, but be lenient.
const GO_ZERO_TIME = Date.parse("0001-01-01T00:00:00Z");

/** Parses an RFC 3339 timestamp; undefined when absent, empty, unparseable or Go's zero time. */
export function parseTime(value: unknown): number | undefined {
  if (typeof value !== "string" || value === "") return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t) || t <= GO_ZERO_TIME) return undefined;
  return t;
}

/** translateTimestampSince: HumanDuration(now - t), or "<unknown>" for a missing (zero) timestamp. */
export function translateTimestampSince(value: unknown, now: Date): string {
  const t = parseTime(value);
  return t === undefined ? "<unknown>" : humanDuration(now.getTime() - t);
}
