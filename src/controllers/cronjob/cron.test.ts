/** The cron parser and next-activation walk, including time zones and DST transitions. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseCronSchedule } from "./cron.js";

const next = (spec: string, after: string, zone?: string): string | undefined =>
  parseCronSchedule(spec, zone).next(new Date(after))?.toISOString();

describe("cron schedules", () => {
  it("handles steps, ranges, lists and names", () => {
    assert.equal(next("*/15 * * * *", "2026-01-01T10:07:00Z"), "2026-01-01T10:15:00.000Z");
    assert.equal(next("* * * * *", "2026-01-01T10:07:00Z"), "2026-01-01T10:08:00.000Z");
    assert.equal(next("* * * * *", "2026-01-01T10:07:30Z"), "2026-01-01T10:08:00.000Z");
    assert.equal(next("0 9 * * MON-FRI", "2026-01-03T12:00:00Z"), "2026-01-05T09:00:00.000Z"); // Saturday → Monday
    assert.equal(next("5,10 0 1 JAN,jul ?", "2026-01-01T00:05:00Z"), "2026-01-01T00:10:00.000Z");
    assert.equal(next("5,10 0 1 JAN,jul ?", "2026-01-01T00:10:00Z"), "2026-07-01T00:05:00.000Z");
    assert.equal(next("0 0 29 2 *", "2026-03-01T00:00:00Z"), "2028-02-29T00:00:00.000Z");
    assert.equal(next("10-20/5 * * * *", "2026-01-01T10:11:00Z"), "2026-01-01T10:15:00.000Z");
  });
  it("ORs day-of-month and day-of-week unless one is a star", () => {
    // the 15th or any Sunday
    assert.equal(next("0 0 15 * 0", "2026-01-05T00:00:00Z"), "2026-01-11T00:00:00.000Z");
    assert.equal(next("0 0 15 * *", "2026-01-05T00:00:00Z"), "2026-01-15T00:00:00.000Z");
  });
  it("supports the descriptors", () => {
    assert.equal(next("@hourly", "2026-01-01T10:07:00Z"), "2026-01-01T11:00:00.000Z");
    assert.equal(next("@daily", "2026-01-01T10:07:00Z"), "2026-01-02T00:00:00.000Z");
    assert.equal(next("@midnight", "2026-01-01T10:07:00Z"), "2026-01-02T00:00:00.000Z");
    assert.equal(next("@weekly", "2026-01-01T10:07:00Z"), "2026-01-04T00:00:00.000Z");
    assert.equal(next("@monthly", "2026-01-01T10:07:00Z"), "2026-02-01T00:00:00.000Z");
    assert.equal(next("@yearly", "2026-01-01T10:07:00Z"), "2027-01-01T00:00:00.000Z");
    assert.equal(next("@annually", "2026-01-01T10:07:00Z"), "2027-01-01T00:00:00.000Z");
  });
  it("evaluates in a time zone, from spec.timeZone or a TZ= prefix", () => {
    assert.equal(next("0 9 * * *", "2026-06-01T00:00:00Z", "America/New_York"), "2026-06-01T13:00:00.000Z");
    assert.equal(next("0 9 * * *", "2026-01-10T00:00:00Z", "America/New_York"), "2026-01-10T14:00:00.000Z");
    assert.equal(next("TZ=Asia/Tokyo 0 9 * * *", "2026-01-10T00:00:00Z"), "2026-01-11T00:00:00.000Z");
    assert.equal(next("0 0 * * *", "2026-01-10T00:00:00Z", "Asia/Kolkata"), "2026-01-10T18:30:00.000Z");
  });
  it("skips wall times a DST gap removes and fires twice in a repeated hour, as robfig/cron", () => {
    // 2026-03-08 02:00 EST jumps to 03:00 EDT in New York: 02:30 does not exist that day.
    assert.equal(next("30 2 * * *", "2026-03-07T08:00:00Z", "America/New_York"), "2026-03-09T06:30:00.000Z");
    // 2026-11-01 02:00 EDT falls back to 01:00 EST: 01:30 happens twice.
    assert.equal(next("30 1 * * *", "2026-11-01T04:00:00Z", "America/New_York"), "2026-11-01T05:30:00.000Z");
    assert.equal(next("30 1 * * *", "2026-11-01T05:30:00Z", "America/New_York"), "2026-11-01T06:30:00.000Z");
    assert.equal(next("30 1 * * *", "2026-11-01T06:30:00Z", "America/New_York"), "2026-11-02T06:30:00.000Z");
  });
  it("rejects invalid specs with robfig's messages", () => {
    assert.throws(() => parseCronSchedule("* * * *"), /expected exactly 5 fields, found 4/);
    assert.throws(() => parseCronSchedule("61 * * * *"), /end of range \(61\) above maximum \(59\)/);
  });
});
