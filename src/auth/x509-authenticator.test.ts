import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { request as httpsRequest, createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { createCertificateAuthority, issueCertificate, type KeyPairPem } from "./certs.js";
import { ensureClusterPki, type ClusterPki } from "./pki.js";
import { writeAdminKubeconfig } from "./kubeconfig.js";
import { X509Authenticator } from "./x509-authenticator.js";
import { UnionAuthenticator } from "./union.js";
import { ANONYMOUS, AlwaysAllowAuthenticated, forbiddenMessage, isPublicInfoPath } from "./authorizer.js";
import { tlsServerOptions } from "./tls-options.js";
import type { UserInfo } from "./types.js";

const run = promisify(execFile);

/** A miniature API server front door: authenticate, authorize, answer with the user. */
function handler(): (req: IncomingMessage, res: ServerResponse) => void {
  const authenticator = new UnionAuthenticator([new X509Authenticator()]);
  const authorizer = new AlwaysAllowAuthenticated();
  const send = (res: ServerResponse, code: number, body: unknown): void => {
    res.writeHead(code, { "content-type": "application/json" }).end(JSON.stringify(body));
  };
  const status = (code: number, reason: string, message: string): unknown => ({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    code,
  });
  return (req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const user: UserInfo | undefined =
      authenticator.authenticate(req) ?? (isPublicInfoPath(path) ? ANONYMOUS : undefined);
    if (user === undefined) return send(res, 401, status(401, "Unauthorized", "Unauthorized"));
    const attributes = {
      user,
      verb: "get",
      resourceRequest: false,
      path,
      namespace: "",
      apiGroup: "",
      apiVersion: "",
      resource: "",
      subresource: "",
      name: "",
    };
    void authorizer.authorize(attributes).then((decision) => {
      if (!decision.allowed)
        return send(res, 403, status(403, "Forbidden", forbiddenMessage(attributes, decision.reason)));
      send(res, 200, { name: user.name, groups: user.groups });
    });
  };
}

interface Reply {
  readonly status: number;
  readonly body: { name?: string; groups?: string[]; reason?: string; code?: number };
}

function get(port: number, path: string, ca: string, client?: KeyPairPem): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: "127.0.0.1",
        port,
        path,
        ca,
        ...(client ? { cert: client.certPem, key: client.keyPem } : {}),
        agent: false,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Reply["body"] }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

const KUBECTL_DIR = "/usr/lib/google-cloud-sdk/bin";
const kubectls = ["kubectl", ...["kubectl.1.27", "kubectl.1.33"].map((k) => join(KUBECTL_DIR, k)).filter(existsSync)];

describe("x509 client-certificate authentication over HTTPS", () => {
  let dir: string;
  let pki: ClusterPki;
  let server: Server;
  let port: number;
  let kubeconfig: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "skiff-x509-"));
    pki = await ensureClusterPki(join(dir, "tls"), { serverNames: [], serverIPs: [] });
    server = createServer(tlsServerOptions(pki), handler());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
    kubeconfig = join(dir, "kubeconfig.yaml");
    await writeAdminKubeconfig(kubeconfig, {
      server: `https://127.0.0.1:${port}`,
      caPem: pki.caCertPem,
      certPem: pki.admin.certPem,
      keyPem: pki.admin.keyPem,
    });
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  for (const kubectl of kubectls) {
    it(`real ${kubectl.split("/").pop()} with the admin kubeconfig is system:admin in system:masters`, async () => {
      const started = performance.now();
      const { stdout } = await run(kubectl, [`--kubeconfig=${kubeconfig}`, "get", "--raw", "/whoami-test"], {
        env: { PATH: process.env["PATH"] ?? "", HOME: dir },
        timeout: 30_000,
      });
      console.log(`# ${kubectl} get --raw: ${(performance.now() - started).toFixed(0)} ms`);
      assert.deepEqual(JSON.parse(stdout), {
        name: "system:admin",
        groups: ["system:masters", "system:authenticated"],
      });
    });
  }

  it("Node's client with the admin certificate is the admin too", async () => {
    const reply = await get(port, "/whoami-test", pki.caCertPem, pki.admin);
    assert.equal(reply.status, 200);
    assert.equal(reply.body.name, "system:admin");
  });

  it("a certificate issued later carries its CN and every O entry, even ones needing escapes", async () => {
    const node = await pki.issueClientCertificate({
      commonName: "system:node:n1",
      organizations: ["system:nodes", "a, b=c+d"],
    });
    const reply = await get(port, "/x", pki.caCertPem, node);
    assert.deepEqual(reply.body, {
      name: "system:node:n1",
      groups: ["system:nodes", "a, b=c+d", "system:authenticated"],
    });
  });

  it("no client certificate: 401 Unauthorized Status", async () => {
    const reply = await get(port, "/api", pki.caCertPem);
    assert.equal(reply.status, 401);
    assert.equal(reply.body.reason, "Unauthorized");
    assert.equal(reply.body.code, 401);
  });

  it("no client certificate on /healthz, /readyz/ping and /version: anonymous, allowed", async () => {
    for (const path of ["/healthz", "/readyz/ping", "/version"]) {
      const reply = await get(port, path, pki.caCertPem);
      assert.equal(reply.status, 200, path);
      assert.deepEqual(reply.body, { name: "system:anonymous", groups: ["system:unauthenticated"] });
    }
  });

  it("a client certificate from another CA is no credential: 401", async () => {
    const foreign = await createCertificateAuthority("intruder-ca", 1);
    const forged = await issueCertificate(foreign, {
      commonName: "system:admin",
      organizations: ["system:masters"],
      days: 1,
      usage: "client",
    });
    const reply = await get(port, "/whoami-test", pki.caCertPem, forged);
    assert.equal(reply.status, 401);
    assert.equal(reply.body.reason, "Unauthorized");
  });

  it("the serving certificate (no clientAuth usage) is no client credential: 401", async () => {
    const reply = await get(port, "/whoami-test", pki.caCertPem, pki.serving);
    assert.equal(reply.status, 401);
  });

  it("reuses the parsed user across keep-alive requests on one connection", async () => {
    const authenticator = new X509Authenticator();
    let calls = 0;
    const socket = {
      authorized: true,
      getPeerCertificate: () => {
        calls++;
        return { subject: { CN: "u", O: ["g1", "g2"] }, valid_to: new Date(Date.now() + 60_000).toUTCString() };
      },
    };
    const req = { socket } as unknown as IncomingMessage;
    assert.deepEqual(authenticator.authenticate(req), { name: "u", groups: ["g1", "g2", "system:authenticated"] });
    assert.deepEqual(authenticator.authenticate(req), { name: "u", groups: ["g1", "g2", "system:authenticated"] });
    assert.equal(calls, 1);
    const expired = {
      ...socket,
      getPeerCertificate: () => ({ subject: { CN: "u" }, valid_to: "Jan 1 00:00:00 2000 GMT" }),
    };
    assert.equal(authenticator.authenticate({ socket: expired } as unknown as IncomingMessage), undefined);
    assert.equal(
      authenticator.authenticate({ socket: { ...socket, authorized: false } } as unknown as IncomingMessage),
      undefined,
    );
  });
});
