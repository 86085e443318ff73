/**
 * End to end: the real kubectl (the dispatcher on PATH, and the 1.27/1.28 binaries beside it) reads our OpenAPI
 * documents from a throw-away loopback server that also answers discovery and echoes created objects.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { accessSync, constants, existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DiscoveryResponder } from "../discovery/respond.js";
import { openApiResponder } from "./respond.js";

function onPath(name: string): string | undefined {
  for (const dir of (process.env["PATH"] ?? "").split(delimiter)) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

const KUBECTL = onPath("kubectl");

/** kubectl.1.<minor> beside the dispatcher, when installed. */
function versioned(minor: number): string | undefined {
  if (!KUBECTL) return undefined;
  const file = join(dirname(realpathSync(KUBECTL)), `kubectl.1.${minor}`);
  return existsSync(file) ? file : undefined;
}

interface Seen {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
}

class FakeServer {
  readonly seen: Seen[] = [];
  private readonly server: Server;
  private readonly openapi = openApiResponder();
  private readonly discovery = new DiscoveryResponder({ serverAddress: "127.0.0.1:6443" });

  constructor() {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        this.seen.push({ method: req.method ?? "", path: url.pathname, query: url.searchParams });
        const send = (status: number, headers: Record<string, string>, body: string | Uint8Array): void => {
          res.writeHead(status, headers);
          res.end(body);
        };
        if (url.pathname === "/version") {
          send(
            200,
            { "Content-Type": "application/json" },
            JSON.stringify({ major: "1", minor: "33", gitVersion: "v1.33.0" }),
          );
          return;
        }
        const answer =
          this.openapi.respond(url.pathname, url.searchParams, req.headers) ??
          (req.method === "GET"
            ? this.discovery.respond(url.pathname, req.headers.accept, req.headers["if-none-match"])
            : undefined);
        if (answer) send(answer.status, { ...answer.headers }, answer.body);
        else if (req.method === "POST")
          send(201, { "Content-Type": "application/json" }, Buffer.concat(chunks).toString("utf8"));
        else
          send(
            404,
            { "Content-Type": "application/json" },
            JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404 }),
          );
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function run(binary: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${binary} ${args.join(" ")}: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

const CONFIGMAP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: demo
  namespace: default
data:
  a: b
`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx
`;

describe("real kubectl reads the OpenAPI documents", { skip: KUBECTL ? false : "kubectl is not on PATH" }, () => {
  const fake = new FakeServer();
  let server = "";
  const work = mkdtempSync(join(tmpdir(), "skiff-openapi-kubectl-"));
  const cm = join(work, "cm.yaml");
  const deploy = join(work, "deploy.yaml");
  let caches = 0;

  before(async () => {
    server = await fake.start();
    writeFileSync(cm, CONFIGMAP);
    writeFileSync(deploy, DEPLOYMENT);
  });
  after(async () => {
    await fake.stop();
    rmSync(work, { recursive: true, force: true });
  });

  function kubectl(binary: string, ...args: string[]): Promise<string> {
    const cache = join(work, `cache-${caches++}`);
    return run(binary, [`--server=${server}`, "--kubeconfig=/dev/null", `--cache-dir=${cache}`, ...args]);
  }

  async function createSendsStrict(binary: string): Promise<void> {
    fake.seen.length = 0;
    const out = await kubectl(binary, "create", "-f", cm);
    assert.match(out, /configmap\/demo created/);
    const post = fake.seen.find((s) => s.method === "POST");
    assert.ok(post, "kubectl sent no POST");
    assert.equal(post.path, "/api/v1/namespaces/default/configmaps");
    assert.equal(post.query.get("fieldValidation"), "Strict");
  }

  it("create -f sends fieldValidation=Strict after reading the v3 document", async () => {
    await createSendsStrict(KUBECTL ?? "kubectl");
    const paths = fake.seen.map((s) => s.path);
    assert.ok(paths.includes("/openapi/v3"));
    assert.ok(paths.includes("/openapi/v3/api/v1"));
    const doc = fake.seen.find((s) => s.path === "/openapi/v3/api/v1");
    assert.match(doc?.query.get("hash") ?? "", /^[0-9A-F]+$/);
  });

  it("apply -f of a Deployment creates it with fieldValidation=Strict", async () => {
    fake.seen.length = 0;
    const out = await kubectl(KUBECTL ?? "kubectl", "apply", "-f", deploy);
    assert.match(out, /deployment.apps\/web created/);
    const post = fake.seen.find((s) => s.method === "POST");
    assert.equal(post?.path, "/apis/apps/v1/namespaces/default/deployments");
    assert.equal(post?.query.get("fieldValidation"), "Strict");
  });

  it("explain pods.spec.containers prints field names and types", async () => {
    const out = await kubectl(KUBECTL ?? "kubectl", "explain", "pods.spec.containers");
    assert.match(out, /FIELD: containers <\[\]Container>/);
    assert.match(out, /^\s+image\t<string>$/m);
    assert.match(out, /^\s+ports\t<\[\]ContainerPort>$/m);
    assert.match(out, /^\s+name\t<string> -required-$/m);
    assert.match(out, /^\s+env\t<\[\]EnvVar>$/m);
  });

  it("explain deployment.spec marks selector and template required", async () => {
    const out = await kubectl(KUBECTL ?? "kubectl", "explain", "deployment.spec");
    assert.match(out, /^\s+selector\t<LabelSelector> -required-$/m);
    assert.match(out, /^\s+template\t<PodTemplateSpec> -required-$/m);
    assert.match(out, /^\s+replicas\t<integer>$/m);
  });

  it("explain shows maps and our kind description", async () => {
    const out = await kubectl(KUBECTL ?? "kubectl", "explain", "configmap");
    assert.match(out, /^\s+data\t<map\[string\]string>$/m);
    assert.match(out, /ConfigMap is a v1 API object/);
  });

  for (const minor of [27, 28]) {
    const binary = versioned(minor);
    it(
      `kubectl 1.${minor} reads the v2 protobuf and creates with fieldValidation=Strict`,
      { skip: !binary },
      async () => {
        await createSendsStrict(binary ?? "");
        assert.ok(
          fake.seen.some((s) => s.path === "/openapi/v2"),
          "kubectl did not fetch /openapi/v2",
        );
        const out = await kubectl(binary ?? "", "explain", "deployment.spec.template.spec.containers");
        assert.match(out, /^\s+ports\t<\[\]ContainerPort>$/m);
      },
    );
  }
});
