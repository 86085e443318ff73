/**
 * Which discovery form to answer `/api` and `/apis` with, from the request's Accept header. kubectl 1.30+
 * sends `application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,…v2beta1…,application/json`;
 * 1.27–1.29 only v2beta1. Anything else (plain JSON, `*\/*`, protobuf, no header) gets legacy JSON.
 */
import { aggregatedContentType, type AggregatedVersion } from "./aggregated.js";

export type DiscoveryForm =
  | { readonly form: "aggregated"; readonly version: AggregatedVersion; readonly contentType: string }
  | { readonly form: "legacy"; readonly contentType: "application/json" };

const LEGACY: DiscoveryForm = { form: "legacy", contentType: "application/json" };

interface Clause {
  readonly type: string;
  readonly params: ReadonlyMap<string, string>;
  readonly q: number;
}

function parseClause(text: string): Clause | undefined {
  const [rawType, ...rawParams] = text.split(";");
  const type = rawType?.trim().toLowerCase() ?? "";
  if (type === "") return undefined;
  const params = new Map<string, string>();
  for (const p of rawParams) {
    const eq = p.indexOf("=");
    if (eq < 0) continue;
    const value = p
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, "$1");
    params.set(p.slice(0, eq).trim().toLowerCase(), value);
  }
  const q = params.has("q") ? Number(params.get("q")) : 1;
  return { type, params, q: Number.isFinite(q) ? q : 0 };
}

function isAggregatedVersion(v: string | undefined): v is AggregatedVersion {
  return v === "v2" || v === "v2beta1";
}

/** The form the first acceptable clause (by q, then order) asks for; legacy JSON when none asks otherwise. */
export function negotiateDiscovery(accept: string | undefined): DiscoveryForm {
  if (!accept) return LEGACY;
  const clauses = accept
    .split(",")
    .map(parseClause)
    .filter((c): c is Clause => c !== undefined && c.q > 0)
    .map((c, i) => ({ c, i }))
    .sort((a, b) => b.c.q - a.c.q || a.i - b.i)
    .map(({ c }) => c);
  for (const { type, params } of clauses) {
    const g = params.get("g");
    const as = params.get("as");
    if (g === undefined && as === undefined) {
      if (type === "application/json" || type === "application/*" || type === "*/*") return LEGACY;
      continue;
    }
    const v = params.get("v");
    if (
      type === "application/json" &&
      g === "apidiscovery.k8s.io" &&
      as === "APIGroupDiscoveryList" &&
      isAggregatedVersion(v)
    ) {
      return { form: "aggregated", version: v, contentType: aggregatedContentType(v) };
    }
  }
  return LEGACY;
}
