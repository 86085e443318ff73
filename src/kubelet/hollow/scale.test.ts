import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { pino } from "pino";
import { leases, nodes } from "../../client/resources.js";
import { startTestCluster, type TestCluster } from "../../client/testing.js";
import { startHollowNodes, type HollowCluster } from "./cluster.js";

const COUNT = Number(process.env.HOLLOW_SCALE_NODES ?? 1000);

describe(`hollow nodes at scale (${COUNT})`, () => {
  let cluster: TestCluster;
  let hollow: HollowCluster | undefined;

  before(async () => {
    cluster = await startTestCluster();
  });
  after(async () => {
    await hollow?.stop();
    await cluster?.close();
  });

  it(`registers ${COUNT} Ready nodes with Leases`, async (t) => {
    const rssBefore = process.memoryUsage().rss;
    const started = Date.now();
    hollow = await startHollowNodes({
      client: cluster.client,
      count: COUNT,
      writesPerSecond: Number(process.env.HOLLOW_SCALE_WPS ?? 2000),
      log: pino({ level: "silent" }),
    });
    const ms = Date.now() - started;
    const list = await cluster.client.resource(nodes).listAll(undefined);
    assert.equal(list.items.length, COUNT);
    assert.ok(list.items.every((n) => n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")));
    const leaseList = await cluster.client.resource(leases).listAll("kube-node-lease");
    assert.equal(leaseList.items.length, COUNT);
    const mb = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MB`;
    // API server and simulator share this process: the RSS covers both.
    t.diagnostic(
      `${COUNT} nodes registered in ${ms} ms; RSS ${mb(rssBefore)} → ${mb(process.memoryUsage().rss)}, heap ${mb(process.memoryUsage().heapUsed)}`,
    );
  });
});
