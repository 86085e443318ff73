/**
 * The 409 an apply gets when it would change fields other managers own (managedfields/internal/conflict.go):
 * `Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas`.
 */
import { StatusError } from "../status.js";
import { pathString, type FieldSet, type Path } from "./fieldpath.js";

export interface Conflict {
  /** Manager identifier (JSON), as in Managed's keys. */
  readonly manager: string;
  readonly path: Path;
}

/** Thrown by the updater; turned into the StatusError by `conflictError`. */
export class Conflicts extends Error {
  constructor(readonly conflicts: readonly Conflict[]) {
    super(`${conflicts.length} conflict(s)`);
    this.name = "Conflicts";
  }
}

/** ConflictsFromManagers, in a stable order: managers by identifier, then paths in set order. */
export function conflictsFromManagers(sets: ReadonlyMap<string, FieldSet>): Conflict[] {
  const out: Conflict[] = [];
  for (const manager of [...sets.keys()].sort()) {
    for (const path of sets.get(manager)!.paths()) out.push({ manager, path });
  }
  return out;
}

/** printManager: `"name"`, `"name" with subresource "status"`, then ` using apps/v1` for updaters. */
export function printManager(identifier: string): string {
  let e: { manager?: string; operation?: string; apiVersion?: string; subresource?: string };
  try {
    e = JSON.parse(identifier) as typeof e;
  } catch {
    return JSON.stringify(identifier);
  }
  let s = JSON.stringify(e.manager ?? "");
  if (e.subresource) s = `${s} with subresource ${JSON.stringify(e.subresource)}`;
  return e.operation === "Update" ? `${s} using ${e.apiVersion ?? ""}` : s;
}

export function conflictMessage(conflicts: readonly Conflict[]): string {
  if (conflicts.length === 1) {
    const c = conflicts[0]!;
    return `Apply failed with 1 conflict: conflict with ${printManager(c.manager)}: ${pathString(c.path)}`;
  }
  const byManager = new Map<string, Path[]>();
  for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.path]);
  const lines: string[] = [];
  for (const manager of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${printManager(manager)}:`);
    for (const p of byManager.get(manager)!) lines.push(`- ${pathString(p)}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join("\n")}`;
}

/** errors.NewApplyConflict: 409 Conflict, one FieldManagerConflict cause per conflicting field. */
export function conflictError(conflicts: readonly Conflict[]): StatusError {
  return new StatusError({
    code: 409,
    reason: "Conflict",
    message: conflictMessage(conflicts),
    details: {
      causes: conflicts.map((c) => ({
        reason: "FieldManagerConflict",
        message: `conflict with ${printManager(c.manager)}`,
        field: pathString(c.path),
      })),
    },
  });
}
