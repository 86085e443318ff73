// Custom resources: the apiextensions table convertor (NAME plus the version's additionalPrinterColumns,
// which default to AGE), with the "simple JSON path" subset CRD columns use.
import type { CustomResourceColumnDefinition } from "kubernetes-types/apiextensions/v1.js";
import { DESCRIPTIONS } from "./descriptions.js";
import { humanDuration, parseTime } from "./duration.js";
import { column, type TableCell, type TablePrinter } from "./types.js";
import { NAME_COLUMN, nameOf } from "./util.js";

/** serveDefaultColumnsIfEmpty: a version without printer columns shows AGE. */
const DEFAULT_COLUMNS: readonly CustomResourceColumnDefinition[] = [
  {
    name: "Age",
    type: "date",
    description: DESCRIPTIONS["ObjectMeta.creationTimestamp"],
    jsonPath: ".metadata.creationTimestamp",
  },
];

type Step =
  | { kind: "field"; name: string }
  | { kind: "index"; index: number }
  | { kind: "all" }
  | { kind: "filter"; path: string[]; value: string | number | boolean };

/** Parses ".a.b", "a.b", ".a[0]", ".a[*]", ".a['k.x']", ".a\.b", ".a[?(@.type=="Ready")].status". */
export function parseJSONPath(path: string): Step[] | undefined {
  let p = path.trim();
  if (p.startsWith("{") && p.endsWith("}")) p = p.slice(1, -1);
  if (p.startsWith("$")) p = p.slice(1);
  const steps: Step[] = [];
  let i = 0;
  const readName = (): string => {
    let name = "";
    while (i < p.length && p[i] !== "." && p[i] !== "[") {
      if (p[i] === "\\" && i + 1 < p.length) i++;
      name += p[i];
      i++;
    }
    return name;
  };
  while (i < p.length) {
    const ch = p[i];
    if (ch === ".") {
      i++;
      const name = readName();
      if (name === "") continue;
      steps.push(name === "*" ? { kind: "all" } : { kind: "field", name });
    } else if (ch === "[") {
      const end = p.indexOf("]", i);
      if (end < 0) return undefined;
      const inner = p.slice(i + 1, end).trim();
      i = end + 1;
      if (inner === "*") steps.push({ kind: "all" });
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: "index", index: Number(inner) });
      else if (/^'.*'$|^".*"$/.test(inner)) steps.push({ kind: "field", name: inner.slice(1, -1) });
      else {
        const m = /^\?\(@((?:\.[\w-]+)+)\s*==\s*(?:'([^']*)'|"([^"]*)"|(-?\d+(?:\.\d+)?)|(true|false))\s*\)$/.exec(
          inner,
        );
        if (!m) return undefined;
        const value = m[2] ?? m[3] ?? (m[4] !== undefined ? Number(m[4]) : m[5] === "true");
        steps.push({ kind: "filter", path: m[1]!.slice(1).split("."), value });
      }
    } else if (steps.length === 0) {
      const name = readName();
      if (name === "") return undefined;
      steps.push({ kind: "field", name });
    } else {
      return undefined;
    }
  }
  return steps;
}

/** All values the path selects (AllowMissingKeys: missing keys select nothing). */
export function evaluateJSONPath(steps: readonly Step[], root: unknown): unknown[] {
  let current: unknown[] = [root];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const value of current) {
      if (value === null || typeof value !== "object") continue;
      if (step.kind === "field") {
        if (!Array.isArray(value) && Object.prototype.hasOwnProperty.call(value, step.name)) {
          next.push((value as Record<string, unknown>)[step.name]);
        }
      } else if (step.kind === "index") {
        if (Array.isArray(value)) {
          const idx = step.index < 0 ? value.length + step.index : step.index;
          if (idx >= 0 && idx < value.length) next.push(value[idx]);
        }
      } else if (step.kind === "all") {
        next.push(...(Array.isArray(value) ? value : Object.values(value)));
      } else {
        const items: unknown[] = Array.isArray(value) ? value : [value];
        for (const item of items) {
          const found = evaluateJSONPath(
            step.path.map((name) => ({ kind: "field", name })),
            item,
          );
          if (found.length > 0 && found[0] === step.value) next.push(item);
        }
      }
    }
    current = next;
  }
  return current;
}

/** How client-go's jsonpath prints a value (fmt.Fprint of the decoded JSON). */
function goPrint(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "<nil>";
  if (Array.isArray(value)) return `[${value.map(goPrint).join(" ")}]`;
  if (typeof value === "object") {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${k}:${goPrint((value as Record<string, unknown>)[k])}`);
    return `map[${entries.join(" ")}]`;
  }
  return String(value);
}

/** cellForJSONValue, plus the "string" columns that print any value. */
function cellFor(type: string, value: unknown, now: Date): TableCell {
  if (value === null || value === undefined) return null;
  switch (type) {
    case "string":
      return goPrint(value);
    case "integer":
      return typeof value === "number" ? Math.trunc(value) : null;
    case "number":
      return typeof value === "number" ? value : null;
    case "boolean":
      return typeof value === "boolean" ? value : null;
    case "date": {
      if (typeof value !== "string") return null;
      const t = parseTime(value);
      if (t === undefined) return Number.isNaN(Date.parse(value)) ? "<invalid>" : "<unknown>";
      return humanDuration(now.getTime() - t);
    }
  }
  return null;
}

/**
 * The printer for a custom resource version: NAME, then its additionalPrinterColumns (AGE when it has none).
 * A column whose JSON path does not parse is dropped (upstream refuses to build the convertor then).
 */
export function customResourcePrinter(columns: readonly CustomResourceColumnDefinition[] | undefined): TablePrinter {
  const defs = columns && columns.length > 0 ? columns : DEFAULT_COLUMNS;
  const parsed = defs
    .map((c) => ({ def: c, steps: parseJSONPath(c.jsonPath) }))
    .filter((c): c is { def: CustomResourceColumnDefinition; steps: Step[] } => c.steps !== undefined);
  return {
    columns: [
      NAME_COLUMN,
      ...parsed.map(({ def }) =>
        column({
          name: def.name,
          type: def.type,
          format: def.format ?? "",
          priority: def.priority ?? 0,
          description: def.description || `Custom resource definition column (in JSONPath format): ${def.jsonPath}`,
        }),
      ),
    ],
    cells: (obj, now) => [
      nameOf(obj),
      ...parsed.map(({ def, steps }) => {
        const results = evaluateJSONPath(steps, obj);
        return results.length === 0 ? null : cellFor(def.type, results[0], now);
      }),
    ],
  };
}
