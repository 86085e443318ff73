/** Unit tests of DaemonSet eligibility, pod templates, manage and rolling-update planning over in-memory objects. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DaemonSet } from "kubernetes-types/apps/v1.js";
import type { Node, Pod, Taint } from "kubernetes-types/core/v1.js";
import { FailedPodBackoff } from "./backoff.js";
import { findUntoleratedTaint, toleratesTaint } from "../../api/taints.js";
import { nodeShouldRunDaemonPod, targetNodeName } from "./eligibility.js";
import { nodesToDaemonPods, planManage } from "./manage.js";
import { daemonPodTemplate, replaceNodeNameAffinity } from "./template.js";
import { planRollingUpdate, scaledValue } from "./update.js";

function node(name: string, labels: Record<string, string> = {}, taints: Taint[] = []): Node {
  return { metadata: { name, labels }, spec: { taints } };
}

function makeDs(extra: Partial<DaemonSet["spec"]> = {}): DaemonSet {
  return {
    metadata: { name: "agent", namespace: "ns", uid: "ds-uid" },
    spec: {
      selector: { matchLabels: { app: "agent" } },
      template: { metadata: { labels: { app: "agent" } }, spec: { containers: [{ name: "c", image: "a" }] } },
      ...extra,
    },
  };
}

let serial = 0;
function pod(nodeName: string, hash: string, state: "ready" | "pending" | "failed" | "terminating" = "ready"): Pod {
  serial++;
  return {
    metadata: {
      name: `agent-${serial}`,
      uid: `uid-${serial}`,
      labels: { app: "agent", "controller-revision-hash": hash },
      creationTimestamp: new Date(1_700_000_000_000 + serial * 1000).toISOString(),
      ...(state === "terminating" ? { deletionTimestamp: new Date().toISOString() } : {}),
    },
    spec: { nodeName, containers: [] },
    status:
      state === "failed"
        ? { phase: "Failed" }
        : state === "pending"
          ? { phase: "Pending" }
          : { phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
  };
}

const names = (pods: readonly Pod[]): string[] => pods.map((p) => p.spec!.nodeName!);

describe("daemonset eligibility", () => {
  it("matches tolerations to taints as upstream", () => {
    const taint: Taint = { key: "k", value: "v", effect: "NoSchedule" };
    assert.ok(toleratesTaint({ key: "k", operator: "Equal", value: "v" }, taint));
    assert.ok(toleratesTaint({ key: "k", operator: "Exists", effect: "NoSchedule" }, taint));
    assert.ok(toleratesTaint({ operator: "Exists" }, taint), "empty key with Exists tolerates everything");
    assert.ok(!toleratesTaint({ key: "k", value: "w" }, taint));
    assert.ok(!toleratesTaint({ key: "k", operator: "Exists", effect: "NoExecute" }, taint));
    assert.equal(
      findUntoleratedTaint([taint], [], () => true),
      taint,
    );
  });

  it("skips NoSchedule-tainted nodes but lets tolerating pods keep running through NoSchedule", () => {
    const ds = makeDs();
    assert.deepEqual(nodeShouldRunDaemonPod(node("a"), ds), { shouldRun: true, shouldContinueRunning: true });
    const noSchedule = node("b", {}, [{ key: "dedicated", effect: "NoSchedule" }]);
    assert.deepEqual(nodeShouldRunDaemonPod(noSchedule, ds), { shouldRun: false, shouldContinueRunning: true });
    const noExecute = node("c", {}, [{ key: "dedicated", effect: "NoExecute" }]);
    assert.deepEqual(nodeShouldRunDaemonPod(noExecute, ds), { shouldRun: false, shouldContinueRunning: false });
    const preferNo = node("d", {}, [{ key: "x", effect: "PreferNoSchedule" }]);
    assert.equal(nodeShouldRunDaemonPod(preferNo, ds).shouldRun, true);
  });

  it("tolerates the node-condition taints every daemon pod tolerates", () => {
    const ds = makeDs();
    for (const key of ["node.kubernetes.io/unschedulable", "node.kubernetes.io/disk-pressure"]) {
      assert.equal(nodeShouldRunDaemonPod(node("n", {}, [{ key, effect: "NoSchedule" }]), ds).shouldRun, true);
    }
    const notReady = node("n", {}, [{ key: "node.kubernetes.io/not-ready", effect: "NoExecute" }]);
    assert.equal(nodeShouldRunDaemonPod(notReady, ds).shouldRun, true);
    const network = node("n", {}, [{ key: "node.kubernetes.io/network-unavailable", effect: "NoSchedule" }]);
    assert.equal(nodeShouldRunDaemonPod(network, ds).shouldRun, false);
    const hostNetwork = makeDs();
    hostNetwork.spec!.template.spec!.hostNetwork = true;
    assert.equal(nodeShouldRunDaemonPod(network, hostNetwork).shouldRun, true);
  });

  it("honours nodeSelector, required node affinity and nodeName", () => {
    const ds = makeDs();
    ds.spec!.template.spec!.nodeSelector = { disk: "ssd" };
    assert.equal(nodeShouldRunDaemonPod(node("a", { disk: "ssd" }), ds).shouldRun, true);
    assert.equal(nodeShouldRunDaemonPod(node("a", { disk: "hdd" }), ds).shouldRun, false);
    const affine = makeDs();
    affine.spec!.template.spec!.affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: "cpus", operator: "Gt", values: ["4"] }] },
            { matchFields: [{ key: "metadata.name", operator: "In", values: ["special"] }] },
          ],
        },
      },
    };
    assert.equal(nodeShouldRunDaemonPod(node("a", { cpus: "8" }), affine).shouldRun, true);
    assert.equal(nodeShouldRunDaemonPod(node("a", { cpus: "2" }), affine).shouldRun, false);
    assert.equal(nodeShouldRunDaemonPod(node("special"), affine).shouldRun, true);
    const pinned = makeDs();
    pinned.spec!.template.spec!.nodeName = "b";
    assert.equal(nodeShouldRunDaemonPod(node("a"), pinned).shouldRun, false);
  });

  it("pins pods with a required metadata.name affinity that replaces other required terms", () => {
    const affinity = replaceNodeNameAffinity(
      {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: "a", operator: "Exists" }] }],
          },
          preferredDuringSchedulingIgnoredDuringExecution: [],
        },
      },
      "n7",
    );
    assert.deepEqual(affinity.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution, {
      nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["n7"] }] }],
    });
    assert.deepEqual(affinity.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution, []);
    assert.equal(targetNodeName({ spec: { containers: [], affinity } }), "n7");
  });

  it("adds tolerations and the revision label to the pod template without duplicating", () => {
    const ds = makeDs();
    ds.spec!.template.spec!.tolerations = [
      { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" },
    ];
    const template = daemonPodTemplate(ds, "abc");
    const keys = template.spec!.tolerations!.map((t) => t.key);
    assert.equal(keys.filter((k) => k === "node.kubernetes.io/not-ready").length, 1);
    assert.equal(keys.length, 6);
    assert.equal(template.spec!.tolerations![0]!.tolerationSeconds, undefined);
    assert.equal(template.metadata?.labels?.["controller-revision-hash"], "abc");
    assert.equal(ds.spec!.template.spec!.tolerations!.length, 1, "the DaemonSet itself is not changed");
  });
});

describe("daemonset manage", () => {
  it("creates on eligible nodes without pods and deletes from ineligible ones and duplicates", () => {
    const ds = makeDs();
    ds.spec!.template.spec!.nodeSelector = { role: "worker" };
    const nodes = [node("a", { role: "worker" }), node("b", { role: "worker" }), node("c")];
    const pods = [pod("b", "h"), pod("b", "h"), pod("c", "h")];
    const plan = planManage(ds, nodes, nodesToDaemonPods(pods), "h", new FailedPodBackoff());
    assert.deepEqual(plan.nodesNeedingPods, ["a"]);
    assert.deepEqual(
      plan.podsToDelete.map((p) => p.metadata!.name),
      [pods[1]!.metadata!.name, pods[2]!.metadata!.name],
      "the newer duplicate on b, the pod on c",
    );
  });

  it("deletes failed pods, then backs off", () => {
    let now = 0;
    const backoff = new FailedPodBackoff(1_000, 60_000, () => now);
    const ds = makeDs();
    const failed = pod("a", "h", "failed");
    const first = planManage(ds, [node("a")], nodesToDaemonPods([failed]), "h", backoff);
    assert.deepEqual(first.podsToDelete, [failed]);
    assert.equal(first.failedPods.length, 1);
    const again = planManage(ds, [node("a")], nodesToDaemonPods([failed]), "h", backoff);
    assert.deepEqual(again.podsToDelete, []);
    assert.equal(again.retryAfterMs, 1_000);
    now = 1_500;
    assert.equal(planManage(ds, [node("a")], nodesToDaemonPods([failed]), "h", backoff).podsToDelete.length, 1);
    assert.equal(backoff.delayMs(`ds-uid/a`), 2_000);
  });
});

describe("daemonset rolling update", () => {
  const nodes = ["a", "b", "c", "d"].map((n) => node(n));

  it("scales maxUnavailable percentages up", () => {
    assert.equal(scaledValue("25%", 10, 1), 3);
    assert.equal(scaledValue(2, 10, 1), 2);
    assert.equal(scaledValue(undefined, 10, 1), 1);
  });

  it("deletes at most maxUnavailable available old pods", () => {
    const ds = makeDs({ updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 2 } } });
    const pods = nodes.map((n) => pod(n.metadata!.name!, "old"));
    const plan = planRollingUpdate(ds, nodes, nodesToDaemonPods(pods), "new");
    assert.deepEqual(names(plan.podsToDelete), ["a", "b"]);
    assert.deepEqual(plan.nodesToCreate, []);
  });

  it("counts unavailable new pods and missing pods against maxUnavailable", () => {
    const ds = makeDs({ updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 2 } } });
    const pods = [pod("a", "new", "pending"), pod("c", "old"), pod("d", "old")];
    const plan = planRollingUpdate(ds, nodes, nodesToDaemonPods(pods), "new");
    assert.deepEqual(plan.podsToDelete, [], "a (unready new) and b (no pod) use up the budget");
    const terminating = [pod("a", "new"), pod("b", "old", "terminating"), pod("c", "old"), pod("d", "old")];
    assert.deepEqual(names(planRollingUpdate(ds, nodes, nodesToDaemonPods(terminating), "new").podsToDelete), ["c"]);
  });

  it("always replaces unavailable old pods, without spending the budget on them (as upstream)", () => {
    const ds = makeDs({ updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } } });
    const pods = [pod("a", "old", "pending"), pod("b", "old", "pending"), pod("c", "old"), pod("d", "old")];
    const plan = planRollingUpdate(ds, nodes, nodesToDaemonPods(pods), "new");
    assert.deepEqual(names(plan.podsToDelete), ["a", "b", "c"]);
  });

  it("with maxSurge creates new pods beside old ones and deletes the old once the new is available", () => {
    const ds = makeDs({
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
    });
    const start = planRollingUpdate(
      ds,
      nodes,
      nodesToDaemonPods(nodes.map((n) => pod(n.metadata!.name!, "old"))),
      "new",
    );
    assert.deepEqual(start, { podsToDelete: [], nodesToCreate: ["a"] });
    const oldA = pod("a", "old");
    const surging = [oldA, pod("a", "new", "pending"), pod("b", "old"), pod("c", "old"), pod("d", "old")];
    assert.deepEqual(planRollingUpdate(ds, nodes, nodesToDaemonPods(surging), "new"), {
      podsToDelete: [],
      nodesToCreate: [],
    });
    const readyNew = [oldA, pod("a", "new"), pod("b", "old"), pod("c", "old"), pod("d", "old")];
    const plan = planRollingUpdate(ds, nodes, nodesToDaemonPods(readyNew), "new");
    assert.deepEqual(plan.podsToDelete, [oldA]);
    assert.deepEqual(plan.nodesToCreate, ["b"]);
  });
});
