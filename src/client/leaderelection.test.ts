/** Leader election against a real API server: one leader at a time, hand-over on release and on a dead leader. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { serviceUnavailable } from "../api/status.js";
import { logger } from "../util/log.js";
import { runWithLeaderElection } from "./leaderelection.js";
import { leases } from "./resources.js";
import { eventually, startTestCluster, type TestCluster } from "./testing.js";
import type { Client, KubeObject, Resource, ResourceClient } from "./types.js";

const log = logger("leaderelection-test");
const timing = { leaseDurationMs: 600, renewDeadlineMs: 400, retryPeriodMs: 100 };

/** A client that can be "killed": every request fails from then on, as for a partitioned process. */
function killable(client: Client): { client: Client; kill(): void } {
  let dead = false;
  const guard = <F extends (...args: never[]) => Promise<unknown>>(fn: F): F =>
    ((...args: Parameters<F>) => (dead ? Promise.reject(serviceUnavailable("killed")) : fn(...args))) as F;
  return {
    kill: () => (dead = true),
    client: {
      userAgent: client.userAgent,
      close: () => client.close(),
      request: guard(client.request.bind(client)),
      resource<T extends KubeObject>(resource: Resource<T>): ResourceClient<T> {
        const real = client.resource(resource);
        return {
          ...real,
          get: guard(real.get.bind(real)),
          create: guard(real.create.bind(real)),
          update: guard(real.update.bind(real)),
        };
      },
    },
  };
}

/** One candidate: records whether it is leading now and how often it started leading. */
function candidate(client: Client, identity: string, name: string) {
  const state = { leading: false, terms: 0, stop: new AbortController(), done: Promise.resolve() };
  state.done = runWithLeaderElection(
    { client, name, identity, log, ...timing },
    async (signal) => {
      state.leading = true;
      state.terms++;
      await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
      state.leading = false;
    },
    state.stop.signal,
  );
  return state;
}

describe("leader election", () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster();
  });
  after(() => cluster.close());

  test("exactly one of two candidates leads; the other takes over at once after a release", async () => {
    const a = candidate(cluster.client, "a", "released");
    const b = candidate(cluster.client, "b", "released");
    const first = await eventually(() => (a.leading ? a : b.leading ? b : undefined), { message: "a leader" });
    const second = first === a ? b : a;
    // Several renew periods later, still exactly one leader.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(a.leading !== b.leading, true);
    assert.equal(first.terms, 1);
    const lease = await cluster.client.resource(leases).get("kube-system", "released");
    assert.equal(lease.spec?.holderIdentity, first === a ? "a" : "b");
    assert.equal(lease.spec?.leaseTransitions, 0);

    first.stop.abort();
    await first.done;
    assert.equal(first.leading, false);
    await eventually(() => second.leading, { message: "the other candidate takes over" });
    const after = await cluster.client.resource(leases).get("kube-system", "released");
    assert.equal(after.spec?.holderIdentity, second === a ? "a" : "b");
    assert.equal(after.spec?.leaseTransitions, 1);
    second.stop.abort();
    await second.done;
    const released = await cluster.client.resource(leases).get("kube-system", "released");
    assert.equal(released.spec?.holderIdentity ?? "", "");
    assert.equal(released.spec?.leaseDurationSeconds, 1);
  });

  test("a leader that can no longer renew steps down, and the other takes over after the lease expires", async () => {
    const first = killable(cluster.client);
    const a = candidate(first.client, "a", "killed");
    await eventually(() => a.leading, { message: "a leads" });
    const b = candidate(cluster.client, "b", "killed");
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(b.leading, false);
    first.kill();
    await eventually(() => !a.leading, { message: "a steps down after the renew deadline" });
    await eventually(() => b.leading, { message: "b takes over the expired lease" });
    const lease = await cluster.client.resource(leases).get("kube-system", "killed");
    assert.equal(lease.spec?.holderIdentity, "b");
    assert.equal(lease.spec?.leaseTransitions, 1);
    assert.equal(a.terms, 1, "a is a candidate again but cannot reach the server");
    a.stop.abort();
    b.stop.abort();
    await Promise.all([a.done, b.done]);
  });
});
