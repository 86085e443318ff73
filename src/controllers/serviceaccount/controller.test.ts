// The ServiceAccount controller against a real API server.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isStatusError } from "../../api/status.js";
import { namespaces, serviceAccounts } from "../../client/resources.js";
import { eventually, type TestCluster } from "../../client/testing.js";
import { type ControllerTest, startControllerTest } from "../testing.js";
import { serviceAccountController } from "./controller.js";

async function defaultAccountExists(cluster: TestCluster, namespace: string): Promise<boolean> {
  try {
    await cluster.client.resource(serviceAccounts).get(namespace, "default");
    return true;
  } catch (error) {
    if (isStatusError(error) && error.code === 404) return false;
    throw error;
  }
}

describe("serviceaccount controller", () => {
  let cluster: ControllerTest;

  before(async () => {
    cluster = await startControllerTest(serviceAccountController);
  });
  after(async () => {
    await cluster.close();
  });

  it("creates the default ServiceAccount in existing and new namespaces", async () => {
    await eventually(() => defaultAccountExists(cluster, "default"), { message: "default/default" });
    await cluster.client.resource(namespaces).create({ metadata: { name: "team-a" } });
    await eventually(() => defaultAccountExists(cluster, "team-a"), { message: "team-a/default" });
  });

  it("recreates it after deletion", async () => {
    await cluster.client.resource(namespaces).create({ metadata: { name: "team-b" } });
    const first = await eventually(async () =>
      (await defaultAccountExists(cluster, "team-b"))
        ? cluster.client.resource(serviceAccounts).get("team-b", "default")
        : undefined,
    );
    await cluster.client.resource(serviceAccounts).delete("team-b", "default");
    const second = await eventually(
      async () => {
        if (!(await defaultAccountExists(cluster, "team-b"))) return undefined;
        const current = await cluster.client.resource(serviceAccounts).get("team-b", "default");
        return current.metadata?.uid !== first!.metadata?.uid ? current : undefined;
      },
      { message: "default recreated" },
    );
    assert.notEqual(second!.metadata?.uid, first!.metadata?.uid);
  });
});
