import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import { pino } from "pino";
import { leases, nodes, pods } from "../../client/resources.js";
import { eventually, startTestCluster, type TestCluster } from "../../client/testing.js";
import { startHollowNodes, type HollowCluster } from "./cluster.js";
import { EXIT_CODE_ANNOTATION, RUN_SECONDS_ANNOTATION } from "./podstatus.js";

const log = pino({ level: "silent" });

async function createBoundPod(
  cluster: TestCluster,
  name: string,
  node: string,
  extra: Partial<Pod> = {},
): Promise<void> {
  const pod: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    ...extra,
    metadata: { name, namespace: "default", ...extra.metadata },
    spec: { containers: [{ name: "app", image: "nginx" }], ...extra.spec },
  };
  await cluster.client.resource(pods).create(pod);
  await cluster.client.resource(pods).createSubresource("default", name, "binding", {
    apiVersion: "v1",
    kind: "Binding",
    metadata: { name },
    target: { apiVersion: "v1", kind: "Node", name: node },
  } as never);
}

const getPod = (cluster: TestCluster, name: string): Promise<Pod> => cluster.client.resource(pods).get("default", name);

/** Polls the pod until `ok` holds and returns it. */
async function podWhere(cluster: TestCluster, name: string, ok: (pod: Pod) => boolean): Promise<Pod> {
  return eventually(async (): Promise<Pod> => {
    const pod = await getPod(cluster, name);
    if (!ok(pod)) throw new Error(`pod ${name} is ${JSON.stringify(pod.status)}`);
    return pod;
  });
}

describe("hollow nodes", () => {
  let cluster: TestCluster;
  let hollow: HollowCluster;

  before(async () => {
    cluster = await startTestCluster();
    hollow = await startHollowNodes({ client: cluster.client, count: 3, heartbeatIntervalMs: 200, log });
  });
  after(async () => {
    await hollow?.stop();
    await cluster?.close();
  });

  it("registers Ready nodes with the kubelet's labels, addresses and node info", async () => {
    assert.deepEqual(hollow.nodeNames, ["hollow-node-0", "hollow-node-1", "hollow-node-2"]);
    const list = await cluster.client.resource(nodes).list(undefined);
    assert.equal(list.items.length, 3);
    const ips = new Set<string>();
    for (const node of list.items) {
      const ready = node.status?.conditions?.find((c) => c.type === "Ready");
      assert.equal(ready?.status, "True");
      assert.equal(ready?.reason, "KubeletReady");
      for (const type of ["MemoryPressure", "DiskPressure", "PIDPressure"]) {
        assert.equal(node.status?.conditions?.find((c) => c.type === type)?.status, "False", type);
      }
      assert.equal(node.metadata?.labels?.["kubernetes.io/hostname"], node.metadata?.name);
      assert.equal(node.metadata?.labels?.["node.kubernetes.io/instance-type"], "hollow");
      assert.equal(node.metadata?.labels?.["kubernetes.io/os"], "linux");
      assert.equal(node.status?.nodeInfo?.kubeletVersion, "v1.33.0");
      assert.equal(node.status?.capacity?.pods, "110");
      const ip = node.status?.addresses?.find((a) => a.type === "InternalIP")?.address;
      assert.match(ip ?? "", /^10\.200\./);
      ips.add(ip!);
    }
    assert.equal(ips.size, 3, "InternalIPs are unique");
  });

  it("renews each node's Lease", async () => {
    const first = await cluster.client.resource(leases).get("kube-node-lease", "hollow-node-0");
    assert.equal(first.spec?.holderIdentity, "hollow-node-0");
    assert.equal(first.metadata?.ownerReferences?.[0]?.kind, "Node");
    await eventually(async () => {
      const now = await cluster.client.resource(leases).get("kube-node-lease", "hollow-node-0");
      return now.spec!.renewTime !== first.spec!.renewTime;
    });
  });

  it("runs a bound pod: Pending, then Running and Ready with a pod IP from the node's /24", async () => {
    await createBoundPod(cluster, "web", "hollow-node-1", {
      spec: { initContainers: [{ name: "init", image: "busybox" }], containers: [{ name: "app", image: "nginx" }] },
    });
    const pod = await podWhere(cluster, "web", (p) => p.status?.phase === "Running");
    assert.match(pod.status!.podIP!, /^10\.42\.1\.\d+$/);
    assert.equal(pod.status!.hostIP, "10.200.0.2");
    assert.ok(pod.status!.startTime);
    for (const type of ["Initialized", "Ready", "ContainersReady", "PodScheduled"]) {
      assert.equal(pod.status!.conditions!.find((c) => c.type === type)?.status, "True", type);
    }
    assert.equal(pod.status!.containerStatuses![0]!.ready, true);
    assert.ok(pod.status!.containerStatuses![0]!.state?.running?.startedAt);
    assert.equal(pod.status!.initContainerStatuses![0]!.state?.terminated?.reason, "Completed");
  });

  it("finishes pods as the run-seconds and exit-code annotations say", async () => {
    const annotations = (code: number) => ({ [RUN_SECONDS_ANNOTATION]: "0.2", [EXIT_CODE_ANNOTATION]: String(code) });
    await createBoundPod(cluster, "ok", "hollow-node-0", {
      metadata: { annotations: annotations(0) },
      spec: { restartPolicy: "Never", containers: [{ name: "app", image: "job" }] },
    });
    await createBoundPod(cluster, "bad", "hollow-node-0", {
      metadata: { annotations: annotations(3) },
      spec: { restartPolicy: "Never", containers: [{ name: "app", image: "job" }] },
    });
    await createBoundPod(cluster, "again", "hollow-node-0", {
      metadata: { annotations: annotations(0) },
      spec: { restartPolicy: "Always", containers: [{ name: "app", image: "job" }] },
    });
    const ok = await podWhere(cluster, "ok", (p) => p.status?.phase === "Succeeded");
    assert.equal(ok.status!.containerStatuses![0]!.state?.terminated?.reason, "Completed");
    const bad = await podWhere(cluster, "bad", (p) => p.status?.phase === "Failed");
    assert.equal(bad.status!.containerStatuses![0]!.state?.terminated?.exitCode, 3);
    assert.equal(bad.status!.containerStatuses![0]!.state?.terminated?.reason, "Error");
    const again = await podWhere(cluster, "again", (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1);
    assert.equal(again.status!.phase, "Running");
    assert.equal(again.status!.containerStatuses![0]!.lastState?.terminated?.exitCode, 0);
  });

  it("completes graceful deletion of a running pod", async () => {
    await createBoundPod(cluster, "doomed", "hollow-node-2");
    await eventually(async () => (await getPod(cluster, "doomed")).status?.phase === "Running");
    const answer = await cluster.client.resource(pods).delete("default", "doomed");
    assert.ok((answer as Pod).metadata?.deletionTimestamp, "deletion is graceful at first");
    await eventually(async () => {
      try {
        await getPod(cluster, "doomed");
        return false;
      } catch (error) {
        return (error as { code?: number }).code === 404;
      }
    });
  });

  it("stopNode stops lease renewals and pod handling; restartNode resumes them", async () => {
    hollow.stopNode("hollow-node-2");
    const lease = () => cluster.client.resource(leases).get("kube-node-lease", "hollow-node-2");
    // Wait for any renewal in flight, then check that no further one happens over several intervals.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stopped = (await lease()).spec!.renewTime;
    await createBoundPod(cluster, "orphan", "hollow-node-2");
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal((await lease()).spec!.renewTime, stopped);
    assert.equal((await getPod(cluster, "orphan")).status?.phase ?? "Pending", "Pending");
    assert.equal((await getPod(cluster, "orphan")).status?.hostIP, undefined);

    await hollow.restartNode("hollow-node-2");
    await eventually(async () => (await lease()).spec!.renewTime !== stopped);
    await eventually(async () => (await getPod(cluster, "orphan")).status?.phase === "Running");
  });
});
