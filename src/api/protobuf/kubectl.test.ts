/**
 * Real kubectl (1.32, 1.33) protobuf bodies: each command runs against a recording fake API server on 127.0.0.1,
 * which answers every POST with what our decoder reads from it (so a decode failure shows up as kubectl's error),
 * and its
 * POST body must decode to (1) the literal JSON below and (2) exactly what kubectl itself prints for the same
 * object with `--dry-run=client -o json` (Go's encoding/json view; the null creationTimestamp aside).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  jsonReply,
  startFakeApiServer,
  type FakeApiServer,
  type RecordedRequest,
  type Reply,
} from "../../../test/harness/fake-apiserver.js";
import { findKubectl, kubectl, type Kubectl } from "../../../test/harness/kubectl.js";
import { isStatusError } from "../status.js";
import { decodeKubernetesProtobuf, isKubernetesProtobuf, PROTOBUF_MEDIA_TYPE } from "./index.js";

/** 1.32 is the first minor sending protobuf bodies; 1.33 is the main target. */
const MINORS = ["1.32", "1.33"] as const;
type Json = Record<string, unknown>;

/** kubectl's client-side rendering, minus the `creationTimestamp: null` that newer apimachinery omits. */
function clientJson(stdout: string): Json {
  return JSON.parse(stdout, (key, v: unknown) => (key === "creationTimestamp" && v === null ? undefined : v)) as Json;
}

/** Inserts flags before a `--` command separator. */
function withFlags(args: readonly string[], ...flags: string[]): string[] {
  const i = args.indexOf("--");
  return i < 0 ? [...args, ...flags] : [...args.slice(0, i), ...flags, ...args.slice(i)];
}

const labels = (app: string): Json => ({ name: app, labels: { app } });
const GENERATORS: readonly [string, readonly string[], Json][] = [
  [
    "configmap",
    ["create", "configmap", "c", "--from-literal=k=v", "--from-literal=a=b"],
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: "b", k: "v" } },
  ],
  [
    "secret generic",
    ["create", "secret", "generic", "s", "--from-literal=password=hunter2", "--type=Opaque"],
    { apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, data: { password: "aHVudGVyMg==" }, type: "Opaque" },
  ],
  [
    "secret docker-registry",
    ["create", "secret", "docker-registry", "d", "--docker-server=r.io", "--docker-username=u", "--docker-password=p"],
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "d" },
      data: {
        ".dockerconfigjson": Buffer.from('{"auths":{"r.io":{"username":"u","password":"p","auth":"dTpw"}}}').toString(
          "base64",
        ),
      },
      type: "kubernetes.io/dockerconfigjson",
    },
  ],
  [
    "namespace",
    ["create", "namespace", "ns1"],
    { apiVersion: "v1", kind: "Namespace", metadata: { name: "ns1" }, spec: {}, status: {} },
  ],
  [
    "deployment",
    ["create", "deployment", "web", "--image=nginx:1.27", "--replicas=3", "--port=8080"],
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: labels("web"),
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: {
            containers: [{ name: "nginx", image: "nginx:1.27", ports: [{ containerPort: 8080 }], resources: {} }],
          },
        },
        strategy: {},
      },
      status: {},
    },
  ],
  [
    "service clusterip",
    ["create", "service", "clusterip", "svc", "--tcp=80:8080"],
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: labels("svc"),
      spec: {
        ports: [{ name: "80-8080", protocol: "TCP", port: 80, targetPort: 8080 }],
        selector: { app: "svc" },
        type: "ClusterIP",
      },
      status: { loadBalancer: {} },
    },
  ],
  [
    "service nodeport",
    ["create", "service", "nodeport", "np", "--tcp=80:http", "--node-port=30080"],
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: labels("np"),
      spec: {
        ports: [{ name: "80-http", protocol: "TCP", port: 80, targetPort: "http", nodePort: 30080 }],
        selector: { app: "np" },
        type: "NodePort",
      },
      status: { loadBalancer: {} },
    },
  ],
  [
    "service loadbalancer",
    ["create", "service", "loadbalancer", "lb", "--tcp=443:8443"],
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: labels("lb"),
      spec: {
        ports: [{ name: "443-8443", protocol: "TCP", port: 443, targetPort: 8443 }],
        selector: { app: "lb" },
        type: "LoadBalancer",
      },
      status: { loadBalancer: {} },
    },
  ],
  [
    "service externalname",
    ["create", "service", "externalname", "ext", "--external-name=example.com"],
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: labels("ext"),
      spec: { selector: { app: "ext" }, type: "ExternalName", externalName: "example.com" },
      status: { loadBalancer: {} },
    },
  ],
  [
    "job",
    ["create", "job", "j", "--image=busybox", "--", "echo", "hi"],
    {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "j" },
      spec: {
        template: {
          metadata: {},
          spec: {
            containers: [{ name: "j", image: "busybox", command: ["echo", "hi"], resources: {} }],
            restartPolicy: "Never",
          },
        },
      },
      status: {},
    },
  ],
  [
    "cronjob",
    ["create", "cronjob", "cj", "--image=busybox", "--schedule=*/5 * * * *", "--", "echo", "hi"],
    {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "cj" },
      spec: {
        schedule: "*/5 * * * *",
        jobTemplate: {
          metadata: { name: "cj" },
          spec: {
            template: {
              metadata: {},
              spec: {
                containers: [{ name: "cj", image: "busybox", command: ["echo", "hi"], resources: {} }],
                restartPolicy: "OnFailure",
              },
            },
          },
        },
      },
      status: {},
    },
  ],
  [
    "serviceaccount",
    ["create", "serviceaccount", "sa1"],
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "sa1" } },
  ],
  [
    "role",
    ["create", "role", "r", "--verb=get,list", "--resource=pods"],
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "r" },
      rules: [{ verbs: ["get", "list"], apiGroups: [""], resources: ["pods"] }],
    },
  ],
  [
    "rolebinding",
    ["create", "rolebinding", "rb", "--role=r", "--user=alice", "--serviceaccount=default:sa1"],
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "rb" },
      subjects: [
        { kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "alice" },
        { kind: "ServiceAccount", name: "sa1", namespace: "default" },
      ],
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "r" },
    },
  ],
  [
    "clusterrole",
    ["create", "clusterrole", "cr", "--verb=get", "--resource=pods", "--non-resource-url=/healthz"],
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: "cr" },
      rules: [
        { verbs: ["get"], apiGroups: [""], resources: ["pods"] },
        { verbs: ["get"], nonResourceURLs: ["/healthz"] },
      ],
    },
  ],
  [
    "clusterrolebinding",
    ["create", "clusterrolebinding", "crb", "--clusterrole=cr", "--user=bob", "--group=devs"],
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: "crb" },
      subjects: [
        { kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "bob" },
        { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "devs" },
      ],
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cr" },
    },
  ],
  [
    "quota",
    ["create", "quota", "q", "--hard=cpu=1,memory=1Gi,pods=10"],
    {
      apiVersion: "v1",
      kind: "ResourceQuota",
      metadata: { name: "q" },
      spec: { hard: { cpu: "1", memory: "1Gi", pods: "10" } },
      status: {},
    },
  ],
  [
    "priorityclass",
    ["create", "priorityclass", "pc", "--value=1000", "--description=high", "--preemption-policy=Never"],
    {
      apiVersion: "scheduling.k8s.io/v1",
      kind: "PriorityClass",
      metadata: { name: "pc" },
      value: 1000,
      description: "high",
      preemptionPolicy: "Never",
    },
  ],
  [
    "poddisruptionbudget min-available",
    ["create", "poddisruptionbudget", "pdb", "--selector=app=web", "--min-available=50%"],
    {
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: { name: "pdb" },
      spec: { minAvailable: "50%", selector: { matchLabels: { app: "web" } } },
      status: { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 },
    },
  ],
  [
    "poddisruptionbudget max-unavailable",
    ["create", "poddisruptionbudget", "pdb2", "--selector=app=x", "--max-unavailable=1"],
    {
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: { name: "pdb2" },
      spec: { selector: { matchLabels: { app: "x" } }, maxUnavailable: 1 },
      status: { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 },
    },
  ],
  [
    "ingress",
    ["create", "ingress", "ing", "--rule=foo.com/bar=svc1:8080,tls=my-cert", "--class=nginx"],
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata: { name: "ing" },
      spec: {
        ingressClassName: "nginx",
        tls: [{ hosts: ["foo.com"], secretName: "my-cert" }],
        rules: [
          {
            host: "foo.com",
            http: {
              paths: [
                { path: "/bar", pathType: "Exact", backend: { service: { name: "svc1", port: { number: 8080 } } } },
              ],
            },
          },
        ],
      },
      status: { loadBalancer: {} },
    },
  ],
];

/** The status kubectl needs back from review-like kinds. */
function statusFor(kind: string): Json | undefined {
  switch (kind) {
    case "SelfSubjectAccessReview":
      return { allowed: true };
    case "SelfSubjectRulesReview":
      return { resourceRules: [], nonResourceRules: [], incomplete: false };
    case "SelfSubjectReview":
      return { userInfo: { username: "tester", groups: ["system:authenticated"] } };
    case "TokenRequest":
      return { token: "fake-token", expirationTimestamp: "2030-01-01T00:00:00Z" };
    default:
      return undefined;
  }
}

/** Answers a POST with a 201 echo of the object as our decoder reads it (plus a status for review-like kinds). */
function echoDecoded(request: RecordedRequest): Reply | undefined {
  if (request.method !== "POST") return undefined;
  try {
    const object = isKubernetesProtobuf(request.headers["content-type"])
      ? decodeKubernetesProtobuf(request.body).object
      : (JSON.parse(request.body.toString("utf8")) as Json);
    const status = statusFor(String(object.kind));
    return jsonReply(201, status ? { ...object, status } : object);
  } catch (e) {
    if (isStatusError(e)) return jsonReply(e.code, e.status);
    return jsonReply(500, { kind: "Status", apiVersion: "v1", status: "Failure", message: String(e), code: 500 });
  }
}

for (const minor of MINORS) {
  describe(
    `real kubectl ${minor} protobuf bodies`,
    { skip: findKubectl(minor) ? false : `kubectl.${minor} not found` },
    () => kubectlSuite(minor),
  );
}

function kubectlSuite(minor: string): void {
  let fake: FakeApiServer;
  let k: Kubectl;
  before(async () => {
    fake = await startFakeApiServer({ handle: echoDecoded });
    k = kubectl({ server: fake.url, minor });
  });
  after(async () => {
    await fake?.close();
    k?.cleanup();
  });

  /** Runs kubectl, asserts it succeeded and sent one protobuf POST to `pathPart`, and decodes that body. */
  async function posted(args: readonly string[], pathPart: string): Promise<Json> {
    const first = fake.requests.length;
    const result = await k.run(args);
    assert.equal(result.code, 0, `kubectl ${args.join(" ")}: ${result.stderr}`);
    const posts = fake.requests.slice(first).filter((r) => r.method === "POST");
    assert.equal(posts.length, 1, `one POST expected, got ${posts.length}`);
    const post = posts[0]!;
    assert.ok(post.url.includes(pathPart), post.url);
    assert.equal(post.contentType, PROTOBUF_MEDIA_TYPE);
    assert.deepEqual([...post.body.subarray(0, 4)], [0x6b, 0x38, 0x73, 0x00]);
    const decoded = decodeKubernetesProtobuf(post.body);
    assert.equal(decoded.object.apiVersion, decoded.apiVersion);
    assert.equal(decoded.object.kind, decoded.kind);
    return decoded.object;
  }

  for (const [name, args, expected] of GENERATORS) {
    test(`create ${name}`, async () => {
      const object = await posted(withFlags(args, "--dry-run=server"), "dryRun=All");
      assert.deepStrictEqual(object, expected);
      const client = await k.run(withFlags(args, "--dry-run=client", "-o", "json"));
      assert.equal(client.code, 0, client.stderr);
      assert.deepStrictEqual(object, clientJson(client.stdout), "differs from kubectl's own JSON rendering");
    });
  }

  test("create secret tls", { skip: hasOpenssl() ? false : "openssl not found" }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "skiff-tls-"));
    try {
      const [crt, key] = [join(dir, "tls.crt"), join(dir, "tls.key")];
      execFileSync(
        "openssl",
        ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", crt, "-days", "1", "-subj", "/CN=x"],
        { stdio: "ignore" },
      );
      const object = await posted(["create", "secret", "tls", "t", `--cert=${crt}`, `--key=${key}`], "/secrets");
      assert.deepStrictEqual(object, {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "t" },
        data: { "tls.crt": readFileSync(crt).toString("base64"), "tls.key": readFileSync(key).toString("base64") },
        type: "kubernetes.io/tls",
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("create token (TokenRequest)", async () => {
    const object = await posted(
      ["create", "token", "sa1", "--duration=1h", "--audience=api"],
      "/serviceaccounts/sa1/token",
    );
    assert.deepStrictEqual(object, {
      apiVersion: "authentication.k8s.io/v1",
      kind: "TokenRequest",
      metadata: {},
      spec: { audiences: ["api"], expirationSeconds: 3600 },
      status: { token: "", expirationTimestamp: null },
    });
  });

  test("auth can-i create pods (SelfSubjectAccessReview)", async () => {
    const object = await posted(["auth", "can-i", "create", "pods", "-n", "team"], "/selfsubjectaccessreviews");
    assert.deepStrictEqual(object, {
      apiVersion: "authorization.k8s.io/v1",
      kind: "SelfSubjectAccessReview",
      metadata: {},
      spec: { resourceAttributes: { namespace: "team", verb: "create", resource: "pods" } },
      status: { allowed: false },
    });
  });

  test("auth can-i --list (SelfSubjectRulesReview)", async () => {
    const object = await posted(["auth", "can-i", "--list"], "/selfsubjectrulesreviews");
    assert.deepStrictEqual(object, {
      apiVersion: "authorization.k8s.io/v1",
      kind: "SelfSubjectRulesReview",
      metadata: {},
      spec: { namespace: "default" },
      status: { resourceRules: null, nonResourceRules: null, incomplete: false },
    });
  });

  test("auth whoami (SelfSubjectReview)", async () => {
    const object = await posted(["auth", "whoami"], "/selfsubjectreviews");
    assert.deepStrictEqual(object, {
      apiVersion: "authentication.k8s.io/v1",
      kind: "SelfSubjectReview",
      metadata: {},
      status: { userInfo: {} },
    });
  });
}

function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
