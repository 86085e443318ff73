import assert from "node:assert/strict";
import { isStatusError } from "../status.js";

/** Runs `fn`, expecting a 400 BadRequest StatusError; returns its message. */
export function badRequestMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(isStatusError(error), `expected a StatusError, got ${String(error)}`);
    assert.equal(error.code, 400);
    assert.equal(error.status.reason, "BadRequest");
    return error.status.message ?? "";
  }
  assert.fail("expected a 400 BadRequest, but the call succeeded");
}
