// The ResourceQuota controller against a real API server: status.hard mirrors spec.hard and status.used
// follows pods, compute requests and configmaps as they come and go.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Pod, ResourceQuota } from "kubernetes-types/core/v1.js";
import { configMaps, namespaces, pods, resourceQuotas } from "../../client/resources.js";
import { eventually } from "../../client/testing.js";
import { type ControllerTest, startControllerTest } from "../testing.js";
import { createResourceQuotaController } from "./controller.js";

const NS = "quota";

function pod(name: string, cpu: string, memory: string, limitMemory?: string): Pod {
  return {
    metadata: { name, namespace: NS },
    spec: {
      containers: [
        {
          name: "c",
          image: "busybox",
          resources: { requests: { cpu, memory }, ...(limitMemory ? { limits: { memory: limitMemory } } : {}) },
        },
      ],
    },
  };
}

describe("resourcequota controller", () => {
  let cluster: ControllerTest;

  before(async () => {
    cluster = await startControllerTest(createResourceQuotaController({ debounceMs: 10 }));
    await cluster.client.resource(namespaces).create({ metadata: { name: NS } });
  });
  after(async () => {
    await cluster.close();
  });

  async function usedWhen(expected: Record<string, string>, message: string): Promise<ResourceQuota> {
    return (await eventually(
      async () => {
        const quota = await cluster.client.resource(resourceQuotas).get(NS, "compute");
        return JSON.stringify(quota.status?.used) === JSON.stringify(expected) ? quota : undefined;
      },
      { message },
    )) as ResourceQuota;
  }

  it("counts pods, cpu, memory and configmaps and follows deletions", async () => {
    const { client } = cluster;
    const hard = {
      pods: "10",
      "requests.cpu": "4",
      "requests.memory": "4Gi",
      "limits.memory": "8Gi",
      configmaps: "5",
      "count/configmaps": "5",
    };
    await client.resource(resourceQuotas).create({ metadata: { name: "compute", namespace: NS }, spec: { hard } });
    const empty = await usedWhen(
      {
        configmaps: "0",
        "count/configmaps": "0",
        "limits.memory": "0",
        pods: "0",
        "requests.cpu": "0",
        "requests.memory": "0",
      },
      "zero usage",
    );
    assert.deepEqual(empty.status?.hard, hard);

    await client.resource(pods).create(pod("a", "500m", "512Mi", "1Gi"));
    await client.resource(pods).create(pod("b", "1", "1Gi"));
    await client.resource(configMaps).create({ metadata: { name: "cm1", namespace: NS } });
    await client.resource(configMaps).create({ metadata: { name: "cm2", namespace: NS } });
    await usedWhen(
      {
        configmaps: "2",
        "count/configmaps": "2",
        "limits.memory": "1Gi",
        pods: "2",
        "requests.cpu": "1500m",
        "requests.memory": "1536Mi",
      },
      "two pods and two configmaps",
    );

    await client.resource(pods).delete(NS, "a");
    await client.resource(configMaps).delete(NS, "cm1");
    await usedWhen(
      {
        configmaps: "1",
        "count/configmaps": "1",
        "limits.memory": "0",
        pods: "1",
        "requests.cpu": "1",
        "requests.memory": "1Gi",
      },
      "after deletions",
    );

    // A finished pod no longer uses compute quota.
    await client.resource(pods).patch(NS, "b", "merge", { status: { phase: "Succeeded" } }, { subresource: "status" });
    await usedWhen(
      {
        configmaps: "1",
        "count/configmaps": "1",
        "limits.memory": "0",
        pods: "0",
        "requests.cpu": "0",
        "requests.memory": "0",
      },
      "after pod b finished",
    );
  });

  it("follows a change of spec.hard", async () => {
    const { client } = cluster;
    await client.resource(resourceQuotas).patch(NS, "compute", "merge", { spec: { hard: { pods: "3" } } });
    const quota = await eventually(async () => {
      const current = await client.resource(resourceQuotas).get(NS, "compute");
      return current.status?.hard?.["pods"] === "3" && Object.keys(current.status.used ?? {}).length === 6
        ? current
        : undefined;
    });
    assert.equal(quota!.status?.used?.["pods"], "0");
  });
});
