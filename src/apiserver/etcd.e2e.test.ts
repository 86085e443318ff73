// The API server over the real etcd backend: the same semantics as on SQLite for the core flows.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { etcdAvailable, startEtcd, type EtcdServer } from "../../test/harness/etcd.js";
import { makeTempDir } from "../../test/harness/tmp.js";
import { openStore } from "../storage/index.js";
import { jsonBody as json, startTestApiServer, type TestApiServer } from "./testing.js";

describe("API server on etcd", { skip: !etcdAvailable() }, () => {
  let etcd: EtcdServer;
  let s: TestApiServer;
  let tmp: { path: string; remove(): Promise<void> };
  before(async () => {
    etcd = await startEtcd();
    tmp = await makeTempDir("apiserver-etcd");
    s = await startTestApiServer({ store: await openStore({ endpoint: etcd.endpoint, dataDir: tmp.path }) });
  });
  after(async () => {
    await s?.close();
    await etcd?.stop();
    await tmp?.remove();
  });

  it("create, list (paged and cached), watch, update conflict, delete", async () => {
    const base = "/api/v1/namespaces/default/configmaps";
    const list0 = (await (await s.fetch(base)).json()) as { metadata: { resourceVersion: string } };
    const watch = s.fetch(`${base}?watch=true&resourceVersion=${list0.metadata.resourceVersion}&timeoutSeconds=2`);
    for (const n of ["a", "b", "c"]) assert.equal((await s.fetch(base, json({ metadata: { name: n } }))).status, 201);
    const page = (await (await s.fetch(`${base}?limit=2`)).json()) as {
      items: unknown[];
      metadata: { continue: string; remainingItemCount: number };
    };
    assert.equal(page.items.length, 2);
    assert.equal(page.metadata.remainingItemCount, 1);
    const rest = (await (
      await s.fetch(`${base}?limit=2&continue=${encodeURIComponent(page.metadata.continue)}`)
    ).json()) as {
      items: { metadata: { name: string } }[];
    };
    assert.deepEqual(
      rest.items.map((i) => i.metadata.name),
      ["c"],
    );
    // resourceVersion=0 may be served stale from the watch cache (as upstream): wait for it to catch up.
    let cached: { items: unknown[] } = { items: [] };
    for (let i = 0; i < 100 && cached.items.length < 3; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 50));
      cached = (await (await s.fetch(`${base}?resourceVersion=0`)).json()) as { items: unknown[] };
    }
    assert.equal(cached.items.length, 3);
    const a = (await (await s.fetch(`${base}/a`)).json()) as { metadata: { resourceVersion: string } };
    assert.equal((await s.fetch(`${base}/a`, json({ metadata: { name: "a" }, data: { x: "1" } }, "PUT"))).status, 200);
    const stale = await s.fetch(
      `${base}/a`,
      json({ metadata: { name: "a", resourceVersion: a.metadata.resourceVersion } }, "PUT"),
    );
    assert.equal(stale.status, 409);
    assert.equal((await s.fetch(`${base}/b`, { method: "DELETE" })).status, 200);
    const events = (await (await watch).text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; object: { metadata: { name: string } } })
      .map((e) => `${e.type} ${e.object.metadata.name}`);
    assert.deepEqual(events, ["ADDED a", "ADDED b", "ADDED c", "MODIFIED a", "DELETED b"]);
  });
});
