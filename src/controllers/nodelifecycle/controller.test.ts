/** Integration tests of the node lifecycle controller against a real API server with hollow nodes. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Node, Pod, Toleration } from "kubernetes-types/core/v1.js";
import { pino } from "pino";
import { nodes, pods } from "../../client/resources.js";
import { eventually } from "../../client/testing.js";
import { startHollowNodes, type HollowCluster } from "../../kubelet/hollow/cluster.js";
import { bindPod, type ControllerTest, podRef, startControllerTest } from "../testing.js";
import { DEFAULT_CONTROLLER_OPTIONS } from "../types.js";
import { nodeLifecycleController } from "./controller.js";

const log = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }, pino.destination(2));

describe("node lifecycle controller (real API server, hollow nodes)", () => {
  let cluster: ControllerTest;
  let hollow: HollowCluster;

  const getNode = (name: string): Promise<Node> => cluster.client.resource(nodes).get(undefined, name);
  const getPod = (name: string): Promise<Pod> => cluster.client.resource(pods).get("default", name);

  async function runPod(name: string, node: string, tolerations?: Toleration[]): Promise<void> {
    await cluster.client.resource(pods).create({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, namespace: "default" },
      spec: { containers: [{ name: "app", image: "nginx" }], ...(tolerations ? { tolerations } : {}) },
    });
    await bindPod(cluster.client, podRef("default", name), node);
    await eventually(async () => (await getPod(name)).status?.phase === "Running");
  }

  before(async () => {
    cluster = await startControllerTest(nodeLifecycleController, {
      options: {
        workers: DEFAULT_CONTROLLER_OPTIONS.workers,
        nodeMonitorGracePeriodMs: 1_000,
        nodeMonitorPeriodMs: 200,
      },
    });
    hollow = await startHollowNodes({ client: cluster.client, count: 3, heartbeatIntervalMs: 200, log });
  });
  after(async () => {
    await hollow?.stop();
    await cluster?.close();
  });

  it("marks a silent node Unknown, taints it, evicts pods by their tolerations, and clears it on return", async () => {
    const unreachable = (seconds?: number): Toleration[] => [
      { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: seconds },
      { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: seconds },
    ];
    await runPod("intolerant", "hollow-node-2");
    await runPod("two-seconds", "hollow-node-2", unreachable(2));
    await runPod("forever", "hollow-node-2", unreachable(undefined));
    await runPod("elsewhere", "hollow-node-0");

    hollow.stopNode("hollow-node-2");

    const node = await eventually(async () => {
      const n = await getNode("hollow-node-2");
      const taints = n.spec?.taints ?? [];
      return taints.some((t) => t.key === "node.kubernetes.io/unreachable" && t.effect === "NoExecute") ? n : undefined;
    });
    const ready = node.status!.conditions!.find((c) => c.type === "Ready")!;
    assert.equal(ready.status, "Unknown");
    assert.equal(ready.reason, "NodeStatusUnknown");
    assert.equal(ready.message, "Kubelet stopped posting node status.");
    for (const type of ["MemoryPressure", "DiskPressure", "PIDPressure"]) {
      assert.equal(node.status!.conditions!.find((c) => c.type === type)?.status, "Unknown", type);
    }
    const noExecute = node.spec!.taints!.find(
      (t) => t.key === "node.kubernetes.io/unreachable" && t.effect === "NoExecute",
    )!;
    assert.ok(noExecute.timeAdded, "the NoExecute taint carries timeAdded");
    await eventually(async () =>
      (await getNode("hollow-node-2")).spec?.taints?.some(
        (t) => t.key === "node.kubernetes.io/unreachable" && t.effect === "NoSchedule",
      ),
    );

    // A pod that does not tolerate the taint is deleted at once, with the DisruptionTarget condition.
    const intolerant = await eventually(async () => {
      const p = await getPod("intolerant");
      return p.metadata?.deletionTimestamp ? p : undefined;
    });
    const target = intolerant.status?.conditions?.find((c) => c.type === "DisruptionTarget");
    assert.equal(target?.status, "True");
    assert.equal(target?.reason, "DeletionByTaintManager");

    // Pods on the dead node are marked not ready.
    await eventually(async () =>
      (await getPod("forever")).status?.conditions?.some((c) => c.type === "Ready" && c.status === "False"),
    );

    // tolerationSeconds 2: deleted, and not before the taint was 2 s old (timestamps have 1 s resolution).
    const twoSeconds = await eventually(async () => {
      const p = await getPod("two-seconds");
      return p.metadata?.deletionTimestamp ? p : undefined;
    });
    const deletionRequested =
      Date.parse(twoSeconds.metadata!.deletionTimestamp!) -
      (twoSeconds.metadata!.deletionGracePeriodSeconds ?? 0) * 1000;
    assert.ok(deletionRequested >= Date.parse(noExecute.timeAdded!) + 1_000, "evicted after its toleration ran out");

    // A pod tolerating the taint forever stays; a pod on a healthy node is untouched.
    assert.equal((await getPod("forever")).metadata?.deletionTimestamp, undefined);
    assert.equal((await getPod("elsewhere")).metadata?.deletionTimestamp, undefined);

    assert.ok(cluster.events.some((e) => e.reason === "NodeNotReady" && e.object.metadata?.name === "hollow-node-2"));
    assert.ok(
      cluster.events.some(
        (e) => e.reason === "TaintManagerEviction" && e.message === "Marking for deletion Pod default/intolerant",
      ),
    );

    // The kubelet comes back: Ready again, taints gone, and the pods it was asked to delete are deleted.
    await hollow.restartNode("hollow-node-2");
    await eventually(async () => {
      const n = await getNode("hollow-node-2");
      const back = n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
      const tainted = (n.spec?.taints ?? []).some((t) => t.key.startsWith("node.kubernetes.io/"));
      return back && !tainted;
    });
    await eventually(async () => {
      const left = await cluster.client.resource(pods).list("default");
      const names = left.items.map((p) => p.metadata!.name).sort();
      return JSON.stringify(names) === JSON.stringify(["elsewhere", "forever"]);
    });
  });
});
