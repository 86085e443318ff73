import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import { podPrinter, podTemplatePrinter } from "./pods.js";
import { NOW, ago, cellsOf, header, narrowCells } from "./testutil.js";

const containers = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `c${i}` }));

function pod(name: string, spec: Partial<Pod["spec"]>, status: Pod["status"], meta: Pod["metadata"] = {}): Pod {
  return { metadata: { name, ...meta }, spec: { containers: containers(1), ...spec }, status };
}

describe("printers: pods", () => {
  it("has upstream's columns", () => {
    assert.deepEqual(header(podPrinter), ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]);
    assert.deepEqual(header(podPrinter, true), [
      "NAME",
      "READY",
      "STATUS",
      "RESTARTS",
      "AGE",
      "IP",
      "NODE",
      "NOMINATED NODE",
      "READINESS GATES",
    ]);
    assert.equal(podPrinter.columns[0]!.format, "name");
    assert.equal(podPrinter.columns[3]!.type, "string");
  });

  // Table-driven cases from upstream's TestPrintPod / TestPrintPodwide / TestPrintNonTerminatedPod and the
  // status logic of printPod; each expects the five narrow cells.
  const cases: { name: string; pod: Pod; want: (string | number)[] }[] = [
    {
      name: "counts ready containers and restarts (test1)",
      pod: pod(
        "test1",
        { containers: containers(2) },
        {
          phase: "podPhase",
          containerStatuses: [
            { name: "c0", image: "", imageID: "", ready: true, restartCount: 3, state: { running: {} } },
            { name: "c1", image: "", imageID: "", ready: false, restartCount: 3 },
          ],
        },
      ),
      want: ["test1", "1/2", "podPhase", "6", "<unknown>"],
    },
    {
      name: "a waiting container's reason overrides the phase (test2)",
      pod: pod(
        "test2",
        { containers: containers(2) },
        {
          phase: "podPhase",
          containerStatuses: [
            { name: "c0", image: "", imageID: "", ready: true, restartCount: 3, state: { running: {} } },
            {
              name: "c1",
              image: "",
              imageID: "",
              ready: false,
              restartCount: 3,
              state: { waiting: { reason: "ContainerWaitingReason" } },
            },
          ],
        },
      ),
      want: ["test2", "1/2", "ContainerWaitingReason", "6", "<unknown>"],
    },
    {
      name: "the first container's reason wins (test3)",
      pod: pod(
        "test3",
        { containers: containers(2) },
        {
          phase: "podPhase",
          containerStatuses: [
            {
              name: "c0",
              image: "",
              imageID: "",
              ready: false,
              restartCount: 3,
              state: { waiting: { reason: "ContainerWaitingReason" } },
            },
            {
              name: "c1",
              image: "",
              imageID: "",
              ready: false,
              restartCount: 3,
              state: { terminated: { exitCode: 0, reason: "ContainerTerminatedReason" } },
            },
          ],
        },
      ),
      want: ["test3", "0/2", "ContainerWaitingReason", "6", "<unknown>"],
    },
    {
      name: "ready is not enough without a running state (test4)",
      pod: pod(
        "test4",
        { containers: containers(2) },
        {
          phase: "podPhase",
          containerStatuses: [
            { name: "c0", image: "", imageID: "", ready: true, restartCount: 3, state: { running: {} } },
            { name: "c1", image: "", imageID: "", ready: true, restartCount: 3 },
          ],
        },
      ),
      want: ["test4", "1/2", "podPhase", "6", "<unknown>"],
    },
    {
      name: "status.reason overrides the phase (test5)",
      pod: pod(
        "test5",
        { containers: containers(2) },
        {
          phase: "podPhase",
          reason: "podReason",
          containerStatuses: [
            { name: "c0", image: "", imageID: "", ready: true, restartCount: 3, state: { running: {} } },
            { name: "c1", image: "", imageID: "", ready: true, restartCount: 3 },
          ],
        },
      ),
      want: ["test5", "1/2", "podReason", "6", "<unknown>"],
    },
    {
      name: "Completed with a running container and no Ready condition is NotReady, restarts with age (test6)",
      pod: pod(
        "test6",
        { containers: containers(2) },
        {
          phase: "Running",
          containerStatuses: [
            {
              name: "c0",
              image: "",
              imageID: "",
              ready: true,
              restartCount: 3,
              state: { terminated: { reason: "Completed", exitCode: 0 } },
            },
            {
              name: "c1",
              image: "",
              imageID: "",
              ready: true,
              restartCount: 3,
              state: { running: {} },
              lastState: { terminated: { exitCode: 0, finishedAt: ago(10) } },
            },
          ],
        },
      ),
      want: ["test6", "1/2", "NotReady", "6 (10s ago)", "<unknown>"],
    },
    {
      name: "Completed with a running container and Ready=True is Running (test7)",
      pod: pod(
        "test7",
        { containers: containers(2) },
        {
          phase: "Running",
          conditions: [{ type: "Ready", status: "True" }],
          containerStatuses: [
            {
              name: "c0",
              image: "",
              imageID: "",
              ready: true,
              restartCount: 3,
              state: { terminated: { reason: "Completed", exitCode: 0 } },
            },
            {
              name: "c1",
              image: "",
              imageID: "",
              ready: true,
              restartCount: 3,
              state: { running: {} },
              lastState: { terminated: { exitCode: 0, finishedAt: ago(10) } },
            },
          ],
        },
      ),
      want: ["test7", "1/2", "Running", "6 (10s ago)", "<unknown>"],
    },
    {
      name: "a running pod with an age",
      pod: pod(
        "web-0",
        {},
        {
          phase: "Running",
          containerStatuses: [
            { name: "c0", image: "", imageID: "", ready: true, restartCount: 0, state: { running: {} } },
          ],
        },
        { creationTimestamp: ago(184) },
      ),
      want: ["web-0", "1/1", "Running", "0", "3m4s"],
    },
    {
      name: "CrashLoopBackOff with restarts N (Xm ago)",
      pod: pod(
        "crash",
        {},
        {
          phase: "Running",
          containerStatuses: [
            {
              name: "c0",
              image: "",
              imageID: "",
              ready: false,
              restartCount: 4,
              state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 40s" } },
              lastState: { terminated: { exitCode: 1, reason: "Error", finishedAt: ago(180) } },
            },
          ],
        },
        { creationTimestamp: ago(600) },
      ),
      want: ["crash", "0/1", "CrashLoopBackOff", "4 (3m ago)", "10m"],
    },
    {
      name: "a terminated container without a reason shows its exit code",
      pod: pod(
        "exit",
        {},
        {
          phase: "Failed",
          containerStatuses: [
            {
              name: "c0",
              image: "",
              imageID: "",
              ready: false,
              restartCount: 0,
              state: { terminated: { exitCode: 137 } },
            },
          ],
        },
      ),
      want: ["exit", "0/1", "ExitCode:137", "0", "<unknown>"],
    },
    {
      name: "a terminated container killed by a signal",
      pod: pod(
        "signal",
        {},
        {
          phase: "Failed",
          containerStatuses: [
            {
              name: "c0",
              image: "",
              imageID: "",
              ready: false,
              restartCount: 0,
              state: { terminated: { exitCode: 0, signal: 9 } },
            },
          ],
        },
      ),
      want: ["signal", "0/1", "Signal:9", "0", "<unknown>"],
    },
    {
      name: "a succeeded pod is Completed",
      pod: pod(
        "done",
        {},
        {
          phase: "Succeeded",
          containerStatuses: [
            {
              name: "c0",
              image: "",
              imageID: "",
              ready: false,
              restartCount: 0,
              state: { terminated: { exitCode: 0, reason: "Completed" } },
            },
          ],
        },
      ),
      want: ["done", "0/1", "Completed", "0", "<unknown>"],
    },
    {
      name: "a deleted pod is Terminating",
      pod: pod(
        "term",
        {},
        {
          phase: "Running",
          containerStatuses: [
            { name: "c0", image: "", imageID: "", ready: true, restartCount: 0, state: { running: {} } },
          ],
        },
        { deletionTimestamp: ago(1) },
      ),
      want: ["term", "1/1", "Terminating", "0", "<unknown>"],
    },
    {
      name: "a deleted pod in a terminal phase keeps its status",
      pod: pod(
        "term-done",
        {},
        {
          phase: "Succeeded",
          containerStatuses: [
            {
              name: "c0",
              image: "",
              imageID: "",
              ready: false,
              restartCount: 0,
              state: { terminated: { exitCode: 0, reason: "Completed" } },
            },
          ],
        },
        { deletionTimestamp: ago(1) },
      ),
      want: ["term-done", "0/1", "Completed", "0", "<unknown>"],
    },
    {
      name: "a deleted pod on a lost node is Unknown",
      pod: pod("lost", {}, { phase: "Running", reason: "NodeLost" }, { deletionTimestamp: ago(1) }),
      want: ["lost", "0/1", "Unknown", "0", "<unknown>"],
    },
    {
      name: "a lost node's pod not yet deleted shows NodeLost",
      pod: pod("lost2", {}, { phase: "Running", reason: "NodeLost" }),
      want: ["lost2", "0/1", "NodeLost", "0", "<unknown>"],
    },
    {
      name: "a scheduling-gated pod",
      pod: pod(
        "gated",
        {},
        { phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "SchedulingGated" }] },
      ),
      want: ["gated", "0/1", "SchedulingGated", "0", "<unknown>"],
    },
    {
      name: "an unscheduled pending pod",
      pod: pod("pending", {}, { phase: "Pending" }),
      want: ["pending", "0/1", "Pending", "0", "<unknown>"],
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(narrowCells(podPrinter, c.pod), c.want));
  }

  describe("init containers", () => {
    const spec = { initContainers: [{ name: "init1" }, { name: "init2" }] };
    const init = (name: string, state: object, extra: object = {}) => ({
      name,
      image: "",
      imageID: "",
      ready: false,
      restartCount: 0,
      state,
      ...extra,
    });
    const initCases: { name: string; status: Pod["status"]; want: (string | number)[] }[] = [
      {
        name: "Init:0/2 while the first runs",
        status: {
          phase: "Pending",
          initContainerStatuses: [
            init("init1", { running: {} }),
            init("init2", { waiting: { reason: "PodInitializing" } }),
          ],
        },
        want: ["p", "0/1", "Init:0/2", "0", "<unknown>"],
      },
      {
        name: "Init:1/2 once the first succeeded",
        status: {
          phase: "Pending",
          initContainerStatuses: [
            init("init1", { terminated: { exitCode: 0, reason: "Completed" } }),
            init("init2", { running: {} }),
          ],
        },
        want: ["p", "0/1", "Init:1/2", "0", "<unknown>"],
      },
      {
        name: "Init:CrashLoopBackOff with the init container's restarts",
        status: {
          phase: "Pending",
          initContainerStatuses: [
            init(
              "init1",
              { waiting: { reason: "CrashLoopBackOff" } },
              { restartCount: 3, lastState: { terminated: { exitCode: 1, finishedAt: ago(30) } } },
            ),
          ],
        },
        want: ["p", "0/1", "Init:CrashLoopBackOff", "3 (30s ago)", "<unknown>"],
      },
      {
        name: "Init:Error from a failed init container",
        status: {
          phase: "Pending",
          initContainerStatuses: [init("init1", { terminated: { exitCode: 1, reason: "Error" } })],
        },
        want: ["p", "0/1", "Init:Error", "0", "<unknown>"],
      },
      {
        name: "Init:ExitCode:N without a reason",
        status: { phase: "Pending", initContainerStatuses: [init("init1", { terminated: { exitCode: 2 } })] },
        want: ["p", "0/1", "Init:ExitCode:2", "0", "<unknown>"],
      },
      {
        name: "Init:Signal:N without a reason",
        status: {
          phase: "Pending",
          initContainerStatuses: [init("init1", { terminated: { exitCode: 3, signal: 15 } })],
        },
        want: ["p", "0/1", "Init:Signal:15", "0", "<unknown>"],
      },
      {
        name: "after initialization the main containers decide",
        status: {
          phase: "Running",
          conditions: [{ type: "Initialized", status: "True" }],
          initContainerStatuses: [
            init("init1", { terminated: { exitCode: 0, reason: "Completed" } }, { restartCount: 5 }),
            init("init2", { terminated: { exitCode: 0, reason: "Completed" } }),
          ],
          containerStatuses: [
            { name: "c0", image: "", imageID: "", ready: true, restartCount: 1, state: { running: {} } },
          ],
        },
        want: ["p", "1/1", "Running", "1", "<unknown>"],
      },
    ];
    for (const c of initCases) {
      it(c.name, () => assert.deepEqual(narrowCells(podPrinter, pod("p", spec, c.status)), c.want));
    }

    it("counts a started sidecar (restartable init container) as a ready container with its restarts", () => {
      const p = pod(
        "sidecar",
        { initContainers: [{ name: "proxy", restartPolicy: "Always" }] },
        {
          phase: "Running",
          conditions: [{ type: "Initialized", status: "True" }],
          initContainerStatuses: [
            init(
              "proxy",
              { running: {} },
              {
                started: true,
                ready: true,
                restartCount: 2,
                lastState: { terminated: { exitCode: 1, finishedAt: ago(120) } },
              },
            ),
          ],
          containerStatuses: [
            { name: "c0", image: "", imageID: "", ready: true, restartCount: 0, state: { running: {} } },
          ],
        },
      );
      assert.deepEqual(narrowCells(podPrinter, p), ["sidecar", "2/2", "Running", "2 (2m ago)", "<unknown>"]);
    });
  });

  it("fills the wide columns (IP, node, nominated node, readiness gates)", () => {
    const p: Pod = {
      metadata: { name: "wide", creationTimestamp: ago(5) },
      spec: {
        containers: containers(1),
        nodeName: "node-1",
        readinessGates: [{ conditionType: "condition1" }, { conditionType: "condition2" }],
      },
      status: {
        phase: "Running",
        podIP: "10.244.0.10",
        podIPs: [{ ip: "10.244.0.10" }, { ip: "fd00::a" }],
        nominatedNodeName: "node-2",
        conditions: [
          { type: "condition1", status: "True" },
          { type: "condition2", status: "False" },
        ],
        containerStatuses: [
          { name: "c0", image: "", imageID: "", ready: true, restartCount: 0, state: { running: {} } },
        ],
      },
    };
    assert.deepEqual(cellsOf(podPrinter, p), [
      "wide",
      "1/1",
      "Running",
      "0",
      "5s",
      "10.244.0.10",
      "node-1",
      "node-2",
      "1/2",
    ]);
  });

  it("shows <none> for unset wide columns and tolerates an empty object", () => {
    assert.deepEqual(cellsOf(podPrinter, { metadata: { name: "x" } }).slice(5), [
      "<none>",
      "<none>",
      "<none>",
      "<none>",
    ]);
    assert.deepEqual(cellsOf(podPrinter, {}), [
      "",
      "0/0",
      "",
      "0",
      "<unknown>",
      "<none>",
      "<none>",
      "<none>",
      "<none>",
    ]);
  });

  it("uses status.podIP when podIPs is absent (v1 → internal conversion)", () => {
    const p = pod("ip", {}, { phase: "Running", podIP: "10.0.0.7" });
    assert.equal(cellsOf(podPrinter, p)[5], "10.0.0.7");
  });

  it("the clock is the caller's", () => {
    const p = pod("clock", {}, { phase: "Running" }, { creationTimestamp: "2026-01-01T11:00:00Z" });
    assert.equal(podPrinter.cells(p, NOW)[4], "60m");
    assert.equal(podPrinter.cells(p, new Date("2026-01-03T14:00:00Z"))[4], "2d3h");
  });
});

describe("printers: podtemplates", () => {
  it("prints containers, images and pod labels", () => {
    const t = {
      metadata: { name: "tmpl" },
      template: {
        metadata: { labels: { b: "2", a: "1" } },
        spec: {
          containers: [
            { name: "web", image: "nginx:1.27" },
            { name: "log", image: "busybox" },
          ],
        },
      },
    };
    assert.deepEqual(header(podTemplatePrinter), ["NAME", "CONTAINERS", "IMAGES", "POD LABELS"]);
    assert.deepEqual(cellsOf(podTemplatePrinter, t), ["tmpl", "web,log", "nginx:1.27,busybox", "a=1,b=2"]);
    assert.deepEqual(cellsOf(podTemplatePrinter, { metadata: { name: "e" } }), ["e", "", "", "<none>"]);
  });
});
