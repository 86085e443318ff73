import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { slowStartBatch } from "./slowstart.js";

describe("slowStartBatch", () => {
  it("runs batches of 1, 2, 4, … until done", async () => {
    let calls = 0;
    const result = await slowStartBatch(10, 1, async () => {
      calls++;
    });
    assert.deepEqual(result, { successes: 10 });
    assert.equal(calls, 10);
  });

  it("stops after the first batch with a failure", async () => {
    let calls = 0;
    const result = await slowStartBatch(100, 1, async () => {
      calls++;
      if (calls >= 3) throw new Error("quota");
    });
    // Batches: 1 (ok), 2 (one fails) → stop.
    assert.equal(calls, 3);
    assert.equal(result.successes, 2);
    assert.equal((result.error as Error).message, "quota");
  });
});
