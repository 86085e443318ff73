import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1.js";
import { pino } from "pino";
import type { Client, KubeObject, Lister, Resource } from "../../client/types.js";
import { rolloutRolling } from "./rolling.js";
import { availableReplicaCount, specReplicaCount } from "./replicas.js";
import { DeploymentSyncer } from "./sync.js";

/** Just enough of a Client for the deployment reconcile: objects in a map, writes bump resourceVersion. */
function fakeClient(): { client: Client; objects: Map<string, KubeObject> } {
  const objects = new Map<string, KubeObject>();
  let rv = 1;
  let uid = 1;
  const key = (r: Resource, ns: string | undefined, name: string) => `${r.resource}/${ns}/${name}`;
  const store = <T extends KubeObject>(r: Resource, object: T): T => {
    const copy = structuredClone(object);
    copy.metadata = { ...copy.metadata, resourceVersion: String(++rv) };
    objects.set(key(r, copy.metadata.namespace, copy.metadata.name!), copy);
    return structuredClone(copy);
  };
  const client = {
    resource(r: Resource) {
      return {
        get: async (ns: string | undefined, name: string) => structuredClone(objects.get(key(r, ns, name))),
        create: async (o: KubeObject) =>
          store(r, {
            ...o,
            metadata: {
              ...o.metadata,
              uid: `uid-${++uid}`,
              creationTimestamp: new Date(Date.now() + uid * 1000).toISOString(),
            },
          }),
        update: async (o: KubeObject) => store(r, o),
        updateStatus: async (o: KubeObject) => store(r, o),
        patch: async (
          ns: string | undefined,
          name: string,
          _type: string,
          body: { metadata?: { annotations?: object } },
        ) => {
          const current = objects.get(key(r, ns, name))!;
          const annotations = { ...current.metadata?.annotations, ...body.metadata?.annotations };
          return store(r, { ...current, metadata: { ...current.metadata, annotations } });
        },
        delete: async (ns: string | undefined, name: string) => objects.delete(key(r, ns, name)),
      };
    },
  } as unknown as Client;
  return { client, objects };
}

const emptyLister = { get: () => undefined, list: () => [], byIndex: () => [] } as Lister<never>;

describe("RollingUpdate over in-memory ReplicaSets", () => {
  it("never exceeds maxSurge nor drops below maxUnavailable, and completes", async () => {
    const { client, objects } = fakeClient();
    const events: string[] = [];
    const syncer = new DeploymentSyncer({
      client,
      deployments: emptyLister,
      replicaSets: emptyLister,
      pods: emptyLister,
      recorder: { event: (_o, _t, _r, message) => events.push(message) },
      enqueueAfter: () => undefined,
      enqueueRateLimited: () => undefined,
      log: pino({ level: "silent" }),
    });
    const template = (image: string) => ({
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "c", image }] },
    });
    let d: Deployment = {
      metadata: { name: "web", namespace: "ns", uid: "d-uid", generation: 2 },
      spec: {
        replicas: 10,
        selector: { matchLabels: { app: "web" } },
        template: template("v2"),
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } },
        progressDeadlineSeconds: 600,
        revisionHistoryLimit: 10,
      },
      status: { observedGeneration: 1, replicas: 10, updatedReplicas: 10, availableReplicas: 10, readyReplicas: 10 },
    };
    objects.set("deployments/ns/web", d);
    const old: ReplicaSet = {
      metadata: {
        name: "web-old",
        namespace: "ns",
        uid: "old-uid",
        creationTimestamp: "2020-01-01T00:00:00Z",
        labels: { app: "web", "pod-template-hash": "old" },
        annotations: { "deployment.kubernetes.io/revision": "1" },
        ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: "d-uid", controller: true }],
      },
      spec: { replicas: 10, selector: { matchLabels: { app: "web" } }, template: template("v1") },
      status: { replicas: 10, availableReplicas: 10, readyReplicas: 10 },
    };
    objects.set("replicasets/ns/web-old", old);
    const replicaSetsNow = () =>
      [...objects.entries()].filter(([k]) => k.startsWith("replicasets/")).map(([, v]) => v as ReplicaSet);

    let done = false;
    for (let step = 0; step < 40 && !done; step++) {
      await rolloutRolling(syncer, { key: "ns/web", d }, replicaSetsNow());
      d = objects.get("deployments/ns/web") as Deployment;
      const rss = replicaSetsNow();
      assert.ok(specReplicaCount(rss) <= 13, `step ${step}: at most replicas + maxSurge pods`);
      // Stand-ins for the ReplicaSet controller and kubelets: pods follow spec; two new pods become available per step.
      for (const rs of rss) {
        const spec = rs.spec!.replicas!;
        const isNew = rs.metadata!.name !== "web-old";
        const available = isNew
          ? Math.min(spec, (rs.status?.availableReplicas ?? 0) + 2)
          : Math.min(spec, rs.status?.availableReplicas ?? 0);
        objects.set(`replicasets/ns/${rs.metadata!.name}`, {
          ...rs,
          status: { replicas: spec, readyReplicas: available, availableReplicas: available, observedGeneration: 1 },
        } as ReplicaSet);
      }
      assert.ok(
        availableReplicaCount(replicaSetsNow()) >= 8,
        `step ${step}: at least replicas - maxUnavailable available`,
      );
      done =
        d.status?.conditions?.some((c) => c.type === "Progressing" && c.reason === "NewReplicaSetAvailable") ?? false;
    }
    assert.ok(done, "the rollout completes");
    const rss = replicaSetsNow();
    const fresh = rss.find((rs) => rs.metadata!.name !== "web-old")!;
    assert.equal(fresh.spec?.replicas, 10);
    assert.equal(rss.find((rs) => rs.metadata!.name === "web-old")!.spec?.replicas, 0);
    assert.equal(fresh.metadata?.annotations?.["deployment.kubernetes.io/revision"], "2");
    assert.equal(d.metadata?.annotations?.["deployment.kubernetes.io/revision"], "2");
    assert.equal(events[0], `Scaled up replica set ${fresh.metadata!.name} from 0 to 3`);
    assert.equal(events[1], "Scaled down replica set web-old from 10 to 8");
  });
});
