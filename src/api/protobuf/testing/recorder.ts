/**
 * Test-only: a throw-away fake API server on 127.0.0.1 that serves just enough legacy discovery for kubectl
 * to find the resources below, records every POST body, and answers it with a 201 JSON echo (decoded with our
 * decoder, so a decode failure shows up as kubectl's error).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeKubernetesProtobuf, isKubernetesProtobuf } from "../index.js";
import { isStatusError } from "../../status.js";

export interface Capture {
  readonly method: string;
  readonly url: string;
  readonly contentType: string;
  readonly body: Buffer;
}

/** [resource, kind, namespaced, subresource of (group/version/kind)?] per group-version. */
type Resource = readonly [name: string, kind: string, namespaced: boolean, sub?: readonly [string, string, string]];

const RESOURCES: Readonly<Record<string, readonly Resource[]>> = {
  v1: [
    ["configmaps", "ConfigMap", true],
    ["secrets", "Secret", true],
    ["namespaces", "Namespace", false],
    ["services", "Service", true],
    ["serviceaccounts", "ServiceAccount", true],
    ["serviceaccounts/token", "TokenRequest", true, ["authentication.k8s.io", "v1", "TokenRequest"]],
    ["resourcequotas", "ResourceQuota", true],
    ["pods", "Pod", true],
  ],
  "apps/v1": [["deployments", "Deployment", true]],
  "batch/v1": [
    ["jobs", "Job", true],
    ["cronjobs", "CronJob", true],
  ],
  "rbac.authorization.k8s.io/v1": [
    ["roles", "Role", true],
    ["rolebindings", "RoleBinding", true],
    ["clusterroles", "ClusterRole", false],
    ["clusterrolebindings", "ClusterRoleBinding", false],
  ],
  "scheduling.k8s.io/v1": [["priorityclasses", "PriorityClass", false]],
  "policy/v1": [["poddisruptionbudgets", "PodDisruptionBudget", true]],
  "networking.k8s.io/v1": [["ingresses", "Ingress", true]],
  "authorization.k8s.io/v1": [
    ["selfsubjectaccessreviews", "SelfSubjectAccessReview", false],
    ["selfsubjectrulesreviews", "SelfSubjectRulesReview", false],
  ],
  "authentication.k8s.io/v1": [["selfsubjectreviews", "SelfSubjectReview", false]],
};

function resourceList(groupVersion: string): unknown {
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion,
    resources: (RESOURCES[groupVersion] ?? []).map(([name, kind, namespaced, sub]) => ({
      name,
      singularName: name.includes("/") ? "" : name.replace(/s$/, ""),
      namespaced,
      kind,
      verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
      ...(sub ? { group: sub[0], version: sub[1], kind: sub[2] } : {}),
    })),
  };
}

function groupList(): unknown {
  const groups = Object.keys(RESOURCES)
    .filter((gv) => gv.includes("/"))
    .map((gv) => {
      const [name, version] = gv.split("/") as [string, string];
      const v = { groupVersion: gv, version };
      return { name, versions: [v], preferredVersion: v };
    });
  return { kind: "APIGroupList", apiVersion: "v1", groups };
}

/** The status kubectl needs back from review-like kinds. */
function statusFor(kind: string): Record<string, unknown> | undefined {
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

function send(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}

function answer(req: IncomingMessage, res: ServerResponse, body: Buffer, captures: Capture[]): void {
  const path = (req.url ?? "/").split("?")[0]!;
  if (req.method === "POST") {
    captures.push({ method: "POST", url: req.url ?? "", contentType: req.headers["content-type"] ?? "", body });
    try {
      const object = isKubernetesProtobuf(req.headers["content-type"])
        ? decodeKubernetesProtobuf(body).object
        : (JSON.parse(body.toString("utf8")) as Record<string, unknown>);
      const status = statusFor(String(object.kind));
      send(res, 201, status ? { ...object, status } : object);
    } catch (e) {
      if (isStatusError(e)) send(res, e.code, e.status);
      else send(res, 500, { kind: "Status", apiVersion: "v1", status: "Failure", message: String(e), code: 500 });
    }
    return;
  }
  if (path === "/version") return send(res, 200, { major: "1", minor: "33", gitVersion: "v1.33.0" });
  if (path === "/api") return send(res, 200, { kind: "APIVersions", versions: ["v1"] });
  if (path === "/apis") return send(res, 200, groupList());
  if (path === "/api/v1") return send(res, 200, resourceList("v1"));
  const gv = /^\/apis\/([^/]+\/[^/]+)$/.exec(path)?.[1];
  if (gv && RESOURCES[gv]) return send(res, 200, resourceList(gv));
  send(res, 404, { kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404 });
}

export interface Recorder {
  readonly url: string;
  readonly captures: Capture[];
  close(): Promise<void>;
}

export async function startRecorder(): Promise<Recorder> {
  const captures: Capture[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => answer(req, res, Buffer.concat(chunks), captures));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    captures,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
