/** CronJob controller: schedule arithmetic (pure) and Job creation + history cleanup against a real API server. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { CronJob, Job } from "kubernetes-types/batch/v1.js";
import { cronJobs, jobs } from "../../client/resources.js";
import { eventually } from "../../client/testing.js";
import { type ControllerTest, startControllerTest } from "../testing.js";
import { newCronJobController } from "./controller.js";
import { parseCronSchedule } from "./cron.js";
import { jobFromTemplate, mostRecentScheduleTime, nextScheduleDelayMs, rfc3339In } from "./schedule.js";

function cronJob(spec: Partial<CronJob["spec"]> & { schedule: string }, created = "2026-01-01T00:00:30Z"): CronJob {
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name: "cj", namespace: "default", uid: "u-1", creationTimestamp: created },
    spec: {
      jobTemplate: {
        metadata: { labels: { app: "x" } },
        spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox" }] } } },
      },
      ...spec,
    },
  };
}

describe("cronjob schedule arithmetic", () => {
  const everyMinute = parseCronSchedule("* * * * *");
  it("finds the most recent missed time and counts missed schedules", () => {
    const cj = cronJob({ schedule: "* * * * *" });
    assert.equal(mostRecentScheduleTime(cj, new Date("2026-01-01T00:00:59Z"), everyMinute, true).time, undefined);
    const one = mostRecentScheduleTime(cj, new Date("2026-01-01T00:01:10Z"), everyMinute, true);
    assert.equal(one.time?.toISOString(), "2026-01-01T00:01:00.000Z");
    assert.equal(one.missed, "none");
    const few = mostRecentScheduleTime(cj, new Date("2026-01-01T00:05:10Z"), everyMinute, true);
    assert.equal(few.time?.toISOString(), "2026-01-01T00:05:00.000Z");
    assert.equal(few.missed, "few");
    const many = mostRecentScheduleTime(cj, new Date("2026-01-01T03:00:10Z"), everyMinute, true);
    assert.equal(many.time?.toISOString(), "2026-01-01T03:00:00.000Z");
    assert.equal(many.missed, "many");
  });
  it("finds the exact most recent time of an irregular schedule", () => {
    const cj = cronJob({ schedule: "30 6-16/4 * * 1-5" }, "2026-01-02T00:00:00Z"); // a Friday
    const irregular = parseCronSchedule("30 6-16/4 * * 1-5");
    const recent = mostRecentScheduleTime(cj, new Date("2026-01-07T12:00:00Z"), irregular, true);
    assert.equal(recent.time?.toISOString(), "2026-01-07T10:30:00.000Z");
    assert.equal(recent.missed, "few");
  });
  it("does not look back past startingDeadlineSeconds", () => {
    const cj = cronJob({ schedule: "0 * * * *", startingDeadlineSeconds: 60 });
    const hourly = parseCronSchedule("0 * * * *");
    assert.equal(mostRecentScheduleTime(cj, new Date("2026-01-01T05:30:00Z"), hourly, true).time, undefined);
    assert.equal(
      mostRecentScheduleTime(cj, new Date("2026-01-01T05:00:30Z"), hourly, true).time?.toISOString(),
      "2026-01-01T05:00:00.000Z",
    );
  });
  it("requeues 100 ms after the next schedule time", () => {
    const cj = cronJob({ schedule: "* * * * *" });
    cj.status = { lastScheduleTime: "2026-01-01T00:01:00Z" };
    assert.equal(nextScheduleDelayMs(cj, new Date("2026-01-01T00:01:10Z"), everyMinute), 50_100);
  });
  it("names and annotates the Job from the template", () => {
    const cj = cronJob({ schedule: "* * * * *", timeZone: "America/New_York" });
    const job = jobFromTemplate(cj, new Date("2026-01-01T15:04:00Z"));
    assert.equal(job.metadata?.name, `cj-${Date.parse("2026-01-01T15:04:00Z") / 60_000}`);
    assert.equal(
      job.metadata?.annotations?.["batch.kubernetes.io/cronjob-scheduled-timestamp"],
      "2026-01-01T10:04:00-05:00",
    );
    assert.equal(job.metadata?.labels?.app, "x");
    assert.equal(job.metadata?.ownerReferences?.[0]?.kind, "CronJob");
    assert.equal(job.metadata?.ownerReferences?.[0]?.controller, true);
    assert.equal(rfc3339In(new Date("2026-01-01T15:04:00Z"), undefined), "2026-01-01T15:04:00Z");
  });
});

describe("cronjob controller", () => {
  let t: ControllerTest;
  let offsetMs = 0;
  before(async () => {
    t = await startControllerTest([newCronJobController({ now: () => new Date(Date.now() + offsetMs) })]);
  });
  after(() => t.close());

  const childJobs = async (owner = "every"): Promise<Job[]> =>
    (await t.client.resource(jobs).list("default")).items.filter(
      (j) => j.metadata?.ownerReferences?.[0]?.name === owner && !j.metadata?.deletionTimestamp,
    );
  const complete = async (job: Job): Promise<void> => {
    const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    const fresh = await t.client.resource(jobs).get("default", job.metadata!.name!);
    fresh.status = {
      startTime: now,
      completionTime: now,
      succeeded: 1,
      conditions: [
        { type: "SuccessCriteriaMet", status: "True", lastTransitionTime: now, lastProbeTime: now },
        { type: "Complete", status: "True", lastTransitionTime: now, lastProbeTime: now },
      ],
    };
    await t.client.resource(jobs).updateStatus(fresh);
  };
  /** Moves the controller's clock a minute on and pokes the CronJob so it syncs now. */
  const nextMinute = async (name = "every"): Promise<void> => {
    offsetMs += 60_000;
    await t.client
      .resource(cronJobs)
      .patch("default", name, "merge", { metadata: { annotations: { tick: `${offsetMs}` } } });
  };
  const createCronJob = (name: string, concurrencyPolicy: string): Promise<CronJob> =>
    t.client.resource(cronJobs).create({
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name, namespace: "default" },
      spec: { ...cronJob({ schedule: "* * * * *" }).spec!, concurrencyPolicy },
    });

  it("creates a Job per schedule time, tracks it in status and trims the history", async () => {
    offsetMs = 61_000;
    await t.client.resource(cronJobs).create({
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "every", namespace: "default" },
      spec: { ...cronJob({ schedule: "* * * * *" }).spec!, successfulJobsHistoryLimit: 2 },
    });
    for (let round = 1; round <= 3; round++) {
      const created = await eventually(
        async () => {
          const list = await childJobs();
          return list.length === round ? list : undefined;
        },
        { message: `job ${round} created` },
      );
      const newest = created.find((j) => !j.status?.conditions?.length)!;
      const scheduled = newest.metadata?.annotations?.["batch.kubernetes.io/cronjob-scheduled-timestamp"];
      assert.ok(scheduled);
      assert.equal(newest.metadata?.name, `every-${Date.parse(scheduled) / 60_000}`);
      const cj = await eventually(
        async () => {
          const got = await t.client.resource(cronJobs).get("default", "every");
          return got.status?.active?.some((ref) => ref.uid === newest.metadata?.uid) ? got : undefined;
        },
        { message: "job in status.active" },
      );
      assert.equal(Date.parse(cj.status!.lastScheduleTime!), Date.parse(scheduled));
      await complete(newest);
      await eventually(async () => !(await t.client.resource(cronJobs).get("default", "every")).status?.active);
      if (round < 3) await nextMinute();
    }
    // Three completed Jobs, a history limit of 2: the oldest goes.
    const remaining = await eventually(
      async () => {
        const list = await childJobs();
        return list.length === 2 ? list : undefined;
      },
      { message: "history trimmed" },
    );
    assert.equal(remaining.length, 2);
    const cj = await t.client.resource(cronJobs).get("default", "every");
    assert.ok(cj.status?.lastSuccessfulTime);
    assert.equal(t.events.filter((e) => e.reason === "SuccessfulCreate").length, 3);
    assert.ok(t.events.some((e) => e.reason === "SawCompletedJob"));
    assert.ok(t.events.some((e) => e.reason === "SuccessfulDelete"));
  });
  it("with concurrencyPolicy Forbid skips a schedule while a Job is running", async () => {
    await createCronJob("forbid", "Forbid");
    const [first] = await eventually(
      async () => {
        const list = await childJobs("forbid");
        return list.length === 1 ? list : undefined;
      },
      { message: "first job" },
    );
    await eventually(
      async () => (await t.client.resource(cronJobs).get("default", "forbid")).status?.active?.length === 1,
    );
    await nextMinute("forbid");
    await eventually(() => t.events.some((e) => e.ref === "CronJob/default/forbid" && e.reason === "JobAlreadyActive"));
    const list = await childJobs("forbid");
    assert.deepEqual(
      list.map((j) => j.metadata?.uid),
      [first!.metadata?.uid],
    );
  });

  it("with concurrencyPolicy Replace deletes the running Job and starts the new one", async () => {
    await createCronJob("replace", "Replace");
    const [first] = await eventually(
      async () => {
        const list = await childJobs("replace");
        return list.length === 1 ? list : undefined;
      },
      { message: "first job" },
    );
    await eventually(
      async () => (await t.client.resource(cronJobs).get("default", "replace")).status?.active?.length === 1,
    );
    await nextMinute("replace");
    const [second] = await eventually(
      async () => {
        const list = await childJobs("replace");
        return list.length === 1 && list[0]!.metadata?.uid !== first!.metadata?.uid ? list : undefined;
      },
      { message: "replacement job" },
    );
    const cj = await eventually(
      async () => {
        const got = await t.client.resource(cronJobs).get("default", "replace");
        return got.status?.active?.length === 1 && got.status.active[0]!.uid === second!.metadata?.uid
          ? got
          : undefined;
      },
      { message: "active points at the replacement" },
    );
    assert.ok(cj.status?.lastScheduleTime);
  });
});
