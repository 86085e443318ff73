import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createClient } from "../client/rest.js";
import { namespaces } from "../client/resources.js";
import { isStatusError } from "../api/status.js";
import { TokenAuthenticator } from "../auth/token-authenticator.js";
import { UnionAuthenticator } from "../auth/union.js";
import { X509Authenticator } from "../auth/x509-authenticator.js";
import { makeTempDir } from "../../test/harness/tmp.js";
import { listenLoopback } from "./loopback.js";

describe("loopback listener", () => {
  it("serves plain HTTP on DATA_DIR/apiserver.sock to token holders, and removes the socket on close", async () => {
    const dir = await makeTempDir("loopback");
    try {
      // A stale socket file from a killed server is replaced.
      writeFileSync(join(dir.path, "apiserver.sock"), "stale");
      const tokens = new TokenAuthenticator();
      const authenticator = new UnionAuthenticator([new X509Authenticator(), tokens]);
      const listener = await listenLoopback(dir.path, (req, res) => {
        const user = authenticator.authenticate(req);
        if (!user) {
          res.writeHead(401, { "content-type": "application/json" });
          res.end(
            JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", reason: "Unauthorized", code: 401 }),
          );
          return;
        }
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            kind: "NamespaceList",
            apiVersion: "v1",
            metadata: {},
            items: [{ metadata: { name: user.name } }],
          }),
        );
      });
      assert.ok(listener);
      assert.equal(listener.socketPath, join(dir.path, "apiserver.sock"));
      assert.equal(statSync(listener.socketPath).mode & 0o777, 0o600);

      const token = tokens.issue({ name: "system:kube-scheduler" });
      const client = createClient({
        url: "http://localhost",
        userAgent: "test",
        socketPath: listener.socketPath,
        token,
      });
      const list = await client.resource(namespaces).list(undefined);
      assert.deepEqual(
        list.items.map((n) => n.metadata?.name),
        ["system:kube-scheduler"],
      );
      client.close();

      const stranger = createClient({
        url: "http://localhost",
        userAgent: "test",
        socketPath: listener.socketPath,
        token: "guess",
      });
      await assert.rejects(
        stranger.resource(namespaces).list(undefined),
        (e: unknown) => isStatusError(e) && e.code === 401,
      );
      stranger.close();

      await listener.close();
      assert.throws(() => statSync(join(dir.path, "apiserver.sock")), { code: "ENOENT" });
    } finally {
      await dir.remove();
    }
  });

  it("is not opened where the socket path would be too long", async () => {
    assert.equal(await listenLoopback(`/tmp/${"d".repeat(120)}`, () => undefined), undefined);
  });
});

describe("TokenAuthenticator", () => {
  const request = (authorization?: string) =>
    ({
      headers: authorization === undefined ? {} : { authorization },
    }) as unknown as import("node:http").IncomingMessage;

  it("knows the tokens it issued, as the user they were issued for", () => {
    const tokens = new TokenAuthenticator();
    const token = tokens.issue({ name: "system:kube-controller-manager", groups: ["g"] });
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(tokens.authenticate(request(`Bearer ${token}`)), {
      name: "system:kube-controller-manager",
      groups: ["g", "system:authenticated"],
    });
    assert.equal(tokens.authenticate(request(`bearer ${token}`))?.name, "system:kube-controller-manager");
    assert.notEqual(tokens.issue({ name: "x" }), token);
  });

  it("does not authenticate other tokens, other schemes or no header", () => {
    const tokens = new TokenAuthenticator();
    const token = tokens.issue({ name: "u" });
    assert.equal(tokens.authenticate(request()), undefined);
    assert.equal(tokens.authenticate(request("Bearer nope")), undefined);
    assert.equal(tokens.authenticate(request(`Basic ${token}`)), undefined);
    assert.equal(tokens.authenticate(request(`Bearer ${token}x`)), undefined);
  });
});
