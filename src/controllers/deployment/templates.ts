/**
 * Which ReplicaSet is "new": the oldest whose pod template equals the deployment's ignoring the
 * pod-template-hash label (upstream EqualIgnoreHash, FindNewReplicaSet, FindOldReplicaSets). Equality is
 * semantic as apimachinery's: empty and missing maps/lists are equal.
 */
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1.js";
import type { PodTemplateSpec } from "kubernetes-types/core/v1.js";
import { POD_TEMPLATE_HASH_LABEL } from "./annotations.js";
import { canonicalJson, normalize } from "./hash.js";
import { byCreation, replicasOf } from "./replicas.js";

function withoutHash(template: PodTemplateSpec | undefined): unknown {
  const labels = { ...(template?.metadata?.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH_LABEL];
  return normalize({ ...template, metadata: { ...template?.metadata, labels } });
}

export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return canonicalJson(withoutHash(a)) === canonicalJson(withoutHash(b));
}

export function findNewReplicaSet(d: Deployment, rss: readonly ReplicaSet[]): ReplicaSet | undefined {
  return [...rss].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

/** Every ReplicaSet but the new one. */
export function findOldReplicaSets(d: Deployment, rss: readonly ReplicaSet[]): ReplicaSet[] {
  const newRS = findNewReplicaSet(d, rss);
  return rss.filter((rs) => !newRS || rs.metadata?.uid !== newRS.metadata?.uid);
}

export { replicasOf };
