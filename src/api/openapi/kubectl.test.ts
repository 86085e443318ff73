/**
 * End to end: the real kubectl (the dispatcher on PATH, and the 1.27/1.28 binaries beside it) reads our OpenAPI
 * documents from a throw-away loopback server that also answers discovery and echoes created objects.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startFakeApiServer, type FakeApiServer } from "../../../test/harness/fake-apiserver.js";
import { findKubectl, kubectl, type Kubectl } from "../../../test/harness/kubectl.js";
import { openApiResponder } from "./respond.js";

const KUBECTL = findKubectl();

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
  const openapi = openApiResponder();
  let fake: FakeApiServer;
  /** The dispatcher on PATH; every run starts with an empty discovery and OpenAPI cache. */
  let k: Kubectl;
  let cm = "";
  let deploy = "";

  before(async () => {
    fake = await startFakeApiServer({
      // The OpenAPI documents, and created objects echoed back.
      handle: (request) => {
        const answer = openapi.respond(request.path, request.query, request.headers);
        if (answer) return answer;
        if (request.method !== "POST") return undefined;
        return { status: 201, headers: { "Content-Type": "application/json" }, body: request.body };
      },
    });
    k = kubectl({ server: fake.url, freshCache: true });
    cm = k.file("cm.yaml", CONFIGMAP);
    deploy = k.file("deploy.yaml", DEPLOYMENT);
  });
  after(async () => {
    await fake?.close();
    k?.cleanup();
  });

  async function createSendsStrict(runner: Kubectl): Promise<void> {
    fake.requests.length = 0;
    const out = await runner.ok(["create", "-f", cm]);
    assert.match(out, /configmap\/demo created/);
    const post = fake.requests.find((s) => s.method === "POST");
    assert.ok(post, "kubectl sent no POST");
    assert.equal(post.path, "/api/v1/namespaces/default/configmaps");
    assert.equal(post.query.get("fieldValidation"), "Strict");
  }

  it("create -f sends fieldValidation=Strict after reading the v3 document", async () => {
    await createSendsStrict(k);
    const paths = fake.requests.map((s) => s.path);
    assert.ok(paths.includes("/openapi/v3"));
    assert.ok(paths.includes("/openapi/v3/api/v1"));
    const doc = fake.requests.find((s) => s.path === "/openapi/v3/api/v1");
    assert.match(doc?.query.get("hash") ?? "", /^[0-9A-F]+$/);
  });

  it("apply -f of a Deployment creates it with fieldValidation=Strict", async () => {
    fake.requests.length = 0;
    const out = await k.ok(["apply", "-f", deploy]);
    assert.match(out, /deployment.apps\/web created/);
    const post = fake.requests.find((s) => s.method === "POST");
    assert.equal(post?.path, "/apis/apps/v1/namespaces/default/deployments");
    assert.equal(post?.query.get("fieldValidation"), "Strict");
  });

  it("explain pods.spec.containers prints field names and types", async () => {
    const out = await k.ok(["explain", "pods.spec.containers"]);
    assert.match(out, /FIELD: containers <\[\]Container>/);
    assert.match(out, /^\s+image\t<string>$/m);
    assert.match(out, /^\s+ports\t<\[\]ContainerPort>$/m);
    assert.match(out, /^\s+name\t<string> -required-$/m);
    assert.match(out, /^\s+env\t<\[\]EnvVar>$/m);
  });

  it("explain deployment.spec marks selector and template required", async () => {
    const out = await k.ok(["explain", "deployment.spec"]);
    assert.match(out, /^\s+selector\t<LabelSelector> -required-$/m);
    assert.match(out, /^\s+template\t<PodTemplateSpec> -required-$/m);
    assert.match(out, /^\s+replicas\t<integer>$/m);
  });

  it("explain shows maps and upstream's descriptions from the installed kubernetes-types", async () => {
    const out = await k.ok(["explain", "configmap"]);
    assert.match(out, /^\s+data\t<map\[string\]string>$/m);
    assert.match(out, /^DESCRIPTION:\n\s+ConfigMap holds configuration data/m);
    const field = await k.ok(["explain", "configmap.data"]);
    assert.match(field, /^FIELD:\s+data\s+<map\[string\]string>$/m);
    assert.match(field, /^DESCRIPTION:\n\s+Data contains the configuration data\./m);
  });

  for (const minor of [27, 28]) {
    const installed = findKubectl(`1.${minor}`) !== undefined;
    it(
      `kubectl 1.${minor} reads the v2 protobuf and creates with fieldValidation=Strict`,
      { skip: !installed },
      async () => {
        const pinned = kubectl({ server: fake.url, minor: `1.${minor}`, freshCache: true });
        try {
          await createSendsStrict(pinned);
          assert.ok(
            fake.requests.some((s) => s.path === "/openapi/v2"),
            "kubectl did not fetch /openapi/v2",
          );
          const out = await pinned.ok(["explain", "deployment.spec.template.spec.containers"]);
          assert.match(out, /^\s+ports\t<\[\]ContainerPort>$/m);
        } finally {
          pinned.cleanup();
        }
      },
    );
  }
});
