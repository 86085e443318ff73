/** DELETE of one object and DELETE of a collection (deletecollection), with DeleteOptions. */
import { parseListSelection } from "../../api/selectors/index.js";
import { badRequest, isStatusError, StatusError } from "../../api/status.js";
import { decodeObject, mediaType, readBody } from "../body.js";
import type { Negotiated } from "../negotiate.js";
import { isPlainObject, type StoredObject } from "../object.js";
import { listObjects } from "../registry/list.js";
import type { DeleteOptionsBody } from "../registry/store.js";
import type { ResourceRequest } from "./context.js";
import { dryRunOf, integerParam } from "./query.js";
import { writeJson } from "../http.js";
import { writeObject } from "./respond.js";

const POLICIES = ["Orphan", "Background", "Foreground"];

/** DeleteOptions from the body (JSON/YAML/protobuf) merged with the query parameters. */
async function deleteOptions(r: ResourceRequest): Promise<{ options: DeleteOptionsBody; dryRun: boolean }> {
  const raw = await readBody(r.req);
  let body: Record<string, unknown> = {};
  if (raw.length > 0) {
    body = decodeObject(raw, mediaType(r.req), { apiVersion: "v1", kind: "DeleteOptions" });
    if (body.kind !== undefined && body.kind !== "DeleteOptions") {
      throw badRequest(`${String(body.kind)} in version "v1" cannot be handled as a DeleteOptions`);
    }
  }
  const grace = integerParam(r.url, "gracePeriodSeconds") ?? body.gracePeriodSeconds;
  const policy = r.url.searchParams.get("propagationPolicy") ?? body.propagationPolicy;
  const orphanText = r.url.searchParams.get("orphanDependents");
  const orphan = orphanText !== null ? orphanText === "true" : body.orphanDependents;
  if (grace !== undefined && grace !== null && (typeof grace !== "number" || !Number.isInteger(grace))) {
    throw badRequest("gracePeriodSeconds must be an integer");
  }
  if (policy !== undefined && policy !== null && !POLICIES.includes(String(policy))) {
    throw new StatusError({
      code: 422,
      reason: "Invalid",
      message: `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${String(policy)}": supported values: "Foreground", "Background", "Orphan", "nil"`,
    });
  }
  if (orphan !== undefined && policy !== undefined && policy !== null) {
    throw badRequest("orphanDependents and propagationPolicy cannot both be set");
  }
  const pre = isPlainObject(body.preconditions) ? body.preconditions : undefined;
  const bodyDryRun = Array.isArray(body.dryRun) && body.dryRun.includes("All");
  return {
    options: {
      ...(typeof grace === "number" ? { gracePeriodSeconds: Math.max(0, grace) } : {}),
      ...(typeof policy === "string" ? { propagationPolicy: policy } : {}),
      ...(typeof orphan === "boolean" ? { orphanDependents: orphan } : {}),
      ...(pre
        ? {
            preconditions: {
              ...(typeof pre.uid === "string" ? { uid: pre.uid } : {}),
              ...(typeof pre.resourceVersion === "string" ? { resourceVersion: pre.resourceVersion } : {}),
            },
          }
        : {}),
    },
    dryRun: dryRunOf(r.url) || bodyDryRun,
  };
}

function successStatus(r: ResourceRequest, object: StoredObject): Record<string, unknown> {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Success",
    details: {
      name: object.metadata.name,
      ...(r.type.group ? { group: r.type.group } : {}),
      kind: r.type.resource,
      uid: object.metadata.uid,
    },
  };
}

export async function deleteObject(r: ResourceRequest, negotiated: Negotiated): Promise<void> {
  const { options, dryRun } = await deleteOptions(r);
  const outcome = await r.registry.delete(r.namespace, r.name, options, dryRun, r.admission("DELETE", dryRun));
  const code = !outcome.deleted && options.orphanDependents === false ? 202 : 200;
  if (outcome.deleted && !r.registry.strategy.returnDeletedObject) {
    writeJson(r.res, code, successStatus(r, outcome.object));
    return;
  }
  writeObject(r.res, code, outcome.object, negotiated, r.registry.strategy.table);
}

export async function deleteCollection(r: ResourceRequest): Promise<void> {
  const { options, dryRun } = await deleteOptions(r);
  const q = r.url.searchParams;
  const selection = parseListSelection(
    { group: r.type.group, resource: r.type.resource, version: r.type.version },
    { labelSelector: q.get("labelSelector"), fieldSelector: q.get("fieldSelector") },
  );
  const listed = await listObjects(r.registry, r.cacher, {
    namespace: r.namespace,
    selection,
    limit: 0,
    continueToken: "",
    resourceVersion: "",
    resourceVersionMatch: "",
  });
  const deleted: StoredObject[] = [];
  for (const object of listed.items) {
    try {
      const outcome = await r.registry.delete(
        object.metadata.namespace ?? "",
        object.metadata.name ?? "",
        options,
        dryRun,
        r.admission("DELETE", dryRun),
      );
      deleted.push(outcome.object);
    } catch (error) {
      // Deleted meanwhile by someone else: fine, as upstream.
      if (isStatusError(error) && error.code === 404) continue;
      throw error;
    }
  }
  writeJson(r.res, 200, {
    kind: `${r.type.kind}List`,
    apiVersion: r.registry.apiVersion,
    metadata: { resourceVersion: listed.resourceVersion },
    items: deleted,
  });
}
