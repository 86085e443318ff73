import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ReplicationController } from "kubernetes-types/core/v1.js";
import { pods, replicationControllers } from "../../client/resources.js";
import { eventually } from "../../client/testing.js";
import { listActivePods, markPodReady, patchRetrying, startControllerTest, type ControllerTest } from "../testing.js";
import { replicationControllerController } from "./index.js";

const NS = "default";

describe("ReplicationController controller (real API server)", () => {
  let t: ControllerTest;
  before(async () => {
    t = await startControllerTest([replicationControllerController]);
  });
  after(async () => {
    await t.close();
  });

  it("creates, replaces and scales pods, owned as a ReplicationController", async () => {
    const rc: ReplicationController = {
      apiVersion: "v1",
      kind: "ReplicationController",
      metadata: { name: "rc", namespace: NS },
      spec: {
        replicas: 2,
        selector: { app: "rc" },
        template: { metadata: { labels: { app: "rc" } }, spec: { containers: [{ name: "c", image: "nginx" }] } },
      },
    };
    const created = await t.client.resource(replicationControllers).create(rc);
    const first = await eventually(async () => {
      const list = await listActivePods(t.client, NS, "app=rc");
      return list.length === 2 ? list : undefined;
    });
    const ref = first[0]!.metadata?.ownerReferences?.[0];
    assert.equal(ref?.kind, "ReplicationController");
    assert.equal(ref?.apiVersion, "v1");
    assert.equal(ref?.uid, created.metadata?.uid);
    await markPodReady(t.client, first[0]!);
    await t.client.resource(pods).delete(NS, first[1]!.metadata!.name!);
    await eventually(async () => {
      const list = await listActivePods(t.client, NS, "app=rc");
      return list.length === 2 && !list.some((p) => p.metadata?.name === first[1]!.metadata!.name);
    });
    await patchRetrying(t.client, replicationControllers, NS, "rc", "merge", { spec: { replicas: 1 } });
    const left = await eventually(async () => {
      const list = await listActivePods(t.client, NS, "app=rc");
      return list.length === 1 ? list : undefined;
    });
    assert.equal(left[0]!.metadata?.name, first[0]!.metadata?.name, "the ready pod survives");
    const status = await eventually(async () => {
      const s = (await t.client.resource(replicationControllers).get(NS, "rc")).status;
      return s?.replicas === 1 && s.readyReplicas === 1 ? s : undefined;
    });
    assert.equal(status.availableReplicas, 1);
    assert.ok(t.events.some((e) => e.ref === "ReplicationController/default/rc" && e.reason === "SuccessfulDelete"));
  });
});
