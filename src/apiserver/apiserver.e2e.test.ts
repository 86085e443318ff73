// The API server end to end on plain HTTP loopback: the real kubectl, and raw HTTP for status codes.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { makeTempDir } from "../../test/harness/tmp.js";
import { jsonBody, startTestApiServer, type TestApiServer } from "./testing.js";

const run = promisify(execFile);

function kubectlDir(): string | undefined {
  try {
    return dirname(realpathSync(execFileSync("which", ["kubectl"], { encoding: "utf8" }).trim()));
  } catch {
    return undefined;
  }
}

/** A watch event line as far as these tests read it. */
interface WatchLine {
  type: string;
  object: {
    kind?: string;
    code?: number;
    reason?: string;
    metadata: { name?: string; resourceVersion?: string; annotations?: Record<string, string> };
    rows: { cells: unknown[] }[];
  };
}

describe("API server over HTTP", () => {
  let tmp: { path: string; remove(): Promise<void> };
  let server: TestApiServer;
  const bin = kubectlDir();
  const kubectl131 = bin && existsSync(join(bin, "kubectl.1.31")) ? join(bin, "kubectl.1.31") : undefined;

  before(async () => {
    tmp = await makeTempDir("apiserver-e2e");
    server = await startTestApiServer({ watchCacheSize: 16 });
  });
  after(async () => {
    await server.close();
    await tmp.remove();
  });

  const kubectl = async (args: string[], binary = kubectl131!) => {
    try {
      const { stdout, stderr } = await run(binary, [`--server=${server.url}`, "--kubeconfig=/dev/null", ...args], {
        env: { PATH: process.env.PATH ?? "", HOME: tmp.path },
        timeout: 30_000,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
    }
  };
  const ok = async (args: string[], binary?: string) => {
    const r = await kubectl(args, binary);
    assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  };
  const http = (path: string, init: RequestInit = {}) => server.fetch(path, init);
  const json = jsonBody;

  it("kubectl: create -f, get (table, json), label, get -w, delete", { skip: !kubectl131 }, async () => {
    const file = join(tmp.path, "objs.yaml");
    writeFileSync(
      file,
      [
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: team-a\ndata:\n  k: v\n",
      ].join("---\n"),
    );
    assert.match(
      await ok(["create", "-f", file, "--validate=false"]),
      /namespace\/team-a created\nconfigmap\/cfg created/,
    );
    const table = await ok(["get", "ns"]);
    assert.match(table, /^NAME\s+STATUS\s+AGE\n/);
    for (const ns of ["default", "kube-system", "kube-public", "kube-node-lease", "team-a"])
      assert.match(table, new RegExp(`^${ns}\\s`, "m"));
    const cm = JSON.parse(await ok(["get", "cm", "cfg", "-n", "team-a", "-o", "json"]));
    assert.equal(cm.kind, "ConfigMap");
    assert.deepEqual(cm.data, { k: "v" });

    const exists = await kubectl(["create", "-f", file, "--validate=false"]);
    assert.equal(exists.code, 1);
    assert.match(
      exists.stderr,
      /Error from server \(AlreadyExists\): error when creating ".*": namespaces "team-a" already exists/,
    );

    // get -w: the list, then the watch shows the label change.
    const watch = spawn(
      kubectl131!,
      [`--server=${server.url}`, "--kubeconfig=/dev/null", "get", "cm", "-n", "team-a", "-w", "--show-labels"],
      {
        env: { PATH: process.env.PATH ?? "", HOME: tmp.path },
      },
    );
    let seen = "";
    watch.stdout.on("data", (d: Buffer) => (seen += d.toString()));
    try {
      const until = async (re: RegExp) => {
        for (let i = 0; i < 200 && !re.test(seen); i++) await new Promise((r) => setTimeout(r, 50));
        assert.match(seen, re);
      };
      await until(/cfg\s.*<none>/);
      assert.match(await ok(["label", "cm", "cfg", "-n", "team-a", "env=prod"]), /configmap\/cfg labeled/);
      await until(/cfg\s.*env=prod/);
    } finally {
      watch.kill();
    }
    assert.match(await ok(["get", "cm", "-n", "team-a", "-l", "env=prod", "-o", "name"]), /^configmap\/cfg$/m);
    assert.equal((await ok(["get", "cm", "-n", "team-a", "-l", "env=dev", "-o", "name"])).trim(), "");
    assert.match(await ok(["delete", "cm", "cfg", "-n", "team-a"]), /configmap "cfg" deleted/);
    const gone = await kubectl(["get", "cm", "cfg", "-n", "team-a"]);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /Error from server \(NotFound\): configmaps "cfg" not found/);
  });

  it("kubectl: run, scale, patch, replace conflict, dry run", { skip: !kubectl131 }, async () => {
    assert.match(await ok(["run", "p1", "--image=busybox"]), /pod\/p1 created/);
    const file = join(tmp.path, "deploy.yaml");
    writeFileSync(
      file,
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - {name: c, image: nginx}\n",
    );
    assert.match(await ok(["create", "-f", file, "--dry-run=server"]), /created \(server dry run\)/);
    // Default (strict) validation: kubectl finds fieldValidation in OpenAPI v3 and the server refuses.
    const bogus = join(tmp.path, "bogus.yaml");
    writeFileSync(bogus, readFileSync(file, "utf8").replace("  replicas: 1\n", "  replicas: 1\n  bogusField: 1\n"));
    const strict = await kubectl(["create", "-f", bogus]);
    assert.equal(strict.code, 1);
    assert.match(strict.stderr, /strict decoding error: unknown field "spec.bogusField"/);
    assert.match(await ok(["explain", "deployment.spec.replicas"]), /FIELD: replicas <integer>/);
    assert.equal((await kubectl(["get", "deploy", "web"])).code, 1);
    await ok(["create", "-f", file, "--validate=false"]);
    assert.match(await ok(["scale", "deploy", "web", "--replicas=3"]), /scaled/);
    const d = JSON.parse(await ok(["get", "deploy", "web", "-o", "json"]));
    assert.equal(d.spec.replicas, 3);
    assert.equal(d.metadata.generation, 2);
    await ok(["patch", "deploy", "web", "--type=merge", "-p", '{"spec":{"replicas":4}}']);
    assert.match(
      await ok(["patch", "deploy", "web", "--type=merge", "-p", '{"spec":{"replicas":4}}']),
      /patched \(no change\)/,
    );
    // replace with a stale resourceVersion: 409.
    const stale = { ...d, metadata: { ...d.metadata } };
    writeFileSync(join(tmp.path, "stale.json"), JSON.stringify(stale));
    const conflict = await kubectl(["replace", "-f", join(tmp.path, "stale.json"), "--validate=false"]);
    assert.equal(conflict.code, 1);
    assert.match(conflict.stderr, /Conflict.*the object has been modified/);
    assert.match(await ok(["delete", "pod", "p1"]), /pod "p1" deleted/);
  });

  it(
    "kubectl 1.33 create generators send protobuf bodies",
    { skip: !(bin && existsSync(join(bin, "kubectl.1.33"))) },
    async () => {
      const k133 = join(bin!, "kubectl.1.33");
      assert.match(await ok(["create", "configmap", "gen", "--from-literal=a=b"], k133), /configmap\/gen created/);
      const cm = JSON.parse(await ok(["get", "cm", "gen", "-o", "json"], k133));
      assert.deepEqual(cm.data, { a: "b" });
    },
  );

  it("kubectl auth can-i and whoami", { skip: !kubectl131 }, async () => {
    assert.equal((await ok(["auth", "can-i", "create", "pods"])).trim(), "yes");
    assert.match(await ok(["auth", "whoami"]), /Username\s+system:admin/);
    if (bin && existsSync(join(bin, "kubectl.1.33"))) {
      // 1.32+ sends these reviews as protobuf.
      assert.equal((await ok(["auth", "can-i", "delete", "nodes"], join(bin, "kubectl.1.33"))).trim(), "yes");
    }
  });

  it("answers bad input with the right Status", async () => {
    const status = async (res: Response, code: number, reason: string, message?: RegExp) => {
      const body = (await res.json()) as { kind: string; code: number; reason: string; message: string };
      assert.equal(res.status, code, JSON.stringify(body));
      assert.equal(body.kind, "Status");
      assert.equal(body.code, code);
      assert.equal(body.reason, reason);
      if (message) assert.match(body.message, message);
    };
    await status(await http("/api/v1/foos"), 404, "NotFound", /^the server could not find the requested resource$/);
    await status(await http("/apis/nope.io/v1/things"), 404, "NotFound");
    await status(await http("/nothing/here"), 404, "NotFound");
    await status(
      await http("/api/v1/namespaces/default/configmaps/none"),
      404,
      "NotFound",
      /^configmaps "none" not found$/,
    );
    const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "dup" } };
    assert.equal((await http("/api/v1/namespaces/default/configmaps", json(cm))).status, 201);
    await status(await http("/api/v1/namespaces/default/configmaps", json(cm)), 409, "AlreadyExists");
    await status(
      await http("/api/v1/namespaces/default/configmaps", json({ ...cm, metadata: { name: "Not_Valid" } })),
      422,
      "Invalid",
      /metadata.name: Invalid value/,
    );
    await status(
      await http("/api/v1/namespaces/default/configmaps", json("{not json")),
      400,
      "BadRequest",
      /json parse error/,
    );
    await status(
      await http("/api/v1/namespaces/default/configmaps", json("a: [b", "POST", "application/yaml")),
      400,
      "BadRequest",
      /error converting YAML to JSON/,
    );
    await status(
      await http("/api/v1/namespaces/default/configmaps", json({ ...cm, kind: "Secret", metadata: { name: "k" } })),
      400,
      "BadRequest",
    );
    await status(
      await http(
        "/api/v1/namespaces/default/configmaps",
        json({ ...cm, apiVersion: "apps/v1", metadata: { name: "k" } }),
      ),
      400,
      "BadRequest",
      /the API version in the data \(apps\/v1\) does not match the expected API version \(v1\)/,
    );
    await status(await http("/api/v1/namespaces/default/configmaps", json("[1,2]")), 400, "BadRequest");
    // A body without kind and apiVersion is defaulted from the URL.
    assert.equal(
      (await http("/api/v1/namespaces/default/configmaps", json({ metadata: { name: "bare" } }))).status,
      201,
    );
    await status(
      await http("/api/v1/namespaces/nope/configmaps", json({ metadata: { name: "x" } })),
      404,
      "NotFound",
      /^namespaces "nope" not found$/,
    );
    const big = { ...cm, metadata: { name: "big" }, data: { x: "y".repeat(3 * 1024 * 1024 + 10) } };
    await status(await http("/api/v1/namespaces/default/configmaps", json(big)), 413, "RequestEntityTooLarge");
    // Without a Content-Length (a chunked body) the limit is enforced while reading; a small one is read whole.
    const streamed = (value: object): RequestInit => {
      const bytes = new TextEncoder().encode(JSON.stringify(value));
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 65536) controller.enqueue(bytes.subarray(i, i + 65536));
          controller.close();
        },
      });
      return { method: "POST", headers: { "Content-Type": "application/json" }, body, duplex: "half" } as RequestInit;
    };
    await status(await http("/api/v1/namespaces/default/configmaps", streamed(big)), 413, "RequestEntityTooLarge");
    const small = { ...cm, metadata: { name: "streamed" }, data: { x: "y".repeat(200_000) } };
    const created = await http("/api/v1/namespaces/default/configmaps", streamed(small));
    assert.equal(created.status, 201);
    assert.equal(((await created.json()) as { data: { x: string } }).data.x.length, 200_000);
    await status(await http("/api/v1/namespaces", { method: "DELETE" }), 405, "MethodNotAllowed");
    await status(
      await http("/api/v1/namespaces/default/configmaps/dup", json({}, "PATCH", "text/plain")),
      415,
      "UnsupportedMediaType",
    );
    await status(
      await http("/api/v1/namespaces/default/configmaps", {
        headers: { Accept: "application/vnd.kubernetes.protobuf" },
      }),
      406,
      "NotAcceptable",
    );
    await status(await http("/api/v1/namespaces/default/configmaps?labelSelector=a%20in%20(", {}), 400, "BadRequest");
    await status(await http("/api/v1/namespaces/default/configmaps?fieldSelector=spec.foo%3Dx", {}), 400, "BadRequest");
    await status(
      await http(
        "/api/v1/namespaces/default/configmaps/dup",
        json('[{"op":"remove","path":"/nope"}]', "PATCH", "application/json-patch+json"),
      ),
      422,
      "Invalid",
    );
    // fieldValidation: Strict refuses unknown fields, Warn (the default) answers with a Warning header.
    const bogus = { metadata: { name: "bogus" }, data: {}, spec: { bogusField: 1 } };
    await status(
      await http("/api/v1/namespaces/default/configmaps?fieldValidation=Strict", json(bogus)),
      400,
      "BadRequest",
      /strict decoding error: unknown field "spec"/,
    );
    const warned = await http("/api/v1/namespaces/default/configmaps", json(bogus));
    assert.equal(warned.status, 201);
    assert.equal(warned.headers.get("warning"), '299 - "unknown field \\"spec\\""');
    await status(await http("/api/v1/namespaces/default/configmaps?dryRun=Some", json(cm)), 400, "BadRequest");
    // Still serving after all that.
    assert.equal((await http("/api/v1/namespaces/default/configmaps/dup")).status, 200);
  });

  it("Table and PartialObjectMetadata responses", async () => {
    const res = await http("/api/v1/namespaces?limit=2", {
      headers: { Accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json" },
    });
    assert.equal(res.headers.get("content-type"), "application/json;as=Table;v=v1;g=meta.k8s.io");
    const table = (await res.json()) as {
      kind: string;
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[]; object: { kind: string; metadata: { name: string } } }[];
      metadata: { continue?: string; remainingItemCount?: number };
    };
    assert.equal(table.kind, "Table");
    assert.deepEqual(
      table.columnDefinitions.map((c) => c.name),
      ["Name", "Status", "Age"],
    );
    assert.equal(table.rows.length, 2);
    assert.equal(table.rows[0]!.object.kind, "PartialObjectMetadata");
    assert.ok(table.metadata.continue);
    assert.ok((table.metadata.remainingItemCount ?? 0) >= 2);
    const meta = (await (
      await http("/api/v1/namespaces", {
        headers: { Accept: "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io" },
      })
    ).json()) as { kind: string };
    assert.equal(meta.kind, "PartialObjectMetadataList");
    // Resources without a printer get upstream's default table.
    const roles = (await (
      await http("/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles", {
        headers: { Accept: "application/json;as=Table;v=v1;g=meta.k8s.io" },
      })
    ).json()) as { columnDefinitions: { name: string }[] };
    assert.deepEqual(
      roles.columnDefinitions.map((c) => c.name),
      ["Name", "Created At"],
    );
  });

  it("watch: events, selectors, Table events, bookmarks, timeoutSeconds, 410", async () => {
    const list = (await (await http("/api/v1/namespaces/kube-public/configmaps")).json()) as {
      metadata: { resourceVersion: string };
    };
    const rv = list.metadata.resourceVersion;
    const read = async (path: string, init: RequestInit = {}) => {
      const res = await http(path, init);
      assert.equal(res.status, 200);
      const text = await res.text(); // ends at timeoutSeconds
      return text
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as WatchLine);
    };
    const watching = read(
      `/api/v1/namespaces/kube-public/configmaps?watch=true&resourceVersion=${rv}&labelSelector=app%3Dx&allowWatchBookmarks=true&timeoutSeconds=2`,
    );
    const tables = read(`/api/v1/namespaces/kube-public/configmaps?watch=1&resourceVersion=${rv}&timeoutSeconds=2`, {
      headers: { Accept: "application/json;as=Table;v=v1;g=meta.k8s.io" },
    });
    await new Promise((r) => setTimeout(r, 200));
    const base = "/api/v1/namespaces/kube-public/configmaps";
    await http(base, json({ metadata: { name: "w1", labels: { app: "x" } } }));
    await http(base, json({ metadata: { name: "w2", labels: { app: "y" } } }));
    await http(`${base}/w1`, json({ metadata: { labels: { app: "z" } } }, "PATCH", "application/merge-patch+json"));
    // Filtered out, but moves the revision on: a bookmark tells the watcher so.
    await http("/api/v1/namespaces/default/configmaps", json({ metadata: { name: "elsewhere" } }));
    const events = await watching;
    const typed = events.filter((e) => e.type !== "BOOKMARK").map((e) => `${e.type} ${e.object.metadata.name}`);
    assert.deepEqual(typed, ["ADDED w1", "DELETED w1"], "w2 filtered out; w1 leaving the selector is DELETED");
    const bookmarks = events.filter((e) => e.type === "BOOKMARK");
    assert.ok(bookmarks.length >= 1, "bookmarks sent");
    assert.deepEqual(Object.keys(bookmarks[0]!.object.metadata), ["resourceVersion", "creationTimestamp"]);
    assert.equal(bookmarks[0]!.object.kind, "ConfigMap");
    const t = await tables;
    assert.deepEqual(
      t.map((e) => e.type),
      ["ADDED", "ADDED", "MODIFIED"],
    );
    assert.equal(t[0]!.object.kind, "Table");
    assert.equal(t[0]!.object.rows[0]!.cells[0], "w1");

    // Push the first events out of the (16-event) window: a watch from before it gets 410 Expired.
    for (let i = 0; i < 20; i++)
      await http(`${base}/w2`, json({ data: { i: String(i) } }, "PATCH", "application/merge-patch+json"));
    const expired = await read(`${base}?watch=true&resourceVersion=${rv}&timeoutSeconds=1`);
    assert.equal(expired.length, 1);
    assert.equal(expired[0]!.type, "ERROR");
    assert.equal(expired[0]!.object.code, 410);
    assert.equal(expired[0]!.object.reason, "Expired");

    // Watch from "0": the current state as ADDED.
    const initial = await read(`${base}?watch=true&resourceVersion=0&timeoutSeconds=1`);
    assert.deepEqual(
      initial.map((e) => `${e.type} ${e.object.metadata.name}`),
      ["ADDED w1", "ADDED w2"],
    );
  });

  it("with an authenticator: 401 without credentials, except health and version", async () => {
    const authed = await startTestApiServer({
      authenticator: {
        authenticate: (req) =>
          req.headers.authorization === "Bearer good" ? { name: "alice", groups: ["system:authenticated"] } : undefined,
      },
      authorizer: {
        authorize: async (a) => ({ allowed: a.verb !== "delete", reason: "" }),
      },
    });
    try {
      const r = await fetch(`${authed.url}/api/v1/namespaces`);
      assert.equal(r.status, 401);
      assert.equal(((await r.json()) as { reason: string }).reason, "Unauthorized");
      for (const p of ["/healthz", "/livez", "/readyz", "/version"])
        assert.equal((await fetch(`${authed.url}${p}`)).status, 200, p);
      const good = await fetch(`${authed.url}/api/v1/namespaces`, { headers: { Authorization: "Bearer good" } });
      assert.equal(good.status, 200);
      const denied = await fetch(`${authed.url}/api/v1/namespaces/default`, {
        method: "DELETE",
        headers: { Authorization: "Bearer good" },
      });
      assert.equal(denied.status, 403);
      assert.match(
        ((await denied.json()) as { message: string }).message,
        /User "alice" cannot delete resource "namespaces"/,
      );
    } finally {
      await authed.close();
    }
  });
});
