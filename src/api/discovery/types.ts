/** The JSON documents of Kubernetes discovery, field for field as upstream serializes them. */

export interface GroupVersionKindJSON {
  group: string;
  version: string;
  kind: string;
}

// Aggregated discovery (apidiscovery.k8s.io/v2 and v2beta1: the same shape).

export interface APISubresourceDiscovery {
  subresource: string;
  responseKind: GroupVersionKindJSON;
  verbs: string[];
}

export interface APIResourceDiscovery {
  resource: string;
  responseKind: GroupVersionKindJSON;
  scope: "Namespaced" | "Cluster";
  singularResource: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: APISubresourceDiscovery[];
}

export interface APIVersionDiscovery {
  version: string;
  resources: APIResourceDiscovery[];
  freshness: "Current" | "Stale";
}

export interface APIGroupDiscovery {
  /** The core group's name "" is omitted, as upstream omits it. */
  metadata: { name?: string };
  versions: APIVersionDiscovery[];
}

export interface APIGroupDiscoveryList {
  kind: "APIGroupDiscoveryList";
  apiVersion: "apidiscovery.k8s.io/v2" | "apidiscovery.k8s.io/v2beta1";
  metadata: Record<string, never>;
  items: APIGroupDiscovery[];
}

// Legacy discovery (meta/v1).

export interface ServerAddressByClientCIDR {
  clientCIDR: string;
  serverAddress: string;
}

export interface APIVersions {
  kind: "APIVersions";
  versions: string[];
  serverAddressByClientCIDRs: ServerAddressByClientCIDR[];
}

export interface GroupVersionForDiscovery {
  groupVersion: string;
  version: string;
}

export interface APIGroup {
  kind?: "APIGroup";
  apiVersion?: "v1";
  name: string;
  versions: GroupVersionForDiscovery[];
  preferredVersion: GroupVersionForDiscovery;
}

export interface APIGroupList {
  kind: "APIGroupList";
  apiVersion: "v1";
  groups: APIGroup[];
}

export interface APIResource {
  name: string;
  /** "" for subresources, as upstream. */
  singularName: string;
  namespaced: boolean;
  /** Only on subresources whose kind lives in another group/version (deployments/scale → autoscaling/v1). */
  group?: string;
  version?: string;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
}

export interface APIResourceList {
  kind: "APIResourceList";
  apiVersion: "v1";
  groupVersion: string;
  resources: APIResource[];
}
