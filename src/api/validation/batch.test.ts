import assert from "node:assert/strict";
import type { Job } from "kubernetes-types/batch/v1.js";
import { describe, it } from "node:test";
import { applyDefaults } from "../defaults/index.js";
import { generateJobSelector, validateObject } from "./index.js";
import { batch, check, clone, triples } from "./testutil.js";

/** `kubectl create job pi --image=perl:5.34 -- perl -e 1`, after the store assigned the uid. */
const JOB = {
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: { name: "pi", namespace: "default", uid: "8d0a7c1e-0000-4000-8000-000000000001" },
  spec: {
    template: {
      spec: { containers: [{ name: "pi", image: "perl:5.34", command: ["perl", "-e", "1"] }], restartPolicy: "Never" },
    },
  },
};

describe("validation: Job", () => {
  it("generates the selector and labels, and accepts the job", () => {
    const job = clone(JOB) as Record<string, unknown> & typeof JOB;
    applyDefaults(batch("Job"), job);
    generateJobSelector(job as unknown as Job);
    const before = clone(job);
    assert.deepEqual(validateObject(batch("Job"), job), []);
    assert.deepEqual(job, before, "validation does not mutate");
    const spec = job.spec as Record<string, unknown> & { template: { metadata?: { labels?: unknown } } };
    assert.deepEqual(spec.selector, { matchLabels: { "batch.kubernetes.io/controller-uid": JOB.metadata.uid } });
    assert.deepEqual(spec.template.metadata?.labels, {
      "job-name": "pi",
      "batch.kubernetes.io/job-name": "pi",
      "controller-uid": JOB.metadata.uid,
      "batch.kubernetes.io/controller-uid": JOB.metadata.uid,
    });
  });

  it("requires restartPolicy OnFailure or Never", () => {
    const job = clone(JOB);
    delete (job.spec.template.spec as Record<string, unknown>).restartPolicy;
    assert.deepEqual(check(batch("Job"), job), [
      ["FieldValueRequired", "spec.template.spec.restartPolicy", 'Required value: valid values: "OnFailure", "Never"'],
    ]);
    (job.spec.template.spec as Record<string, unknown>).restartPolicy = "Sometimes";
    assert.deepEqual(check(batch("Job"), job), [
      [
        "FieldValueNotSupported",
        "spec.template.spec.restartPolicy",
        'Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
      ],
      [
        "FieldValueNotSupported",
        "spec.template.spec.restartPolicy",
        'Unsupported value: "Sometimes": supported values: "OnFailure", "Never"',
      ],
    ]);
  });

  it("rejects negative counts", () => {
    const job = clone(JOB);
    Object.assign(job.spec, { parallelism: -1, completions: -2, backoffLimit: -3 });
    assert.deepEqual(check(batch("Job"), job), [
      ["FieldValueInvalid", "spec.parallelism", "Invalid value: -1: must be greater than or equal to 0"],
      ["FieldValueInvalid", "spec.completions", "Invalid value: -2: must be greater than or equal to 0"],
      ["FieldValueInvalid", "spec.backoffLimit", "Invalid value: -3: must be greater than or equal to 0"],
    ]);
  });

  it("manual selectors must match the template", () => {
    const job = clone(JOB);
    Object.assign(job.spec, { manualSelector: true, selector: { matchLabels: { app: "x" } } });
    assert.deepEqual(check(batch("Job"), job), [
      [
        "FieldValueInvalid",
        "spec.template.metadata.labels",
        "Invalid value: map[string]string(nil): `selector` does not match template `labels`",
      ],
    ]);
  });

  it("keeps the template immutable and allows parallelism changes", () => {
    const stored = clone(JOB) as Record<string, unknown> & typeof JOB;
    applyDefaults(batch("Job"), stored);
    generateJobSelector(stored as unknown as Job);
    assert.deepEqual(validateObject(batch("Job"), stored), []);
    const scaled = clone(stored);
    (scaled.spec as Record<string, unknown>).parallelism = 3;
    assert.deepEqual(triples(validateObject(batch("Job"), scaled, stored)), []);
    const changed = clone(stored);
    changed.spec.template.spec.containers[0]!.image = "perl:5.36";
    assert.deepEqual(triples(validateObject(batch("Job"), changed, stored)), [
      ["FieldValueInvalid", "spec.template", "Invalid value: core.PodTemplateSpec{…}: field is immutable"],
    ]);
  });
});

describe("validation: CronJob", () => {
  const CRON = {
    metadata: { name: "hello", namespace: "default" },
    spec: {
      schedule: "*/1 * * * *",
      jobTemplate: {
        spec: { template: { spec: { containers: [{ name: "hello", image: "busybox" }], restartPolicy: "OnFailure" } } },
      },
    },
  };

  it("accepts kubectl create cronjob", () => assert.deepEqual(check(batch("CronJob"), CRON), []));

  it("validates the schedule like robfig/cron", () => {
    const cases: [string, string][] = [
      ["* * *", "expected exactly 5 fields, found 3: [* * *]"],
      ["61 * * * *", "end of range (61) above maximum (59): 61"],
      ["* * * * mon-fri/0", "step of range should be a positive number: mon-fri/0"],
      ["x * * * *", 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
      ["@weekday", "unrecognized descriptor: @weekday"],
    ];
    for (const [schedule, msg] of cases) {
      assert.deepEqual(check(batch("CronJob"), { ...CRON, spec: { ...CRON.spec, schedule } }), [
        ["FieldValueInvalid", "spec.schedule", `Invalid value: "${schedule}": ${msg}`],
      ]);
    }
    for (const schedule of ["@hourly", "0 0 * jan-mar sun", "*/15 9-17 * * 1-5", "@every 1h30m"]) {
      assert.deepEqual(check(batch("CronJob"), { ...CRON, spec: { ...CRON.spec, schedule } }), [], schedule);
    }
    assert.deepEqual(check(batch("CronJob"), { ...CRON, spec: { ...CRON.spec, schedule: "" } }), [
      ["FieldValueRequired", "spec.schedule", "Required value"],
    ]);
  });

  it("limits names to 52 characters and rejects TZ in schedules", () => {
    const name = "a".repeat(53);
    assert.deepEqual(check(batch("CronJob"), { ...CRON, metadata: { name, namespace: "default" } }), [
      ["FieldValueInvalid", "metadata.name", `Invalid value: "${name}": must be no more than 52 characters`],
    ]);
    assert.deepEqual(check(batch("CronJob"), { ...CRON, spec: { ...CRON.spec, schedule: "TZ=UTC 0 * * * *" } }), [
      [
        "FieldValueInvalid",
        "spec.schedule",
        'Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
      ],
    ]);
  });
});
