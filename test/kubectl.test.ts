// The real kubectl against a real `skiff server` (HTTPS, client certificates, SQLite): the commands a
// Kubernetes user types first. The kubectl on PATH dispatches to kubectl.1.<server minor>, so this also
// exercises protobuf request bodies (kubectl 1.32+ `create` generators and `auth`).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { startSkiffServer, type SkiffServer } from "./harness/skiff.js";
import { kubectl, type Kubectl } from "./harness/kubectl.js";

describe("kubectl against skiff server", () => {
  let server: SkiffServer;
  let k: Kubectl;
  before(async () => {
    server = await startSkiffServer();
    k = kubectl({ kubeconfig: server.kubeconfig });
  });
  after(async () => {
    k?.cleanup();
    await server?.stop();
  });

  it("version and the system namespaces", async () => {
    assert.match(await k.ok(["version"]), /Server Version: v1\.\d+\.\d+/);
    const names = (await k.ok(["get", "namespaces", "-o", "name"])).trim().split("\n");
    assert.deepEqual(names.sort(), [
      "namespace/default",
      "namespace/kube-node-lease",
      "namespace/kube-public",
      "namespace/kube-system",
    ]);
    const table = await k.ok(["get", "ns"]);
    assert.match(table, /^NAME\s+STATUS\s+AGE$/m);
    assert.match(table, /^kube-system\s+Active\s+\d+s$/m);
  });

  it("create generators (protobuf bodies) and reads in every output format", async () => {
    await k.ok(["create", "namespace", "shop"]);
    await k.ok(["create", "configmap", "settings", "-n", "shop", "--from-literal=color=blue"]);
    await k.ok(["create", "secret", "generic", "token", "-n", "shop", "--from-literal=key=s3cret"]);
    await k.ok(["create", "deployment", "web", "-n", "shop", "--image=nginx:1.27", "--replicas=2"]);
    await k.ok(["create", "service", "clusterip", "web", "-n", "shop", "--tcp=80:8080"]);
    await k.ok(["create", "job", "once", "-n", "shop", "--image=busybox", "--", "true"]);

    const cm = JSON.parse(await k.ok(["get", "configmap", "settings", "-n", "shop", "-o", "json"])) as {
      data: Record<string, string>;
      metadata: { uid: string; resourceVersion: string };
    };
    assert.deepEqual(cm.data, { color: "blue" });
    assert.match(cm.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.match(cm.metadata.resourceVersion, /^\d+$/);
    const secret = await k.ok(["get", "secret", "token", "-n", "shop", "-o", "jsonpath={.data.key}"]);
    assert.equal(Buffer.from(secret, "base64").toString(), "s3cret");
    // The controllers create the pods; with no node to run on they stay Pending (0 ready, 2 up to date).
    await k.ok(["wait", "-n", "shop", "--for=jsonpath={.status.updatedReplicas}=2", "deployment/web", "--timeout=30s"]);
    const deploy = await k.ok(["get", "deploy", "web", "-n", "shop", "-o", "wide"]);
    assert.match(deploy, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/m);
    assert.match(deploy, /^web\s+0\/2\s+2\s+0\s+\d+s\s+nginx\s+nginx:1\.27\s+app=web$/m);
    const yaml = await k.ok(["get", "deploy", "web", "-n", "shop", "-o", "yaml"]);
    assert.match(yaml, /strategy:\n\s+rollingUpdate:\n\s+maxSurge: 25%/, "defaults applied");
    const svc = await k.ok(["get", "svc", "web", "-n", "shop"]);
    assert.match(svc, /^web\s+ClusterIP\s+\S+\s+<none>\s+80\/TCP\s+\d+s$/m);
    const all = await k.ok(["get", "all", "-A"]);
    assert.match(all, /^shop\s+deployment\.apps\/web/m);
  });

  it("label, annotate, selectors, --show-labels and -L", async () => {
    await k.ok(["create", "configmap", "a", "--from-literal=x=1"]);
    await k.ok(["create", "configmap", "b", "--from-literal=x=2"]);
    assert.match(await k.ok(["label", "configmap", "a", "tier=front"]), /configmap\/a labeled/);
    assert.match(await k.ok(["annotate", "configmap", "a", "owner=team"]), /configmap\/a annotated/);
    assert.equal((await k.ok(["get", "cm", "-l", "tier=front", "-o", "name"])).trim(), "configmap/a");
    assert.equal((await k.ok(["get", "cm", "-l", "tier!=front,x!=y", "-o", "name"])).includes("configmap/a"), false);
    assert.equal(
      (await k.ok(["get", "cm", "--field-selector", "metadata.name=b", "-o", "name"])).trim(),
      "configmap/b",
    );
    assert.match(await k.ok(["get", "cm", "a", "--show-labels"]), /tier=front/);
    assert.match(await k.ok(["get", "cm", "-L", "tier"]), /^a\s+1\s+\d+s\s+front$/m);
    const bad = await k.run(["get", "cm", "-l", "tier in (a"]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /unable to parse requirement|found '', expected/);
  });

  it("patch (strategic, merge, json), scale and replace", async () => {
    await k.ok(["create", "deployment", "api", "--image=nginx:1.26"]);
    await k.ok([
      "patch",
      "deploy",
      "api",
      "-p",
      '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.27"}]}}}}',
    ]);
    await k.ok(["patch", "deploy", "api", "--type=merge", "-p", '{"metadata":{"labels":{"patched":"yes"}}}']);
    await k.ok(["patch", "deploy", "api", "--type=json", "-p", '[{"op":"replace","path":"/spec/replicas","value":3}]']);
    const d = JSON.parse(await k.ok(["get", "deploy", "api", "-o", "json"])) as {
      metadata: { labels: Record<string, string>; generation: number };
      spec: { replicas: number; template: { spec: { containers: { name: string; image: string }[] } } };
    };
    assert.deepEqual(
      d.spec.template.spec.containers.map((c) => [c.name, c.image]),
      [["nginx", "nginx:1.27"]],
    );
    assert.equal(d.metadata.labels.patched, "yes");
    assert.equal(d.spec.replicas, 3);
    assert.equal(d.metadata.generation, 3, "generation counts spec changes only (image, replicas)");
    assert.match(
      await k.ok(["patch", "deploy", "api", "--type=merge", "-p", '{"spec":{"replicas":3}}']),
      /patched \(no change\)/,
    );
    assert.match(await k.ok(["scale", "deploy", "api", "--replicas=5"]), /scaled/);
    assert.equal(await k.ok(["get", "deploy", "api", "-o", "jsonpath={.spec.replicas}"]), "5");

    const stale = JSON.parse(await k.ok(["get", "cm", "a", "-o", "json"])) as { metadata: { resourceVersion: string } };
    await k.ok(["label", "cm", "a", "bump=1"]);
    const conflict = await k.run(["replace", "-f", "-"], {
      stdin: JSON.stringify({ ...stale, data: { x: "9" } }),
    });
    assert.notEqual(conflict.code, 0);
    assert.match(conflict.stderr, /Error from server \(Conflict\).*the object has been modified/);
  });

  it("apply (new, unchanged, changed, multi-document), diff, edit, explain, strict validation, dry run", async () => {
    const manifest = (image: string): string =>
      [
        "apiVersion: v1",
        "kind: ConfigMap",
        "metadata: {name: app-config, labels: {app: app}}",
        "data: {key: value}",
        "---",
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata: {name: app}",
        "spec:",
        "  replicas: 2",
        "  selector: {matchLabels: {app: app}}",
        "  template:",
        "    metadata: {labels: {app: app}}",
        "    spec: {containers: [{name: web, image: " + image + ", ports: [{containerPort: 80}]}]}",
      ].join("\n");
    const v1 = k.file("app-v1.yaml", manifest("nginx:1.25"));
    const v2 = k.file("app-v2.yaml", manifest("nginx:1.26"));
    assert.match(await k.ok(["apply", "-f", v1]), /configmap\/app-config created\ndeployment\.apps\/app created/);
    assert.match(await k.ok(["apply", "-f", v1]), /configmap\/app-config unchanged\ndeployment\.apps\/app unchanged/);
    const diff = await k.run(["diff", "-f", v2]);
    assert.equal(diff.code, 1, "diff exits 1 when the live object differs");
    assert.match(diff.stdout, /^-\s+- image: nginx:1\.25$/m);
    assert.match(diff.stdout, /^\+\s+- image: nginx:1\.26$/m);
    assert.match(await k.ok(["apply", "-f", v2]), /deployment\.apps\/app configured/);
    assert.equal(
      await k.ok([
        "get",
        "deploy",
        "app",
        "-o",
        "jsonpath={.spec.template.spec.containers[0].image} {.metadata.generation}",
      ]),
      "nginx:1.26 2",
    );

    const editor = k.file("editor.sh", "#!/bin/sh\nsed -i 's/key: value/key: edited/' \"$1\"\n");
    const edited = await k.run(["edit", "configmap", "app-config"], { env: { KUBE_EDITOR: `sh ${editor}` } });
    assert.equal(edited.code, 0, edited.stderr);
    assert.equal(await k.ok(["get", "cm", "app-config", "-o", "jsonpath={.data.key}"]), "edited");

    const explain = await k.ok(["explain", "deployment.spec"]);
    assert.match(explain, /replicas\s+<integer>/);
    assert.match(explain, /selector\s+<LabelSelector> -required-/);

    const strict = await k.run(["create", "-f", "-"], {
      stdin: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: strict}\nbogus: 1\n",
    });
    assert.match(strict.stderr, /strict decoding error: unknown field "bogus"/);
    assert.match(
      await k.ok(["create", "configmap", "dry", "--from-literal=a=b", "--dry-run=server"]),
      /created \(server dry run\)/,
    );
    assert.match((await k.run(["get", "cm", "dry"])).stderr, /NotFound/, "a dry run stores nothing");
  });

  it("Services get ClusterIPs and NodePorts; the kubernetes Service exists", async () => {
    assert.match(
      await k.ok(["get", "svc", "kubernetes", "-n", "default"]),
      /^kubernetes\s+ClusterIP\s+10\.43\.0\.1\s+<none>\s+443\/TCP/m,
    );
    const endpoints = await k.ok(["get", "endpoints", "kubernetes", "-o", "jsonpath={.subsets[0].ports[0].port}"]);
    assert.equal(endpoints, new URL(server.url).port);
    assert.match(
      await k.ok(["get", "endpointslices", "kubernetes"]),
      new RegExp(`^kubernetes\\s+IPv4\\s+${new URL(server.url).port}\\s+127\\.0\\.0\\.1\\s+`, "m"),
    );
    await k.ok(["create", "service", "nodeport", "np", "--tcp=80:8080"]);
    const np = JSON.parse(await k.ok(["get", "svc", "np", "-o", "json"])) as {
      spec: { clusterIP: string; ports: { nodePort: number }[] };
    };
    assert.match(np.spec.clusterIP, /^10\.43\.\d+\.\d+$/);
    assert.ok(np.spec.ports[0]!.nodePort >= 30000 && np.spec.ports[0]!.nodePort <= 32767);
    await k.ok(["create", "service", "clusterip", "pinned", "--tcp=80", "--clusterip=10.43.0.77"]);
    const taken = await k.run(["create", "service", "clusterip", "again", "--tcp=80", "--clusterip=10.43.0.77"]);
    assert.match(
      taken.stderr,
      /spec\.clusterIPs: Invalid value: .*failed to allocate IP 10\.43\.0\.77: provided IP is already allocated/,
    );
    await k.ok(["delete", "svc", "pinned"]);
    await k.ok(["create", "service", "clusterip", "again", "--tcp=80", "--clusterip=10.43.0.77"]);
  });

  it("server-side apply: create, managedFields, conflicts and --force-conflicts", async () => {
    const manifest = (replicas: number): string =>
      [
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata: {name: ssa}",
        "spec:",
        `  replicas: ${replicas}`,
        "  selector: {matchLabels: {app: ssa}}",
        "  template:",
        "    metadata: {labels: {app: ssa}}",
        "    spec: {containers: [{name: web, image: nginx:1.27}]}",
      ].join("\n");
    const two = k.file("ssa-2.yaml", manifest(2));
    const seven = k.file("ssa-7.yaml", manifest(7));
    assert.match(await k.ok(["apply", "--server-side", "-f", two]), /deployment\.apps\/ssa serverside-applied/);
    // The deployment controller's own writes (status, revision annotation) appear as kube-controller-manager/Update.
    const managers = async (): Promise<string> =>
      (
        await k.ok([
          "get",
          "deploy",
          "ssa",
          "-o",
          "jsonpath={range .metadata.managedFields[*]}{.manager}/{.operation} {end}",
        ])
      )
        .split(" ")
        .filter((m) => m !== "" && m !== "kube-controller-manager/Update")
        .join(" ");
    assert.equal((await managers()).trim(), "kubectl/Apply");
    const conflict = await k.run(["apply", "--server-side", "--field-manager=other", "-f", seven]);
    assert.equal(conflict.code, 1);
    assert.match(conflict.stderr, /Apply failed with 1 conflict: conflict with "kubectl".*: \.spec\.replicas/);
    assert.equal(await k.ok(["get", "deploy", "ssa", "-o", "jsonpath={.spec.replicas}"]), "2");
    await k.ok(["apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f", seven]);
    assert.equal(await k.ok(["get", "deploy", "ssa", "-o", "jsonpath={.spec.replicas}"]), "7");
    assert.equal((await managers()).trim(), "kubectl/Apply other/Apply");
  });

  it("errors print upstream's Status messages", async () => {
    const missing = await k.run(["get", "pod", "nope"]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Error from server \(NotFound\): pods "nope" not found/);
    const exists = await k.run(["create", "namespace", "default"]);
    assert.match(exists.stderr, /Error from server \(AlreadyExists\): namespaces "default" already exists/);
    const invalid = await k.run(["create", "configmap", "Bad_Name"]);
    // kubectl's create generators prefix the server's 422 message with "failed to create configmap".
    assert.match(
      invalid.stderr,
      /ConfigMap "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/,
    );
    const noNamespace = await k.run(["create", "-f", "-"], {
      stdin: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", namespace: "ghost" } }),
    });
    assert.match(
      noNamespace.stderr,
      /Error from server \(NotFound\): error when creating "STDIN": namespaces "ghost" not found/,
    );
    const unknown = await k.run(["get", "frobnicators"]);
    assert.match(unknown.stderr, /the server doesn't have a resource type "frobnicators"/);
  });

  it("auth whoami and can-i; api-resources and api-versions", async () => {
    assert.match(await k.ok(["auth", "whoami"]), /Username\s+system:admin/);
    assert.equal((await k.ok(["auth", "can-i", "create", "pods"])).trim(), "yes");
    const resources = await k.ok(["api-resources"]);
    assert.match(resources, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    assert.match(resources, /^pods\s+po\s+v1\s+true\s+Pod$/m);
    const versions = (await k.ok(["api-versions"])).trim().split("\n");
    for (const gv of ["v1", "apps/v1", "batch/v1", "rbac.authorization.k8s.io/v1", "autoscaling/v2"]) {
      assert.ok(versions.includes(gv), `${gv} missing from ${versions.join(",")}`);
    }
  });

  it("get -w streams changes", async () => {
    const watcher = k.run(["get", "configmaps", "-w", "--request-timeout=4s"]);
    await new Promise((r) => setTimeout(r, 1200));
    await k.ok(["create", "configmap", "watched", "--from-literal=k=v"]);
    const out = await watcher;
    assert.match(out.stdout, /^watched\s+1\s+\d+s$/m);
  });

  it("delete by name, by label and --all, with the wait", async () => {
    await k.ok(["create", "configmap", "d1", "--from-literal=k=v"]);
    await k.ok(["create", "configmap", "d2", "--from-literal=k=v"]);
    await k.ok(["label", "cm", "d2", "drop=me"]);
    assert.match(await k.ok(["delete", "cm", "d1"]), /configmap "d1" deleted/);
    assert.match(await k.ok(["delete", "cm", "-l", "drop=me"]), /configmap "d2" deleted/);
    await k.ok(["delete", "namespace", "shop", "--wait=false"]);
    const gone = await k.run(["get", "cm", "d1"]);
    assert.match(gone.stderr, /NotFound/);
  });

  it("the oldest supported kubectl (1.27) reads and writes too", async () => {
    const old = kubectl({ kubeconfig: server.kubeconfig, minor: "1.27" });
    try {
      assert.match(await old.ok(["get", "ns", "kube-system"]), /^kube-system\s+Active/m);
      await old.ok(["create", "configmap", "from-127", "--from-literal=k=v"]);
      assert.equal(await old.ok(["get", "cm", "from-127", "-o", "jsonpath={.data.k}"]), "v");
    } finally {
      old.cleanup();
    }
  });
});
