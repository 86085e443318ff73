/** The Job reconcile over in-memory caches and a recording client: finished pods are counted exactly once. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Job } from "kubernetes-types/batch/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { pino } from "pino";
import type { Client, KubeObject, Lister, Resource } from "../../client/types.js";
import { Expectations } from "../util/expectations.js";
import { BackoffStore, DEFAULT_BACKOFF } from "./backoff.js";
import { JOB_TRACKING_FINALIZER } from "./constants.js";
import { FinalizerExpectations } from "./finalizers.js";
import { JobSyncer } from "./sync.js";

function lister<T extends KubeObject>(items: () => T[]): Lister<T> {
  const key = (o: T): string => `${o.metadata?.namespace}/${o.metadata?.name}`;
  return {
    get: (k) => items().find((o) => key(o) === k),
    list: (ns) => items().filter((o) => !ns || o.metadata?.namespace === ns),
    byIndex: () => [],
  };
}

interface Call {
  readonly verb: string;
  readonly resource: string;
  readonly body?: unknown;
}

/** A client that records writes; job status writes bump the resourceVersion; the first `failing.patches` fail. */
function recordingClient(calls: Call[], writes: KubeObject[], failing = { patches: 0 }): Client {
  let rv = 100;
  const resource = <T extends KubeObject>(r: Resource<T>) =>
    ({
      updateStatus: async (o: T) => {
        calls.push({ verb: "updateStatus", resource: r.resource, body: structuredClone(o) });
        writes.push(structuredClone(o));
        return { ...o, metadata: { ...o.metadata, resourceVersion: `${++rv}` } };
      },
      patch: async (_ns: string, name: string, _type: string, patch: unknown) => {
        calls.push({ verb: "patch", resource: r.resource, body: { name, patch } });
        if (failing.patches > 0) {
          failing.patches--;
          throw new Error("the patch failed");
        }
        return {} as T;
      },
      create: async (o: T) => {
        calls.push({ verb: "create", resource: r.resource, body: o });
        return { ...o, metadata: { ...o.metadata, name: "created" } };
      },
      delete: async (_ns: string, name: string) => {
        calls.push({ verb: "delete", resource: r.resource, body: name });
        return {} as T;
      },
    }) as unknown as ReturnType<Client["resource"]>;
  return { resource, request: async () => undefined as never, userAgent: "test", close() {} } as unknown as Client;
}

const jobUid = "job-uid";
function podOf(uid: string, phase: string, finalizer: boolean): Pod {
  return {
    metadata: {
      name: `p-${uid}`,
      namespace: "ns",
      uid,
      finalizers: finalizer ? [JOB_TRACKING_FINALIZER] : [],
      ownerReferences: [{ apiVersion: "batch/v1", kind: "Job", name: "j", uid: jobUid, controller: true }],
    },
    spec: { containers: [] },
    status: { phase },
  };
}

function setup(
  failing = { patches: 0 },
  spec: Partial<NonNullable<Job["spec"]>> = {},
  pods = [podOf("a", "Succeeded", true)],
) {
  const state = {
    job: {
      metadata: { name: "j", namespace: "ns", uid: jobUid, resourceVersion: "1" },
      spec: { completions: 2, parallelism: 1, backoffLimit: 6, template: {}, ...spec },
      status: { startTime: "2026-01-01T00:00:00Z", active: 1 },
    } as Job,
    pods,
  };
  const expectations = new Expectations();
  const calls: Call[] = [];
  const writes: KubeObject[] = [];
  const finalizers = new FinalizerExpectations();
  const syncer = new JobSyncer({
    client: recordingClient(calls, writes, failing),
    jobs: lister(() => [state.job]),
    pods: lister(() => state.pods),
    recorder: { event() {} },
    expectations,
    finalizers,
    backoff: new BackoffStore(),
    backoffPolicy: DEFAULT_BACKOFF,
    enqueueAfter: () => {},
    log: pino({ level: "silent" }),
  });
  const lastStatus = (): Job => writes.at(-1) as Job;
  /** The job cache catches up with our last status write. */
  const jobWriteArrives = (rv: string): void => {
    state.job = { ...lastStatus(), metadata: { ...state.job.metadata, resourceVersion: rv } };
  };
  const verbs = (): string[] => calls.map((c) => `${c.verb} ${c.resource}`);
  return { state, calls, expectations, finalizers, syncer, lastStatus, jobWriteArrives, verbs };
}

describe("job sync counting", () => {
  it("records a finished pod as uncounted before releasing it, and counts it once after", async () => {
    const { state, calls, finalizers, syncer, lastStatus, jobWriteArrives, verbs } = setup();

    await syncer.sync("ns/j");
    assert.deepEqual(verbs(), ["updateStatus jobs", "patch pods", "create pods"]);
    assert.deepEqual(lastStatus().status?.uncountedTerminatedPods, { succeeded: ["a"], failed: [] });
    assert.equal(lastStatus().status?.succeeded, 0);
    assert.deepEqual([...finalizers.expected("ns/j")], ["a"]);

    // The job cache has not seen our write yet: nothing happens.
    calls.length = 0;
    await syncer.sync("ns/j");
    assert.equal(calls.length, 0);

    // The write arrives, the pod cache still shows the finalizer: its removal is still expected (the API server
    // answers before the informer sees it), so the pod is neither released again nor counted again.
    jobWriteArrives("101");
    await syncer.sync("ns/j");
    assert.deepEqual(verbs(), []);

    // The informer sees the finalizer gone: the uid moves into succeeded.
    state.pods = [podOf("a", "Succeeded", false)];
    finalizers.removalObserved("ns/j", "a");
    await syncer.sync("ns/j");
    assert.equal(lastStatus().status?.succeeded, 1);
    assert.deepEqual(lastStatus().status?.uncountedTerminatedPods, { succeeded: [], failed: [] });
    jobWriteArrives("102");
    calls.length = 0;
    await syncer.sync("ns/j");
    assert.equal(calls.filter((c) => c.verb === "updateStatus").length, 0);
  });

  it("releases a pod again when its finalizer removal failed, without counting it twice", async () => {
    const { state, calls, finalizers, syncer, lastStatus, jobWriteArrives, verbs } = setup({ patches: 1 });
    await assert.rejects(syncer.sync("ns/j"), /the patch failed/);
    assert.deepEqual(verbs(), ["updateStatus jobs", "patch pods"]);
    assert.equal(finalizers.expected("ns/j").size, 0, "a failed removal is not waited for");

    calls.length = 0;
    jobWriteArrives("101");
    await syncer.sync("ns/j");
    assert.deepEqual(verbs(), ["patch pods", "create pods"]);
    assert.deepEqual(lastStatus().status?.uncountedTerminatedPods, { succeeded: ["a"], failed: [] });

    state.pods = [podOf("a", "Succeeded", false)];
    finalizers.removalObserved("ns/j", "a");
    await syncer.sync("ns/j");
    assert.equal(lastStatus().status?.succeeded, 1);
  });

  it("does not declare a Job failed while a pod it created may be missing from the cache", async () => {
    const types = (job: Job): string[] => (job.status?.conditions ?? []).map((c) => c.type);
    // Past its deadline, with one creation asked for and not yet observed.
    const { state, expectations, syncer, lastStatus, jobWriteArrives, verbs } = setup(
      { patches: 0 },
      { activeDeadlineSeconds: 1 },
      [],
    );
    expectations.expect("ns/j", 1, 0);
    await syncer.sync("ns/j");
    assert.deepEqual(types(lastStatus()), ["FailureTarget"]);
    assert.ok(!verbs().includes("delete pods"));

    // The created pod shows up: it is deleted, and only once it is gone is the Job Failed.
    const pod = podOf("b", "Pending", true);
    state.pods = [pod];
    expectations.creationObserved("ns/j");
    jobWriteArrives("101");
    await syncer.sync("ns/j");
    assert.ok(verbs().includes("delete pods"));
    assert.deepEqual(types(lastStatus()), ["FailureTarget"]);
  });
});
