/**
 * End to end: the real kubectl prints the Tables these printers produce, served by a throw-away HTTP server
 * on loopback with legacy discovery. Skipped when kubectl is not installed.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { jsonReply, startFakeApiServer, type FakeApiServer, type Reply } from "../../../test/harness/fake-apiserver.js";
import { findKubectl, kubectl as startKubectl, type Kubectl } from "../../../test/harness/kubectl.js";
import { ResourceRegistry } from "../resources/registry.js";
import { customResourcePrinter, printerFor, toTable, type TablePrinter } from "./index.js";

const KUBECTL = findKubectl();
const HOUR = 3600;
/** Timestamps whole hours in the past, so AGE cannot tick during the test. */
const hoursAgo = (h: number): string => new Date(Date.now() - h * HOUR * 1000).toISOString();

interface Served {
  group: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  printer?: TablePrinter;
  items: object[];
}

const SERVED: Served[] = [
  {
    group: "",
    resource: "pods",
    kind: "Pod",
    namespaced: true,
    items: [
      {
        metadata: { name: "web-0", namespace: "default", creationTimestamp: hoursAgo(51) },
        spec: { containers: [{ name: "c" }, { name: "d" }], nodeName: "node-1" },
        status: {
          phase: "Running",
          podIPs: [{ ip: "10.244.0.10" }],
          containerStatuses: [
            {
              name: "c",
              ready: true,
              restartCount: 4,
              state: { running: {} },
              lastState: { terminated: { exitCode: 1, finishedAt: hoursAgo(5) } },
            },
            { name: "d", ready: false, restartCount: 0, state: { waiting: { reason: "CrashLoopBackOff" } } },
          ],
        },
      },
      {
        metadata: { name: "init", namespace: "default", creationTimestamp: hoursAgo(3) },
        spec: { initContainers: [{ name: "i" }, { name: "j" }], containers: [{ name: "c" }] },
        status: { phase: "Pending", initContainerStatuses: [{ name: "i", state: { running: {} } }] },
      },
    ],
  },
  {
    group: "",
    resource: "services",
    kind: "Service",
    namespaced: true,
    items: [
      {
        metadata: { name: "kubernetes", namespace: "default", creationTimestamp: hoursAgo(30 * 24) },
        spec: { type: "ClusterIP", clusterIPs: ["10.96.0.1"], ports: [{ port: 443, protocol: "TCP" }] },
      },
      {
        metadata: { name: "lb", namespace: "default", creationTimestamp: hoursAgo(1) },
        spec: {
          type: "LoadBalancer",
          clusterIPs: ["10.96.0.5"],
          ports: [{ port: 80, nodePort: 30080, protocol: "TCP" }],
          selector: { app: "web" },
        },
      },
    ],
  },
  {
    group: "",
    resource: "nodes",
    kind: "Node",
    namespaced: false,
    items: [
      {
        metadata: {
          name: "node-1",
          creationTimestamp: hoursAgo(25),
          labels: { "node-role.kubernetes.io/control-plane": "" },
        },
        spec: { unschedulable: true },
        status: {
          conditions: [{ type: "Ready", status: "True" }],
          nodeInfo: { kubeletVersion: "v1.33.1", osImage: "Debian GNU/Linux 12 (bookworm)" },
          addresses: [{ type: "InternalIP", address: "10.0.0.5" }],
        },
      },
    ],
  },
  {
    group: "apps",
    resource: "deployments",
    kind: "Deployment",
    namespaced: true,
    items: [
      {
        metadata: { name: "web", namespace: "default", creationTimestamp: hoursAgo(400 * 24) },
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: "web" } },
          template: { spec: { containers: [{ name: "nginx", image: "nginx:1.27" }] } },
        },
        status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
      },
    ],
  },
  {
    group: "batch",
    resource: "cronjobs",
    kind: "CronJob",
    namespaced: true,
    items: [
      {
        metadata: { name: "backup", namespace: "default", creationTimestamp: hoursAgo(2) },
        spec: { schedule: "0 * * * *", jobTemplate: { spec: { template: { spec: { containers: [] } } } } },
        status: { lastScheduleTime: hoursAgo(1) },
      },
    ],
  },
  {
    group: "scheduling.k8s.io",
    resource: "priorityclasses",
    kind: "PriorityClass",
    namespaced: false,
    items: [{ metadata: { name: "high", creationTimestamp: hoursAgo(10) }, value: 1000, globalDefault: false }],
  },
  {
    group: "rbac.authorization.k8s.io",
    resource: "roles",
    kind: "Role",
    namespaced: true,
    items: [{ metadata: { name: "reader", namespace: "default", creationTimestamp: "2024-05-06T07:08:09Z" } }],
  },
  {
    group: "example.com",
    resource: "widgets",
    kind: "Widget",
    namespaced: true,
    printer: customResourcePrinter([
      { name: "Size", type: "integer", jsonPath: ".spec.size" },
      { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
    ]),
    items: [
      { metadata: { name: "w1", namespace: "default", creationTimestamp: hoursAgo(5) }, spec: { size: 3 } },
      { metadata: { name: "w2", namespace: "default", creationTimestamp: hoursAgo(5) }, spec: {} },
    ],
  },
];

function listPath(s: Served): string {
  const base = s.group === "" ? "/api/v1" : `/apis/${s.group}/v1`;
  return s.namespaced ? `${base}/namespaces/default/${s.resource}` : `${base}/${s.resource}`;
}

/** Discovery publishes just the served resources, in group/v1, with get and list. */
const REGISTRY = new ResourceRegistry(
  SERVED.map((s) => ({
    group: s.group,
    version: "v1",
    kind: s.kind,
    resource: s.resource,
    singular: "",
    namespaced: s.namespaced,
    shortNames: [],
    categories: [],
    verbs: ["get", "list"],
    subresources: [],
    storage: { group: s.group, resource: s.resource },
  })),
);

/** The served items as the Table the printer makes of them, now. */
function tableOf(served: Served): Reply {
  const printer = served.printer ?? printerFor(served);
  const body = toTable(printer, served.items, new Date());
  const table = {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: { resourceVersion: "1" },
    columnDefinitions: body.columnDefinitions,
    rows: body.rows.map((row, i) => ({
      ...row,
      object: {
        kind: "PartialObjectMetadata",
        apiVersion: "meta.k8s.io/v1",
        metadata: (served.items[i] as { metadata: object }).metadata,
      },
    })),
  };
  return jsonReply(200, table, "application/json;as=Table;v=v1;g=meta.k8s.io");
}

describe("printers: the real kubectl prints the tables", { skip: KUBECTL ? false : "kubectl not installed" }, () => {
  let fake: FakeApiServer;
  let k: Kubectl;

  before(async () => {
    fake = await startFakeApiServer({
      discovery: "legacy",
      registry: REGISTRY,
      routes: Object.fromEntries(SERVED.map((s) => [listPath(s), () => tableOf(s)])),
    });
    k = startKubectl({ server: fake.url, timeout: 30_000 });
  });
  after(async () => {
    await fake?.close();
    k?.cleanup();
  });

  const kubectl = (...args: string[]): Promise<string> => k.ok(["-n", "default", ...args]);

  it("get pods, plain and wide", async () => {
    assert.equal(
      await kubectl("get", "pods"),
      [
        "NAME    READY   STATUS             RESTARTS     AGE",
        "web-0   1/2     CrashLoopBackOff   4 (5h ago)   2d3h",
        "init    0/1     Init:0/2           0            3h",
        "",
      ].join("\n"),
    );
    assert.equal(
      await kubectl("get", "pods", "-o", "wide"),
      [
        "NAME    READY   STATUS             RESTARTS     AGE    IP            NODE     NOMINATED NODE   READINESS GATES",
        "web-0   1/2     CrashLoopBackOff   4 (5h ago)   2d3h   10.244.0.10   node-1   <none>           <none>",
        "init    0/1     Init:0/2           0            3h     <none>        <none>   <none>           <none>",
        "",
      ].join("\n"),
    );
  });

  it("get services, nodes -o wide, deployments", async () => {
    assert.equal(
      await kubectl("get", "services"),
      [
        "NAME         TYPE           CLUSTER-IP   EXTERNAL-IP   PORT(S)        AGE",
        "kubernetes   ClusterIP      10.96.0.1    <none>        443/TCP        30d",
        "lb           LoadBalancer   10.96.0.5    <pending>     80:30080/TCP   60m",
        "",
      ].join("\n"),
    );
    assert.equal(
      await kubectl("get", "nodes", "-o", "wide"),
      [
        "NAME     STATUS                     ROLES           AGE   VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE                         KERNEL-VERSION   CONTAINER-RUNTIME",
        "node-1   Ready,SchedulingDisabled   control-plane   25h   v1.33.1   10.0.0.5      <none>        Debian GNU/Linux 12 (bookworm)   <unknown>        <unknown>",
        "",
      ].join("\n"),
    );
    assert.equal(
      await kubectl("get", "deployments", "-o", "wide"),
      [
        "NAME   READY   UP-TO-DATE   AVAILABLE   AGE    CONTAINERS   IMAGES       SELECTOR",
        "web    2/3     3            2           400d   nginx        nginx:1.27   app=web",
        "",
      ].join("\n"),
    );
  });

  it("get cronjobs, priorityclasses, roles (default table) and a custom resource with a missing value", async () => {
    assert.equal(
      await kubectl("get", "cronjobs"),
      [
        "NAME     SCHEDULE    TIMEZONE   SUSPEND   ACTIVE   LAST SCHEDULE   AGE",
        "backup   0 * * * *   <none>     False     0        60m             120m",
        "",
      ].join("\n"),
    );
    assert.equal(
      await kubectl("get", "priorityclasses"),
      [
        "NAME   VALUE   GLOBAL-DEFAULT   AGE   PREEMPTIONPOLICY",
        "high   1000    false            10h   PreemptLowerPriority",
        "",
      ].join("\n"),
    );
    assert.equal(
      await kubectl("get", "roles"),
      ["NAME     CREATED AT", "reader   2024-05-06T07:08:09Z", ""].join("\n"),
    );
    // A null cell (missing JSON path) prints empty, as for upstream's custom resources.
    assert.equal(
      await kubectl("get", "widgets"),
      ["NAME   SIZE   AGE", "w1     3      5h", "w2            5h", ""].join("\n"),
    );
  });
});
