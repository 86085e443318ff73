import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { nodes } from "../client/resources.js";
import { startTestCluster } from "../client/testing.js";
import { parseLabels, parseTaints, simulateCommand } from "./simulate.js";

const SKIFF = fileURLToPath(new URL("../../../bin/skiff.js", import.meta.url));

describe("skiff simulate", () => {
  it("--help describes the flags and the pod annotations", async () => {
    const child = spawn(process.execPath, [SKIFF, "simulate", "--help"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    assert.equal(code, 0);
    for (const flag of ["--nodes", "--server", "--kubeconfig", "--name-prefix", "--cpu", "--memory", "--pods"]) {
      assert.match(out, new RegExp(flag), flag);
    }
    for (const flag of ["--labels", "--taints", "--heartbeat-seconds", "--v"])
      assert.match(out, new RegExp(flag), flag);
    assert.match(out, /skiff\.io\/hollow-run-seconds/);
    assert.equal(simulateCommand().name(), "simulate");
  });

  it("parses labels and taints as the kubelet flags do", () => {
    assert.deepEqual(parseLabels("a=1,b=two"), { a: "1", b: "two" });
    assert.deepEqual(parseTaints("dedicated=gpu:NoSchedule,spot:NoExecute"), [
      { key: "dedicated", value: "gpu", effect: "NoSchedule" },
      { key: "spot", effect: "NoExecute" },
    ]);
    assert.throws(() => parseTaints("x=y:Sometimes"), /NoSchedule/);
    assert.throws(() => parseLabels("novalue"), /key=value/);
  });

  it("fails with a clear message when there is no kubeconfig", async () => {
    const dir = mkdtempSync(join(tmpdir(), "skiff-sim-"));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const child = spawn(process.execPath, [SKIFF, "simulate", "--nodes", "1", "--data-dir", dir], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    assert.equal(code, 1);
    assert.match(err, /no kubeconfig at .*kubeconfig\.yaml/);
  });

  it("registers hollow nodes against a cluster and stops on SIGINT, leaving them registered", async () => {
    const cluster = await startTestCluster();
    const dir = mkdtempSync(join(tmpdir(), "skiff-sim-"));
    after(async () => {
      await cluster.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const kubeconfig = join(dir, "kubeconfig.yaml");
    writeFileSync(
      kubeconfig,
      [
        "apiVersion: v1",
        "kind: Config",
        "clusters: [{name: test, cluster: {server: 'http://127.0.0.1:1'}}]",
        "users: [{name: test, user: {}}]",
        "contexts: [{name: test, context: {cluster: test, user: test}}]",
        "current-context: test",
      ].join("\n"),
    );
    const args = [SKIFF, "simulate", "--nodes", "3", "--kubeconfig", kubeconfig, "--server", cluster.url];
    const child = spawn(process.execPath, [...args, "--name-prefix", "sim-", "--labels", "pool=sim"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (/3 hollow nodes ready/.test(out)) resolve();
      });
      child.on("close", (code) => reject(new Error(`simulate exited early (${code}): ${out}`)));
    });
    const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
    await ready;
    const list = await cluster.client.resource(nodes).list(undefined, { labelSelector: "pool=sim" });
    assert.deepEqual(list.items.map((n) => n.metadata?.name).sort(), ["sim-0", "sim-1", "sim-2"]);
    child.kill("SIGINT");
    assert.equal(await closed, 0);
    assert.equal((await cluster.client.resource(nodes).list(undefined)).items.length, 3, "nodes stay registered");
  });
});
