/**
 * DaemonSet history (upstream pkg/controller/daemon/update.go constructHistory / snapshot / cleanupHistory):
 * the revision whose data equals the DaemonSet's template patch is current (duplicates are deduplicated
 * keeping the highest revision, and it is renumbered above the old ones); otherwise a new one named
 * `<ds>-<hash>` is created, the collision count bumped when that name holds other data. Old revisions no
 * live pod uses beyond spec.revisionHistoryLimit are deleted, oldest first.
 */
import type { ControllerRevision, DaemonSet } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { isStatusError } from "../../api/status.js";
import { controllerRevisions, daemonSets } from "../../client/resources.js";
import type { Client } from "../../client/types.js";
import {
  controllerRevisionName,
  deleteRevisions,
  goJson,
  hashRevisionData,
  newControllerRevision,
  POD_REVISION_LABEL,
  revisionRaw,
  sortRevisions,
  templatePatch,
} from "../history/index.js";

/** controller.ComputeHash over the template (as JSON rather than Go's spew dump), salted by the collision count. */
export function computeTemplateHash(ds: DaemonSet): string {
  return hashRevisionData(goJson(ds.spec?.template ?? {}), ds.status?.collisionCount);
}

/** Match: the revision stores exactly this DaemonSet's template patch. */
export function matchesDaemonSet(ds: DaemonSet, revision: ControllerRevision): boolean {
  return goJson(templatePatch(ds)) === revisionRaw(revision);
}

export interface DaemonSetHistory {
  readonly current: ControllerRevision;
  readonly old: ControllerRevision[];
}

async function snapshot(client: Client, ds: DaemonSet, revision: number): Promise<ControllerRevision> {
  const hash = computeTemplateHash(ds);
  const cr = newControllerRevision(ds, daemonSets, templatePatch(ds), revision, undefined, POD_REVISION_LABEL);
  cr.metadata!.name = controllerRevisionName(ds.metadata!.name!, hash);
  cr.metadata!.labels![POD_REVISION_LABEL] = hash;
  const api = client.resource(controllerRevisions);
  try {
    return await api.create(cr);
  } catch (error) {
    if (!isStatusError(error) || error.code !== 409) throw error;
    const existing = await api.get(cr.metadata!.namespace, cr.metadata!.name!);
    if (matchesDaemonSet(ds, existing)) return existing;
    // A hash collision with other data: bump the collision count (unless ours was stale) and retry.
    const latest = await client.resource(daemonSets).get(ds.metadata!.namespace, ds.metadata!.name!);
    if ((latest.status?.collisionCount ?? 0) === (ds.status?.collisionCount ?? 0)) {
      const count = (latest.status?.collisionCount ?? 0) + 1;
      await client
        .resource(daemonSets)
        .updateStatus({ ...latest, status: { ...(latest.status ?? {}), collisionCount: count } } as DaemonSet);
    }
    throw error;
  }
}

/** constructHistory over the DaemonSet's stored revisions. */
export async function constructHistory(
  client: Client,
  ds: DaemonSet,
  revisions: readonly ControllerRevision[],
): Promise<DaemonSetHistory> {
  const api = client.resource(controllerRevisions);
  const currents: ControllerRevision[] = [];
  const old: ControllerRevision[] = [];
  for (let revision of revisions) {
    if (!revision.metadata?.labels?.[POD_REVISION_LABEL]) {
      const labels = { ...(revision.metadata?.labels ?? {}), [POD_REVISION_LABEL]: revision.metadata!.name! };
      revision = await api.update({ ...revision, metadata: { ...revision.metadata, labels } });
    }
    (matchesDaemonSet(ds, revision) ? currents : old).push(revision);
  }
  const nextRevision = old.reduce((max, r) => Math.max(max, r.revision ?? 0), 0) + 1;
  if (currents.length === 0) return { current: await snapshot(client, ds, nextRevision), old };
  // dedupCurHistories: keep the highest revision, delete the rest.
  const sorted = sortRevisions(currents);
  let current = sorted[sorted.length - 1]!;
  await deleteRevisions(client, sorted.slice(0, -1));
  if ((current.revision ?? 0) < nextRevision) {
    current = await api.patch(current.metadata!.namespace, current.metadata!.name!, "merge", {
      revision: nextRevision,
    });
  }
  return { current, old };
}

/** cleanupHistory: deletes old revisions beyond revisionHistoryLimit whose hash no live pod carries. */
export async function cleanupHistory(
  client: Client,
  ds: DaemonSet,
  old: readonly ControllerRevision[],
  pods: readonly Pod[],
): Promise<void> {
  let toKill = old.length - (ds.spec?.revisionHistoryLimit ?? 10);
  if (toKill <= 0) return;
  const liveHashes = new Set(pods.map((p) => p.metadata?.labels?.[POD_REVISION_LABEL]).filter((h) => !!h));
  const doomed: ControllerRevision[] = [];
  for (const revision of sortRevisions(old)) {
    if (toKill <= 0) break;
    if (liveHashes.has(revision.metadata?.labels?.[POD_REVISION_LABEL])) continue;
    doomed.push(revision);
    toKill--;
  }
  await deleteRevisions(client, doomed);
}
