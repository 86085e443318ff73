/**
 * Who is asking, and may they: the two questions every request answers before it reaches a handler
 * (authentication, then authorization), as in kube-apiserver.
 */
import type { IncomingMessage } from "node:http";

export interface UserInfo {
  readonly name: string;
  readonly uid?: string;
  readonly groups: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

export const SYSTEM_MASTERS = "system:masters";
export const SYSTEM_AUTHENTICATED = "system:authenticated";
export const SYSTEM_UNAUTHENTICATED = "system:unauthenticated";
export const ANONYMOUS_USER = "system:anonymous";

/** Returns the user a request proves to be, or undefined when it carries no credentials this authenticator knows. */
export interface Authenticator {
  authenticate(request: IncomingMessage): UserInfo | undefined;
}

/** The request attributes authorization decides on (upstream's authorizer.Attributes). */
export interface AuthorizationAttributes {
  readonly user: UserInfo;
  readonly verb: string;
  readonly resourceRequest: boolean;
  /** For non-resource requests: the URL path, e.g. /healthz. */
  readonly path: string;
  readonly namespace: string;
  readonly apiGroup: string;
  readonly apiVersion: string;
  readonly resource: string;
  readonly subresource: string;
  readonly name: string;
}

export interface AuthorizationDecision {
  readonly allowed: boolean;
  readonly reason: string;
}

/** Decides requests; RBAC and the node authorizer implement this later. */
export interface Authorizer {
  authorize(attributes: AuthorizationAttributes): Promise<AuthorizationDecision>;
}
