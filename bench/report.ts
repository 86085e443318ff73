/**
 * Shared pieces for every Skiff benchmark (see bench/README.md): percentiles, a latency recorder, machine
 * facts, the comparison table (`metric | subject | anchor | ratio | goal`) and the JSON results written to
 * bench/results/<name>-<timestamp>.json and bench/results/<name>-latest.json.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { arch, cpus, loadavg, platform, release, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { collectGarbage } from "../src/util/gc.js";

// ---------------------------------------------------------------------------------------------------------
// Time and statistics

/** Milliseconds on a monotonic clock with sub-microsecond resolution. */
export const nowMs = (): number => performance.now();

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Nearest-rank percentile (p in 0..100) of an ascending array; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const rank = Math.ceil((Math.min(Math.max(p, 0), 100) / 100) * n);
  return sorted[Math.min(Math.max(rank - 1, 0), n - 1)]!;
}

export interface LatencySummary {
  readonly count: number;
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

/** Collects latency samples (milliseconds) in a growable typed array; cheap enough for millions of samples. */
export class LatencyRecorder {
  private samples = new Float64Array(1024);
  private n = 0;

  record(ms: number): void {
    if (this.n === this.samples.length) {
      const bigger = new Float64Array(this.samples.length * 2);
      bigger.set(this.samples);
      this.samples = bigger;
    }
    this.samples[this.n++] = ms;
  }

  /** Times one call from just before it is made until its promise settles (recorded only if it resolves). */
  async time<T>(call: () => Promise<T>): Promise<T> {
    const start = nowMs();
    const result = await call();
    this.record(nowMs() - start);
    return result;
  }

  get count(): number {
    return this.n;
  }

  summary(): LatencySummary {
    const sorted = this.samples.slice(0, this.n).sort();
    let sum = 0;
    for (const v of sorted) sum += v;
    return {
      count: this.n,
      min: this.n === 0 ? Number.NaN : sorted[0]!,
      mean: this.n === 0 ? Number.NaN : sum / this.n,
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      p999: percentile(sorted, 99.9),
      max: this.n === 0 ? Number.NaN : sorted[this.n - 1]!,
    };
  }
}

export { collectGarbage };

/** Lets the machine settle between phases: a GC, then a short idle pause. */
export async function settle(ms = 500): Promise<void> {
  collectGarbage();
  await sleep(ms);
}

// ---------------------------------------------------------------------------------------------------------
// CPU use

let clockTicks: number | undefined;

/** CPU seconds (user + system) used so far by another process, from /proc (Linux); undefined elsewhere. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after "(comm)": state is field 3, utime 14, stime 15 (1-based, man proc).
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    clockTicks ??= Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return undefined;
  }
}

export interface CpuUse {
  /** CPU used by this process over the interval, in percent of one core (200 = two cores busy). */
  readonly selfPercent: number;
  /** The same for the other process, when one was given and /proc could be read. */
  readonly otherPercent?: number;
  /** The same for the datastore's own process (etcd), when one was given: part of the system measured. */
  readonly datastorePercent?: number;
  /**
   * Share of the interval this process's event loop was busy running code (not waiting for I/O), 0–100:
   * near 100 means the main thread is the bottleneck. Synchronous work (e.g. an fsync in better-sqlite3)
   * counts as busy.
   */
  readonly eventLoopPercent: number;
  /**
   * CPU used by every other process on the machine (all cores' busy time minus this process, the other one and
   * the datastore), in percent of one core: well above 0 means something else competed with the benchmark.
   */
  readonly othersPercent: number;
}

/** Busy CPU seconds of the whole machine so far (all cores: user, nice, system, irq). */
export function machineBusySeconds(): number {
  let ms = 0;
  for (const cpu of cpus()) ms += cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.irq;
  return ms / 1000;
}

/**
 * Starts measuring CPU use of this process (and optionally another one, e.g. a server, and a datastore process
 * such as etcd); call the result to stop.
 */
export function cpuMeter(otherPid?: number, datastorePid?: number): () => CpuUse {
  const start = nowMs();
  const self = process.cpuUsage();
  const loop = performance.eventLoopUtilization();
  const seconds = (pid: number | undefined): number | undefined =>
    pid === undefined ? undefined : processCpuSeconds(pid);
  const other = seconds(otherPid);
  const datastore = seconds(datastorePid);
  const machine = machineBusySeconds();
  return () => {
    const wallSeconds = (nowMs() - start) / 1000;
    const used = process.cpuUsage(self);
    const selfSeconds = (used.user + used.system) / 1e6;
    const eventLoopPercent = performance.eventLoopUtilization(loop).utilization * 100;
    const since = (pid: number | undefined, before: number | undefined): number | undefined => {
      const now = seconds(pid);
      return now === undefined || before === undefined ? undefined : now - before;
    };
    const otherSeconds = since(otherPid, other);
    const datastoreSeconds = since(datastorePid, datastore);
    const othersSeconds = machineBusySeconds() - machine - selfSeconds - (otherSeconds ?? 0) - (datastoreSeconds ?? 0);
    const percent = (s: number): number => (s / wallSeconds) * 100;
    return {
      selfPercent: percent(selfSeconds),
      eventLoopPercent,
      othersPercent: Math.max(0, percent(othersSeconds)),
      ...(otherSeconds === undefined ? {} : { otherPercent: percent(otherSeconds) }),
      ...(datastoreSeconds === undefined ? {} : { datastorePercent: percent(datastoreSeconds) }),
    };
  };
}

// ---------------------------------------------------------------------------------------------------------
// Machine facts

export interface MachineFacts {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly platform: string;
  readonly kernel: string;
  readonly arch: string;
  readonly node: string;
  /** The 1-minute load average when the facts were taken: well above 0 means something else was running. */
  readonly loadAtStart: number;
  readonly [extra: string]: string | number;
}

export function machineFacts(extra: Record<string, string | number> = {}): MachineFacts {
  const cpuList = cpus();
  return {
    cpuModel: cpuList[0]?.model.trim() ?? "unknown",
    cores: cpuList.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    platform: platform(),
    kernel: release(),
    arch: arch(),
    node: process.version,
    loadAtStart: Math.round(loadavg()[0]! * 100) / 100,
    ...extra,
  };
}

/**
 * A warning line when other processes used noticeable CPU during measured phases (they competed with the
 * benchmark, so its numbers are noisier than usual); undefined when the machine was quiet.
 */
export function interferenceWarning(
  phases: readonly { readonly phase: string; readonly cpu: CpuUse }[],
  thresholdPercent = 20,
): string | undefined {
  const busy = phases.filter((p) => p.cpu.othersPercent >= thresholdPercent);
  if (busy.length === 0) return undefined;
  const worst = busy.reduce((a, b) => (b.cpu.othersPercent > a.cpu.othersPercent ? b : a));
  return (
    `warning: other processes competed for the CPU in ${busy.length} of ${phases.length} phases (up to ` +
    `${worst.cpu.othersPercent.toFixed(0)}% of a core, in "${worst.phase}"): those numbers are noisier than usual`
  );
}

export function formatFacts(facts: MachineFacts): string {
  return Object.entries(facts)
    .map(([k, v]) => `${k}: ${v}`)
    .join(" · ");
}

// ---------------------------------------------------------------------------------------------------------
// The comparison table

/**
 * A goal a row is checked against, always about the subject (the system under test):
 * - `matchAnchor`: at least as good as the anchor (throughput ≥, latency ≤);
 * - `below` / `above`: an absolute limit in the row's unit.
 */
export type Goal =
  | { readonly kind: "matchAnchor" }
  | { readonly kind: "below"; readonly limit: number }
  | { readonly kind: "above"; readonly limit: number }
  | { readonly kind: "atLeast"; readonly limit: number };

export interface Row {
  readonly metric: string;
  /** e.g. "ops/s" or "ms"; shown after the numbers. */
  readonly unit: string;
  /** Which direction is better: "higher" for throughput, "lower" for latency. */
  readonly better: "higher" | "lower";
  /** Undefined when the measurement failed. */
  readonly subject: number | undefined;
  readonly anchor: number | undefined;
  readonly goal?: Goal;
}

export interface GoalResult {
  /** e.g. "≥ etcd" or "< 10 ms". */
  readonly text: string;
  /** Undefined when it could not be checked (a value is missing). */
  readonly met: boolean | undefined;
}

/** How many times better the subject is than the anchor: > 1 means the subject is better, whatever the unit. */
export function ratioOf(row: Row): number | undefined {
  const { subject, anchor } = row;
  if (subject === undefined || anchor === undefined || !Number.isFinite(subject) || !Number.isFinite(anchor)) {
    return undefined;
  }
  if (row.better === "higher") return anchor === 0 ? undefined : subject / anchor;
  return subject === 0 ? undefined : anchor / subject;
}

export function checkGoal(row: Row, anchorName: string): GoalResult | undefined {
  const goal = row.goal;
  if (goal === undefined) return undefined;
  const s = row.subject;
  switch (goal.kind) {
    case "matchAnchor": {
      const r = ratioOf(row);
      return {
        text: `${row.better === "higher" ? "≥" : "≤"} ${anchorName}`,
        met: r === undefined ? undefined : r >= 1,
      };
    }
    case "below":
      return { text: `< ${goal.limit} ${row.unit}`, met: s === undefined ? undefined : s < goal.limit };
    case "above":
      return { text: `> ${goal.limit} ${row.unit}`, met: s === undefined ? undefined : s > goal.limit };
    case "atLeast":
      return {
        text: `≥ ${goal.limit.toLocaleString("en-US")} ${row.unit}`,
        met: s === undefined ? undefined : s >= goal.limit,
      };
  }
}

/** A number with about three significant digits (integers for large values), plus its unit. */
export function formatValue(value: number | undefined, unit: string): string {
  if (value === undefined) return "error";
  if (!Number.isFinite(value)) return "n/a";
  let text: string;
  const abs = Math.abs(value);
  if (abs >= 1000) text = Math.round(value).toLocaleString("en-US");
  else if (abs >= 100) text = value.toFixed(0);
  else if (abs >= 10) text = value.toFixed(1);
  else if (abs >= 1) text = value.toFixed(2);
  else text = value.toFixed(3);
  return `${text} ${unit}`;
}

export function formatRatio(ratio: number | undefined): string {
  if (ratio === undefined) return "—";
  if (ratio >= 100) return `×${Math.round(ratio).toLocaleString("en-US")}`;
  return `×${ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2)}`;
}

/** Left-aligns the first column and right-aligns the others unless told otherwise. */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly ("left" | "right")[] = headers.map((_, i) => (i === 0 ? "left" : "right")),
): string {
  const width = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (align[i] === "left" ? c.padEnd(width[i]!) : c.padStart(width[i]!)))
      .join(" │ ")
      .trimEnd();
  const rule = width.map((w) => "─".repeat(w)).join("─┼─");
  return [line(headers), rule, ...rows.map(line)].join("\n");
}

export interface ComparisonTable {
  readonly subjectName: string;
  readonly anchorName: string;
  readonly rows: readonly Row[];
}

export function renderComparison(table: ComparisonTable): string {
  const { subjectName, anchorName } = table;
  const cells = table.rows.map((row) => {
    const goal = checkGoal(row, anchorName);
    const goalCell =
      goal === undefined ? "—" : `${goal.text}: ${goal.met === undefined ? "?" : goal.met ? "yes" : "NO"}`;
    return [
      row.metric,
      formatValue(row.subject, row.unit),
      formatValue(row.anchor, row.unit),
      formatRatio(ratioOf(row)),
      goalCell,
    ];
  });
  return formatTable(["metric", subjectName, `${anchorName} (anchor)`, "ratio*", "goal"], cells, [
    "left",
    "right",
    "right",
    "right",
    "left",
  ]);
}

/** The footnote explaining the ratio column. */
export function ratioFootnote(subjectName: string, anchorName: string): string {
  return (
    `* ratio = how many times better ${subjectName} is than ${anchorName}: ${subjectName}/${anchorName} for ` +
    `throughput, ${anchorName}/${subjectName} for latency. >1 means ${subjectName} is better (×1.80 = 1.8× better), ` +
    `<1 means worse.`
  );
}

/** Rows in JSON form, each with its ratio and goal outcome. */
export function rowsForJson(table: ComparisonTable): unknown[] {
  return table.rows.map((row) => {
    const goal = checkGoal(row, table.anchorName);
    return {
      metric: row.metric,
      unit: row.unit,
      better: row.better,
      [table.subjectName]: row.subject ?? null,
      [table.anchorName]: row.anchor ?? null,
      ratio: ratioOf(row) ?? null,
      goal: goal === undefined ? null : { text: goal.text, met: goal.met ?? null },
    };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Results on disk

/** The repository root: the nearest directory above this module holding package.json. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("cannot find the repository root (no package.json above bench/)");
    dir = up;
  }
  return dir;
}

/**
 * Writes `data` to bench/results/<name>-<timestamp>.json and bench/results/<name>-latest.json. The timestamp
 * is the ISO-8601 UTC time with ":" replaced by "-" (so the name is valid on every file system).
 */
export async function writeResults(
  name: string,
  data: unknown,
  startedAt: Date = new Date(),
): Promise<{ readonly file: string; readonly latest: string }> {
  const dir = join(repoRoot(), "bench", "results");
  await mkdir(dir, { recursive: true });
  const stamp = startedAt.toISOString().replace(/:/g, "-");
  const file = join(dir, `${name}-${stamp}.json`);
  const latest = join(dir, `${name}-latest.json`);
  const text = JSON.stringify(data, (_key, value: unknown) => (Number.isNaN(value) ? null : value), 2) + "\n";
  await writeFile(file, text);
  await writeFile(latest, text);
  return { file, latest };
}

/** A positive numeric command-line option (`--name=N`), or the fallback when absent. */
export function positiveOption(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, not ${raw}`);
  return n;
}

/** `--only=sqlite|etcd`: run one backend. */
export function backendOption(raw: string | undefined): "sqlite" | "etcd" | undefined {
  if (raw !== undefined && raw !== "sqlite" && raw !== "etcd") throw new Error("--only must be sqlite or etcd");
  return raw;
}

/**
 * Runs a benchmark's `main` when its module is the program (not when imported) and exits with its code.
 * Option mistakes print one line; anything else also prints its stack.
 */
export function runMain(name: string, moduleUrl: string, main: () => Promise<number>): void {
  const entry = process.argv[1];
  if (entry === undefined || moduleUrl !== pathToFileURL(entry).href) return;
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      if (error instanceof Error && error.stack !== undefined && !error.message.startsWith("--")) {
        console.error(error.stack);
      }
      process.exit(1);
    },
  );
}
