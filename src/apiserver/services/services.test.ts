// Service allocation over a real SQLite store: uniqueness under concurrency, exhaustion, release, repair.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { SqliteStore } from "../../storage/sqlite/index.js";
import type { Store } from "../../storage/types.js";
import { makeTempDir } from "../../../test/harness/tmp.js";
import { logger } from "../../util/log.js";
import { RangeExhaustedError } from "./allocator.js";
import { makeServiceAllocators } from "./index.js";
import { ipToString, parseServiceCidr } from "./ranges.js";
import { startServiceRepair } from "./repair.js";
import type { StoredObject } from "../object.js";

describe("service allocation", () => {
  let store: Store;
  let dir: Awaited<ReturnType<typeof makeTempDir>>;
  before(async () => {
    dir = await makeTempDir("services");
    store = await SqliteStore.open({ file: join(dir.path, "state.db") });
  });
  after(async () => {
    await store.close();
    await dir.remove();
  });

  it("parses service CIDRs and rejects what it cannot serve", () => {
    assert.deepEqual(parseServiceCidr("10.43.0.0/16"), { base: 10 * 2 ** 24 + 43 * 2 ** 16, size: 65536 });
    assert.equal(ipToString(parseServiceCidr("10.43.7.9/24").base), "10.43.7.0");
    assert.throws(() => parseServiceCidr("fd00::/108"), /IPv6 service CIDRs are not supported yet/);
    assert.throws(() => parseServiceCidr("10.0.0.0/31"), /must be \/8 to \/30/);
  });

  it("64 concurrent allocations get 64 distinct ClusterIPs in the dynamic band", async () => {
    const a = makeServiceAllocators(store, "10.44.0.0/24");
    const offsets = await Promise.all(
      Array.from({ length: 64 }, (_, i) => a.clusterIPs.allocateNext(`ns/s${i}`, false)),
    );
    assert.equal(new Set(offsets).size, 64);
    for (const o of offsets) assert.ok(o >= 1 && o <= 254, `offset ${o} outside the range`);
    assert.deepEqual(
      (await a.clusterIPs.allocated()).sort((x, y) => x - y),
      [...offsets].sort((x, y) => x - y),
    );
  });

  it("a full range says so; a release makes room; a dry run reserves nothing", async () => {
    const a = makeServiceAllocators(store, "10.45.0.0/30"); // offsets 1 and 2
    assert.equal(a.clusterIPs.size, 2);
    await a.clusterIPs.allocateNext("ns/a", false);
    await a.clusterIPs.allocateNext("ns/b", false);
    await assert.rejects(a.clusterIPs.allocateNext("ns/c", false), RangeExhaustedError);
    await a.clusterIPs.release(1);
    const dry = await a.clusterIPs.allocateNext("ns/c", true);
    assert.equal(dry, 1);
    assert.deepEqual(await a.clusterIPs.allocated(), [2], "the dry run did not reserve");
    assert.equal(await a.clusterIPs.allocateNext("ns/c", false), 1);
  });

  it("repair releases a reservation no Service holds, but only on the second pass", async () => {
    const a = makeServiceAllocators(store, "10.46.0.0/24");
    await a.clusterIPs.allocate(10, "ns/kept", false);
    await a.clusterIPs.allocate(11, "ns/leaked", false);
    await a.nodePorts.allocate(31000, "ns/kept", false);
    await a.nodePorts.allocate(31001, "ns/leaked", false);
    const services: StoredObject[] = [
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "kept", namespace: "ns" },
        spec: { clusterIP: "10.46.0.10", ports: [{ port: 80, nodePort: 31000 }] },
      },
    ];
    const repair = startServiceRepair(a, async () => services, logger("test"), 3_600_000);
    try {
      assert.deepEqual(await repair.run(), { ips: [], ports: [] }, "first pass only suspects");
      assert.deepEqual(await repair.run(), { ips: [11], ports: [31001] });
      assert.deepEqual(await a.clusterIPs.allocated(), [10]);
    } finally {
      repair.stop();
    }
  });
});
