import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { deployments, pods, replicaSets } from "../../client/resources.js";
import { eventually } from "../../client/testing.js";
import type { Client } from "../../client/types.js";
import { replicaSetController } from "../replicaset/index.js";
import { markPodReady, patchRetrying, startControllerTest, type ControllerTest } from "../testing.js";
import { deploymentController } from "./index.js";

const NS = "default";

function deployment(name: string, replicas: number, spec: Partial<Deployment["spec"]> = {}): Deployment {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: NS },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "c", image: "nginx:1" }] },
      },
      ...spec,
    },
  };
}

async function rsOf(client: Client, name: string): Promise<ReplicaSet[]> {
  const d = await client.resource(deployments).get(NS, name);
  const list = await client.resource(replicaSets).list(NS);
  return list.items.filter((rs) => rs.metadata?.ownerReferences?.some((r) => r.uid === d.metadata?.uid));
}

async function podsOf(client: Client, app: string): Promise<Pod[]> {
  const list = await client.resource(pods).list(NS, { labelSelector: `app=${app}` });
  return list.items.filter((p) => !p.metadata?.deletionTimestamp);
}

function isReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

/** Marks every not-yet-ready pod of `app` ready; returns how many it marked. */
async function readyAll(client: Client, app: string): Promise<number> {
  let marked = 0;
  for (const pod of await podsOf(client, app)) {
    if (isReady(pod)) continue;
    await markPodReady(client, pod).catch(() => undefined);
    marked++;
  }
  return marked;
}

async function patch(client: Client, name: string, type: "merge" | "strategic", body: unknown): Promise<void> {
  await patchRetrying(client, deployments, NS, name, type, body);
}

function condition(d: Deployment, type: string) {
  return d.status?.conditions?.find((c) => c.type === type);
}

async function setImage(client: Client, name: string, image: string): Promise<void> {
  await patch(client, name, "strategic", { spec: { template: { spec: { containers: [{ name: "c", image }] } } } });
}

describe("Deployment controller (real API server)", () => {
  let t: ControllerTest;
  before(async () => {
    t = await startControllerTest([deploymentController, replicaSetController]);
  });
  after(async () => {
    await t.close();
  });

  it("creates a hashed ReplicaSet with revision annotations, pods and complete status", async () => {
    await t.client.resource(deployments).create(
      deployment("web", 3, {
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
      }),
    );
    const [rs] = await eventually(async () => {
      const list = await rsOf(t.client, "web");
      return list.length === 1 ? list : undefined;
    });
    const hash = rs!.metadata?.labels?.["pod-template-hash"];
    assert.match(hash ?? "", /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(rs!.metadata?.name, `web-${hash}`);
    assert.equal(rs!.spec!.selector.matchLabels?.["pod-template-hash"], hash);
    assert.equal(rs!.spec?.template?.metadata?.labels?.["pod-template-hash"], hash);
    assert.equal(rs!.metadata?.annotations?.["deployment.kubernetes.io/revision"], "1");
    assert.equal(rs!.metadata?.annotations?.["deployment.kubernetes.io/desired-replicas"], "3");
    assert.equal(rs!.metadata?.annotations?.["deployment.kubernetes.io/max-replicas"], "4");
    await eventually(async () => (await podsOf(t.client, "web")).length === 3);
    await readyAll(t.client, "web");
    const d = await eventually(async () => {
      const d = await t.client.resource(deployments).get(NS, "web");
      return condition(d, "Progressing")?.reason === "NewReplicaSetAvailable" ? d : undefined;
    });
    assert.equal(d.status?.replicas, 3);
    assert.equal(d.status?.updatedReplicas, 3);
    assert.equal(d.status?.readyReplicas, 3);
    assert.equal(d.status?.availableReplicas, 3);
    assert.equal(d.status?.unavailableReplicas ?? 0, 0);
    assert.equal(d.status?.observedGeneration, d.metadata?.generation);
    assert.equal(condition(d, "Available")?.status, "True");
    assert.equal(condition(d, "Available")?.reason, "MinimumReplicasAvailable");
    assert.equal(condition(d, "Progressing")?.message, `ReplicaSet "web-${hash}" has successfully progressed.`);
    assert.equal(d.metadata?.annotations?.["deployment.kubernetes.io/revision"], "1");
    assert.ok(t.events.some((e) => e.message === `Scaled up replica set web-${hash} from 0 to 3`));
  });

  it("rolls out a template change within maxSurge and maxUnavailable", async () => {
    const name = "roll";
    await t.client.resource(deployments).create(
      deployment(name, 3, {
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template: {
          metadata: { labels: { app: name }, annotations: {} },
          spec: { containers: [{ name: "c", image: "nginx:1" }] },
        },
      }),
    );
    await eventually(async () => (await podsOf(t.client, name)).length === 3);
    await readyAll(t.client, name);
    await eventually(async () => (await t.client.resource(deployments).get(NS, name)).status?.availableReplicas === 3);
    await patch(t.client, name, "merge", {
      metadata: { annotations: { "kubernetes.io/change-cause": "upgrade to nginx:2" } },
    });
    await setImage(t.client, name, "nginx:2");
    let maxPods = 0;
    let minReady = Infinity;
    await eventually(
      async () => {
        const current = await podsOf(t.client, name);
        maxPods = Math.max(maxPods, current.length);
        minReady = Math.min(minReady, current.filter(isReady).length);
        const d = await t.client.resource(deployments).get(NS, name);
        if (condition(d, "Progressing")?.reason === "NewReplicaSetAvailable" && d.status?.updatedReplicas === 3) {
          return current.length === 3 && current.every((p) => p.spec?.containers[0]?.image === "nginx:2");
        }
        // Stand in for the kubelet: one new pod becomes ready per step.
        const notReady = current.find((p) => !isReady(p));
        if (notReady) await markPodReady(t.client, notReady).catch(() => undefined);
        return false;
      },
      { message: "rollout completes" },
    );
    assert.ok(maxPods <= 4, `at most replicas + maxSurge pods (saw ${maxPods})`);
    assert.ok(minReady >= 3, `never below replicas - maxUnavailable ready pods (saw ${minReady})`);
    const rss = await rsOf(t.client, name);
    assert.equal(rss.length, 2);
    const byRevision = new Map(rss.map((rs) => [rs.metadata?.annotations?.["deployment.kubernetes.io/revision"], rs]));
    assert.equal(byRevision.get("1")?.spec?.replicas, 0);
    assert.equal(byRevision.get("2")?.spec?.replicas, 3);
    assert.equal(byRevision.get("2")?.metadata?.annotations?.["kubernetes.io/change-cause"], "upgrade to nginx:2");
    const d = await t.client.resource(deployments).get(NS, name);
    assert.equal(d.metadata?.annotations?.["deployment.kubernetes.io/revision"], "2");
    assert.ok(t.events.some((e) => /^Scaled down replica set roll-\w+ from 3 to 2$/.test(e.message)));
  });

  it("keeps revisionHistoryLimit old ReplicaSets and brings an old one back on rollback", async () => {
    const name = "hist";
    await t.client.resource(deployments).create(deployment(name, 1, { revisionHistoryLimit: 1 }));
    for (const image of ["nginx:2", "nginx:3", "nginx:4"]) {
      await eventually(async () => {
        await readyAll(t.client, name);
        const d = await t.client.resource(deployments).get(NS, name);
        return condition(d, "Progressing")?.reason === "NewReplicaSetAvailable" && d.status?.replicas === 1;
      });
      await setImage(t.client, name, image);
    }
    const rss = await eventually(async () => {
      await readyAll(t.client, name);
      const list = await rsOf(t.client, name);
      return list.length === 2 && list.some((rs) => rs.spec?.replicas === 1 && rs.status?.availableReplicas === 1)
        ? list
        : undefined;
    });
    const revisions = rss.map((rs) => rs.metadata?.annotations?.["deployment.kubernetes.io/revision"]).sort();
    assert.deepEqual(revisions, ["3", "4"]);
    // kubectl rollout undo: the template of revision 3 comes back; its ReplicaSet becomes revision 5.
    await setImage(t.client, name, "nginx:3");
    const back = await eventually(async () => {
      await readyAll(t.client, name);
      const list = await rsOf(t.client, name);
      return list.find((rs) => rs.metadata?.annotations?.["deployment.kubernetes.io/revision"] === "5");
    });
    assert.equal(back.spec?.template?.spec?.containers[0]?.image, "nginx:3");
    assert.equal(back.metadata?.annotations?.["deployment.kubernetes.io/revision-history"], "3");
  });

  it("Recreate scales old pods away before creating new ones", async () => {
    const name = "recreate";
    await t.client.resource(deployments).create(deployment(name, 2, { strategy: { type: "Recreate" } }));
    await eventually(async () => (await podsOf(t.client, name)).length === 2);
    await readyAll(t.client, name);
    await setImage(t.client, name, "nginx:2");
    let mixed = false;
    await eventually(async () => {
      const current = await podsOf(t.client, name);
      const images = new Set(current.map((p) => p.spec?.containers[0]?.image));
      if (images.size > 1) mixed = true;
      return current.length === 2 && images.size === 1 && images.has("nginx:2");
    });
    assert.equal(mixed, false, "old and new pods never run together");
    const rss = await rsOf(t.client, name);
    assert.equal(rss.length, 2);
  });

  it("does not roll out while paused but still scales, and resumes", async () => {
    const name = "paused";
    await t.client.resource(deployments).create(deployment(name, 2));
    await eventually(async () => (await podsOf(t.client, name)).length === 2);
    await patch(t.client, name, "merge", { spec: { paused: true } });
    await eventually(async () => {
      const d = await t.client.resource(deployments).get(NS, name);
      return condition(d, "Progressing")?.reason === "DeploymentPaused";
    });
    await setImage(t.client, name, "nginx:2");
    await patch(t.client, name, "merge", { spec: { replicas: 4 } });
    await eventually(async () => (await podsOf(t.client, name)).length === 4);
    const d = await eventually(async () => {
      const d = await t.client.resource(deployments).get(NS, name);
      return d.status?.observedGeneration === d.metadata?.generation ? d : undefined;
    });
    assert.equal((await rsOf(t.client, name)).length, 1, "no new ReplicaSet while paused");
    assert.equal(condition(d, "Progressing")?.message, "Deployment is paused");
    await patch(t.client, name, "merge", { spec: { paused: false } });
    await eventually(async () => (await rsOf(t.client, name)).length === 2);
  });

  it("scales proportionally during a rollout", async () => {
    const name = "prop";
    await t.client.resource(deployments).create(
      deployment(name, 10, {
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } },
      }),
    );
    await eventually(async () => (await podsOf(t.client, name)).length === 10);
    await readyAll(t.client, name);
    await eventually(async () => (await t.client.resource(deployments).get(NS, name)).status?.availableReplicas === 10);
    await setImage(t.client, name, "nginx:broken");
    // New pods never become ready: the rollout stalls at 8 old + 5 new.
    const stalled = await eventually(async () => {
      const list = await rsOf(t.client, name);
      const sizes = list.map((rs) => rs.spec?.replicas ?? 0).sort((a, b) => a - b);
      return list.length === 2 && sizes[0] === 5 && sizes[1] === 8 ? list : undefined;
    });
    assert.equal(stalled.length, 2);
    await patch(t.client, name, "merge", { spec: { replicas: 20 } });
    const scaled = await eventually(async () => {
      const list = await rsOf(t.client, name);
      const total = list.reduce((sum, rs) => sum + (rs.spec?.replicas ?? 0), 0);
      return total === 23 ? list : undefined;
    });
    const sizes = scaled.map((rs) => rs.spec?.replicas ?? 0).sort((a, b) => a - b);
    // 13 → 23 replicas spread 8:5 → 14:9 (upstream's rounding; leftovers go to the largest).
    assert.deepEqual(sizes, [9, 14]);
  });

  it("reports ProgressDeadlineExceeded when a rollout makes no progress", async () => {
    const name = "stuck";
    await t.client.resource(deployments).create(deployment(name, 1, { progressDeadlineSeconds: 1 }));
    const d = await eventually(async () => {
      const d = await t.client.resource(deployments).get(NS, name);
      return condition(d, "Progressing")?.reason === "ProgressDeadlineExceeded" ? d : undefined;
    });
    const rs = (await rsOf(t.client, name))[0]!;
    assert.equal(condition(d, "Progressing")?.status, "False");
    assert.equal(condition(d, "Progressing")?.message, `ReplicaSet "${rs.metadata?.name}" has timed out progressing.`);
    assert.equal(condition(d, "Available")?.reason, "MinimumReplicasUnavailable");
  });
});
