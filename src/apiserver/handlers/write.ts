/** POST (create), PUT (update) and PATCH of an object or its status. */
import { badRequest, isStatusError, unsupportedMediaType } from "../../api/status.js";
import { isKubernetesProtobuf } from "../../api/protobuf/index.js";
import { decodeObject, mediaType, readBody } from "../body.js";
import type { Negotiated } from "../negotiate.js";
import type { KubeObject, StoredObject } from "../object.js";
import type { ResourceRequest } from "./context.js";
import { checkBodyKind } from "./kind.js";
import { applyPatchBody, PATCH_TYPES } from "./patch.js";
import { dryRunOf, fieldValidationOf } from "./query.js";
import { writeObject } from "./respond.js";
import { checkUnknownFields } from "./fields.js";
import { applyConfiguration, managerFor, validatePatchOptions } from "../../api/apply/index.js";

async function objectBody(r: ResourceRequest): Promise<KubeObject> {
  const body = await readBody(r.req);
  const expected = { group: r.type.group, version: r.type.version, kind: r.type.kind };
  const object = decodeObject(body, mediaType(r.req), {
    apiVersion: r.registry.apiVersion,
    kind: r.type.kind,
  });
  return checkBodyKind(object, expected);
}

function gvk(r: ResourceRequest) {
  return { group: r.type.group, version: r.type.version, kind: r.type.kind };
}

/** The manager a write is recorded under: ?fieldManager=, else derived from the User-Agent (as upstream). */
function fieldManagerOf(r: ResourceRequest): string {
  return managerFor(r.url.searchParams.get("fieldManager") ?? undefined, r.req.headers["user-agent"]);
}

export async function createObject(r: ResourceRequest, negotiated: Negotiated): Promise<void> {
  const dryRun = dryRunOf(r.url);
  const validation = fieldValidationOf(r.url);
  const body = await objectBody(r);
  checkUnknownFields(r.res, validation, gvk(r), body);
  const created = await r.registry.create(r.namespace, body, {
    dryRun,
    admission: r.admission("CREATE", dryRun),
    fieldManager: fieldManagerOf(r),
  });
  writeObject(r.res, 201, created, negotiated, r.registry.strategy.table);
}

/** PUT of the object (subresource "") or its status. */
export async function updateObject(r: ResourceRequest, negotiated: Negotiated, subresource: string): Promise<void> {
  const dryRun = dryRunOf(r.url);
  const validation = fieldValidationOf(r.url);
  const body = await objectBody(r);
  checkUnknownFields(r.res, validation, gvk(r), body);
  const mutate = () => ({ ...body, metadata: { ...(body.metadata ?? {}) } }) as StoredObject;
  let updated: StoredObject;
  try {
    updated = await r.registry.update(r.namespace, r.name, mutate, {
      dryRun,
      subresource,
      admission: r.admission("UPDATE", dryRun),
      fieldManager: fieldManagerOf(r),
    });
  } catch (error) {
    const createInstead =
      isStatusError(error) &&
      error.code === 404 &&
      subresource === "" &&
      r.registry.strategy.allowCreateOnUpdate &&
      !body.metadata?.resourceVersion;
    if (!createInstead) throw error;
    if (body.metadata?.name !== undefined && body.metadata.name !== r.name) {
      throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${r.name})`);
    }
    const created = await r.registry.create(
      r.namespace,
      { ...body, metadata: { ...body.metadata, name: r.name } },
      { dryRun, admission: r.admission("CREATE", dryRun), fieldManager: fieldManagerOf(r) },
    );
    writeObject(r.res, 201, created, negotiated, r.registry.strategy.table);
    return;
  }
  writeObject(r.res, 200, updated, negotiated, r.registry.strategy.table);
}

/** Reads a PATCH body and its type; 415 for anything but the four patch types. */
export async function patchBody(r: ResourceRequest): Promise<{ type: string; body: Buffer }> {
  const type = mediaType(r.req);
  if (isKubernetesProtobuf(type) || !(PATCH_TYPES as readonly string[]).includes(type)) {
    throw unsupportedMediaType(type);
  }
  return { type, body: await readBody(r.req) };
}

export async function patchObject(r: ResourceRequest, negotiated: Negotiated, subresource: string): Promise<void> {
  const dryRun = dryRunOf(r.url);
  const validation = fieldValidationOf(r.url);
  const { type, body } = await patchBody(r);
  const apply = type === "application/apply-patch+yaml";
  const optionsError = validatePatchOptions({
    apply,
    fieldManager: r.url.searchParams.get("fieldManager") ?? undefined,
    force: r.url.searchParams.get("force") ?? undefined,
  });
  if (optionsError) throw optionsError;
  if (apply) {
    await applyObject(r, negotiated, body, dryRun, subresource, validation);
    return;
  }
  const updated = await r.registry.update(
    r.namespace,
    r.name,
    (current) => {
      const patched = applyPatchBody(type, current, body, gvk(r));
      checkUnknownFields(r.res, validation, gvk(r), patched);
      return patched as StoredObject;
    },
    { dryRun, subresource, admission: r.admission("UPDATE", dryRun), fieldManager: fieldManagerOf(r) },
  );
  writeObject(r.res, 200, updated, negotiated, r.registry.strategy.table);
}

/**
 * Server-side apply (src/api/apply): the applied configuration is merged into the live object with field
 * ownership recorded in managedFields; fields another manager owns with a different value are a 409
 * Conflict unless ?force=true. A missing object is created from the configuration.
 */
async function applyObject(
  r: ResourceRequest,
  negotiated: Negotiated,
  raw: Buffer,
  dryRun: boolean,
  subresource: string,
  validation: "" | "Ignore" | "Warn" | "Strict",
): Promise<void> {
  let decoded: KubeObject;
  try {
    decoded = decodeObject(raw, "application/yaml");
  } catch (error) {
    throw isStatusError(error) ? badRequest(`error decoding YAML: ${error.message}`) : error;
  }
  const config = checkBodyKind(decoded, gvk(r));
  checkUnknownFields(r.res, validation, gvk(r), config);
  const apply = (live: StoredObject | undefined): StoredObject =>
    applyConfiguration({
      live,
      applied: config,
      manager: r.url.searchParams.get("fieldManager") ?? "",
      force: r.url.searchParams.get("force") === "true",
      gvk: gvk(r),
      now: new Date(),
      subresource,
    }) as StoredObject;
  const exists = await r.registry.get(r.namespace, r.name).then(
    () => true,
    (error: unknown) => {
      if (isStatusError(error) && error.code === 404) return false;
      throw error;
    },
  );
  if (!exists && subresource === "") {
    const desired = apply(undefined);
    const created = await r.registry.create(
      r.namespace,
      { ...desired, metadata: { ...desired.metadata, name: r.name } },
      { dryRun, admission: r.admission("CREATE", dryRun) },
    );
    writeObject(r.res, 201, created, negotiated, r.registry.strategy.table);
    return;
  }
  const updated = await r.registry.update(r.namespace, r.name, (current) => apply(current), {
    dryRun,
    subresource,
    admission: r.admission("UPDATE", dryRun),
  });
  writeObject(r.res, 200, updated, negotiated, r.registry.strategy.table);
}
