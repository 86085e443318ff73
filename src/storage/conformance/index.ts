/**
 * The storage conformance suite: one set of `node:test` tests that every `Store` backend must pass. A backend's
 * test file calls `describeStoreConformance("sqlite", makeFixture)`.
 *
 * Ground rules the tests follow, so that they hold for every backend:
 * - One fixture is shared by most tests (starting etcd takes time); each test works under its own key prefix,
 *   so tests never see each other's keys. Tests that need a store to themselves (an empty store, compaction,
 *   close, reopen) make their own fixture.
 * - Revisions are only assumed to be strictly increasing, never contiguous: a backend may write bookkeeping
 *   keys outside /registry/.
 * - Expected results are computed from what the writes acknowledged (their revisions and values), never from
 *   timing; every wait is bounded and fails with a description of what was seen.
 */
import { describe } from "node:test";
import { describeBadInput } from "./bad-input.js";
import { describeCompaction } from "./compaction.js";
import { describeConcurrency } from "./concurrency.js";
import { describeCrud } from "./crud.js";
import { prefixMaker, useFixture, type StoreFixture } from "./helpers.js";
import { describeLifecycle } from "./lifecycle.js";
import { describeList } from "./list.js";
import { describeWatch } from "./watch.js";

export { recordWatch, type StoreFixture, type WatchLog } from "./helpers.js";

export function describeStoreConformance(name: string, makeFixture: () => Promise<StoreFixture>): void {
  const fresh = prefixMaker();
  describe(name, () => {
    const shared = useFixture(makeFixture, "the shared fixture");
    const suite = { makeFixture, shared, fresh };
    describeCrud(suite);
    describeConcurrency(suite);
    describeList(suite);
    describeWatch(suite);
    describeBadInput(suite);
    describeCompaction(suite);
    describeLifecycle(suite);
  });
}
