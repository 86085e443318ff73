/** Job controller against a real API server: completions, Indexed, backoffLimit, deadline, podFailurePolicy. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Job, JobSpec } from "kubernetes-types/batch/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { jobs, pods } from "../../client/resources.js";
import { newJobController } from "./controller.js";
import { eventually } from "../../client/testing.js";
import type { Client } from "../../client/types.js";
import { type ControllerTest, listActivePods, setPodPhase, startControllerTest } from "../testing.js";

function newJob(name: string, spec: Partial<JobSpec>): Job {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, namespace: "default" },
    spec: {
      ...spec,
      template: { spec: { restartPolicy: "Never", containers: [{ name: "main", image: "busybox" }] } },
    },
  };
}

function condition(job: Job, type: string): { reason?: string; message?: string } | undefined {
  return job.status?.conditions?.find((c) => c.type === type && c.status === "True");
}

/** The pods of `jobName` in `namespace` that are not being deleted. */
function jobPods(client: Client, namespace: string, jobName: string): Promise<Pod[]> {
  return listActivePods(client, namespace, `batch.kubernetes.io/job-name=${jobName}`);
}

describe("job controller", () => {
  let t: ControllerTest;
  before(async () => {
    t = await startControllerTest([newJobController({ backoff: { baseMs: 20, maxMs: 100 } })]);
  });
  after(() => t.close());

  const getJob = (name: string): Promise<Job> => t.client.resource(jobs).get("default", name);

  it("runs completions 3 with parallelism 2 to Complete, counting each pod once", async () => {
    await t.client.resource(jobs).create(newJob("three", { completions: 3, parallelism: 2 }));
    const first = await eventually(async () => {
      const pods = await jobPods(t.client, "default", "three");
      return pods.length === 2 ? pods : undefined;
    });
    for (const pod of first) {
      assert.ok(pod.metadata?.finalizers?.includes("batch.kubernetes.io/job-tracking"));
      assert.equal(pod.metadata?.labels?.["batch.kubernetes.io/job-name"], "three");
      await setPodPhase(t.client, pod, "Running");
      await setPodPhase(t.client, pod, "Succeeded");
    }
    const third = await eventually(async () => {
      const pods = (await jobPods(t.client, "default", "three")).filter((p) => p.status?.phase !== "Succeeded");
      return pods.length === 1 ? pods[0] : undefined;
    });
    await setPodPhase(t.client, third, "Succeeded");
    const done = await eventually(async () => {
      const job = await getJob("three");
      return condition(job, "Complete") ? job : undefined;
    });
    assert.equal(done.status?.succeeded, 3);
    assert.equal(done.status?.failed ?? 0, 0);
    assert.equal(done.status?.active ?? 0, 0);
    assert.ok(done.status?.completionTime);
    assert.ok(condition(done, "SuccessCriteriaMet"));
    assert.deepEqual(done.status?.uncountedTerminatedPods ?? { succeeded: [], failed: [] }, {
      succeeded: [],
      failed: [],
    });
    const pods = await jobPods(t.client, "default", "three");
    assert.equal(pods.length, 3);
    assert.ok(pods.every((p) => !p.metadata?.finalizers?.includes("batch.kubernetes.io/job-tracking")));
    assert.equal(t.events.filter((e) => e.ref === "Job/default/three" && e.reason === "SuccessfulCreate").length, 3);
    assert.ok(
      t.events.some((e) => e.ref === "Job/default/three" && e.reason === "Completed" && e.message === "Job completed"),
    );
  });

  it("gives each pod of an Indexed Job its index, hostname and JOB_COMPLETION_INDEX", async () => {
    await t.client
      .resource(jobs)
      .create(newJob("indexed", { completions: 3, parallelism: 3, completionMode: "Indexed" }));
    const pods = await eventually(async () => {
      const list = await jobPods(t.client, "default", "indexed");
      return list.length === 3 ? list : undefined;
    });
    const indexes = pods.map((p) => p.metadata?.annotations?.["batch.kubernetes.io/job-completion-index"]).sort();
    assert.deepEqual(indexes, ["0", "1", "2"]);
    for (const pod of pods) {
      const index = pod.metadata!.annotations!["batch.kubernetes.io/job-completion-index"];
      assert.equal(pod.metadata?.labels?.["batch.kubernetes.io/job-completion-index"], index);
      assert.equal(pod.spec?.hostname, `indexed-${index}`);
      const env = pod.spec?.containers[0]?.env?.find((e) => e.name === "JOB_COMPLETION_INDEX");
      assert.equal(
        env?.valueFrom?.fieldRef?.fieldPath,
        "metadata.annotations['batch.kubernetes.io/job-completion-index']",
      );
    }
    const byIndex = (i: string) =>
      pods.find((p) => p.metadata?.annotations?.["batch.kubernetes.io/job-completion-index"] === i)!;
    await setPodPhase(t.client, byIndex("0"), "Succeeded");
    await setPodPhase(t.client, byIndex("2"), "Succeeded");
    await eventually(async () => (await getJob("indexed")).status?.completedIndexes === "0,2");
    await setPodPhase(t.client, byIndex("1"), "Succeeded");
    const done = await eventually(async () => {
      const job = await getJob("indexed");
      return condition(job, "Complete") ? job : undefined;
    });
    assert.equal(done.status?.completedIndexes, "0-2");
    assert.equal(done.status?.succeeded, 3);
  });

  it("fails the Job with BackoffLimitExceeded once failures exceed backoffLimit", async () => {
    await t.client.resource(jobs).create(newJob("backoff", { backoffLimit: 1 }));
    for (let attempt = 0; attempt < 2; attempt++) {
      const pod = await eventually(async () => {
        const list = (await jobPods(t.client, "default", "backoff")).filter((p) => p.status?.phase !== "Failed");
        return list.length === 1 ? list[0] : undefined;
      });
      await setPodPhase(t.client, pod, "Failed", 1);
    }
    const failed = await eventually(async () => {
      const job = await getJob("backoff");
      return condition(job, "Failed") ? job : undefined;
    });
    assert.equal(condition(failed, "Failed")?.reason, "BackoffLimitExceeded");
    assert.equal(condition(failed, "Failed")?.message, "Job has reached the specified backoff limit");
    assert.ok(condition(failed, "FailureTarget"));
    assert.equal(failed.status?.failed, 2);
    assert.ok(t.events.some((e) => e.ref === "Job/default/backoff" && e.reason === "BackoffLimitExceeded"));
  });

  it("fails the Job with DeadlineExceeded after activeDeadlineSeconds and removes its pods", async () => {
    await t.client.resource(jobs).create(newJob("deadline", { activeDeadlineSeconds: 1 }));
    const failed = await eventually(async () => {
      const job = await getJob("deadline");
      return condition(job, "Failed") ? job : undefined;
    });
    assert.equal(condition(failed, "Failed")?.reason, "DeadlineExceeded");
    assert.equal(condition(failed, "Failed")?.message, "Job was active longer than specified deadline");
    await eventually(async () => (await jobPods(t.client, "default", "deadline")).length === 0);
  });

  it("fails the Job on a podFailurePolicy FailJob rule matching an exit code", async () => {
    await t.client.resource(jobs).create(
      newJob("policy", {
        backoffLimit: 6,
        podFailurePolicy: { rules: [{ action: "FailJob", onExitCodes: { operator: "In", values: [42] } }] },
      }),
    );
    const pod = await eventually(async () => (await jobPods(t.client, "default", "policy"))[0]);
    await setPodPhase(t.client, pod, "Failed", 42);
    const failed = await eventually(async () => {
      const job = await getJob("policy");
      return condition(job, "Failed") ? job : undefined;
    });
    assert.equal(condition(failed, "Failed")?.reason, "PodFailurePolicy");
    assert.equal(
      condition(failed, "Failed")?.message,
      `Container main for pod default/${pod.metadata!.name} failed with exit code 42 matching FailJob rule at index 0`,
    );
    assert.equal(failed.status?.failed, 1);
  });
  it("creates no pods while suspended and starts them on resume", async () => {
    await t.client.resource(jobs).create(newJob("paused", { completions: 2, parallelism: 2, suspend: true }));
    const suspended = await eventually(
      async () => {
        const job = await getJob("paused");
        return condition(job, "Suspended") ? job : undefined;
      },
      { message: "Suspended condition" },
    );
    assert.equal(condition(suspended, "Suspended")?.reason, "JobSuspended");
    assert.equal((await jobPods(t.client, "default", "paused")).length, 0);
    await t.client.resource(jobs).patch("default", "paused", "merge", { spec: { suspend: false } });
    await eventually(async () => (await jobPods(t.client, "default", "paused")).length === 2, {
      message: "pods after resume",
    });
    const resumed = await getJob("paused");
    assert.ok(resumed.status?.startTime);
    const suspendedCondition = resumed.status?.conditions?.find((c) => c.type === "Suspended");
    assert.equal(suspendedCondition?.status, "False");
    assert.equal(suspendedCondition?.reason, "JobResumed");
  });
  it("releases the tracking finalizer of pods whose Job was deleted", async () => {
    await t.client.resource(jobs).create(newJob("gone", {}));
    const pod = await eventually(async () => (await jobPods(t.client, "default", "gone"))[0], {
      message: "pod created",
    });
    assert.ok(pod.metadata?.finalizers?.includes("batch.kubernetes.io/job-tracking"));
    await t.client.resource(jobs).delete("default", "gone", { propagationPolicy: "Background" });
    await eventually(
      async () => {
        const fresh = await t.client.resource(pods).get("default", pod.metadata!.name!);
        return !fresh.metadata?.finalizers?.includes("batch.kubernetes.io/job-tracking");
      },
      { message: "finalizer released" },
    );
  });
  it("fails an index past backoffLimitPerIndex and the Job with FailedIndexes", async () => {
    await t.client
      .resource(jobs)
      .create(
        newJob("perindex", { completions: 2, parallelism: 2, completionMode: "Indexed", backoffLimitPerIndex: 0 }),
      );
    const created = await eventually(
      async () => {
        const list = await jobPods(t.client, "default", "perindex");
        return list.length === 2 ? list : undefined;
      },
      { message: "pods created" },
    );
    const indexOf = (p: (typeof created)[number]) =>
      p.metadata?.annotations?.["batch.kubernetes.io/job-completion-index"];
    await setPodPhase(
      t.client,
      created.find((p) => indexOf(p) === "0")!,
      "Failed",
      3,
    );
    await setPodPhase(
      t.client,
      created.find((p) => indexOf(p) === "1")!,
      "Succeeded",
    );
    const failed = await eventually(
      async () => {
        const job = await getJob("perindex");
        return condition(job, "Failed") ? job : undefined;
      },
      { message: "job failed" },
    );
    assert.equal(condition(failed, "Failed")?.reason, "FailedIndexes");
    assert.equal(failed.status?.failedIndexes, "0");
    assert.equal(failed.status?.completedIndexes, "1");
    assert.equal((await jobPods(t.client, "default", "perindex")).length, 2, "no replacement pod for index 0");
  });
});
