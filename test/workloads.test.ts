// Issue 4 end to end: the real kubectl against a real `skiff server` (scheduler and controller manager in their
// worker threads) with hollow nodes from `skiff simulate` (4 CPU each): deployments roll out and roll back,
// DaemonSets skip tainted nodes, Jobs and CronJobs complete, deletes cascade, namespaces empty themselves,
// unschedulable pods explain why, priorities preempt, and a silent node's pods move elsewhere.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { ReplicaSet } from "kubernetes-types/apps/v1.js";
import { clientFromKubeconfig } from "../src/client/kubeconfig.js";
import { createInformerFactory } from "../src/client/informer.js";
import { nodes, pods, replicaSets } from "../src/client/resources.js";
import { eventually } from "../src/client/testing.js";
import type { Client } from "../src/client/types.js";
import { startSkiffServer, type SkiffServer } from "./harness/skiff.js";
import { startSimulator, type Simulator } from "./harness/simulate.js";
import { kubectl, type Kubectl } from "./harness/kubectl.js";

const LONG = { timeoutMs: 60_000 };

describe("workloads on hollow nodes, driven by kubectl", { timeout: 240_000 }, () => {
  let server: SkiffServer;
  let workers: Simulator;
  let tainted: Simulator;
  let doomed: Simulator;
  let k: Kubectl;
  let client: Client;

  before(async () => {
    server = await startSkiffServer({
      args: [
        "--node-monitor-grace-period=5s",
        "--node-monitor-period=500ms",
        "--default-not-ready-toleration-seconds=2",
        "--default-unreachable-toleration-seconds=2",
      ],
    });
    k = kubectl({ kubeconfig: server.kubeconfig, timeout: 90_000 });
    client = clientFromKubeconfig(server.kubeconfig, "workloads-test");
    [workers, tainted, doomed] = await Promise.all([
      startSimulator({
        kubeconfig: server.kubeconfig,
        nodes: 3,
        args: ["--name-prefix", "worker-", "--heartbeat-seconds", "1"],
      }),
      startSimulator({
        kubeconfig: server.kubeconfig,
        nodes: 1,
        args: ["--name-prefix", "tainted-", "--taints", "dedicated=infra:NoSchedule", "--heartbeat-seconds", "1"],
      }),
      startSimulator({
        kubeconfig: server.kubeconfig,
        nodes: 1,
        args: ["--name-prefix", "doomed-", "--labels", "doom=yes", "--heartbeat-seconds", "1"],
      }),
    ]);
  });
  after(async () => {
    client?.close();
    await Promise.all([workers?.stop(), tainted?.stop(), doomed?.stop()]);
    k?.cleanup();
    await server?.stop();
  });

  const podsOf = async (namespace: string, selector: string): Promise<Pod[]> =>
    (await client.resource(pods).list(namespace, { labelSelector: selector })).items;

  it("a deployment spreads over the nodes, rolls out, rolls back and scales", async () => {
    await k.ok(["create", "namespace", "apps"]);
    await k.ok(["create", "deployment", "web", "-n", "apps", "--image=nginx:1.26", "--replicas=3"]);
    await k.ok(["rollout", "status", "deployment/web", "-n", "apps", "--timeout=60s"]);
    const first = await podsOf("apps", "app=web");
    assert.equal(first.length, 3);
    assert.ok(first.every((p) => p.status?.phase === "Running" && p.status.podIP));
    assert.equal(new Set(first.map((p) => p.spec?.nodeName)).size, 3, "spread: one pod per node");
    assert.ok(
      first.every((p) => p.spec?.nodeName !== "tainted-0"),
      "none on the tainted node",
    );

    // Watch the ReplicaSets during the rolling update: never more than replicas + maxSurge (3 + 1) pods wanted.
    const informers = createInformerFactory(client);
    let maxWanted = 0;
    const rsInformer = informers.informerFor(replicaSets, { namespace: "apps" });
    const measure = (): void => {
      const wanted = rsInformer.lister
        .list("apps")
        .reduce((n: number, rs: ReplicaSet) => n + (rs.spec?.replicas ?? 0), 0);
      maxWanted = Math.max(maxWanted, wanted);
    };
    rsInformer.addEventHandler({ onAdd: measure, onUpdate: measure, onDelete: measure });
    informers.start();
    await informers.waitForSync();
    await k.ok(["set", "image", "deployment/web", "-n", "apps", "nginx=nginx:1.27"]);
    await k.ok(["rollout", "status", "deployment/web", "-n", "apps", "--timeout=60s"]);
    informers.stop();
    assert.ok(maxWanted <= 4, `at most 4 pods wanted during the rollout, saw ${maxWanted}`);
    const rolled = await podsOf("apps", "app=web");
    assert.ok(
      rolled.filter((p) => !p.metadata?.deletionTimestamp).every((p) => p.spec?.containers[0]?.image === "nginx:1.27"),
    );

    const history = await k.ok(["rollout", "history", "deployment/web", "-n", "apps"]);
    assert.match(history, /^REVISION\s+CHANGE-CAUSE$/m);
    assert.match(history, /^1\s+<none>$/m);
    assert.match(history, /^2\s+<none>$/m);
    await k.ok(["rollout", "undo", "deployment/web", "-n", "apps"]);
    await k.ok(["rollout", "status", "deployment/web", "-n", "apps", "--timeout=60s"]);
    assert.equal(
      await k.ok([
        "get",
        "deployment",
        "web",
        "-n",
        "apps",
        "-o",
        "jsonpath={.spec.template.spec.containers[0].image}",
      ]),
      "nginx:1.26",
    );
    assert.match(await k.ok(["rollout", "history", "deployment/web", "-n", "apps"]), /^3\s+<none>$/m);

    await k.ok(["scale", "deployment/web", "-n", "apps", "--replicas=5"]);
    await k.ok(["rollout", "status", "deployment/web", "-n", "apps", "--timeout=60s"]);
    const table = await k.ok(["get", "deployment", "web", "-n", "apps"]);
    assert.match(table, /^web\s+5\/5\s+5\s+5\s+/m);
  });

  it("deleting a deployment cascades, and --cascade=orphan keeps its replica sets", async () => {
    await k.ok(["create", "namespace", "cascade"]);
    await k.ok(["create", "deployment", "gone", "-n", "cascade", "--image=nginx", "--replicas=2"]);
    await k.ok(["create", "deployment", "kept", "-n", "cascade", "--image=nginx", "--replicas=2"]);
    await k.ok(["rollout", "status", "deployment/gone", "-n", "cascade", "--timeout=60s"]);
    await k.ok(["rollout", "status", "deployment/kept", "-n", "cascade", "--timeout=60s"]);

    await k.ok(["delete", "deployment", "gone", "-n", "cascade"]);
    await eventually(async () => (await podsOf("cascade", "app=gone")).length === 0, {
      ...LONG,
      message: "pods of gone",
    });
    assert.equal((await client.resource(replicaSets).list("cascade", { labelSelector: "app=gone" })).items.length, 0);

    await k.ok(["delete", "deployment", "kept", "-n", "cascade", "--cascade=orphan"]);
    const orphans = await eventually(async () => {
      const rs = (await client.resource(replicaSets).list("cascade", { labelSelector: "app=kept" })).items;
      return rs.length === 1 && !rs[0]!.metadata?.ownerReferences?.length ? rs : undefined;
    }, LONG);
    assert.equal(orphans[0]!.status?.replicas, 2);
    assert.equal((await podsOf("cascade", "app=kept")).length, 2);
  });

  it("a DaemonSet covers every schedulable node and skips the tainted one", async () => {
    const manifest = k.file(
      "ds.yaml",
      `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: default}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: agent, image: busybox}]}
`,
    );
    await k.ok(["apply", "-f", manifest]);
    await k.ok(["rollout", "status", "daemonset/agent", "--timeout=60s"]);
    const placed = (await podsOf("default", "app=agent")).map((p) => p.spec?.nodeName).sort();
    assert.deepEqual(placed, ["doomed-0", "worker-0", "worker-1", "worker-2"]);
    const status = JSON.parse(await k.ok(["get", "ds", "agent", "-o", "json"])) as { status: Record<string, number> };
    assert.equal(status.status.desiredNumberScheduled, 4);
    assert.equal(status.status.numberReady, 4);
    await k.ok(["delete", "ds", "agent"]);
  });

  it("a Job completes, and an Indexed Job gives each pod its index", async () => {
    const manifest = k.file(
      "jobs.yaml",
      `apiVersion: batch/v1
kind: Job
metadata: {name: count, namespace: default}
spec:
  completions: 3
  parallelism: 2
  template:
    metadata: {annotations: {skiff.io/hollow-run-seconds: "1"}}
    spec: {restartPolicy: Never, containers: [{name: c, image: busybox}]}
---
apiVersion: batch/v1
kind: Job
metadata: {name: indexed, namespace: default}
spec:
  completions: 3
  parallelism: 3
  completionMode: Indexed
  template:
    metadata: {annotations: {skiff.io/hollow-run-seconds: "1"}}
    spec: {restartPolicy: Never, containers: [{name: c, image: busybox}]}
`,
    );
    await k.ok(["apply", "-f", manifest]);
    await k.ok(["wait", "--for=condition=complete", "job/count", "job/indexed", "--timeout=60s"]);
    const count = JSON.parse(await k.ok(["get", "job", "count", "-o", "json"])) as { status: { succeeded: number } };
    assert.equal(count.status.succeeded, 3);
    const indexes = (await podsOf("default", "batch.kubernetes.io/job-name=indexed"))
      .map((p) => p.metadata?.annotations?.["batch.kubernetes.io/job-completion-index"])
      .sort();
    assert.deepEqual(indexes, ["0", "1", "2"]);
    const indexed = JSON.parse(await k.ok(["get", "job", "indexed", "-o", "json"])) as {
      status: { completedIndexes: string };
    };
    assert.equal(indexed.status.completedIndexes, "0-2");
  });

  it("a CronJob fires on its schedule", async () => {
    await k.ok(["create", "cronjob", "tick", "--image=busybox", "--schedule=* * * * *"]);
    // The next minute boundary is at most 60 s away.
    const job = await eventually(
      async () => {
        const out = await k.ok(["get", "jobs", "-o", "jsonpath={.items[*].metadata.ownerReferences[0].name}"]);
        return out.split(" ").includes("tick") ? out : undefined;
      },
      { timeoutMs: 80_000, intervalMs: 1000, message: "a job created by cronjob/tick" },
    );
    assert.ok(job);
    const cron = JSON.parse(await k.ok(["get", "cronjob", "tick", "-o", "json"])) as {
      status: { lastScheduleTime?: string };
    };
    assert.match(cron.status.lastScheduleTime ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/);
    await k.ok(["delete", "cronjob", "tick"]);
  });

  it("deleting a namespace removes everything in it", async () => {
    await k.ok(["create", "namespace", "doomed-ns"]);
    await k.ok(["create", "deployment", "app", "-n", "doomed-ns", "--image=nginx", "--replicas=2"]);
    await k.ok(["create", "configmap", "settings", "-n", "doomed-ns", "--from-literal=a=b"]);
    await k.ok(["rollout", "status", "deployment/app", "-n", "doomed-ns", "--timeout=60s"]);
    await k.ok(["delete", "namespace", "doomed-ns", "--timeout=60s"]);
    const gone = await k.run(["get", "namespace", "doomed-ns"]);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /NotFound/);
    assert.equal((await client.resource(pods).list("doomed-ns")).items.length, 0);
  });

  it("a pod too large for every node stays Pending, and describe says why", async () => {
    await k.ok([
      "run",
      "huge",
      "--image=nginx",
      "--overrides",
      '{"spec":{"containers":[{"name":"huge","image":"nginx","resources":{"requests":{"cpu":"100"}}}]}}',
    ]);
    const described = await eventually(
      async () => {
        const out = await k.ok(["describe", "pod", "huge"]);
        return /FailedScheduling/.test(out) ? out : undefined;
      },
      { ...LONG, message: "a FailedScheduling event on pod/huge" },
    );
    assert.match(described, /Status:\s+Pending/);
    assert.match(described, /0\/5 nodes are available: .*1 node\(s\) had untolerated taint \{dedicated: infra\}/);
    assert.match(described, /4 Insufficient cpu/);
    assert.match(described, /PodScheduled\s+False/);
    await k.ok(["delete", "pod", "huge", "--wait=false"]);
  });

  it("a high-priority pod preempts a low-priority one", async () => {
    const manifest = k.file(
      "priority.yaml",
      `apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000000
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: low}
value: 10
---
apiVersion: v1
kind: Pod
metadata: {name: victim, namespace: default}
spec:
  priorityClassName: low
  tolerations: [{key: dedicated, operator: Exists}]
  nodeSelector: {kubernetes.io/hostname: tainted-0}
  containers: [{name: c, image: nginx, resources: {requests: {cpu: "3"}}}]
`,
    );
    await k.ok(["apply", "-f", manifest]);
    await eventually(
      async () => (await client.resource(pods).get("default", "victim")).status?.phase === "Running",
      LONG,
    );
    const preemptor = k.file(
      "preemptor.yaml",
      `apiVersion: v1
kind: Pod
metadata: {name: preemptor, namespace: default}
spec:
  priorityClassName: high
  tolerations: [{key: dedicated, operator: Exists}]
  nodeSelector: {kubernetes.io/hostname: tainted-0}
  containers: [{name: c, image: nginx, resources: {requests: {cpu: "3"}}}]
`,
    );
    await k.ok(["apply", "-f", preemptor]);
    const bound = await eventually(async () => {
      const pod = await client.resource(pods).get("default", "preemptor");
      return pod.spec?.nodeName ? pod : undefined;
    }, LONG);
    assert.equal(bound.spec?.nodeName, "tainted-0");
    assert.equal(bound.spec?.priority, 1000000);
    const victim = await client
      .resource(pods)
      .get("default", "victim")
      .catch(() => undefined);
    assert.ok(victim === undefined || victim.metadata?.deletionTimestamp, "the victim was preempted");
  });

  it("a node that stops heartbeating goes NotReady and its pods are replaced elsewhere", async () => {
    const manifest = k.file(
      "lonely.yaml",
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: lonely, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: lonely}}
  template:
    metadata: {labels: {app: lonely}}
    spec:
      affinity:
        nodeAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 100
            preference: {matchExpressions: [{key: doom, operator: In, values: ["yes"]}]}
      containers: [{name: c, image: nginx}]
`,
    );
    await k.ok(["apply", "-f", manifest]);
    await k.ok(["rollout", "status", "deployment/lonely", "--timeout=60s"]);
    const [before] = await podsOf("default", "app=lonely");
    assert.equal(before?.spec?.nodeName, "doomed-0");
    assert.ok(
      before?.spec?.tolerations?.some((t) => t.key === "node.kubernetes.io/unreachable" && t.tolerationSeconds === 2),
      "DefaultTolerationSeconds gave the pod 2 s",
    );

    await doomed.stop();
    const node = await eventually(async () => {
      const n = await client.resource(nodes).get(undefined, "doomed-0");
      const ready = n.status?.conditions?.find((c) => c.type === "Ready");
      const tainted = n.spec?.taints?.some(
        (t) => t.key === "node.kubernetes.io/unreachable" && t.effect === "NoExecute",
      );
      return ready?.status === "Unknown" && tainted ? n : undefined;
    }, LONG);
    assert.equal(node.status?.conditions?.find((c) => c.type === "Ready")?.reason, "NodeStatusUnknown");
    assert.match(await k.ok(["get", "node", "doomed-0"]), /doomed-0\s+NotReady/);

    const replacement = await eventually(async () => {
      const running = (await podsOf("default", "app=lonely")).filter(
        (p) => !p.metadata?.deletionTimestamp && p.status?.phase === "Running",
      );
      return running.length === 1 && running[0]!.metadata?.name !== before.metadata?.name ? running[0] : undefined;
    }, LONG);
    assert.match(replacement.spec?.nodeName ?? "", /^worker-/);
  });
});
