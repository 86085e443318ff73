/**
 * End to end: the real kubectl reads these discovery documents, served by a throw-away HTTP server on loopback.
 * Covers aggregated v2 (kubectl 1.30+), v2beta1 (the oldest installed kubectl) and the legacy fallback.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startFakeApiServer, type FakeApiServer } from "../../../test/harness/fake-apiserver.js";
import { findKubectl, installedMinors, kubectl, type Kubectl } from "../../../test/harness/kubectl.js";
import { registry } from "../resources/registry.js";

const KUBECTL = findKubectl();
/** The oldest pinned kubectl beside the dispatcher ("1.27" …). */
const OLDEST = installedMinors()[0];

/** `kubectl api-resources -o wide` rows as column → value maps. */
function parseTable(out: string): Record<string, string>[] {
  const lines = out.split("\n").filter((l) => l.trim() !== "");
  const header = lines[0] ?? "";
  const columns = [...header.matchAll(/\S+/g)].map((m) => ({ name: m[0], start: m.index ?? 0 }));
  return lines
    .slice(1)
    .map((line) =>
      Object.fromEntries(
        columns.map((c, i) => [c.name, line.slice(c.start, columns[i + 1]?.start ?? line.length).trim()]),
      ),
    );
}

/** What upstream's api-resources prints for the catalog: preferred versions only, one row per resource. */
function expectedRows(): Record<string, string>[] {
  return registry
    .groups()
    .flatMap((g) => registry.resourcesIn(g.name, g.preferredVersion))
    .map((r) => ({
      NAME: r.resource,
      SHORTNAMES: r.shortNames.join(","),
      APIVERSION: r.group ? `${r.group}/${r.version}` : r.version,
      NAMESPACED: String(r.namespaced),
      KIND: r.kind,
      VERBS: r.verbs.join(","),
      CATEGORIES: r.categories.join(","),
    }));
}

const byKey = (rows: Record<string, string>[]): Record<string, string>[] =>
  [...rows].sort((a, b) => `${a["APIVERSION"]} ${a["NAME"]}`.localeCompare(`${b["APIVERSION"]} ${b["NAME"]}`));

describe("real kubectl reads the discovery documents", { skip: KUBECTL ? false : "kubectl is not on PATH" }, () => {
  let fake: FakeApiServer;
  /** The discovery documents kubectl fetched, with the Content-Type each was served as. */
  const served = (): { path: string; contentType: string }[] =>
    fake.requests
      .filter((r) => r.answer?.by === "discovery")
      .map((r) => ({ path: r.path, contentType: r.answer?.contentType ?? "" }));
  /** The dispatcher on PATH and the oldest pinned kubectl, each starting every run with an empty cache. */
  let latest: Kubectl;
  let oldestKubectl: Kubectl | undefined;

  before(async () => {
    fake = await startFakeApiServer();
    const target = { server: fake.url, freshCache: true, timeout: 30_000 };
    latest = kubectl(target);
    oldestKubectl = OLDEST ? kubectl({ ...target, minor: OLDEST }) : undefined;
  });
  after(async () => {
    await fake?.close();
    latest?.cleanup();
    oldestKubectl?.cleanup();
  });

  it("api-resources over aggregated v2 lists every resource with upstream's columns", async () => {
    fake.requests.length = 0;
    fake.discovery = "aggregated";
    const rows = parseTable(await latest.ok(["api-resources", "-o", "wide"]));
    assert.deepEqual(byKey(rows), byKey(expectedRows()));
    const find = (name: string, apiVersion: string) =>
      rows.find((r) => r["NAME"] === name && r["APIVERSION"] === apiVersion);
    assert.equal(find("pods", "v1")?.["SHORTNAMES"], "po");
    assert.equal(find("pods", "v1")?.["CATEGORIES"], "all");
    assert.equal(find("deployments", "apps/v1")?.["SHORTNAMES"], "deploy");
    assert.equal(find("services", "v1")?.["SHORTNAMES"], "svc");
    assert.equal(find("horizontalpodautoscalers", "autoscaling/v2")?.["SHORTNAMES"], "hpa");
    assert.equal(find("events", "events.k8s.io/v1")?.["SHORTNAMES"], "ev");
    assert.equal(find("namespaces", "v1")?.["NAMESPACED"], "false");
    assert.equal(find("selfsubjectaccessreviews", "authorization.k8s.io/v1")?.["VERBS"], "create");
    assert.deepEqual(
      served().map((s) => s.path),
      ["/api", "/apis"],
      "aggregated discovery needs no per-group-version fetches",
    );
    assert.ok(served().every((s) => s.contentType.includes("v=v2;")));
  });

  it("api-versions lists every served group/version", async () => {
    const out = await latest.ok(["api-versions"]);
    const expected = registry.groupVersions().map((gv) => (gv.group ? `${gv.group}/${gv.version}` : gv.version));
    assert.deepEqual(out.trim().split("\n"), [...expected].sort());
  });

  it("the oldest installed kubectl reads v2beta1", async () => {
    if (!OLDEST || !oldestKubectl) return;
    fake.requests.length = 0;
    const rows = parseTable(await oldestKubectl.ok(["api-resources", "-o", "wide"]));
    assert.deepEqual(byKey(rows), byKey(expectedRows()));
    if (OLDEST === "1.27" || OLDEST === "1.28" || OLDEST === "1.29") {
      assert.ok(
        served().every((s) => s.contentType.includes("v=v2beta1;")),
        JSON.stringify(served()),
      );
    }
  });

  it("the legacy fallback gives the same answer", async () => {
    fake.requests.length = 0;
    fake.discovery = "legacy";
    try {
      const rows = parseTable(await latest.ok(["api-resources", "-o", "wide"]));
      assert.deepEqual(byKey(rows), byKey(expectedRows()));
      const fetched = new Set(served().map((s) => s.path));
      for (const gv of registry.groupVersions()) {
        const path = gv.group ? `/apis/${gv.group}/${gv.version}` : `/api/${gv.version}`;
        assert.ok(fetched.has(path), `kubectl did not fetch ${path}`);
      }
    } finally {
      fake.discovery = "aggregated";
    }
  });
});
