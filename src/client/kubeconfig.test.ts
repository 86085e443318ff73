/** Clients from kubeconfig files: inline and file credentials over real TLS, tokens, and broken files. */
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { stringify } from "yaml";
import { makeTempDir } from "../../test/harness/tmp.js";
import { writeAdminKubeconfig } from "../auth/kubeconfig.js";
import { ensureClusterPki, type ClusterPki } from "../auth/pki.js";
import { tlsServerOptions } from "../auth/tls-options.js";
import { clientFromKubeconfig, loadKubeconfig } from "./kubeconfig.js";

interface Echo {
  readonly commonName?: string;
  readonly authorization?: string;
  readonly userAgent?: string;
}

describe("clientFromKubeconfig", () => {
  let tmp: { path: string; remove(): Promise<void> };
  let pki: ClusterPki;
  let server: Server;
  let url: string;

  before(async () => {
    tmp = await makeTempDir("kubeconfig");
    pki = await ensureClusterPki(join(tmp.path, "tls"), { serverNames: [], serverIPs: [] });
    // Echoes who the client is: its certificate's CN, its bearer token, its user agent.
    server = createServer({ ...tlsServerOptions(pki), requestCert: true, rejectUnauthorized: false }, (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      const echo: Echo = {
        commonName: peer?.subject?.CN as string | undefined,
        authorization: req.headers.authorization,
        userAgent: req.headers["user-agent"],
      };
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(echo));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await tmp.remove();
  });

  test("inline certificate data (the admin kubeconfig) authenticates over TLS", async () => {
    const path = join(tmp.path, "admin.yaml");
    await writeAdminKubeconfig(path, {
      server: url,
      caPem: pki.caCertPem,
      certPem: pki.admin.certPem,
      keyPem: pki.admin.keyPem,
    });
    const client = clientFromKubeconfig(path, "kubeconfig-test/v1");
    try {
      const echo = await client.request<Echo>("GET", "/whoami");
      assert.equal(echo.commonName, "system:admin");
      assert.equal(echo.userAgent, "kubeconfig-test/v1");
      assert.equal(echo.authorization, undefined);
    } finally {
      client.close();
    }
  });

  test("file paths (relative to the kubeconfig) and a token, from the current context", async () => {
    await writeFile(join(tmp.path, "ca.crt"), pki.caCertPem);
    const path = join(tmp.path, "token.yaml");
    await writeFile(
      path,
      stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [
          { name: "wrong", cluster: { server: "https://127.0.0.1:1" } },
          { name: "right", cluster: { server: url, "certificate-authority": "ca.crt" } },
        ],
        users: [{ name: "bot", user: { token: "s3cret" } }],
        contexts: [
          { name: "other", context: { cluster: "wrong", user: "bot" } },
          { name: "mine", context: { cluster: "right", user: "bot", namespace: "team" } },
        ],
        "current-context": "mine",
      }),
    );
    assert.equal(loadKubeconfig(path).namespace, "team");
    const client = clientFromKubeconfig(path, "kubeconfig-test", { maxSockets: 2 });
    try {
      const echo = await client.request<Echo>("GET", "/whoami");
      assert.equal(echo.authorization, "Bearer s3cret");
      assert.equal(echo.commonName, undefined);
    } finally {
      client.close();
    }
  });

  test("a server certificate from another CA is rejected as ServiceUnavailable", async () => {
    const path = join(tmp.path, "untrusted.yaml");
    const other = await ensureClusterPki(join(tmp.path, "other-tls"), { serverNames: [], serverIPs: [] });
    await writeAdminKubeconfig(path, {
      server: url,
      caPem: other.caCertPem,
      certPem: other.admin.certPem,
      keyPem: other.admin.keyPem,
    });
    const client = clientFromKubeconfig(path, "kubeconfig-test");
    try {
      await assert.rejects(client.request("GET", "/whoami"), { name: "StatusError", code: 503 });
    } finally {
      client.close();
    }
  });

  test("a kubeconfig without a usable current context is an error naming the problem", async () => {
    const path = join(tmp.path, "broken.yaml");
    await writeFile(path, stringify({ apiVersion: "v1", kind: "Config", "current-context": "nope", contexts: [] }));
    assert.throws(() => clientFromKubeconfig(path, "x"), /context "nope" not found/);
  });
});
