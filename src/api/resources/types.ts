/**
 * What the API server knows about each resource it serves: the facts discovery publishes (kind, scope,
 * short names, categories, verbs, subresources) plus where its objects live in the datastore.
 */

export type Verb = "create" | "delete" | "deletecollection" | "get" | "list" | "patch" | "update" | "watch";

export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export interface SubresourceType {
  /** e.g. "status", "scale", "binding", "log", "exec". */
  readonly name: string;
  /** The kind the subresource accepts and returns (Scale is autoscaling/v1 Scale, status is the parent kind). */
  readonly responseKind: GroupVersionKind;
  readonly verbs: readonly Verb[];
}

export interface ResourceType {
  /** "" for the core (legacy) group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** Lower-case plural: "pods", "deployments". */
  readonly resource: string;
  /** Lower-case singular: "pod". */
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly verbs: readonly Verb[];
  readonly subresources: readonly SubresourceType[];
  /**
   * Several versions of one resource share one datastore prefix (autoscaling/v1 and v2 HPAs, core/v1 and
   * events.k8s.io/v1 Events): the group/resource whose key prefix holds the objects.
   */
  readonly storage: { readonly group: string; readonly resource: string };
}
