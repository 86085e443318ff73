// The `skiff` command as a user runs it: help, version, the server skeleton's lifecycle and its errors.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { runSkiff, startSkiffServer, type SkiffServer } from "./harness/skiff.js";
import { makeTempDir } from "./harness/tmp.js";
import { readFile, stat } from "node:fs/promises";
import { request } from "node:http";
import { join } from "node:path";
import { startEtcd } from "./harness/etcd.js";
import { eventually } from "../src/client/testing.js";

/** A plain HTTP GET over a Unix socket: status and body. */
function overSocket(
  socketPath: string,
  path: string,
  authorization?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, headers: authorization ? { authorization } : {} }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("skiff command", () => {
  it("--help lists the commands", () => {
    const { status, stdout } = runSkiff(["--help"]);
    assert.equal(status, 0);
    assert.match(stdout, /Usage: skiff/);
    assert.match(stdout, /server/);
    assert.match(stdout, /version/);
  });

  it("server --help lists its flags", () => {
    const { status, stdout } = runSkiff(["server", "--help"]);
    assert.equal(status, 0);
    for (const flag of [
      "--data-dir",
      "--datastore-endpoint",
      "--port",
      "--bind-address",
      "--service-cidr",
      "--cluster-cidr",
      "--disable-agent",
      "--v",
    ]) {
      assert.ok(stdout.includes(flag), `missing ${flag} in:\n${stdout}`);
    }
  });

  it("version prints the Skiff and Kubernetes versions", () => {
    const { status, stdout } = runSkiff(["version"]);
    assert.equal(status, 0);
    assert.match(stdout, /^skiff v\d+\.\d+\.\d+ \(Kubernetes v1\.\d+\.\d+/);
  });

  it("an unknown command or a bad flag value fails with a clear message", () => {
    const unknown = runSkiff(["frobnicate"]);
    assert.notEqual(unknown.status, 0);
    assert.match(unknown.stderr, /unknown command 'frobnicate'/);
    const badPort = runSkiff(["server", "--port", "http"]);
    assert.notEqual(badPort.status, 0);
    assert.match(badPort.stderr, /expected a port/);
    const badCidr = runSkiff(["server", "--service-cidr", "10.43.0.0/40"]);
    assert.notEqual(badCidr.status, 0);
    assert.match(badCidr.stderr, /expected a CIDR/);
  });

  it("server refuses a datastore endpoint it does not understand", async () => {
    const dir = await makeTempDir("cli");
    try {
      const { status, stderr } = runSkiff(["server", "--data-dir", dir.path, "--datastore-endpoint", "mysql://x"]);
      assert.notEqual(status, 0);
      assert.match(stderr, /datastore endpoint "mysql:\/\/x" is not understood/);
    } finally {
      await dir.remove();
    }
  });
});

describe("skiff server (SQLite)", () => {
  it("becomes ready over HTTPS, serves health anonymously, refuses anonymous API calls, restarts with its data", async () => {
    const dir = await makeTempDir("server-data");
    const started: SkiffServer[] = [];
    try {
      const server = await startSkiffServer({ dataDir: dir.path });
      started.push(server);
      assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      const ready = await server.request("/readyz?verbose");
      assert.equal(ready.status, 200);
      assert.match(ready.body, /\[\+\]datastore ok/);
      assert.match(ready.body, /\[\+\]poststarthook\/bootstrap-namespaces ok/);
      assert.match(ready.body, /readyz check passed/);
      assert.equal((await server.request("/livez")).body, "ok");
      assert.equal((await server.request("/readyz/nosuchcheck")).status, 404);
      const version = JSON.parse((await server.request("/version")).body) as { major: string; gitVersion: string };
      assert.equal(version.major, "1");
      assert.match(version.gitVersion, /^v1\.\d+\.\d+$/);

      const anonymous = await server.request("/api/v1/namespaces");
      assert.equal(anonymous.status, 401);
      assert.equal((JSON.parse(anonymous.body) as { reason: string }).reason, "Unauthorized");
      const metrics = await server.request("/metrics", { asAdmin: true });
      assert.equal(metrics.status, 200);
      assert.match(metrics.body, /^skiff_storage_revision \d+$/m);
      assert.match(metrics.body, /process_resident_memory_bytes/);
      // Run as the installed command runs (bin/skiff.js's Node flags): the young generation is capped at 8 MiB
      // semi-spaces, 16 MiB in all, instead of V8's 32 MiB.
      const newSpace = /^nodejs_heap_space_size_total_bytes\{space="new"\} (\d+)/m.exec(metrics.body);
      assert.ok(newSpace, "the new space's size is in /metrics");
      assert.ok(Number(newSpace[1]) <= 16 * 2 ** 20, `new space ${newSpace[1]} bytes`);
      const created = await server.request("/api/v1/namespaces", {
        method: "POST",
        asAdmin: true,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "kept" } }),
      });
      assert.equal(created.status, 201, created.body);
      // The loopback socket the scheduler and controller manager use: the owner's alone, no anonymous access.
      const socketPath = join(dir.path, "apiserver.sock");
      assert.equal((await stat(socketPath)).mode & 0o777, 0o600);
      assert.equal((await overSocket(socketPath, "/api/v1/namespaces")).status, 401);
      assert.equal((await overSocket(socketPath, "/api/v1/namespaces", "Bearer not-a-token")).status, 401);
      assert.equal((await overSocket(socketPath, "/readyz")).status, 200);
      // The scheduler reached the API server through it and took its Lease.
      await eventually(async () => {
        const lease = await server.request(
          "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler",
          {
            asAdmin: true,
          },
        );
        assert.equal(lease.status, 200, lease.body);
        return true;
      });
      const ca = await readFile(join(dir.path, "tls", "ca.crt"), "utf8");
      assert.equal(await server.terminate(), 0);
      await assert.rejects(stat(socketPath), { code: "ENOENT" });

      // The same data dir opens again: same CA, same data, the kubeconfig still works.
      const again = await startSkiffServer({ dataDir: dir.path });
      started.push(again);
      assert.equal(await readFile(join(dir.path, "tls", "ca.crt"), "utf8"), ca);
      const kept = await again.request("/api/v1/namespaces/kept", { asAdmin: true });
      assert.equal(kept.status, 200, kept.body);
      assert.equal(await again.terminate(), 0);
    } finally {
      // A failed assertion must not leave a server running (the test would hang on it).
      for (const server of started) await server.terminate();
      await dir.remove();
    }
  });

  it("refuses a second server on the same data dir", async () => {
    const server = await startSkiffServer();
    try {
      const second = runSkiff(["server", "--data-dir", server.dataDir, "--port", "0"]);
      assert.notEqual(second.status, 0);
      assert.match(second.stderr, new RegExp(`another skiff server \\(pid ${server.pid}\\) is using`));
    } finally {
      await server.stop();
    }
  });
});

describe("skiff server (etcd)", () => {
  it("uses etcd from --datastore-endpoint and reports it in /readyz", async () => {
    const etcd = await startEtcd();
    try {
      const server = await startSkiffServer({ args: ["--datastore-endpoint", etcd.endpoint] });
      try {
        const ready = await server.request("/readyz?verbose");
        assert.match(ready.body, /\[\+\]etcd ok/);
        const list = await server.request("/api/v1/namespaces", { asAdmin: true });
        assert.equal(list.status, 200);
        assert.match(list.body, /"kube-system"/);
        etcd.kill();
        const down = await server.request("/readyz?verbose");
        assert.equal(down.status, 500);
        assert.match(down.body, /\[-\]etcd failed/);
      } finally {
        await server.stop();
      }
    } finally {
      await etcd.stop();
    }
  });
});
