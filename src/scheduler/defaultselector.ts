/**
 * The selector default topology spreading uses for a pod (upstream helper.DefaultSelector): the selectors of
 * the Services selecting it, plus its controlling ReplicationController, ReplicaSet or StatefulSet's.
 */
import type { ReplicaSet, StatefulSet } from "kubernetes-types/apps/v1.js";
import type { Pod, ReplicationController, Service } from "kubernetes-types/core/v1.js";
import type { LabelSelectorRequirement } from "kubernetes-types/meta/v1.js";
import { labelSelectorFromObject, labelSelectorFromSet, type LabelSelector } from "../api/selectors/labels.js";
import type { Lister } from "../client/types.js";

export interface SpreadListers {
  readonly services?: Lister<Service>;
  readonly replicationControllers?: Lister<ReplicationController>;
  readonly replicaSets?: Lister<ReplicaSet>;
  readonly statefulSets?: Lister<StatefulSet>;
}

export function defaultSpreadSelector(listers: SpreadListers): (pod: Pod) => LabelSelector | undefined {
  return (pod) => {
    const namespace = pod.metadata?.namespace ?? "";
    const labels = pod.metadata?.labels ?? {};
    const matchLabels: Record<string, string> = {};
    const matchExpressions: LabelSelectorRequirement[] = [];
    for (const service of listers.services?.list(namespace) ?? []) {
      const selector = service.spec?.selector;
      if (!selector) continue;
      if (labelSelectorFromSet(selector).matches(labels)) Object.assign(matchLabels, selector);
    }
    const owner = pod.metadata?.ownerReferences?.find((r) => r.controller);
    if (owner) {
      const key = `${namespace}/${owner.name}`;
      if (owner.kind === "ReplicationController" && owner.apiVersion === "v1") {
        Object.assign(matchLabels, listers.replicationControllers?.get(key)?.spec?.selector ?? {});
      } else if ((owner.kind === "ReplicaSet" || owner.kind === "StatefulSet") && owner.apiVersion === "apps/v1") {
        const lister = owner.kind === "ReplicaSet" ? listers.replicaSets : listers.statefulSets;
        const selector = lister?.get(key)?.spec?.selector;
        if (selector) {
          Object.assign(matchLabels, selector.matchLabels ?? {});
          matchExpressions.push(...(selector.matchExpressions ?? []));
        }
      }
    }
    if (Object.keys(matchLabels).length + matchExpressions.length === 0) return undefined;
    try {
      return labelSelectorFromObject({ matchLabels, matchExpressions });
    } catch {
      return undefined;
    }
  };
}
