import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cronJobPrinter, jobPrinter } from "./batch.js";
import { ago, cellsOf, header, narrowCells } from "./testutil.js";

const template = { spec: { containers: [{ name: "pi", image: "perl:5.34" }] } };

describe("printers: jobs", () => {
  it("has the 1.33 columns", () => {
    assert.deepEqual(header(jobPrinter), ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"]);
    assert.deepEqual(header(jobPrinter, true).slice(5), ["CONTAINERS", "IMAGES", "SELECTOR"]);
  });

  const job = (spec: object, status: object, meta: object = {}) => ({
    metadata: { name: "job1", creationTimestamp: ago(0), ...meta },
    spec: { template, selector: { matchLabels: { "batch.kubernetes.io/job-name": "job1" } }, ...spec },
    status,
  });

  // Cases after upstream's TestPrintJob.
  const cases: { name: string; job: object; want: (string | number)[] }[] = [
    {
      name: "completions, not started",
      job: job({ completions: 2 }, { succeeded: 1 }),
      want: ["job1", "Running", "1/2", "", "0s"],
    },
    {
      name: "no completions, parallelism 2 (work queue)",
      job: job({ parallelism: 2 }, { succeeded: 1 }),
      want: ["job1", "Running", "1/1 of 2", "", "0s"],
    },
    {
      name: "no completions, no parallelism",
      job: job({}, {}),
      want: ["job1", "Running", "0/1", "", "0s"],
    },
    {
      name: "running: duration since start",
      job: job({ completions: 1 }, { startTime: ago(3780) }, { creationTimestamp: ago(3790) }),
      want: ["job1", "Running", "0/1", "63m", "63m"],
    },
    {
      name: "complete: completion - start",
      job: job(
        { completions: 1 },
        {
          succeeded: 1,
          startTime: ago(600),
          completionTime: ago(360),
          conditions: [{ type: "Complete", status: "True" }],
        },
        { creationTimestamp: ago(601) },
      ),
      want: ["job1", "Complete", "1/1", "4m", "10m"],
    },
    {
      name: "failed",
      job: job({ completions: 1 }, { failed: 1, startTime: ago(30), conditions: [{ type: "Failed", status: "True" }] }),
      want: ["job1", "Failed", "0/1", "30s", "0s"],
    },
    {
      name: "terminating",
      job: job({ completions: 1 }, { startTime: ago(30) }, { deletionTimestamp: ago(1) }),
      want: ["job1", "Terminating", "0/1", "30s", "0s"],
    },
    {
      name: "suspended",
      job: job({ completions: 3, suspend: true }, { conditions: [{ type: "Suspended", status: "True" }] }),
      want: ["job1", "Suspended", "0/3", "", "0s"],
    },
    {
      name: "failure target",
      job: job({ completions: 1 }, { conditions: [{ type: "FailureTarget", status: "True" }] }),
      want: ["job1", "FailureTarget", "0/1", "", "0s"],
    },
    {
      name: "success criteria met",
      job: job({ completions: 1 }, { succeeded: 1, conditions: [{ type: "SuccessCriteriaMet", status: "True" }] }),
      want: ["job1", "SuccessCriteriaMet", "1/1", "", "0s"],
    },
    {
      name: "a False Complete condition does not count",
      job: job({ completions: 1 }, { conditions: [{ type: "Complete", status: "False" }] }),
      want: ["job1", "Running", "0/1", "", "0s"],
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(narrowCells(jobPrinter, c.job), c.want));

  it("fills the wide columns", () => {
    assert.deepEqual(cellsOf(jobPrinter, job({ completions: 1 }, { succeeded: 1 })).slice(5), [
      "pi",
      "perl:5.34",
      "batch.kubernetes.io/job-name=job1",
    ]);
  });
});

describe("printers: cronjobs", () => {
  it("has upstream's columns, TIMEZONE included", () => {
    assert.deepEqual(header(cronJobPrinter), [
      "NAME",
      "SCHEDULE",
      "TIMEZONE",
      "SUSPEND",
      "ACTIVE",
      "LAST SCHEDULE",
      "AGE",
    ]);
    const suspend = cronJobPrinter.columns.find((c) => c.name === "Suspend");
    assert.equal(suspend?.type, "boolean");
  });

  it("prints schedule, suspend, active and last schedule (TestPrintCronJob)", () => {
    const cj = {
      metadata: { name: "cronjob1", creationTimestamp: ago(0) },
      spec: {
        schedule: "0/5 * * * ?",
        suspend: false,
        jobTemplate: { spec: { template, selector: { matchLabels: { a: "b" } } } },
      },
      status: { lastScheduleTime: ago(10) },
    };
    assert.deepEqual(cellsOf(cronJobPrinter, cj), [
      "cronjob1",
      "0/5 * * * ?",
      "<none>",
      "False",
      0,
      "10s",
      "0s",
      "pi",
      "perl:5.34",
      "a=b",
    ]);
  });

  it("prints a timezone, suspension, active jobs and <none> before the first run", () => {
    const cj = {
      metadata: { name: "cronjob2", creationTimestamp: ago(300) },
      spec: { schedule: "*/1 * * * *", timeZone: "Europe/Paris", suspend: true, jobTemplate: { spec: { template } } },
      status: { active: [{ name: "j1" }, { name: "j2" }] },
    };
    assert.deepEqual(narrowCells(cronJobPrinter, cj), [
      "cronjob2",
      "*/1 * * * *",
      "Europe/Paris",
      "True",
      2,
      "<none>",
      "5m",
    ]);
    // suspend defaults to false
    const d = { metadata: { name: "c" }, spec: { schedule: "@hourly" } };
    assert.equal(cellsOf(cronJobPrinter, d)[3], "False");
    assert.equal(cellsOf(cronJobPrinter, d)[9], "<none>");
  });
});
