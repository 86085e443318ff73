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
  } else if (negotiated.format === "json" && outcome.json) {
    writeJsonList(res, negotiated.contentType, list, listMeta(outcome), outcome.json);
    return;
  } else {
    body = { kind: list.kind, apiVersion: list.apiVersion, metadata: listMeta(outcome), items: outcome.items };
  }
  writeNegotiated(res, 200, body, negotiated);
}

const COMMA = Buffer.from(",");
const LIST_END = Buffer.from("]}");

/** `JSON.stringify({kind, apiVersion, metadata, items})` with the items' JSON already at hand. */
function writeJsonList(
  res: ServerResponse,
  contentType: string,
  list: { readonly kind: string; readonly apiVersion: string },
  metadata: Record<string, unknown>,
  items: readonly Buffer[],
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const head = JSON.stringify({ kind: list.kind, apiVersion: list.apiVersion, metadata });
  const parts: Buffer[] = [Buffer.from(`${head.slice(0, -1)},"items":[`)];
  items.forEach((item, i) => {
    if (i > 0) parts.push(COMMA);
    parts.push(item);
  });
  parts.push(LIST_END);
  const data = Buffer.concat(parts);
  res.writeHead(200, { "Content-Type": contentType, "Content-Length": data.length });
  res.end(data);
}
