import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseDuration, parseNonNegativeInt, parsePort } from "./options.js";

describe("command-line option parsers", () => {
  it("parses Go-style durations as upstream flags take them", () => {
    assert.equal(parseDuration("40s"), 40_000);
    assert.equal(parseDuration("500ms"), 500);
    assert.equal(parseDuration("1m30s"), 90_000);
    assert.equal(parseDuration("2h"), 7_200_000);
    assert.equal(parseDuration("1.5s"), 1_500);
    for (const bad of ["", "40", "s", "10x", "-1s", "1s "]) {
      assert.throws(() => parseDuration(bad), /expected a duration/, bad);
    }
  });

  it("parses ports and counts", () => {
    assert.equal(parsePort("6443"), 6443);
    assert.throws(() => parsePort("65536"), /expected a port/);
    assert.equal(parseNonNegativeInt("0"), 0);
    assert.throws(() => parseNonNegativeInt("-1"), /non-negative/);
  });
});
