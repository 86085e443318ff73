// Two `skiff server`s on one real etcd (sharing one cluster CA, as HA servers do): one scheduler and one
// controller manager act at a time, and when the leader stops the other server's components take over.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { cp, mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Lease } from "kubernetes-types/coordination/v1.js";
import { clientFromKubeconfig } from "../src/client/kubeconfig.js";
import { leases, pods } from "../src/client/resources.js";
import { eventually } from "../src/client/testing.js";
import type { Client } from "../src/client/types.js";
import { etcdAvailable, startEtcd, type EtcdServer } from "./harness/etcd.js";
import { startSkiffServer, type SkiffServer } from "./harness/skiff.js";
import { startSimulator, type Simulator } from "./harness/simulate.js";
import { makeTempDir } from "./harness/tmp.js";

const FAST_ELECTION = [
  "--leader-elect-lease-duration=3s",
  "--leader-elect-renew-deadline=2s",
  "--leader-elect-retry-period=500ms",
];

describe("two servers on one etcd", { skip: !etcdAvailable() && "etcd is not installed", timeout: 120_000 }, () => {
  let etcd: EtcdServer;
  let first: SkiffServer;
  let second: SkiffServer;
  let secondDir: { path: string; remove(): Promise<void> };
  let simulator: Simulator;
  let client: Client;

  before(async () => {
    etcd = await startEtcd();
    const args = [`--datastore-endpoint=${etcd.endpoint}`, ...FAST_ELECTION];
    first = await startSkiffServer({ args });
    // The second server shares the cluster CA and certificates (what joining an HA control plane gives it).
    secondDir = await makeTempDir("second");
    await mkdir(secondDir.path, { recursive: true });
    await cp(join(first.dataDir, "tls"), join(secondDir.path, "tls"), { recursive: true });
    second = await startSkiffServer({ dataDir: secondDir.path, args });
    client = clientFromKubeconfig(second.kubeconfig, "leader-election-test");
    simulator = await startSimulator({ kubeconfig: second.kubeconfig, nodes: 1 });
  });
  after(async () => {
    client?.close();
    await simulator?.stop();
    await second?.stop();
    await secondDir?.remove();
    await first?.stop();
    await etcd?.stop();
  });

  const holder = async (name: string): Promise<string | undefined> => {
    const lease: Lease = await client.resource(leases).get("kube-system", name);
    return lease.spec?.holderIdentity || undefined;
  };

  it("elects one scheduler and one controller manager, and the other server takes over", async () => {
    const scheduler = await eventually(() => holder("kube-scheduler"), { timeoutMs: 30_000 });
    const controllers = await eventually(() => holder("kube-controller-manager"), { timeoutMs: 30_000 });
    // The first server started first and holds both; the second keeps trying but does not take them.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    assert.equal(await holder("kube-scheduler"), scheduler);
    assert.equal(await holder("kube-controller-manager"), controllers);

    assert.equal(await first.terminate(), 0);
    const newScheduler = await eventually(
      async () => {
        const h = await holder("kube-scheduler");
        return h && h !== scheduler ? h : undefined;
      },
      { timeoutMs: 30_000 },
    );
    const newControllers = await eventually(
      async () => {
        const h = await holder("kube-controller-manager");
        return h && h !== controllers ? h : undefined;
      },
      { timeoutMs: 30_000 },
    );
    assert.ok(newScheduler && newControllers);

    // The second server's components act: a deployment's pod is created and scheduled onto the hollow node.
    await client.request("POST", "/apis/apps/v1/namespaces/default/deployments", {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "after-failover" },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: "after-failover" } },
        template: {
          metadata: { labels: { app: "after-failover" } },
          spec: { containers: [{ name: "c", image: "nginx" }] },
        },
      },
    });
    const pod = await eventually(
      async () => {
        const [p] = (await client.resource(pods).list("default", { labelSelector: "app=after-failover" })).items;
        return p?.spec?.nodeName ? p : undefined;
      },
      { timeoutMs: 30_000 },
    );
    assert.ok(pod.spec?.nodeName);
  });
});
