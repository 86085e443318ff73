/**
 * The scale subresource (deployments, replicasets, statefulsets, replicationcontrollers): an autoscaling/v1
 * Scale view of spec.replicas, status.replicas and the selector as a string, read and written through the
 * parent object (upstream's ScaleREST).
 */
import { labelSelectorFromObject, labelSelectorFromSet } from "../../api/selectors/index.js";
import { badRequest, invalid } from "../../api/status.js";
import { decodeObject, mediaType, readBody } from "../body.js";
import { fieldAt, isPlainObject, type StoredObject } from "../object.js";
import type { ResourceRequest } from "./context.js";
import { checkBodyKind } from "./kind.js";
import { applyPatchBody } from "./patch.js";
import { dryRunOf } from "./query.js";
import { patchBody } from "./write.js";
import { writeJson } from "../http.js";

const SCALE = { group: "autoscaling", version: "v1", kind: "Scale" };

function selectorString(object: StoredObject): string {
  const selector = fieldAt(object, "spec.selector");
  if (!isPlainObject(selector)) return "";
  try {
    // ReplicationControllers have a plain map; apps kinds a LabelSelector.
    const sel =
      "matchLabels" in selector || "matchExpressions" in selector
        ? labelSelectorFromObject(selector as Parameters<typeof labelSelectorFromObject>[0])
        : labelSelectorFromSet(selector as Record<string, string>);
    return sel.toString();
  } catch {
    return "";
  }
}

export function scaleOf(object: StoredObject): StoredObject {
  const replicas = fieldAt(object, "spec.replicas");
  const statusReplicas = fieldAt(object, "status.replicas");
  const m = object.metadata;
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: {
      name: m.name,
      ...(m.namespace ? { namespace: m.namespace } : {}),
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: typeof replicas === "number" ? replicas : 1 },
    status: { replicas: typeof statusReplicas === "number" ? statusReplicas : 0, selector: selectorString(object) },
  };
}

function applyScale(r: ResourceRequest, object: StoredObject, scale: StoredObject): StoredObject {
  const replicas = fieldAt(scale, "spec.replicas");
  const name = object.metadata.name ?? "";
  if (replicas !== undefined && (typeof replicas !== "number" || !Number.isInteger(replicas))) {
    throw badRequest(
      `json: cannot unmarshal ${typeof replicas} into Go struct field ScaleSpec.spec.replicas of type int32`,
    );
  }
  if (typeof replicas === "number" && replicas < 0) {
    throw invalid({ group: "autoscaling", kind: "Scale" }, name, [
      {
        type: "FieldValueInvalid",
        field: "spec.replicas",
        value: replicas,
        detail: "must be greater than or equal to 0",
      },
    ]);
  }
  const rv = scale.metadata?.resourceVersion;
  const spec = isPlainObject(object.spec) ? object.spec : {};
  return {
    ...object,
    metadata: { ...object.metadata, ...(rv ? { resourceVersion: rv } : {}) },
    spec: { ...spec, replicas: typeof replicas === "number" ? replicas : 0 },
  };
}

export async function getScale(r: ResourceRequest): Promise<void> {
  writeJson(r.res, 200, scaleOf(await r.registry.get(r.namespace, r.name)));
}

export async function updateScale(r: ResourceRequest): Promise<void> {
  const dryRun = dryRunOf(r.url);
  const body = checkBodyKind(decodeObject(await readBody(r.req), mediaType(r.req)), {
    group: "autoscaling",
    version: "v1",
    kind: "Scale",
  });
  if (body.metadata?.name && body.metadata.name !== r.name) {
    throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${r.name})`);
  }
  const updated = await r.registry.update(
    r.namespace,
    r.name,
    (current) => applyScale(r, current, body as StoredObject),
    { dryRun, subresource: "scale", admission: r.admission("UPDATE", dryRun) },
  );
  writeJson(r.res, 200, scaleOf(updated));
}

export async function patchScale(r: ResourceRequest): Promise<void> {
  const dryRun = dryRunOf(r.url);
  const { type, body } = await patchBody(r);
  const patchType = type === "application/apply-patch+yaml" ? "application/merge-patch+json" : type;
  const raw =
    type === "application/apply-patch+yaml"
      ? Buffer.from(JSON.stringify(decodeObject(body, "application/yaml")))
      : body;
  const updated = await r.registry.update(
    r.namespace,
    r.name,
    (current) => {
      const patched = applyPatchBody(patchType, scaleOf(current), raw, SCALE);
      return applyScale(r, current, patched as StoredObject);
    },
    { dryRun, subresource: "scale", admission: r.admission("UPDATE", dryRun) },
  );
  writeJson(r.res, 200, scaleOf(updated));
}
