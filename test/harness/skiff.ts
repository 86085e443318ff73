/**
 * Runs the real `skiff` command (bin/skiff.js over the compiled dist/) as a child process for end-to-end
 * tests. `stop()` sends SIGTERM (then SIGKILL after a grace period) to the PID it started, and removes the
 * data directory it made.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { makeTempDir } from "./tmp.js";

export const SKIFF_BIN = fileURLToPath(new URL("../../../bin/skiff.js", import.meta.url));

/**
 * The Node flags bin/skiff.js's first line gives (`#!/usr/bin/env -S node FLAGS…`): children run with this
 * process's node, `process.execPath`, and these flags, exactly as the installed command would.
 */
export const SKIFF_NODE_FLAGS: readonly string[] = (() => {
  const shebang = readFileSync(SKIFF_BIN, "utf8").split("\n", 1)[0] ?? "";
  const match = /^#!\S*env -S node((?: --\S+)*)\s*$/.exec(shebang);
  return (match?.[1] ?? "").split(" ").filter((flag) => flag !== "");
})();

/** `process.execPath` arguments that run `skiff ARGS…` as the installed command runs. */
export function skiffArgs(args: readonly string[]): string[] {
  return [...SKIFF_NODE_FLAGS, SKIFF_BIN, ...args];
}

const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** Run `skiff ARGS…` to completion. */
export function runSkiff(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, skiffArgs(args), { encoding: "utf8", timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export interface SkiffServer {
  /** The API server's URL printed at start, e.g. https://127.0.0.1:PORT. */
  readonly url: string;
  /** The admin kubeconfig the server wrote. */
  readonly kubeconfig: string;
  readonly dataDir: string;
  readonly pid: number;
  /**
   * An HTTPS request to the API server trusting the cluster CA; `asAdmin` presents the admin client
   * certificate (otherwise the request is anonymous).
   */
  request(path: string, options?: SkiffRequestOptions): Promise<SkiffResponse>;
  /** Everything printed so far. */
  output(): string;
  /** SIGTERM and wait for exit; resolves with the exit code. Keeps the data dir. */
  terminate(): Promise<number | null>;
  /** SIGKILL and wait for exit. Keeps the data dir. */
  kill(): Promise<void>;
  /** Stop (if running) and remove the data dir unless it was passed in. */
  stop(): Promise<void>;
}

export interface SkiffRequestOptions {
  readonly method?: string;
  readonly body?: string | Buffer;
  readonly headers?: Record<string, string>;
  readonly asAdmin?: boolean;
}

export interface SkiffResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

function tlsRequest(url: string, dataDir: string, path: string, options: SkiffRequestOptions): Promise<SkiffResponse> {
  const tls = join(dataDir, "tls");
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${url}${path}`,
      {
        method: options.method ?? "GET",
        headers: options.headers,
        ca: readFileSync(join(tls, "ca.crt")),
        ...(options.asAdmin
          ? { cert: readFileSync(join(tls, "admin.crt")), key: readFileSync(join(tls, "admin.key")) }
          : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

export async function startSkiffServer(
  options: { readonly dataDir?: string; readonly args?: readonly string[] } = {},
): Promise<SkiffServer> {
  const temp = options.dataDir === undefined ? await makeTempDir("server") : undefined;
  const dataDir = options.dataDir ?? temp!.path;
  const child = spawn(
    process.execPath,
    skiffArgs(["server", "--data-dir", dataDir, "--port", "0", ...(options.args ?? [])]),
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
      const match = /the Kubernetes API at (https:\/\/[^\s]+?) \(/.exec(out);
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
    kubeconfig: join(dataDir, "kubeconfig.yaml"),
    dataDir,
    pid: child.pid ?? -1,
    request: (path, options = {}) => tlsRequest(url, dataDir, path, options),
    output: () => out,
    terminate: () => terminate("SIGTERM"),
    kill: async () => void (await terminate("SIGKILL")),
    stop: async () => {
      await terminate("SIGTERM");
      await temp?.remove();
    },
  };
}
