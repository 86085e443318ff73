import { test } from "node:test";
import assert from "node:assert/strict";
import { collectGarbage, tuneGarbageCollection } from "./gc.js";

test("tuneGarbageCollection: single-threaded scavenges only on machines with at most two cores", () => {
  assert.equal(tuneGarbageCollection(4), false);
  assert.equal(tuneGarbageCollection(2), true);
  // The process keeps working with the flag set: scavenges and full collections still run.
  let garbage: unknown[] = [];
  for (let i = 0; i < 200_000; i++) garbage.push({ i });
  garbage = [];
  assert.equal(collectGarbage(), true);
  assert.equal(garbage.length, 0);
});
