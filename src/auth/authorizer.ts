/**
 * Authorization until RBAC arrives: every authenticated user may do everything. Anonymous requests may only
 * read the public info endpoints (upstream grants these to system:unauthenticated through the
 * system:public-info-viewer ClusterRole; Skiff also allows their subpaths such as /readyz/ping).
 * Reasons follow upstream: empty, as AlwaysAllow's and RBAC's no-opinion are, so the server's 403 message is
 * exactly upstream's `User "system:anonymous" cannot get path "/api"`.
 */
import {
  ANONYMOUS_USER,
  SYSTEM_UNAUTHENTICATED,
  type AuthorizationAttributes,
  type AuthorizationDecision,
  type Authorizer,
  type UserInfo,
} from "./types.js";

/** The user of a request without credentials on a public path. */
export const ANONYMOUS: UserInfo = { name: ANONYMOUS_USER, groups: [SYSTEM_UNAUTHENTICATED] };

const PUBLIC_PREFIXES = ["/healthz", "/livez", "/readyz"];

/** Paths anyone may GET without credentials: /healthz, /livez, /readyz (and below), /version. */
export function isPublicInfoPath(path: string): boolean {
  if (path === "/version" || path === "/version/") return true;
  return PUBLIC_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

export function isAnonymous(user: UserInfo): boolean {
  return user.name === ANONYMOUS_USER || user.groups.includes(SYSTEM_UNAUTHENTICATED);
}

export class AlwaysAllowAuthenticated implements Authorizer {
  async authorize(attributes: AuthorizationAttributes): Promise<AuthorizationDecision> {
    if (!isAnonymous(attributes.user)) return { allowed: true, reason: "" };
    const publicRead = !attributes.resourceRequest && attributes.verb === "get" && isPublicInfoPath(attributes.path);
    return { allowed: publicRead, reason: "" };
  }
}

/** Upstream's Forbidden message (k8s.io/apiserver/pkg/endpoints/handlers/responsewriters.forbiddenMessage). */
export function forbiddenMessage(attributes: AuthorizationAttributes, reason = ""): string {
  const user = attributes.user.name;
  let message: string;
  if (!attributes.resourceRequest) {
    message = `User ${JSON.stringify(user)} cannot ${attributes.verb} path ${JSON.stringify(attributes.path)}`;
  } else {
    const resource = attributes.subresource ? `${attributes.resource}/${attributes.subresource}` : attributes.resource;
    const where = attributes.namespace
      ? `in the namespace ${JSON.stringify(attributes.namespace)}`
      : "at the cluster scope";
    message =
      `${resource} ${JSON.stringify(attributes.name)} is forbidden: User ${JSON.stringify(user)} cannot ` +
      `${attributes.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(attributes.apiGroup)} ${where}`;
  }
  return reason ? `${message}: ${reason}` : message;
}
