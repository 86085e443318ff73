/**
 * StatefulSet revisions (upstream stateful_set_control.go getStatefulSetRevisions / truncateHistory): the
 * update revision is the set's current template (created, or an older equal revision renumbered on
 * rollback); the current revision is the one status.currentRevision names (else the update revision);
 * revisions no live pod uses beyond spec.revisionHistoryLimit are deleted, oldest first.
 */
import type { ControllerRevision, StatefulSet } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { statefulSets } from "../../client/resources.js";
import type { Client } from "../../client/types.js";
import {
  CONTROLLER_REVISION_HASH_LABEL,
  createControllerRevision,
  deleteRevisions,
  equalRevision,
  findEqualRevisions,
  newControllerRevision,
  nextRevision,
  sortRevisions,
  templateOfRevision,
  templatePatch,
  updateRevisionNumber,
} from "../history/index.js";
import type { AppliedRevision } from "./control.js";
import { podRevision } from "./identity.js";

/** newRevision: the revision the set's current template makes (not yet stored). */
export function newStatefulSetRevision(set: StatefulSet, revision: number, collisionCount: number): ControllerRevision {
  return newControllerRevision(
    set,
    statefulSets,
    templatePatch(set),
    revision,
    collisionCount,
    CONTROLLER_REVISION_HASH_LABEL,
  );
}

/** ApplyRevision: the set with the revision's template. */
export function applyRevision(set: StatefulSet, revision: ControllerRevision): AppliedRevision {
  const applied = structuredClone(set);
  applied.spec!.template = templateOfRevision(revision);
  return { name: revision.metadata!.name!, set: applied };
}

export interface StatefulSetRevisions {
  readonly current: ControllerRevision;
  readonly update: ControllerRevision;
  readonly collisionCount: number;
}

/** getStatefulSetRevisions; `revisions` are the set's stored revisions. */
export async function statefulSetRevisions(
  client: Client,
  set: StatefulSet,
  revisions: readonly ControllerRevision[],
): Promise<StatefulSetRevisions> {
  const sorted = sortRevisions(revisions);
  let collisionCount = set.status?.collisionCount ?? 0;
  let update = newStatefulSetRevision(set, nextRevision(sorted), collisionCount);
  const equal = findEqualRevisions(sorted, update);
  const last = sorted[sorted.length - 1];
  const lastEqual = equal[equal.length - 1];
  if (lastEqual && last && equalRevision(last, lastEqual)) {
    update = last;
  } else if (lastEqual) {
    update = await updateRevisionNumber(client, lastEqual, update.revision!);
  } else {
    const created = await createControllerRevision(client, set, update, collisionCount);
    update = created.revision;
    collisionCount = created.collisionCount;
  }
  const current = sorted.find((r) => r.metadata?.name === set.status?.currentRevision) ?? update;
  return { current, update, collisionCount };
}

/** truncateHistory: keeps live revisions (current, update, any a pod uses) and revisionHistoryLimit others. */
export async function truncateHistory(
  client: Client,
  set: StatefulSet,
  pods: readonly Pod[],
  revisions: readonly ControllerRevision[],
  live: StatefulSetRevisions,
): Promise<void> {
  const liveNames = new Set([live.current.metadata?.name, live.update.metadata?.name, ...pods.map(podRevision)]);
  const historic = sortRevisions(revisions).filter((r) => !liveNames.has(r.metadata?.name));
  const limit = set.spec?.revisionHistoryLimit ?? 10;
  if (historic.length <= limit) return;
  await deleteRevisions(client, historic.slice(0, historic.length - limit));
}
