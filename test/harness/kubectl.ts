/**
 * The real kubectl, for end-to-end tests: the `kubectl` on PATH (a dispatcher that runs kubectl.1.<server
 * minor>) or a pinned minor (kubectl.1.27 … kubectl.1.33, which sit next to the real kubectl binary).
 * Every runner has its own HOME and discovery cache, so tests never share or touch the user's.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** The kubectl binary for a minor version ("1.27"), or the PATH's kubectl for undefined; undefined if absent. */
export function findKubectl(minor?: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    const candidate = join(dir, "kubectl");
    if (!existsSync(candidate)) continue;
    if (minor === undefined) return candidate;
    const versioned = join(dirname(realpathSync(candidate)), `kubectl.${minor}`);
    if (existsSync(versioned)) return versioned;
  }
  return undefined;
}

/** The pinned minors installed beside the PATH's kubectl ("1.27", "1.28" …), oldest first; [] without kubectl. */
export function installedMinors(): string[] {
  const dispatcher = findKubectl();
  if (!dispatcher) return [];
  return readdirSync(dirname(realpathSync(dispatcher)))
    .filter((n) => /^kubectl\.1\.\d+$/.test(n))
    .map((n) => n.slice("kubectl.".length))
    .sort((a, b) => Number(a.split(".")[1]) - Number(b.split(".")[1]));
}

export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Kubectl {
  /** Run kubectl with these arguments (and optional stdin); never rejects. */
  run(
    args: readonly string[],
    options?: { readonly stdin?: string; readonly env?: Record<string, string> },
  ): Promise<KubectlResult>;
  /** Like run, but throws with kubectl's stderr when it exits non-zero. */
  ok(
    args: readonly string[],
    options?: { readonly stdin?: string; readonly env?: Record<string, string> },
  ): Promise<string>;
  /** Write a file in this runner's private directory and return its path (manifests, editors …). */
  file(name: string, content: string): string;
  cleanup(): void;
}

export interface KubectlTarget {
  /** A kubeconfig to use … */
  readonly kubeconfig?: string;
  /** … or a server URL with no credentials (plain HTTP test servers). */
  readonly server?: string;
  /** Minor version ("1.27"); default: the PATH's kubectl. */
  readonly minor?: string;
  /** Milliseconds before a run is killed (it then fails); default 60 s. */
  readonly timeout?: number;
  /** Give every run its own empty discovery cache (for tests that watch what kubectl fetches); default: shared. */
  readonly freshCache?: boolean;
}

export function kubectl(target: KubectlTarget): Kubectl {
  const binary = findKubectl(target.minor);
  if (!binary) throw new Error(`kubectl${target.minor ? ` ${target.minor}` : ""} is not installed`);
  const home = mkdtempSync(join(tmpdir(), "skiff-kubectl-"));
  const connection = target.kubeconfig
    ? [`--kubeconfig=${target.kubeconfig}`]
    : [`--server=${target.server ?? ""}`, "--kubeconfig=/dev/null"];
  let runs = 0;
  const cacheDir = (): string => join(home, target.freshCache ? `cache-${runs++}` : "cache");
  const run: Kubectl["run"] = (args, options = {}) =>
    new Promise((resolve) => {
      const child = execFile(
        binary,
        [...connection, `--cache-dir=${cacheDir()}`, ...args],
        { env: { PATH: process.env.PATH ?? "", HOME: home, ...options.env }, timeout: target.timeout ?? 60_000 },
        (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
      );
      child.stdin?.end(options.stdin ?? "");
    });
  return {
    run,
    async ok(args, options) {
      const result = await run(args, options);
      if (result.code !== 0) {
        throw new Error(`kubectl ${args.join(" ")} exited ${result.code}:\n${result.stderr}${result.stdout}`);
      }
      return result.stdout;
    },
    file(name, content) {
      const path = join(home, name);
      writeFileSync(path, content);
      return path;
    },
    cleanup: () => rmSync(home, { recursive: true, force: true }),
  };
}
