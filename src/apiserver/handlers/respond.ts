/** Shapes objects and lists into the negotiated representation (plain, Table, PartialObjectMetadata). */
import type { ServerResponse } from "node:http";
import { writeNegotiated } from "../http.js";
import type { Negotiated } from "../negotiate.js";
import type { StoredObject } from "../object.js";
import { partialObjectMetadata, toTable, type TableConvertor } from "../table.js";
import type { ListOutcome } from "../registry/list.js";

export function listMeta(outcome: ListOutcome): Record<string, unknown> {
  return {
    resourceVersion: outcome.resourceVersion,
    ...(outcome.continueToken ? { continue: outcome.continueToken } : {}),
    ...(outcome.remainingItemCount !== undefined ? { remainingItemCount: outcome.remainingItemCount } : {}),
  };
}

/** One object as the client asked for it. */
export function shapeObject(object: StoredObject, negotiated: Negotiated, table: TableConvertor): unknown {
  const t = negotiated.transform;
  if (t.kind === "table") {
    return toTable(table, [object], {
      apiVersion: `meta.k8s.io/${t.version}`,
      includeObject: t.includeObject,
      listMeta: { resourceVersion: object.metadata.resourceVersion ?? "" },
    });
  }
  if (t.kind === "metadata") return partialObjectMetadata(object, `meta.k8s.io/${t.version}`);
  return object;
}

export function writeObject(
  res: ServerResponse,
  code: number,
  object: StoredObject,
  negotiated: Negotiated,
  table: TableConvertor,
): void {
  writeNegotiated(res, code, shapeObject(object, negotiated, table), negotiated);
}

export function writeList(
  res: ServerResponse,
  outcome: ListOutcome,
  negotiated: Negotiated,
  table: TableConvertor,
  list: { readonly kind: string; readonly apiVersion: string },
): void {
  const t = negotiated.transform;
  let body: unknown;
  if (t.kind === "table") {
    body = toTable(table, outcome.items, {
      apiVersion: `meta.k8s.io/${t.version}`,
      includeObject: t.includeObject,
      listMeta: listMeta(outcome),
    });
  } else if (t.kind === "metadata") {
    const apiVersion = `meta.k8s.io/${t.version}`;
    body = {
      kind: "PartialObjectMetadataList",
      apiVersion,
      metadata: listMeta(outcome),
      items: outcome.items.map((o) => partialObjectMetadata(o, apiVersion)),
    };
  } else {
    body = { kind: list.kind, apiVersion: list.apiVersion, metadata: listMeta(outcome), items: outcome.items };
  }
  writeNegotiated(res, 200, body, negotiated);
}
