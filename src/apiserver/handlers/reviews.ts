/**
 * The create-only, never-stored review resources about the caller: authentication.k8s.io SelfSubjectReview
 * (`kubectl auth whoami`), authorization.k8s.io SelfSubjectAccessReview (`kubectl auth can-i`) and
 * SelfSubjectRulesReview (`kubectl auth can-i --list`), answered from the request's user and the authorizer.
 */
import type { AuthorizationAttributes, UserInfo } from "../../auth/types.js";
import { invalid } from "../../api/status.js";
import { decodeObject, mediaType, readBody } from "../body.js";
import { writeJson } from "../http.js";
import { isPlainObject, type KubeObject } from "../object.js";
import type { ResourceRequest } from "./context.js";
import { checkBodyKind } from "./kind.js";

const REVIEWS = new Set([
  "authentication.k8s.io/selfsubjectreviews",
  "authorization.k8s.io/selfsubjectaccessreviews",
  "authorization.k8s.io/selfsubjectrulesreviews",
]);

export function isReview(r: Pick<ResourceRequest, "type">): boolean {
  return REVIEWS.has(`${r.type.group}/${r.type.resource}`);
}

function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function userInfo(user: UserInfo): Record<string, unknown> {
  return {
    username: user.name,
    ...(user.uid ? { uid: user.uid } : {}),
    groups: [...user.groups],
    ...(user.extra && Object.keys(user.extra).length > 0 ? { extra: user.extra } : {}),
  };
}

async function accessReview(r: ResourceRequest, body: KubeObject): Promise<Record<string, unknown>> {
  const spec = isPlainObject(body.spec) ? body.spec : {};
  const res = isPlainObject(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
  const nonRes = isPlainObject(spec.nonResourceAttributes) ? spec.nonResourceAttributes : undefined;
  if ((res === undefined) === (nonRes === undefined)) {
    throw invalid({ group: "authorization.k8s.io", kind: "SelfSubjectAccessReview" }, "", [
      {
        type: "FieldValueInvalid",
        field: "spec.resourceAttributes",
        value: res ?? null,
        detail: "exactly one of nonResourceAttributes or resourceAttributes must be specified",
      },
    ]);
  }
  const attributes: AuthorizationAttributes = res
    ? {
        user: r.user,
        verb: str(res.verb),
        resourceRequest: true,
        path: "",
        namespace: str(res.namespace),
        apiGroup: str(res.group),
        apiVersion: str(res.version),
        resource: str(res.resource),
        subresource: str(res.subresource),
        name: str(res.name),
      }
    : {
        user: r.user,
        verb: str(nonRes!.verb),
        resourceRequest: false,
        path: str(nonRes!.path),
        namespace: "",
        apiGroup: "",
        apiVersion: "",
        resource: "",
        subresource: "",
        name: "",
      };
  const decision = await r.authorize(attributes);
  return {
    allowed: decision.allowed,
    ...(decision.allowed ? {} : { denied: false }),
    ...(decision.reason ? { reason: decision.reason } : {}),
  };
}

export async function createReview(r: ResourceRequest): Promise<void> {
  const raw = await readBody(r.req);
  const expected = { group: r.type.group, version: r.type.version, kind: r.type.kind };
  const body = checkBodyKind(
    raw.length === 0
      ? {}
      : decodeObject(raw, mediaType(r.req), { apiVersion: `${r.type.group}/${r.type.version}`, kind: r.type.kind }),
    expected,
  );
  let status: Record<string, unknown>;
  switch (r.type.resource) {
    case "selfsubjectreviews":
      status = { userInfo: userInfo(r.user) };
      break;
    case "selfsubjectaccessreviews":
      status = await accessReview(r, body);
      break;
    default:
      // Without an enumerable authorizer (RBAC) the rules are "everything" when none is configured.
      status = r.authorizerConfigured
        ? { resourceRules: [], nonResourceRules: [], incomplete: true, evaluationError: "rules are not enumerable" }
        : {
            resourceRules: [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }],
            nonResourceRules: [{ verbs: ["*"], nonResourceURLs: ["*"] }],
            incomplete: false,
          };
  }
  const { metadata, spec } = body;
  writeJson(r.res, 201, {
    kind: r.type.kind,
    apiVersion: `${r.type.group}/${r.type.version}`,
    metadata: { ...(isPlainObject(metadata) ? metadata : {}), creationTimestamp: null },
    ...(spec !== undefined ? { spec } : {}),
    status,
  });
}
