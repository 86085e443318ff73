/**
 * Cron schedules as github.com/robfig/cron/v3 ParseStandard + SpecSchedule.Next, which upstream's CronJob
 * controller uses: five fields (minute hour day-of-month month day-of-week) with ranges, lists, steps, `*`/`?`
 * and JAN–DEC / SUN–SAT names, the @yearly/@annually/@monthly/@weekly/@daily/@midnight/@hourly descriptors, an
 * optional `TZ=`/`CRON_TZ=` prefix, and time zones through Intl (Node ships full ICU). `next` walks wall-clock
 * fields exactly as robfig does, so DST gaps are skipped and repeated hours fire twice, as upstream.
 */
import { cronParseError } from "../../api/validation/cron.js";

interface Field {
  readonly bits: Set<number>;
  /** The field was `*` or `?` without a step > 1 (robfig's starBit): day matching then requires both fields. */
  readonly star: boolean;
}

export interface CronSchedule {
  /** The first activation strictly after `after` (whole seconds), or undefined when none within five years. */
  next(after: Date): Date | undefined;
  readonly timeZone: string;
}

const BOUNDS = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"] },
  { min: 0, max: 6, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] },
] as const;

const DESCRIPTORS: Readonly<Record<string, string>> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

function parseValue(text: string, index: number): number {
  const bounds = BOUNDS[index]!;
  const names: readonly string[] | undefined = "names" in bounds ? bounds.names : undefined;
  const named = names?.indexOf(text.toLowerCase()) ?? -1;
  return named >= 0 ? named + bounds.min : Number(text);
}

function parseField(text: string, index: number): Field {
  const { min, max } = BOUNDS[index]!;
  const bits = new Set<number>();
  let star = false;
  for (const part of text.split(",")) {
    const [range, stepText] = part.split("/") as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    let start: number;
    let end: number;
    if (range === "*" || range === "?") {
      [start, end] = [min, max];
      if (step <= 1) star = true;
    } else {
      const [low, high] = range.split("-") as [string, string | undefined];
      start = parseValue(low, index);
      end = high === undefined ? (stepText === undefined ? start : max) : parseValue(high, index);
    }
    for (let v = start; v <= end; v += step) bits.add(v);
  }
  return { bits, star };
}

/** Wall-clock fields of an instant in a time zone. */
interface Wall {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function wallOf(ms: number, zone: string): Wall {
  if (zone === "UTC") {
    const d = new Date(ms);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      weekday: d.getUTCDay(),
    };
  }
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(zone, format);
  }
  const parts: Record<string, number> = {};
  for (const p of format.formatToParts(new Date(ms))) if (p.type !== "literal") parts[p.type] = Number(p.value);
  const weekday = new Date(Date.UTC(parts.year!, parts.month! - 1, parts.day!)).getUTCDay();
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, weekday };
}

/** The zone's UTC offset at an instant, in ms (whole seconds). */
function offsetAt(ms: number, zone: string): number {
  if (zone === "UTC") return 0;
  const seconds = Math.floor(ms / 1000) * 1000;
  const w = wallOf(seconds, zone);
  const second = new Date(seconds).getUTCSeconds();
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, second) - seconds;
}

/** Go's time.Date in a location: normalizes the fields, then resolves the offset as Go does (gaps and overlaps). */
function goDate(year: number, month: number, day: number, hour: number, minute: number, zone: string): number {
  const unix = Date.UTC(year, month - 1, day, hour, minute, 0);
  const offset = offsetAt(unix, zone);
  if (offset === 0) return unix;
  const utc = unix - offset;
  const actual = offsetAt(utc, zone);
  return unix - (actual !== offset ? actual : offset);
}

class SpecSchedule implements CronSchedule {
  constructor(
    private readonly fields: readonly Field[],
    readonly timeZone: string,
  ) {}

  private dayMatches(w: Wall): boolean {
    const [, , dom, , dow] = this.fields as [Field, Field, Field, Field, Field];
    const domMatch = dom.bits.has(w.day);
    const dowMatch = dow.bits.has(w.weekday);
    return dom.star || dow.star ? domMatch && dowMatch : domMatch || dowMatch;
  }

  next(after: Date): Date | undefined {
    const zone = this.timeZone;
    const [minutes, hours, , months] = this.fields as [Field, Field, Field, Field, Field];
    // Start at the upcoming second.
    let t = Math.floor(after.getTime() / 1000) * 1000 + 1000;
    let added = false;
    const yearLimit = wallOf(t, zone).year + 5;
    wrap: for (;;) {
      let w = wallOf(t, zone);
      if (w.year > yearLimit) return undefined;
      while (!months.bits.has(w.month)) {
        if (!added) {
          added = true;
          t = goDate(w.year, w.month, 1, 0, 0, zone);
          w = wallOf(t, zone);
        }
        t = goDate(w.year, w.month + 1, w.day, w.hour, w.minute, zone);
        w = wallOf(t, zone);
        if (w.month === 1) continue wrap;
      }
      while (!this.dayMatches(w)) {
        if (!added) {
          added = true;
          t = goDate(w.year, w.month, w.day, 0, 0, zone);
          w = wallOf(t, zone);
        }
        t = goDate(w.year, w.month, w.day + 1, w.hour, w.minute, zone);
        w = wallOf(t, zone);
        // Notice if the hour is no longer midnight due to DST.
        if (w.hour !== 0) {
          t += (w.hour > 12 ? 24 - w.hour : -w.hour) * 3_600_000;
          w = wallOf(t, zone);
        }
        if (w.day === 1) continue wrap;
      }
      while (!hours.bits.has(w.hour)) {
        if (!added) {
          added = true;
          t = goDate(w.year, w.month, w.day, w.hour, 0, zone);
        }
        t += 3_600_000;
        w = wallOf(t, zone);
        if (w.hour === 0) continue wrap;
      }
      while (!minutes.bits.has(w.minute)) {
        if (!added) {
          added = true;
          t = Math.floor(t / 60_000) * 60_000;
        }
        t += 60_000;
        w = wallOf(t, zone);
        if (w.minute === 0) continue wrap;
      }
      // The seconds field of a standard spec is 0.
      if (new Date(t).getUTCSeconds() !== 0) {
        if (!added) added = true;
        t = Math.floor(t / 60_000) * 60_000 + 60_000;
        continue wrap;
      }
      return new Date(t);
    }
  }
}

/**
 * Parses a standard cron spec (as cron.ParseStandard) in `timeZone` (default UTC); a `TZ=`/`CRON_TZ=` prefix
 * overrides it. Throws an Error with robfig's message when the spec is invalid.
 */
export function parseCronSchedule(spec: string, timeZone = "UTC"): CronSchedule {
  const error = cronParseError(spec);
  if (error !== undefined) throw new Error(error);
  let rest = spec.trim();
  let zone = timeZone === "" || timeZone === "Local" ? "UTC" : timeZone;
  const prefix = /^(?:CRON_)?TZ=(\S*)\s*/.exec(rest);
  if (prefix) {
    zone = prefix[1] || "UTC";
    rest = rest.slice(prefix[0].length);
  }
  if (rest.startsWith("@every")) throw new Error(`unsupported schedule: ${rest}`);
  const text = DESCRIPTORS[rest] ?? rest;
  const fields = text.split(/\s+/).map((f, i) => parseField(f, i));
  return new SpecSchedule(fields, zone);
}
