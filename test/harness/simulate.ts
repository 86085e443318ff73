/**
 * Runs `skiff simulate` (hollow nodes) as a child process for end-to-end tests. `stop()` sends SIGTERM to the PID
 * it started (SIGKILL after a grace period); a simulator killed this way leaves its nodes registered but silent,
 * like a dead kubelet.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { skiffArgs } from "./skiff.js";

const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export interface Simulator {
  readonly pid: number;
  output(): string;
  /** SIGTERM, wait for exit. */
  stop(): Promise<void>;
}

export async function startSimulator(options: {
  readonly kubeconfig: string;
  readonly nodes: number;
  readonly args?: readonly string[];
}): Promise<Simulator> {
  const child = spawn(
    process.execPath,
    skiffArgs([
      "simulate",
      "--kubeconfig",
      options.kubeconfig,
      "--nodes",
      String(options.nodes),
      ...(options.args ?? []),
    ]),
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  running.add(child);
  let out = "";
  child.stdout?.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => running.delete(child));
  await new Promise<void>((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`skiff simulate was not ready in 60s:\n${out}`)), 60_000);
    const look = (): void => {
      if (/hollow nodes? ready/.test(out)) {
        clearTimeout(deadline);
        resolve();
      }
    };
    child.stdout?.on("data", look);
    child.stderr?.on("data", look);
    void exited.then(() => {
      clearTimeout(deadline);
      reject(new Error(`skiff simulate exited before it was ready:\n${out}`));
    });
  });
  return {
    pid: child.pid ?? -1,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
