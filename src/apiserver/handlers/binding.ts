/** POST pods/NAME/binding: assigns a pod to a node once (upstream's BindingREST). */
import { badRequest, conflict, invalid, notFound } from "../../api/status.js";
import { decodeObject, mediaType, readBody } from "../body.js";
import { fieldAt, isPlainObject, type StoredObject } from "../object.js";
import type { ResourceRequest } from "./context.js";
import { checkBodyKind } from "./kind.js";
import { dryRunOf } from "./query.js";
import { writeJson } from "../http.js";
import { rfc3339 } from "../registry/meta.js";

/**
 * `podName` is the URL's pod for pods/NAME/binding, or undefined for the legacy POST …/bindings (the pod is
 * the Binding's own name then).
 */
export async function createBinding(r: ResourceRequest, podName: string | undefined): Promise<void> {
  const dryRun = dryRunOf(r.url);
  const body = checkBodyKind(decodeObject(await readBody(r.req), mediaType(r.req)), {
    group: "",
    version: "v1",
    kind: "Binding",
  });
  const name = body.metadata?.name ?? "";
  if (podName !== undefined && name !== podName) throw badRequest("name in URL does not match name in Binding object");
  if (name === "") {
    throw invalid({ group: "", kind: "Binding" }, name, [
      { type: "FieldValueRequired", field: "metadata.name", detail: "name or generateName is required" },
    ]);
  }
  const node = fieldAt(body, "target.name");
  if (typeof node !== "string" || node === "") {
    throw invalid({ group: "", kind: "Binding" }, name, [{ type: "FieldValueRequired", field: "target.name" }]);
  }
  const qr = { group: "", resource: "pods/binding" };
  const pods = r.registryFor("", "v1", "pods");
  if (!pods) throw notFound({ group: "", resource: "pods" }, name);
  await pods.update(
    r.namespace,
    name,
    (pod) => {
      if (pod.metadata.deletionTimestamp) {
        throw conflict(qr, name, `pod ${name} is being deleted, cannot be assigned to a host`);
      }
      const assigned = fieldAt(pod, "spec.nodeName");
      if (assigned) throw conflict(qr, name, `pod ${name} is already assigned to node "${String(assigned)}"`);
      const uid = body.metadata?.uid;
      if (uid && uid !== pod.metadata.uid) {
        throw conflict(
          qr,
          name,
          `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${pod.metadata.uid ?? ""}`,
        );
      }
      const status = isPlainObject(pod.status) ? pod.status : {};
      const conditions = (Array.isArray(status.conditions) ? status.conditions : []).filter(
        (c: unknown) => !(isPlainObject(c) && c.type === "PodScheduled"),
      );
      conditions.push({
        type: "PodScheduled",
        status: "True",
        lastProbeTime: null,
        lastTransitionTime: rfc3339(new Date()),
      });
      const annotations = isPlainObject(body.metadata?.annotations) ? body.metadata.annotations : {};
      const next: StoredObject = {
        ...pod,
        metadata: { ...pod.metadata, annotations: { ...(pod.metadata.annotations ?? {}), ...annotations } },
        spec: { ...(isPlainObject(pod.spec) ? pod.spec : {}), nodeName: node },
        status: { ...status, conditions },
      };
      if (Object.keys(next.metadata.annotations ?? {}).length === 0) delete next.metadata.annotations;
      return next;
    },
    { dryRun, subresource: "binding", admission: r.admission("CREATE", dryRun) },
  );
  writeJson(r.res, 201, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 });
}
