/** GET of one object, LIST and WATCH of a collection. */
import { parseListSelection } from "../../api/selectors/index.js";
import { badRequest } from "../../api/status.js";
import type { Negotiated } from "../negotiate.js";
import { listObjects } from "../registry/list.js";
import type { ResourceRequest } from "./context.js";
import { writeList, writeObject } from "./respond.js";
import { serveWatch } from "./watch.js";

export async function getObject(r: ResourceRequest, negotiated: Negotiated): Promise<void> {
  const rv = r.url.searchParams.get("resourceVersion") ?? "";
  let object;
  if (rv === "0") {
    // "Any" version: the watch cache answers.
    await r.cacher.ready();
    const cached = r.cacher.get(r.registry.key(r.namespace, r.name));
    if (cached) object = r.registry.output(cached);
  }
  object ??= await r.registry.get(r.namespace, r.name);
  writeObject(r.res, 200, object, negotiated, r.registry.strategy.table);
}

function selectionOf(r: ResourceRequest) {
  const q = r.url.searchParams;
  return parseListSelection(
    { group: r.type.group, resource: r.type.resource, version: r.type.version },
    { labelSelector: q.get("labelSelector"), fieldSelector: q.get("fieldSelector") },
  );
}

export async function listCollection(r: ResourceRequest, negotiated: Negotiated): Promise<void> {
  const q = r.url.searchParams;
  const limitText = q.get("limit") ?? "";
  if (limitText !== "" && !/^-?\d+$/.test(limitText)) throw badRequest(`limit: Invalid value: "${limitText}"`);
  const limit = Math.max(0, Number(limitText || "0"));
  const outcome = await listObjects(r.registry, r.cacher, {
    namespace: r.namespace,
    selection: selectionOf(r),
    limit,
    continueToken: q.get("continue") ?? "",
    resourceVersion: q.get("resourceVersion") ?? "",
    resourceVersionMatch: q.get("resourceVersionMatch") ?? "",
  });
  writeList(r.res, outcome, negotiated, r.registry.strategy.table, {
    kind: `${r.type.kind}List`,
    apiVersion: r.registry.apiVersion,
  });
}

export async function watchCollection(r: ResourceRequest, negotiated: Negotiated): Promise<void> {
  await serveWatch(r, selectionOf(r), negotiated);
}
