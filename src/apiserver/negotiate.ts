/**
 * Response content negotiation from the Accept header, as kube-apiserver: JSON (and YAML) objects, the
 * meta.k8s.io Table and PartialObjectMetadata(List) transforms, and 406 when nothing acceptable is offered.
 * Protobuf is never produced: a client that also accepts JSON gets JSON.
 */
import { notAcceptable } from "../api/status.js";
import type { IncludeObject } from "./table.js";

export type Transform =
  | { readonly kind: "none" }
  | { readonly kind: "table"; readonly version: "v1" | "v1beta1"; readonly includeObject: IncludeObject }
  | { readonly kind: "metadata"; readonly version: "v1" | "v1beta1" };

export interface Negotiated {
  readonly format: "json" | "yaml";
  readonly transform: Transform;
  /** The Content-Type to answer with. */
  readonly contentType: string;
}

interface MediaRange {
  readonly type: string;
  readonly params: Readonly<Record<string, string>>;
}

function parseAccept(header: string): MediaRange[] {
  return header
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) => {
      const [type, ...rest] = part.split(";");
      const params: Record<string, string> = {};
      for (const p of rest) {
        const eq = p.indexOf("=");
        if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim();
      }
      return { type: (type ?? "").trim().toLowerCase(), params };
    });
}

const JSON_TYPES = new Set(["application/json", "application/*", "*/*"]);

function includeObjectParam(value: string | null): IncludeObject {
  return value === "None" || value === "Object" ? value : "Metadata";
}

/**
 * Picks the first acceptable representation. `tableAllowed` is false for watches of kinds without a table
 * and for non-list/get requests; `includeObject` comes from the query.
 */
export function negotiate(accept: string | undefined, includeObject: string | null): Negotiated {
  if (!accept || accept.trim() === "")
    return { format: "json", transform: { kind: "none" }, contentType: "application/json" };
  for (const range of parseAccept(accept)) {
    const as = range.params["as"];
    if (as !== undefined) {
      const g = range.params["g"];
      const v = range.params["v"];
      if (g !== "meta.k8s.io" || (v !== "v1" && v !== "v1beta1")) continue;
      if (range.type !== "application/json" && range.type !== "application/yaml") continue;
      const format = range.type === "application/yaml" ? "yaml" : "json";
      const contentType = `${range.type};as=${as};v=${v};g=meta.k8s.io`;
      if (as === "Table") {
        return {
          format,
          transform: { kind: "table", version: v, includeObject: includeObjectParam(includeObject) },
          contentType,
        };
      }
      if (as === "PartialObjectMetadata" || as === "PartialObjectMetadataList") {
        return { format, transform: { kind: "metadata", version: v }, contentType };
      }
      continue;
    }
    if (JSON_TYPES.has(range.type))
      return { format: "json", transform: { kind: "none" }, contentType: "application/json" };
    if (range.type === "application/yaml") {
      return { format: "yaml", transform: { kind: "none" }, contentType: "application/yaml" };
    }
  }
  throw notAcceptable(
    "only the following media types are accepted: application/json, application/yaml, application/json;as=Table;v=v1;g=meta.k8s.io",
  );
}
