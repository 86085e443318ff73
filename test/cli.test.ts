// The `skiff` command as a user runs it: help, version, the server skeleton's lifecycle and its errors.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { runSkiff, startSkiffServer } from "./harness/skiff.js";
import { makeTempDir } from "./harness/tmp.js";
import { startEtcd } from "./harness/etcd.js";

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
    for (const flag of ["--data-dir", "--datastore-endpoint", "--port", "--bind-address", "--v"]) {
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
  it("becomes ready, serves health and metrics, stops cleanly on SIGTERM and keeps its data", async () => {
    const dir = await makeTempDir("server-data");
    try {
      const server = await startSkiffServer({ dataDir: dir.path });
      const ready = await fetch(`${server.url}/readyz?verbose`);
      assert.equal(ready.status, 200);
      const body = await ready.text();
      assert.match(body, /\[\+\]datastore ok/);
      assert.match(body, /readyz check passed/);
      assert.equal(await (await fetch(`${server.url}/livez`)).text(), "ok");
      assert.equal((await fetch(`${server.url}/readyz/nosuchcheck`)).status, 404);
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      assert.match(metrics, /^skiff_storage_revision \d+$/m);
      assert.match(metrics, /process_resident_memory_bytes/);
      assert.equal(await server.terminate(), 0);

      // The same data dir opens again.
      const again = await startSkiffServer({ dataDir: dir.path });
      assert.equal((await fetch(`${again.url}/readyz`)).status, 200);
      assert.equal(await again.terminate(), 0);
    } finally {
      await dir.remove();
    }
  });
});

describe("skiff server (etcd)", () => {
  it("uses etcd from --datastore-endpoint and reports it in /readyz", async () => {
    const etcd = await startEtcd();
    try {
      const server = await startSkiffServer({ args: ["--datastore-endpoint", etcd.endpoint] });
      try {
        const body = await (await fetch(`${server.url}/readyz?verbose`)).text();
        assert.match(body, /\[\+\]etcd ok/);
        etcd.kill();
        const down = await fetch(`${server.url}/readyz?verbose`);
        assert.equal(down.status, 500);
        assert.match(await down.text(), /\[-\]etcd failed/);
      } finally {
        await server.stop();
      }
    } finally {
      await etcd.stop();
    }
  });
});
