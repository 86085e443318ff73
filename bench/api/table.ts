/** bench:api's table: metric | SQLite | etcd | goal (SQLite / etcd) | upstream SLO p99, and its JSON rows. */
import { formatTable, formatValue } from "../report.js";
import { type Backend, type Config, GOALS, type Metrics, type Run, type Throughput, kbPerPod } from "./workload.js";

interface TableRow {
  readonly metric: string;
  readonly unit: string;
  readonly pick: (m: Metrics) => number | undefined;
  /** Goal from the issue: "max" = at most, "min" = at least. */
  readonly goal?: { readonly kind: "max" | "min"; readonly limit: number };
  /** Upstream's SLO for this kind of call (p99), in the row's unit. */
  readonly slo?: number;
}

function tableRows(config: Config): TableRow[] {
  const rows: TableRow[] = [];
  for (const c of config.clients) {
    const at = c === 1 ? "1 client" : `${c} clients`;
    const pick = (m: Metrics): Throughput | undefined => m.creates.find((t) => t.clients === c);
    const top = c === 64;
    rows.push({
      metric: `pod creates · ${at}`,
      unit: "/s",
      pick: (m) => pick(m)?.opsPerSec,
      ...(top ? { goal: { kind: "min" as const, limit: GOALS.createsPerSec } } : {}),
    });
    rows.push({ metric: `create p50 · ${at}`, unit: "ms", pick: (m) => pick(m)?.latency.p50 });
    rows.push({
      metric: `create p99 · ${at}`,
      unit: "ms",
      pick: (m) => pick(m)?.latency.p99,
      slo: 1000,
      ...(top ? { goal: { kind: "max" as const, limit: GOALS.createP99Ms } } : {}),
    });
  }
  rows.push({ metric: "pod GET p99 · 16 clients", unit: "ms", pick: (m) => m.gets?.latency.p99, slo: 1000 });
  const pods = config.pods.toLocaleString("en-US");
  rows.push({ metric: `LIST ${pods} pods p50`, unit: "ms", pick: (m) => m.list?.latency.p50 });
  rows.push({
    metric: `LIST ${pods} pods p99`,
    unit: "ms",
    pick: (m) => m.list?.latency.p99,
    goal: { kind: "max", limit: GOALS.listP99Ms },
    slo: 5000,
  });
  rows.push({
    metric: `LIST limit=${config.pageLimit}, all ${pods} (walk)`,
    unit: "ms",
    pick: (m) => m.paged?.latency.p50,
  });
  const fan = `${config.watchers.toLocaleString("en-US")} watchers × ${config.watchEvents.toLocaleString("en-US")} events`;
  rows.push({ metric: `watch delivery p50 · ${fan}`, unit: "ms", pick: (m) => m.watch?.delivery.p50 });
  rows.push({
    metric: `watch delivery p99 · ${fan}`,
    unit: "ms",
    pick: (m) => m.watch?.delivery.p99,
    goal: { kind: "max", limit: GOALS.watchP99Ms },
  });
  rows.push({ metric: "server RSS · 0 pods", unit: "MiB", pick: (m) => (m.rss0 ?? Number.NaN) / 2 ** 20 });
  rows.push({ metric: `server RSS · ${pods} pods`, unit: "MiB", pick: (m) => (m.rssFull ?? Number.NaN) / 2 ** 20 });
  rows.push({
    metric: "server memory per stored pod",
    unit: "KB",
    pick: (m) => kbPerPod(m, config),
    goal: { kind: "max", limit: GOALS.kbPerPod },
  });
  return rows;
}

function holds(value: number | undefined, goal: { kind: "max" | "min"; limit: number }): boolean | undefined {
  if (value === undefined || !Number.isFinite(value)) return undefined;
  return goal.kind === "max" ? value <= goal.limit : value >= goal.limit;
}

const yesNo = (b: boolean | undefined): string => (b === undefined ? "?" : b ? "yes" : "NO");

export function renderTable(config: Config, runs: readonly Run[]): { text: string; json: unknown[] } {
  const metricsOf = (b: Backend): Metrics | undefined => runs.find((r) => r.backend === b)?.metrics;
  const sqlite = metricsOf("sqlite");
  const etcd = metricsOf("etcd");
  const json: unknown[] = [];
  const cells = tableRows(config).map((row) => {
    const s = sqlite === undefined ? Number.NaN : row.pick(sqlite);
    const e = etcd === undefined ? Number.NaN : row.pick(etcd);
    const goalText =
      row.goal === undefined
        ? "—"
        : `${row.goal.kind === "max" ? "≤" : "≥"} ${row.goal.limit.toLocaleString("en-US")} ${row.unit}: ` +
          `${yesNo(holds(s, row.goal))} / ${yesNo(holds(e, row.goal))}`;
    const sloGoal = row.slo === undefined ? undefined : ({ kind: "max", limit: row.slo } as const);
    const sloText =
      sloGoal === undefined
        ? "—"
        : `≤ ${sloGoal.limit / 1000} s: ${yesNo(holds(s, sloGoal))} / ${yesNo(holds(e, sloGoal))}`;
    json.push({
      metric: row.metric,
      unit: row.unit,
      sqlite: s ?? null,
      etcd: e ?? null,
      goal: row.goal === undefined ? null : { ...row.goal, sqlite: holds(s, row.goal), etcd: holds(e, row.goal) },
      upstreamSloP99: row.slo ?? null,
    });
    return [row.metric, formatValue(s, row.unit), formatValue(e, row.unit), goalText, sloText];
  });
  const text = formatTable(["metric", "SQLite", "etcd", "goal (SQLite / etcd)", "upstream SLO p99 (S / e)"], cells, [
    "left",
    "right",
    "right",
    "left",
    "left",
  ]);
  return { text, json };
}
