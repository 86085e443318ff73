/** Test-only: runs the real kubectl (a pinned minor, e.g. kubectl.1.33) against a recorder. */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** The versioned kubectl binary next to the `kubectl` on PATH, or undefined when absent. */
export function findKubectl(minor: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    const candidate = join(dir, "kubectl");
    if (!existsSync(candidate)) continue;
    const versioned = join(dirname(realpathSync(candidate)), `kubectl.${minor}`);
    if (existsSync(versioned)) return versioned;
  }
  return undefined;
}

export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface KubectlRunner {
  run(args: readonly string[]): Promise<KubectlResult>;
  cleanup(): void;
}

/** Every run gets an empty kubeconfig, a private HOME and discovery cache, and the recorder's URL. */
export function kubectlRunner(binary: string, server: string): KubectlRunner {
  const home = mkdtempSync(join(tmpdir(), "skiff-kubectl-"));
  return {
    run: (args) =>
      new Promise((resolve) => {
        const argv = [`--server=${server}`, "--kubeconfig=/dev/null", `--cache-dir=${join(home, "cache")}`, ...args];
        execFile(binary, argv, { env: { PATH: process.env.PATH ?? "", HOME: home }, timeout: 60_000 }, (e, out, err) =>
          resolve({ code: e ? (typeof e.code === "number" ? e.code : 1) : 0, stdout: out, stderr: err }),
        );
      }),
    cleanup: () => rmSync(home, { recursive: true, force: true }),
  };
}
