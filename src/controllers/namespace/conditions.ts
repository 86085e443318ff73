/**
 * The status conditions a terminating namespace carries (upstream pkg/controller/namespace/deletion/
 * status_condition_utils.go): each deletion pass collects failures and remaining content, then every one of the
 * five condition types is set — the failure variant (status True) or upstream's "ok" variant (status False).
 */
import type { NamespaceCondition, NamespaceStatus } from "kubernetes-types/core/v1.js";

export const CONDITION_TYPES = [
  "NamespaceDeletionDiscoveryFailure",
  "NamespaceDeletionGroupVersionParsingFailure",
  "NamespaceDeletionContentFailure",
  "NamespaceContentRemaining",
  "NamespaceFinalizersRemaining",
] as const;

export type NamespaceConditionType = (typeof CONDITION_TYPES)[number];

const OK_MESSAGES: Record<NamespaceConditionType, string> = {
  NamespaceDeletionDiscoveryFailure: "All resources successfully discovered",
  NamespaceDeletionGroupVersionParsingFailure: "All legacy kube types successfully parsed",
  NamespaceDeletionContentFailure: "All content successfully deleted, may be waiting on finalization",
  NamespaceContentRemaining: "All content successfully removed",
  NamespaceFinalizersRemaining: "All content-preserving finalizers finished",
};

const OK_REASONS: Record<NamespaceConditionType, string> = {
  NamespaceDeletionDiscoveryFailure: "ResourcesDiscovered",
  NamespaceDeletionGroupVersionParsingFailure: "ParsedGroupVersions",
  NamespaceDeletionContentFailure: "ContentDeleted",
  NamespaceContentRemaining: "ContentRemoved",
  NamespaceFinalizersRemaining: "ContentHasNoFinalizers",
};

/** What one deletion pass found, per resource ("pods." / "deployments.apps" as upstream prints it). */
export interface ContentTotals {
  /** `${resource}.${group}` → instances still present. */
  readonly remainingByResource: ReadonlyMap<string, number>;
  /** finalizer → instances carrying it. */
  readonly remainingByFinalizer: ReadonlyMap<string, number>;
}

/** Collects one pass's failures (upstream namespaceConditionUpdater). */
export class NamespaceConditionUpdater {
  readonly #conditions: NamespaceCondition[] = [];
  readonly #contentErrors: string[] = [];

  constructor(private readonly now: () => Date = () => new Date()) {}

  discoveryFailed(message: string, failingGroups?: number): void {
    this.#add(
      "NamespaceDeletionDiscoveryFailure",
      "DiscoveryFailed",
      failingGroups === undefined ? message : `Discovery failed for some groups, ${failingGroups} failing: ${message}`,
    );
  }

  groupVersionParsingFailed(message: string): void {
    this.#add("NamespaceDeletionGroupVersionParsingFailure", "GroupVersionParsingFailed", message);
  }

  contentDeletionFailed(message: string): void {
    this.#contentErrors.push(message);
  }

  contentTotals(totals: ContentTotals): void {
    const resources = [...totals.remainingByResource]
      .filter(([, n]) => n > 0)
      .map(([r, n]) => `${r} has ${n} resource instances`)
      .sort();
    if (totals.remainingByResource.size > 0) {
      this.#add(
        "NamespaceContentRemaining",
        "SomeResourcesRemain",
        `Some resources are remaining: ${resources.join(", ")}`,
      );
    }
    const finalizers = [...totals.remainingByFinalizer]
      .filter(([, n]) => n > 0)
      .map(([f, n]) => `${f} in ${n} resource instances`)
      .sort();
    if (totals.remainingByFinalizer.size > 0) {
      this.#add(
        "NamespaceFinalizersRemaining",
        "SomeFinalizersRemain",
        `Some content in the namespace has finalizers remaining: ${finalizers.join(", ")}`,
      );
    }
  }

  /** Applies the pass to `status` (mutated); true when anything changed and a status write is needed. */
  update(status: NamespaceStatus): boolean {
    if (this.#contentErrors.length > 0 && !this.#find(this.#conditions, "NamespaceDeletionContentFailure")) {
      const messages = [...this.#contentErrors].sort();
      this.#add(
        "NamespaceDeletionContentFailure",
        "ContentDeletionFailed",
        `Failed to delete all resource types, ${messages.length} remaining: ${messages.join(", ")}`,
      );
    }
    let changed = false;
    const conditions = (status.conditions ??= []);
    for (const type of CONDITION_TYPES) {
      const wanted = this.#find(this.#conditions, type) ?? this.#ok(type);
      const old = this.#find(conditions, type);
      if (!old) {
        conditions.push(wanted);
        changed = true;
      } else if (old.status !== wanted.status || old.reason !== wanted.reason || old.message !== wanted.message) {
        if (old.status !== wanted.status) old.lastTransitionTime = wanted.lastTransitionTime;
        old.status = wanted.status;
        old.reason = wanted.reason;
        old.message = wanted.message;
        changed = true;
      }
    }
    return changed;
  }

  #find(conditions: NamespaceCondition[], type: NamespaceConditionType): NamespaceCondition | undefined {
    return conditions.find((c) => c.type === type);
  }

  #ok(type: NamespaceConditionType): NamespaceCondition {
    return {
      type,
      status: "False",
      lastTransitionTime: this.#time(),
      reason: OK_REASONS[type],
      message: OK_MESSAGES[type],
    };
  }

  #add(type: NamespaceConditionType, reason: string, message: string): void {
    this.#conditions.push({ type, status: "True", lastTransitionTime: this.#time(), reason, message });
  }

  #time(): string {
    return this.now()
      .toISOString()
      .replace(/\.\d{3}Z$/, "Z");
  }
}
