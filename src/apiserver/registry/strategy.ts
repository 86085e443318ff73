/**
 * Per-resource behaviour the generic registry consults (upstream's RESTCreateStrategy / RESTUpdateStrategy /
 * RESTDeleteStrategy plus the store's flags). `strategyFor` gives every resource the generic defaults with
 * the few upstream differences the registry itself must know about; richer defaulting and validation live
 * in src/api and are plugged in through `prepareForCreate`/`validate`.
 */
import type { Job } from "kubernetes-types/batch/v1.js";
import type { ResourceType } from "../../api/resources/types.js";
import type { FieldError } from "../../api/status.js";
import { generateJobSelector } from "../../api/validation/index.js";
import { fieldAt, isPlainObject, type StoredObject } from "../object.js";
import { printerFor } from "../../api/printers/index.js";
import type { TableConvertor } from "../table.js";

export interface Strategy {
  /** The resource has a status subresource: main-resource writes keep the stored status. */
  readonly statusSubresource: boolean;
  /** metadata.generation is kept (1 on create, +1 per spec change), as the upstream strategies that set it. */
  readonly generation: boolean;
  /**
   * Namespace termination as upstream: DELETE marks the namespace Terminating and it goes only once
   * spec.finalizers is empty (the namespace controller's job). Off: namespaces are deleted at once.
   */
  readonly namespaceLifecycle: boolean;
  /**
   * Deletion propagation through the garbage collector (upstream's EnableGarbageCollection): propagationPolicy
   * Orphan/Foreground become the `orphan`/`foregroundDeletion` finalizers. Off: deletes ignore the policy.
   */
  readonly garbageCollection: boolean;
  /** PUT of a missing object creates it (upstream's AllowCreateOnUpdate). */
  readonly allowCreateOnUpdate: boolean;
  /** DELETE answers the deleted object (true) or a Status Success (false), as upstream's ReturnDeletedObject. */
  readonly returnDeletedObject: boolean;
  /** The table a human `kubectl get` sees. */
  readonly table: TableConvertor;
  /**
   * Mutate a new object before it is validated and stored (defaults, status reset, allocations such as a
   * Service's ClusterIP — which a dry run must only check, not reserve).
   */
  prepareForCreate(object: StoredObject, context: WriteContext): void | Promise<void>;
  /** Mutate an updated object given the stored one. */
  prepareForUpdate(object: StoredObject, old: StoredObject, context: WriteContext): void | Promise<void>;
  /** A create failed after prepareForCreate (validation, conflict …): undo what it reserved. Errors are logged. */
  createFailed?(object: StoredObject): void | Promise<void>;
  /** Type-specific validation beyond names and labels. */
  validate(object: StoredObject, old: StoredObject | undefined): FieldError[] | Promise<FieldError[]>;
  /** After an object left the datastore (e.g. release a Service's ClusterIP). Errors are logged only. */
  afterDelete?(object: StoredObject): void | Promise<void>;
  /**
   * The grace period of a delete (upstream's CheckGracefulDelete): `requested` is DeleteOptions'
   * gracePeriodSeconds; 0 deletes at once. Only pods delete gracefully.
   */
  gracePeriodSeconds(object: StoredObject, requested: number | undefined): number;
}

/**
 * Hooks a caller adds per resource (by "group/resource", e.g. "/pods" or "apps/deployments"): flags and the
 * table replace the defaults; `prepareForCreate`/`prepareForUpdate` run after the built-in ones and
 * `validate` adds to the built-in errors.
 */
export type StrategyOverrides = Partial<Strategy>;

export interface WriteContext {
  readonly dryRun: boolean;
}

const RETURN_DELETED = new Set([
  "/pods",
  "/services",
  "/serviceaccounts",
  "/namespaces",
  "storage.k8s.io/storageclasses",
]);
const WITH_GENERATION = new Set([
  "/replicationcontrollers",
  "apps/deployments",
  "apps/replicasets",
  "apps/statefulsets",
  "apps/daemonsets",
  "batch/jobs",
  "batch/cronjobs",
  "autoscaling/horizontalpodautoscalers",
  "policy/poddisruptionbudgets",
  "networking.k8s.io/ingresses",
  "networking.k8s.io/networkpolicies",
  "apiextensions.k8s.io/customresourcedefinitions",
  "admissionregistration.k8s.io/validatingwebhookconfigurations",
  "admissionregistration.k8s.io/mutatingwebhookconfigurations",
]);
const CREATE_ON_UPDATE = new Set([
  "/endpoints",
  "/events",
  "/limitranges",
  "coordination.k8s.io/leases",
  "rbac.authorization.k8s.io/roles",
  "rbac.authorization.k8s.io/clusterroles",
  "rbac.authorization.k8s.io/rolebindings",
  "rbac.authorization.k8s.io/clusterrolebindings",
]);

export function resourceId(type: Pick<ResourceType, "group" | "resource">): string {
  return `${type.group}/${type.resource}`;
}

export function strategyFor(type: ResourceType, overrides: StrategyOverrides = {}): Strategy {
  const id = resourceId(type.storage);
  const statusSubresource = type.subresources.some((s) => s.name === "status");
  const base: Strategy = {
    statusSubresource,
    generation: WITH_GENERATION.has(id),
    allowCreateOnUpdate: CREATE_ON_UPDATE.has(id),
    namespaceLifecycle: false,
    garbageCollection: false,
    returnDeletedObject: RETURN_DELETED.has(id),
    // Upstream's printers (src/api/printers); NAME / CREATED AT for resources without one.
    table: printerFor({ group: type.group, resource: type.resource }),
    prepareForCreate(object) {
      // Upstream strategies reset status on create for kinds with a status subresource (nodes keep theirs:
      // kubelets register with status).
      if (statusSubresource && id !== "/nodes") object.status = {};
      if (id === "/pods") object.status = { phase: "Pending" };
      // The Job strategy's generateSelector (upstream v1.33 runs it at the start of Validate, after the uid is
      // assigned): spec.selector and the job-name/controller-uid template labels, before validation.
      if (id === "batch/jobs") generateJobSelector(object as Job);
      if (id === "/namespaces") {
        object.status = { phase: "Active" };
        // Upstream's namespace PrepareForCreate: the "kubernetes" finalizer is always there at first.
        const spec = isPlainObject(object.spec) ? object.spec : {};
        const finalizers = Array.isArray(spec.finalizers) ? spec.finalizers : [];
        object.spec = {
          ...spec,
          finalizers: finalizers.includes("kubernetes") ? finalizers : [...finalizers, "kubernetes"],
        };
      }
    },
    prepareForUpdate(object, old) {
      // Namespaces: spec.finalizers only changes through /finalize (upstream's PrepareForUpdate).
      if (id === "/namespaces") {
        const spec = isPlainObject(object.spec) ? object.spec : {};
        const oldSpec = isPlainObject(old.spec) ? old.spec : {};
        object.spec = { ...spec, finalizers: oldSpec.finalizers };
        if (oldSpec.finalizers === undefined) delete (object.spec as Record<string, unknown>).finalizers;
      }
    },
    validate() {
      return [];
    },
    gracePeriodSeconds(object, requested) {
      if (id !== "/pods") return 0;
      // Upstream (pod strategy CheckGracefulDelete): an unscheduled or finished pod goes at once.
      const phase = fieldAt(object, "status.phase");
      if (!fieldAt(object, "spec.nodeName") || phase === "Succeeded" || phase === "Failed") return 0;
      if (requested !== undefined) return requested;
      const grace = fieldAt(object, "spec.terminationGracePeriodSeconds");
      return typeof grace === "number" && grace >= 0 ? grace : 30;
    },
  };
  const { prepareForCreate, prepareForUpdate, validate, ...flags } = overrides;
  return {
    ...base,
    ...flags,
    async prepareForCreate(object, context) {
      await base.prepareForCreate(object, context);
      await prepareForCreate?.(object, context);
    },
    async prepareForUpdate(object, old, context) {
      await base.prepareForUpdate(object, old, context);
      await prepareForUpdate?.(object, old, context);
    },
    async validate(object, old) {
      return [...(await base.validate(object, old)), ...((await validate?.(object, old)) ?? [])];
    },
  };
}
