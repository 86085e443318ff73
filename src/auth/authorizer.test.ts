import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { describe, it } from "node:test";
import { ANONYMOUS, AlwaysAllowAuthenticated, forbiddenMessage, isPublicInfoPath } from "./authorizer.js";
import { UnionAuthenticator } from "./union.js";
import type { AuthorizationAttributes, Authenticator, UserInfo } from "./types.js";

const admin: UserInfo = { name: "system:admin", groups: ["system:masters", "system:authenticated"] };

function attrs(overrides: Partial<AuthorizationAttributes>): AuthorizationAttributes {
  return {
    user: admin,
    verb: "get",
    resourceRequest: false,
    path: "/api",
    namespace: "",
    apiGroup: "",
    apiVersion: "",
    resource: "",
    subresource: "",
    name: "",
    ...overrides,
  };
}

describe("AlwaysAllowAuthenticated", () => {
  const authorizer = new AlwaysAllowAuthenticated();

  it("allows any authenticated user anything", async () => {
    const decision = await authorizer.authorize(attrs({ verb: "delete", resourceRequest: true, resource: "pods" }));
    assert.deepEqual(decision, { allowed: true, reason: "" });
  });

  it("lets anonymous read only the public info endpoints", async () => {
    for (const path of ["/healthz", "/livez/ping", "/readyz", "/version", "/version/"]) {
      assert.equal((await authorizer.authorize(attrs({ user: ANONYMOUS, path }))).allowed, true, path);
    }
    for (const path of ["/api", "/healthzz", "/versions", "/metrics", "/"]) {
      assert.equal((await authorizer.authorize(attrs({ user: ANONYMOUS, path }))).allowed, false, path);
    }
    assert.equal(
      (await authorizer.authorize(attrs({ user: ANONYMOUS, path: "/healthz", verb: "post" }))).allowed,
      false,
    );
    assert.equal(isPublicInfoPath("/readyz/etcd"), true);
  });

  it("words Forbidden messages as upstream does", () => {
    assert.equal(
      forbiddenMessage(attrs({ user: ANONYMOUS, path: "/api" })),
      'User "system:anonymous" cannot get path "/api"',
    );
    assert.equal(
      forbiddenMessage(
        attrs({ user: ANONYMOUS, verb: "list", resourceRequest: true, resource: "pods", namespace: "default" }),
      ),
      'pods "" is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "default"',
    );
    assert.equal(
      forbiddenMessage(
        attrs({
          verb: "update",
          resourceRequest: true,
          apiGroup: "apps",
          resource: "deployments",
          subresource: "scale",
          name: "web",
        }),
        "no",
      ),
      'deployments/scale "web" is forbidden: User "system:admin" cannot update resource "deployments/scale" in API group "apps" at the cluster scope: no',
    );
  });
});

describe("UnionAuthenticator", () => {
  const request = {} as IncomingMessage;
  const fixed = (user: UserInfo | undefined): Authenticator => ({ authenticate: () => user });

  it("answers with the first authenticator that knows the request", () => {
    const u1 = { name: "a", groups: [] };
    const u2 = { name: "b", groups: [] };
    assert.equal(new UnionAuthenticator([fixed(undefined), fixed(u1), fixed(u2)]).authenticate(request), u1);
    assert.equal(new UnionAuthenticator([]).authenticate(request), undefined);
  });

  it("reports a throwing authenticator and goes on", () => {
    const errors: unknown[] = [];
    const boom: Authenticator = {
      authenticate: () => {
        throw new Error("bad token");
      },
    };
    const union = new UnionAuthenticator([boom, fixed(admin)], (e) => errors.push(e));
    assert.equal(union.authenticate(request), admin);
    assert.equal(errors.length, 1);
    assert.equal(new UnionAuthenticator([boom]).authenticate(request), undefined);
  });
});
