/**
 * POST pods/NAME/eviction (`kubectl drain`): deletes the pod with the Eviction's DeleteOptions, as upstream's
 * EvictionREST does when no PodDisruptionBudget blocks it. PodDisruptionBudgets are not consulted yet.
 */
import { badRequest } from "../../api/status.js";
import { decodeObject, mediaType, readBody } from "../body.js";
import { writeJson } from "../http.js";
import { isPlainObject } from "../object.js";
import type { DeleteOptionsBody } from "../registry/store.js";
import type { ResourceRequest } from "./context.js";
import { dryRunOf } from "./query.js";

export async function createEviction(r: ResourceRequest): Promise<void> {
  const dryRun = dryRunOf(r.url);
  const body = decodeObject(await readBody(r.req), mediaType(r.req), { apiVersion: "policy/v1", kind: "Eviction" });
  if (body.kind !== undefined && body.kind !== "Eviction") {
    throw badRequest(`${String(body.kind)} in version "v1" cannot be handled as a Eviction`);
  }
  const name = body.metadata?.name ?? "";
  if (name !== r.name) throw badRequest("name in URL does not match name in Eviction object");
  const raw = isPlainObject(body.deleteOptions) ? body.deleteOptions : {};
  const pre = isPlainObject(raw.preconditions) ? raw.preconditions : {};
  const options: DeleteOptionsBody = {
    ...(typeof raw.gracePeriodSeconds === "number" ? { gracePeriodSeconds: Math.max(0, raw.gracePeriodSeconds) } : {}),
    ...(typeof raw.propagationPolicy === "string" ? { propagationPolicy: raw.propagationPolicy } : {}),
    preconditions: {
      ...(typeof pre.uid === "string" ? { uid: pre.uid } : {}),
      ...(typeof pre.resourceVersion === "string" ? { resourceVersion: pre.resourceVersion } : {}),
    },
  };
  await r.registry.delete(
    r.namespace,
    r.name,
    options,
    dryRun || (Array.isArray(raw.dryRun) && raw.dryRun.includes("All")),
    r.admission("DELETE", dryRun),
  );
  writeJson(r.res, 201, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 });
}
