/** Unit tests of StatefulSet identity and of one sync step's ordering, over in-memory pods. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { StatefulSet } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { type AppliedRevision, type StatefulPodControl, updateStatefulSet } from "./control.js";
import { claimsFor, identityMatches, newStatefulSetPod, parentNameAndOrdinal } from "./identity.js";

function makeSet(replicas: number, extra: Partial<StatefulSet["spec"]> = {}): StatefulSet {
  return {
    metadata: { name: "web", namespace: "ns", uid: "set-uid", generation: 4 },
    spec: {
      replicas,
      serviceName: "svc",
      selector: { matchLabels: { app: "web" } },
      template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "v1" }] } },
      ...extra,
    },
  };
}

/** Records the sync's writes instead of making them. */
class FakeControl implements StatefulPodControl {
  readonly log: string[] = [];
  async createPod(_set: StatefulSet, pod: Pod): Promise<void> {
    this.log.push(`create ${pod.metadata!.name}`);
  }
  async deletePod(_set: StatefulSet, pod: Pod): Promise<void> {
    this.log.push(`delete ${pod.metadata!.name}`);
  }
  async updatePodIdentity(_set: StatefulSet, pod: Pod): Promise<void> {
    this.log.push(`identity ${pod.metadata!.name}`);
  }
}

/** A pod as the server would hold it: created (uid), at `revision`, healthy unless told otherwise. */
function existing(
  set: StatefulSet,
  ordinal: number,
  revision: string,
  state: "ready" | "pending" | "failed" = "ready",
): Pod {
  const pod = newStatefulSetPod(set, ordinal, revision);
  const status: Pod["status"] =
    state === "ready"
      ? { phase: "Running", conditions: [{ type: "Ready", status: "True" }] }
      : { phase: state === "failed" ? "Failed" : "Pending" };
  return { ...pod, metadata: { ...pod.metadata, uid: `uid-${ordinal}` }, status };
}

const revisions = (set: StatefulSet, updated?: StatefulSet): [AppliedRevision, AppliedRevision] => [
  { name: "web-r1", set },
  { name: updated ? "web-r2" : "web-r1", set: updated ?? set },
];

describe("statefulset identity", () => {
  it("parses ordinals from pod names", () => {
    assert.deepEqual(parentNameAndOrdinal({ metadata: { name: "web-12" } }), { parent: "web", ordinal: 12 });
    assert.deepEqual(parentNameAndOrdinal({ metadata: { name: "my-db-0" } }), { parent: "my-db", ordinal: 0 });
    assert.equal(parentNameAndOrdinal({ metadata: { name: "web" } }).ordinal, -1);
    assert.equal(parentNameAndOrdinal({ metadata: { name: "web-x" } }).ordinal, -1);
  });

  it("builds pods with stable identity, storage and revision", () => {
    const set = makeSet(1, {
      volumeClaimTemplates: [
        { metadata: { name: "data", labels: { tier: "db" } }, spec: { accessModes: ["ReadWriteOnce"] } },
      ],
    });
    set.spec!.template.spec!.volumes = [
      { name: "data", emptyDir: {} },
      { name: "cfg", emptyDir: {} },
    ];
    const pod = newStatefulSetPod(set, 3, "web-r1");
    assert.equal(pod.metadata?.name, "web-3");
    assert.equal(pod.metadata?.generateName, undefined);
    assert.equal(pod.spec?.hostname, "web-3");
    assert.equal(pod.spec?.subdomain, "svc");
    assert.deepEqual(pod.metadata?.labels, {
      app: "web",
      "statefulset.kubernetes.io/pod-name": "web-3",
      "apps.kubernetes.io/pod-index": "3",
      "controller-revision-hash": "web-r1",
    });
    assert.deepEqual(pod.spec?.volumes, [
      { name: "data", persistentVolumeClaim: { claimName: "data-web-3" } },
      { name: "cfg", emptyDir: {} },
    ]);
    assert.equal(pod.metadata?.ownerReferences?.[0]?.uid, "set-uid");
    assert.ok(identityMatches(set, pod));
    const claim = claimsFor(set, 3).get("data")!;
    assert.equal(claim.metadata?.name, "data-web-3");
    assert.equal(claim.metadata?.namespace, "ns");
    assert.deepEqual(claim.metadata?.labels, { tier: "db", app: "web" });
  });
});

describe("statefulset sync step", () => {
  it("OrderedReady creates only the first missing pod, and waits for an unready one", async () => {
    const set = makeSet(3);
    const [current, update] = revisions(set);
    const control = new FakeControl();
    const { status } = await updateStatefulSet(set, current, update, 0, [], control);
    assert.deepEqual(control.log, ["create web-0"]);
    assert.equal(status.replicas, 1);
    assert.equal(status.observedGeneration, 4);

    const waiting = new FakeControl();
    await updateStatefulSet(set, current, update, 0, [existing(set, 0, "web-r1", "pending")], waiting);
    assert.deepEqual(waiting.log, []);

    const next = new FakeControl();
    const result = await updateStatefulSet(set, current, update, 0, [existing(set, 0, "web-r1")], next);
    assert.deepEqual(next.log, ["create web-1"]);
    assert.equal(result.status.readyReplicas, 1);
  });

  it("Parallel creates all missing pods at once from spec.ordinals.start", async () => {
    const set = makeSet(3, { podManagementPolicy: "Parallel", ordinals: { start: 2 } });
    const [current, update] = revisions(set);
    const control = new FakeControl();
    await updateStatefulSet(set, current, update, 0, [], control);
    assert.deepEqual(control.log, ["create web-2", "create web-3", "create web-4"]);
  });

  it("scales down from the highest ordinal, one at a time under OrderedReady", async () => {
    const set = makeSet(1);
    const [current, update] = revisions(set);
    const pods = [0, 1, 2].map((i) => existing(set, i, "web-r1"));
    const control = new FakeControl();
    await updateStatefulSet(set, current, update, 0, pods, control);
    assert.deepEqual(control.log, ["delete web-2"]);
    const parallel = makeSet(1, { podManagementPolicy: "Parallel" });
    const burst = new FakeControl();
    await updateStatefulSet(parallel, ...revisions(parallel), 0, pods, burst);
    assert.deepEqual(burst.log, ["delete web-2", "delete web-1"]);
  });

  it("recreates a failed pod", async () => {
    const set = makeSet(1);
    const control = new FakeControl();
    await updateStatefulSet(set, ...revisions(set), 0, [existing(set, 0, "web-r1", "failed")], control);
    assert.deepEqual(control.log, ["delete web-0", "create web-0"]);
  });

  it("rolls updates from the highest ordinal down to the partition, waiting for health", async () => {
    const set = makeSet(3, { updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 1 } } });
    const updated = structuredClone(set);
    updated.spec!.template.spec!.containers[0]!.image = "v2";
    const [current, update] = revisions(set, updated);
    const pods = [0, 1, 2].map((i) => existing(set, i, "web-r1"));
    const first = new FakeControl();
    await updateStatefulSet(set, current, update, 0, pods, first);
    assert.deepEqual(first.log, ["delete web-2"]);

    // web-2 was recreated at the update revision but is not ready yet: nothing else moves.
    pods[2] = existing(updated, 2, "web-r2", "pending");
    const waiting = new FakeControl();
    await updateStatefulSet(set, current, update, 0, pods, waiting);
    assert.deepEqual(waiting.log, []);

    pods[2] = existing(updated, 2, "web-r2");
    const second = new FakeControl();
    const { status } = await updateStatefulSet(set, current, update, 0, pods, second);
    assert.deepEqual(second.log, ["delete web-1"]);
    assert.equal(status.updatedReplicas, 1);

    pods[1] = existing(updated, 1, "web-r2");
    const done = new FakeControl();
    await updateStatefulSet(set, current, update, 0, pods, done);
    assert.deepEqual(done.log, [], "web-0 is below the partition");
  });

  it("creates missing pods below the partition at the current revision", async () => {
    const set = makeSet(2, { updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 1 } } });
    const updated = structuredClone(set);
    updated.spec!.template.spec!.containers[0]!.image = "v2";
    const created: Pod[] = [];
    const control: StatefulPodControl = {
      createPod: async (_s, pod) => void created.push(pod),
      deletePod: async () => undefined,
      updatePodIdentity: async () => undefined,
    };
    await updateStatefulSet(set, ...revisions(set, updated), 0, [], control);
    assert.equal(created[0]?.metadata?.labels?.["controller-revision-hash"], "web-r1");
    assert.equal(created[0]?.spec?.containers[0]?.image, "v1");
  });

  it("OnDelete never deletes pods for an update", async () => {
    const set = makeSet(2, { updateStrategy: { type: "OnDelete" } });
    const updated = structuredClone(set);
    updated.spec!.template.spec!.containers[0]!.image = "v2";
    const control = new FakeControl();
    const pods = [0, 1].map((i) => existing(set, i, "web-r1"));
    await updateStatefulSet(set, ...revisions(set, updated), 0, pods, control);
    assert.deepEqual(control.log, []);
  });
});
