/**
 * End to end: the real kubectl reads these discovery documents, served by a throw-away HTTP server on loopback.
 * Covers aggregated v2 (kubectl 1.30+), v2beta1 (the oldest installed kubectl) and the legacy fallback.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { accessSync, constants, mkdtempSync, readdirSync, realpathSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { registry } from "../resources/registry.js";
import { DiscoveryResponder } from "./respond.js";

function onPath(name: string): string | undefined {
  for (const dir of (process.env["PATH"] ?? "").split(delimiter)) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

const KUBECTL = onPath("kubectl");

/** The versioned binaries beside the dispatcher (kubectl.1.27 …), oldest first. */
function versionedKubectls(): string[] {
  if (!KUBECTL) return [];
  const dir = dirname(realpathSync(KUBECTL));
  return readdirSync(dir)
    .filter((n) => /^kubectl\.1\.\d+$/.test(n))
    .sort((a, b) => Number(a.split(".")[2]) - Number(b.split(".")[2]))
    .map((n) => join(dir, n));
}

interface Served {
  readonly path: string;
  readonly contentType: string;
}

class FakeServer {
  readonly served: Served[] = [];
  legacyOnly = false;
  private readonly server: Server;
  private readonly discovery = new DiscoveryResponder({ serverAddress: "127.0.0.1:6443" });

  constructor() {
    this.server = createServer((req, res) => {
      const path = (req.url ?? "/").split("?")[0] ?? "/";
      if (path === "/version") {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ major: "1", minor: "33", gitVersion: "v1.33.0", platform: "linux/amd64" }));
        return;
      }
      const accept = this.legacyOnly ? "application/json" : req.headers.accept;
      const answer = this.discovery.respond(path, accept, req.headers["if-none-match"]);
      if (!answer) {
        res.writeHead(404, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404 }));
        return;
      }
      this.served.push({ path, contentType: answer.headers["Content-Type"] ?? "" });
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function run(binary: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${binary} ${args.join(" ")}: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

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
  const fake = new FakeServer();
  let server = "";
  const cacheDirs: string[] = [];

  before(async () => {
    server = await fake.start();
  });
  after(async () => {
    await fake.stop();
    for (const d of cacheDirs) rmSync(d, { recursive: true, force: true });
  });

  async function kubectl(binary: string, ...args: string[]): Promise<string> {
    const cache = mkdtempSync(join(tmpdir(), "skiff-kubectl-cache-"));
    cacheDirs.push(cache);
    return run(binary, [`--server=${server}`, "--kubeconfig=/dev/null", `--cache-dir=${cache}`, ...args]);
  }

  it("api-resources over aggregated v2 lists every resource with upstream's columns", async () => {
    fake.served.length = 0;
    fake.legacyOnly = false;
    const rows = parseTable(await kubectl(KUBECTL ?? "kubectl", "api-resources", "-o", "wide"));
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
      fake.served.map((s) => s.path),
      ["/api", "/apis"],
      "aggregated discovery needs no per-group-version fetches",
    );
    assert.ok(fake.served.every((s) => s.contentType.includes("v=v2;")));
  });

  it("api-versions lists every served group/version", async () => {
    const out = await kubectl(KUBECTL ?? "kubectl", "api-versions");
    const expected = registry.groupVersions().map((gv) => (gv.group ? `${gv.group}/${gv.version}` : gv.version));
    assert.deepEqual(out.trim().split("\n"), [...expected].sort());
  });

  it("the oldest installed kubectl reads v2beta1", async () => {
    const oldest = versionedKubectls()[0];
    if (!oldest) return;
    fake.served.length = 0;
    const rows = parseTable(await kubectl(oldest, "api-resources", "-o", "wide"));
    assert.deepEqual(byKey(rows), byKey(expectedRows()));
    if (oldest.endsWith("kubectl.1.27") || oldest.endsWith("kubectl.1.28") || oldest.endsWith("kubectl.1.29")) {
      assert.ok(
        fake.served.every((s) => s.contentType.includes("v=v2beta1;")),
        JSON.stringify(fake.served),
      );
    }
  });

  it("the legacy fallback gives the same answer", async () => {
    fake.served.length = 0;
    fake.legacyOnly = true;
    try {
      const rows = parseTable(await kubectl(KUBECTL ?? "kubectl", "api-resources", "-o", "wide"));
      assert.deepEqual(byKey(rows), byKey(expectedRows()));
      const fetched = new Set(fake.served.map((s) => s.path));
      for (const gv of registry.groupVersions()) {
        const path = gv.group ? `/apis/${gv.group}/${gv.version}` : `/api/${gv.version}`;
        assert.ok(fetched.has(path), `kubectl did not fetch ${path}`);
      }
    } finally {
      fake.legacyOnly = false;
    }
  });
});
