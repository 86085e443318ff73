/**
 * `skiff simulate`: hollow nodes (src/kubelet/hollow) joining a running cluster — thousands of simulated
 * kubelets in one process that register Nodes, renew Leases and run pods without containers, for scale tests
 * and demos (like KWOK). Stops on SIGINT/SIGTERM, leaving the nodes registered, as dead kubelets would.
 */
import { Command, InvalidArgumentError } from "commander";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Taint } from "kubernetes-types/core/v1.js";
import { clientFromKubeconfig } from "../client/kubeconfig.js";
import { startHollowNodes } from "../kubelet/hollow/cluster.js";
import { configureLogging } from "../util/log.js";
import { defaultDataDir, parseNonNegativeInt } from "./options.js";

const TAINT_EFFECTS = new Set(["NoSchedule", "PreferNoSchedule", "NoExecute"]);

function parsePositiveInt(value: string): number {
  const n = parseNonNegativeInt(value);
  if (n === 0) throw new InvalidArgumentError("expected a whole number above 0");
  return n;
}

function parsePositiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("expected a number above 0");
  return n;
}

/** "k=v,k2=v2" → labels. */
export function parseLabels(value: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of value.split(",").filter((p) => p.trim() !== "")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new InvalidArgumentError(`expected key=value, got "${pair}"`);
    labels[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return labels;
}

/** "k=v:NoSchedule,k2:NoExecute" → taints (kubelet --register-with-taints syntax). */
export function parseTaints(value: string): Taint[] {
  return value
    .split(",")
    .filter((t) => t.trim() !== "")
    .map((text) => {
      const colon = text.lastIndexOf(":");
      const effect = colon < 0 ? "" : text.slice(colon + 1).trim();
      if (!TAINT_EFFECTS.has(effect)) {
        throw new InvalidArgumentError(`expected key[=value]:NoSchedule|PreferNoSchedule|NoExecute, got "${text}"`);
      }
      const [key, taintValue] = text.slice(0, colon).split("=", 2) as [string, string | undefined];
      if (!key) throw new InvalidArgumentError(`taint "${text}" has no key`);
      return { key: key.trim(), ...(taintValue ? { value: taintValue.trim() } : {}), effect };
    });
}

interface SimulateCommandOptions {
  readonly nodes: number;
  readonly server?: string;
  readonly kubeconfig?: string;
  readonly dataDir: string;
  readonly namePrefix: string;
  readonly cpu: string;
  readonly memory: string;
  readonly pods: string;
  readonly ephemeralStorage: string;
  readonly labels: Record<string, string>;
  readonly taints: Taint[];
  readonly zones: number;
  readonly heartbeatSeconds: number;
  readonly writesPerSecond: number;
  readonly v: number;
}

export function simulateCommand(): Command {
  return new Command("simulate")
    .description(
      "run hollow nodes: simulated kubelets that register, heartbeat and run pods without containers (for scale tests)",
    )
    .requiredOption("--nodes <n>", "how many hollow nodes to run", parsePositiveInt)
    .option("--server <url>", "API server URL (default: the kubeconfig's server)")
    .option("--kubeconfig <file>", "kubeconfig to connect with (default: the admin kubeconfig in --data-dir)")
    .option("--data-dir <dir>", "where `skiff server` keeps its state (for the admin kubeconfig)", defaultDataDir())
    .option("--name-prefix <prefix>", "node names are <prefix><i>", "hollow-node-")
    .option("--cpu <quantity>", "CPU capacity of each node", "4")
    .option("--memory <quantity>", "memory capacity of each node", "16Gi")
    .option("--pods <n>", "pod capacity of each node", "110")
    .option("--ephemeral-storage <quantity>", "ephemeral-storage capacity of each node", "100Gi")
    .option("--labels <k=v,...>", "extra labels for every node", parseLabels, {})
    .option("--taints <k=v:Effect,...>", "taints every node registers with", parseTaints, [])
    .option(
      "--zones <n>",
      "spread nodes over N zones (topology.kubernetes.io/zone=zone-<i mod N>)",
      parseNonNegativeInt,
      0,
    )
    .option("--heartbeat-seconds <s>", "how often each node renews its Lease", parsePositiveNumber, 10)
    .option("--writes-per-second <n>", "limit on API writes for the whole simulator", parsePositiveNumber, 500)
    .option("--v <level>", "log verbosity (0 info … 4 debug … 6 trace)", parseNonNegativeInt, 0)
    .addHelpText(
      "after",
      [
        "",
        "Pods bound to hollow nodes go Pending → Running with a pod IP. Annotations control how they end:",
        '  skiff.io/hollow-run-seconds: "5"   containers exit after 5 s (restartPolicy decides what follows)',
        '  skiff.io/hollow-exit-code: "1"     the exit code they exit with (default 0)',
        "Ctrl-C stops the simulator; its nodes stay registered and turn NotReady, as dead kubelets' nodes do.",
      ].join("\n"),
    )
    .action(async (opts: SimulateCommandOptions) => {
      await simulate(opts);
    });
}

async function simulate(opts: SimulateCommandOptions): Promise<void> {
  const log = configureLogging({ verbosity: opts.v });
  const kubeconfig = opts.kubeconfig ?? join(opts.dataDir, "kubeconfig.yaml");
  if (!existsSync(kubeconfig)) {
    throw new Error(
      opts.kubeconfig
        ? `kubeconfig ${kubeconfig} does not exist`
        : `no kubeconfig at ${kubeconfig} (written by \`skiff server\`): pass --kubeconfig FILE, or --data-dir of the server`,
    );
  }
  const client = clientFromKubeconfig(kubeconfig, "skiff-simulate", {
    ...(opts.server ? { url: opts.server } : {}),
    maxSockets: 64,
  });
  const started = Date.now();
  const step = Math.max(1, Math.round(opts.nodes / 10));
  const cluster = await startHollowNodes({
    client,
    count: opts.nodes,
    namePrefix: opts.namePrefix,
    capacity: { cpu: opts.cpu, memory: opts.memory, pods: opts.pods, "ephemeral-storage": opts.ephemeralStorage },
    labels: opts.labels,
    taints: opts.taints,
    zones: opts.zones,
    heartbeatIntervalMs: opts.heartbeatSeconds * 1000,
    writesPerSecond: opts.writesPerSecond,
    log: log.child({ component: "hollow" }),
    onRegistered(done, total) {
      if (done % step === 0 && done < total) console.log(`registered ${done}/${total} hollow nodes`);
    },
  }).catch((error: unknown) => {
    client.close();
    throw error;
  });
  console.log(`${opts.nodes} hollow nodes ready in ${Date.now() - started} ms. Stop with Ctrl-C.`);

  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      log.info({ signal }, "stopping hollow nodes");
      resolve();
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
  await cluster.stop();
  client.close();
  process.exit(0);
}
