/** Object keys as upstream's MetaNamespaceKeyFunc: "namespace/name", or "name" for cluster-scoped objects. */
import type { KubeObject, ObjectKey } from "./types.js";

export function objectKey(object: KubeObject): ObjectKey {
  const namespace = object.metadata?.namespace;
  const name = object.metadata?.name ?? "";
  return namespace ? `${namespace}/${name}` : name;
}

/** The inverse of `objectKey`. */
export function splitObjectKey(key: ObjectKey): { namespace: string | undefined; name: string } {
  const slash = key.indexOf("/");
  return slash < 0
    ? { namespace: undefined, name: key }
    : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
