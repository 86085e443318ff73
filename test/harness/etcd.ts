/**
 * A real etcd (Debian's etcd-server) on free loopback ports in a temporary directory, for tests and
 * benchmarks. fsync stays on (etcd's default). Always `stop()` it: the process is killed by PID and the
 * directory removed; a process exit hook kills it too if a test forgets.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { freePort, makeTempDir } from "./tmp.js";

export interface EtcdServer {
  /** The client URL, e.g. http://127.0.0.1:23790 */
  readonly endpoint: string;
  readonly pid: number;
  /** Kill -9 etcd (to test a datastore outage); `stop()` still cleans up. */
  kill(): void;
  /** After `kill()`: start etcd again on the same data directory and ports, and wait until it is healthy. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export function etcdAvailable(): boolean {
  return spawnSync("etcd", ["--version"], { stdio: "ignore" }).status === 0;
}

export async function startEtcd(options: { readonly extraArgs?: readonly string[] } = {}): Promise<EtcdServer> {
  if (!etcdAvailable()) {
    throw new Error("etcd is not installed: run `npm run setup` as root (it installs Debian's etcd-server)");
  }
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(options.extraArgs ?? []);
    } catch (error) {
      lastError = error; // most likely a port taken between freePort() and etcd's bind
    }
  }
  throw lastError;
}

async function startOnce(extraArgs: readonly string[]): Promise<EtcdServer> {
  const dir = await makeTempDir("etcd");
  const clientPort = await freePort();
  const peerPort = await freePort();
  const client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const args = [
    "--name=skiff-test",
    `--data-dir=${dir.path}/data`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=skiff-test=${peer}`,
    "--initial-cluster-state=new",
    "--logger=zap",
    "--log-level=error",
    "--experimental-watch-progress-notify-interval=1s",
    ...extraArgs,
  ];
  let proc = spawnEtcd(args);
  const kill = async (): Promise<void> => {
    if (proc.child.exitCode === null && proc.child.signalCode === null) {
      proc.child.kill("SIGKILL");
      await proc.exited;
    }
    running.delete(proc.child);
  };
  const stop = async (): Promise<void> => {
    await kill();
    await dir.remove();
  };
  try {
    await waitHealthy(client, proc.child, proc.stderr);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    endpoint: client,
    get pid() {
      return proc.child.pid ?? -1;
    },
    kill: () => proc.child.kill("SIGKILL"),
    restart: async () => {
      await kill();
      proc = spawnEtcd(args);
      await waitHealthy(client, proc.child, proc.stderr);
    },
    stop,
  };
}

function spawnEtcd(args: readonly string[]): { child: ChildProcess; exited: Promise<void>; stderr: () => string } {
  const child = spawn("etcd", args, { stdio: ["ignore", "ignore", "pipe"] });
  running.add(child);
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return { child, exited, stderr: () => stderr };
}

async function waitHealthy(client: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`etcd exited with ${child.exitCode}: ${stderr()}`);
    try {
      const res = await fetch(`${client}/health`);
      if (res.ok && ((await res.json()) as { health?: string }).health === "true") return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`etcd did not become healthy within 15s: ${stderr()}`);
}
