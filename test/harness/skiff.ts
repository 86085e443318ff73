/**
 * Runs the real `skiff` command (bin/skiff.js over the compiled dist/) as a child process for end-to-end
 * tests. `stop()` sends SIGTERM (then SIGKILL after a grace period) to the PID it started, and removes the
 * data directory it made.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { makeTempDir } from "./tmp.js";

export const SKIFF_BIN = fileURLToPath(new URL("../../../bin/skiff.js", import.meta.url));

const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** Run `skiff ARGS…` to completion. */
export function runSkiff(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [SKIFF_BIN, ...args], { encoding: "utf8", timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export interface SkiffServer {
  /** The URL printed at start (health and metrics live there). */
  readonly url: string;
  readonly dataDir: string;
  readonly pid: number;
  /** Everything printed so far. */
  output(): string;
  /** SIGTERM and wait for exit; resolves with the exit code. Keeps the data dir. */
  terminate(): Promise<number | null>;
  /** SIGKILL and wait for exit. Keeps the data dir. */
  kill(): Promise<void>;
  /** Stop (if running) and remove the data dir unless it was passed in. */
  stop(): Promise<void>;
}

export async function startSkiffServer(
  options: { readonly dataDir?: string; readonly args?: readonly string[] } = {},
): Promise<SkiffServer> {
  const temp = options.dataDir === undefined ? await makeTempDir("server") : undefined;
  const dataDir = options.dataDir ?? temp!.path;
  const child = spawn(
    process.execPath,
    [SKIFF_BIN, "server", "--data-dir", dataDir, "--port", "0", ...(options.args ?? [])],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  running.add(child);
  let out = "";
  child.stdout?.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  exited.then(
    () => running.delete(child),
    () => undefined,
  );

  const url = await new Promise<string>((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`skiff server did not start in 30s:\n${out}`)), 30_000);
    const look = (): void => {
      const match = /curl (https?:\/\/[^/\s]+)\/readyz/.exec(out);
      if (match) {
        clearTimeout(deadline);
        resolve(match[1]!);
      }
    };
    child.stdout?.on("data", look);
    void exited.then((code) => {
      clearTimeout(deadline);
      reject(new Error(`skiff server exited with ${code} before it was ready:\n${out}`));
    });
  });

  const terminate = async (signal: NodeJS.Signals): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  return {
    url,
    dataDir,
    pid: child.pid ?? -1,
    output: () => out,
    terminate: () => terminate("SIGTERM"),
    kill: async () => void (await terminate("SIGKILL")),
    stop: async () => {
      await terminate("SIGTERM");
      await temp?.remove();
    },
  };
}
