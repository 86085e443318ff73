import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { humanDuration, parseTime, translateTimestampSince } from "./duration.js";

const S = 1000;
const M = 60 * S;
const H = 60 * M;

describe("printers: HumanDuration", () => {
  it("matches upstream's duration_test.go cases", () => {
    const cases: [number, string][] = [
      [1 * S, "1s"],
      [70 * S, "70s"],
      [190 * S, "3m10s"],
      [70 * M, "70m"],
      [47 * H, "47h"],
      [49 * H, "2d1h"],
      [(8 * 24 + 2) * H, "8d"],
      [367 * 24 * H, "367d"],
      [(365 * 2 * 24 + 25) * H, "2y1d"],
      [(365 * 8 * 24 + 2) * H, "8y"],
    ];
    for (const [d, want] of cases) assert.equal(humanDuration(d), want, `${d}ms`);
  });

  it("switches units exactly at upstream's boundaries", () => {
    const cases: [number, string][] = [
      [0, "0s"],
      [999, "0s"],
      [5 * S, "5s"],
      [119 * S + 999, "119s"],
      [120 * S, "2m"],
      [184 * S, "3m4s"],
      [599 * S, "9m59s"],
      [600 * S, "10m"],
      [10 * M + 59 * S, "10m"],
      [179 * M + 59 * S, "179m"],
      [180 * M, "3h"],
      [3 * H + 1 * M, "3h1m"],
      [7 * H + 59 * M, "7h59m"],
      [8 * H, "8h"],
      [47 * H + 59 * M, "47h"],
      [48 * H, "2d"],
      [51 * H, "2d3h"],
      [8 * 24 * H - 1, "7d23h"],
      [8 * 24 * H, "8d"],
      [2 * 365 * 24 * H - 1, "729d"],
      [2 * 365 * 24 * H, "2y"],
      [(8 * 365 * 24 - 1) * H, "7y364d"],
    ];
    for (const [d, want] of cases) assert.equal(humanDuration(d), want, `${d}ms`);
  });

  it("tolerates up to 2s of clock skew, then reports <invalid>", () => {
    assert.equal(humanDuration(-1 * S), "0s");
    assert.equal(humanDuration(-1999), "0s");
    assert.equal(humanDuration(-2 * S), "<invalid>");
    assert.equal(humanDuration(-3 * H), "<invalid>");
  });
});

describe("printers: translateTimestampSince", () => {
  const now = new Date("2026-01-01T00:00:00Z");
  it("formats the age of a timestamp", () => {
    assert.equal(translateTimestampSince("2025-12-31T23:59:55Z", now), "5s");
    assert.equal(translateTimestampSince("2025-12-29T21:00:00Z", now), "2d3h");
  });
  it("reports <unknown> for a missing or zero timestamp", () => {
    assert.equal(translateTimestampSince(undefined, now), "<unknown>");
    assert.equal(translateTimestampSince(null, now), "<unknown>");
    assert.equal(translateTimestampSince("", now), "<unknown>");
    assert.equal(translateTimestampSince("0001-01-01T00:00:00Z", now), "<unknown>");
    assert.equal(parseTime("not a time"), undefined);
  });
});
