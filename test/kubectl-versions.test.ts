// The core kubectl flows with the oldest (1.27) and the newest installed (1.33) kubectl pinned explicitly,
// each against its own `skiff server`. 1.27 sends JSON bodies and uses authentication.k8s.io/v1beta1 for
// `auth whoami`; 1.33 sends protobuf bodies from its create generators and `auth` commands. Output is
// asserted as a user reads it: the printed tables, messages and describe fields.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { startSkiffServer, type SkiffServer } from "./harness/skiff.js";
import { findKubectl, kubectl, type Kubectl } from "./harness/kubectl.js";

const MINORS = ["1.27", "1.33"] as const;

/** Names printed by `-o name` (or a table's first column), one per line, without blanks. */
function lines(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => l !== "");
}

for (const minor of MINORS) {
  describe(`kubectl ${minor} against skiff server`, { timeout: 60_000 }, () => {
    const ns = `v${minor.replace(".", "")}`;
    let server: SkiffServer;
    let k: Kubectl;
    before(async () => {
      server = await startSkiffServer();
      k = kubectl({ kubeconfig: server.kubeconfig, minor });
    });
    after(async () => {
      k?.cleanup();
      await server?.stop();
    });

    it("version and get ns", async () => {
      const version = await k.ok(["version"]);
      const [, clientMinor] = minor.split(".");
      if (minor === "1.27") {
        // Before 1.28 `kubectl version` prints the full version.Info structs (--short was not yet the default).
        assert.match(version, new RegExp(`^Client Version: version\\.Info\\{Major:"1", Minor:"${clientMinor}",`, "m"));
        assert.match(version, /^Server Version: version\.Info\{Major:"1", Minor:"\d+", GitVersion:"v1\.\d+\.\d+"/m);
      } else {
        assert.match(version, new RegExp(`^Client Version: v1\\.${clientMinor}\\.\\d+$`, "m"));
        assert.match(version, /^Server Version: v1\.\d+\.\d+$/m);
      }
      const short = JSON.parse(await k.ok(["version", "-o", "json"])) as {
        clientVersion: { minor: string };
        serverVersion: { major: string; minor: string; gitVersion: string };
      };
      assert.equal(short.clientVersion.minor, clientMinor);
      assert.equal(short.serverVersion.major, "1");
      assert.match(short.serverVersion.gitVersion, new RegExp(`^v1\\.${short.serverVersion.minor}\\.\\d+$`));
      const table = await k.ok(["get", "ns"]);
      assert.match(table, /^NAME\s+STATUS\s+AGE$/m);
      for (const name of ["default", "kube-node-lease", "kube-public", "kube-system"]) {
        assert.match(table, new RegExp(`^${name}\\s+Active\\s+\\d+s$`, "m"));
      }
    });

    it("create generators: namespace, configmap, deployment, service", async () => {
      assert.equal((await k.ok(["create", "namespace", ns])).trim(), `namespace/${ns} created`);
      assert.equal(
        (await k.ok(["create", "configmap", "settings", "-n", ns, "--from-literal=color=blue"])).trim(),
        "configmap/settings created",
      );
      assert.equal(
        (await k.ok(["create", "deployment", "web", "-n", ns, "--image=nginx:1.27", "--replicas=2"])).trim(),
        "deployment.apps/web created",
      );
      assert.equal(
        (await k.ok(["create", "service", "clusterip", "web", "-n", ns, "--tcp=80:8080"])).trim(),
        "service/web created",
      );
      const svc = await k.ok(["get", "svc", "web", "-n", ns]);
      assert.match(svc, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/m);
      assert.match(svc, /^web\s+ClusterIP\s+10\.43\.\d+\.\d+\s+<none>\s+80\/TCP\s+\d+s$/m);
    });

    it("get -o yaml, json, wide and name", async () => {
      const yaml = await k.ok(["get", "configmap", "settings", "-n", ns, "-o", "yaml"]);
      assert.match(yaml, /^apiVersion: v1$/m);
      assert.match(yaml, /^kind: ConfigMap$/m);
      assert.match(yaml, /^data:\n {2}color: blue$/m);
      assert.match(yaml, new RegExp(`^ {2}namespace: ${ns}$`, "m"));
      assert.match(yaml, /^ {2}resourceVersion: "\d+"$/m);
      const json = JSON.parse(await k.ok(["get", "deployment", "web", "-n", ns, "-o", "json"])) as {
        kind: string;
        spec: { replicas: number; selector: { matchLabels: Record<string, string> } };
      };
      assert.equal(json.kind, "Deployment");
      assert.equal(json.spec.replicas, 2);
      assert.deepEqual(json.spec.selector.matchLabels, { app: "web" });
      // The controllers create the pods; with no node to run on they stay Pending (0 ready, 2 up to date).
      await k.ok(["wait", "-n", ns, "--for=jsonpath={.status.updatedReplicas}=2", "deployment/web", "--timeout=30s"]);
      const wide = await k.ok(["get", "deployment", "-n", ns, "-o", "wide"]);
      assert.match(wide, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/m);
      assert.match(wide, /^web\s+0\/2\s+2\s+0\s+\d+s\s+nginx\s+nginx:1\.27\s+app=web$/m);
      const svcWide = await k.ok(["get", "svc", "web", "-n", ns, "-o", "wide"]);
      assert.match(svcWide, /^web\s+ClusterIP\s+\S+\s+<none>\s+80\/TCP\s+\d+s\s+app=web$/m);
      assert.deepEqual(lines(await k.ok(["get", "deploy,svc,cm", "-n", ns, "-o", "name"])).sort(), [
        "configmap/settings",
        "deployment.apps/web",
        "service/web",
      ]);
    });

    it("apply -f: new, unchanged, changed", async () => {
      const manifest = (value: string, port: number): string =>
        [
          "apiVersion: v1",
          "kind: ConfigMap",
          `metadata: {name: applied, namespace: ${ns}, labels: {via: apply}}`,
          `data: {key: ${value}}`,
          "---",
          "apiVersion: v1",
          "kind: Service",
          `metadata: {name: applied, namespace: ${ns}}`,
          "spec:",
          "  selector: {app: applied}",
          `  ports: [{name: http, port: ${port}, targetPort: 8080}]`,
        ].join("\n");
      const v1 = k.file("applied-v1.yaml", manifest("one", 80));
      const v2 = k.file("applied-v2.yaml", manifest("two", 81));
      assert.equal((await k.ok(["apply", "-f", v1])).trim(), "configmap/applied created\nservice/applied created");
      assert.equal((await k.ok(["apply", "-f", v1])).trim(), "configmap/applied unchanged\nservice/applied unchanged");
      assert.equal(
        (await k.ok(["apply", "-f", v2])).trim(),
        "configmap/applied configured\nservice/applied configured",
      );
      assert.equal(await k.ok(["get", "cm", "applied", "-n", ns, "-o", "jsonpath={.data.key}"]), "two");
      assert.equal(await k.ok(["get", "svc", "applied", "-n", ns, "-o", "jsonpath={.spec.ports[*].port}"]), "81");
      const lastApplied = await k.ok(["apply", "view-last-applied", "configmap/applied", "-n", ns, "-o", "json"]);
      assert.equal((JSON.parse(lastApplied) as { data: { key: string } }).data.key, "two");
    });

    it("describe configmap and describe deployment", async () => {
      await k.ok(["label", "configmap", "settings", "-n", ns, "team=blue"]);
      const cm = await k.ok(["describe", "configmap", "settings", "-n", ns]);
      assert.match(cm, /^Name:\s+settings$/m);
      assert.match(cm, new RegExp(`^Namespace:\\s+${ns}$`, "m"));
      assert.match(cm, /^Labels:\s+team=blue$/m);
      assert.match(cm, /^Annotations:\s+<none>$/m);
      assert.match(cm, /^Data\n====\ncolor:\n----\nblue\n/m);
      assert.match(cm, /^BinaryData\n====\n/m);
      assert.match(cm, /^Events:\s+<none>$/m);

      const deploy = await k.ok(["describe", "deployment", "web", "-n", ns]);
      assert.match(deploy, /^Name:\s+web$/m);
      assert.match(deploy, new RegExp(`^Namespace:\\s+${ns}$`, "m"));
      assert.match(deploy, /^CreationTimestamp:\s+\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/m);
      assert.match(deploy, /^Labels:\s+app=web$/m);
      assert.match(deploy, /^Selector:\s+app=web$/m);
      assert.match(deploy, /^Replicas:\s+2 desired \| 2 updated \| 2 total \| 0 available \| 2 unavailable$/m);
      assert.match(deploy, /^StrategyType:\s+RollingUpdate$/m);
      assert.match(deploy, /^MinReadySeconds:\s+0$/m);
      assert.match(deploy, /^RollingUpdateStrategy:\s+25% max unavailable, 25% max surge$/m);
      assert.match(
        deploy,
        /^Pod Template:\n {2}Labels:\s+app=web\n {2}Containers:\n {3}nginx:\n {4}Image:\s+nginx:1\.27$/m,
      );
      assert.match(deploy, /^NewReplicaSet:\s+web-[a-z0-9]+ \(2\/2 replicas created\)$/m);
      assert.match(
        deploy,
        /^ {2}Normal\s+ScalingReplicaSet\s+\S+\s+deployment-controller\s+Scaled up replica set web-[a-z0-9]+ from 0 to 2$/m,
      );
    });

    it("get --chunk-size=2 lists every object exactly once", async () => {
      const names = ["c1", "c2", "c3", "c4", "c5", "c6", "c7"];
      const list = {
        apiVersion: "v1",
        kind: "List",
        items: names.map((name) => ({
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name, namespace: ns, labels: { chunk: "yes" } },
          data: { n: name },
        })),
      };
      const created = await k.ok(["create", "-f", "-"], { stdin: JSON.stringify(list) });
      assert.equal(lines(created).length, names.length);

      // Table output, paged: the header once, each row once; -v=6 shows kubectl really paged.
      const paged = await k.run(["get", "cm", "-n", ns, "-l", "chunk=yes", "--chunk-size=2", "-v=6"]);
      assert.equal(paged.code, 0, paged.stderr);
      const rows = lines(paged.stdout);
      assert.equal(rows.filter((r) => /^NAME\s+DATA\s+AGE$/.test(r)).length, 1, paged.stdout);
      assert.deepEqual(
        rows.filter((r) => !r.startsWith("NAME")).map((r) => r.split(/\s+/)[0]),
        names,
      );
      // 1.27 logs `GET https://…?limit=2 200 OK`; 1.33 logs `"Response" verb="GET" url="https://…&limit=2"`.
      const requests = paged.stderr
        .split("\n")
        .filter((l) => /(GET |verb="GET" url=")https:\/\/[^\s"]+\/configmaps\?[^\s"]*limit=2/.test(l));
      assert.equal(requests.length, 4, `7 objects in pages of 2:\n${requests.join("\n")}`);
      assert.equal(requests.filter((l) => /[?&]continue=/.test(l)).length, 3);

      const byName = lines(await k.ok(["get", "cm", "-n", ns, "--chunk-size=2", "-o", "name"]));
      for (const name of [...names, "settings", "applied"]) {
        assert.equal(byName.filter((n) => n === `configmap/${name}`).length, 1, `${name} once in ${byName.join(",")}`);
      }
      assert.equal(new Set(byName).size, byName.length, "no duplicates across pages");
    });

    it("patch --type=json and label --overwrite", async () => {
      assert.equal(
        (
          await k.ok([
            "patch",
            "configmap",
            "settings",
            "-n",
            ns,
            "--type=json",
            "-p",
            '[{"op":"add","path":"/data/size","value":"L"},{"op":"replace","path":"/data/color","value":"red"}]',
          ])
        ).trim(),
        "configmap/settings patched",
      );
      assert.equal(
        await k.ok(["get", "cm", "settings", "-n", ns, "-o", "jsonpath={.data.color} {.data.size}"]),
        "red L",
      );
      const badPath = await k.run([
        "patch",
        "configmap",
        "settings",
        "-n",
        ns,
        "--type=json",
        "-p",
        '[{"op":"remove","path":"/data/missing"}]',
      ]);
      assert.notEqual(badPath.code, 0);
      // The 422 Status has the generic message and the JSON-patch error as its (field-less) cause.
      assert.match(badPath.stderr, /^The request is invalid: : .*"?\/data\/missing'?"?: .*missing value$/m);

      const refused = await k.run(["label", "configmap", "settings", "-n", ns, "team=red"]);
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /'team' already has a value \(blue\), and --overwrite is false/);
      assert.equal(
        (await k.ok(["label", "configmap", "settings", "-n", ns, "team=red", "--overwrite"])).trim(),
        "configmap/settings labeled",
      );
      assert.equal(await k.ok(["get", "cm", "settings", "-n", ns, "-o", "jsonpath={.metadata.labels.team}"]), "red");
      assert.equal(
        (await k.ok(["label", "configmap", "settings", "-n", ns, "team-"])).trim(),
        "configmap/settings unlabeled",
      );
    });

    it("auth whoami and auth can-i", async () => {
      const whoami = await k.ok(["auth", "whoami"]);
      assert.match(whoami, /^ATTRIBUTE\s+VALUE$/m);
      assert.match(whoami, /^Username\s+system:admin$/m);
      assert.match(whoami, /^Groups\s+\[.*system:masters.*\]$/m);
      assert.equal((await k.ok(["auth", "can-i", "list", "pods"])).trim(), "yes");
      assert.equal((await k.ok(["auth", "can-i", "delete", "deployments", "-n", ns])).trim(), "yes");
    });

    it("explain configmap.data", async () => {
      const explain = await k.ok(["explain", "configmap.data"]);
      assert.match(explain, /^KIND:\s+ConfigMap$/m);
      assert.match(explain, /^VERSION:\s+v1$/m);
      assert.match(explain, /^FIELD:\s+data\s+<map\[string\]string>$/m);
      assert.match(explain, /^DESCRIPTION:\n\s+Data contains the configuration data\./m);
    });

    it("get -w streams the list, then changes", { timeout: 20_000 }, async () => {
      await k.ok(["create", "configmap", "watch-a", "-n", ns, "--from-literal=k=v"]);
      // Spawned here (not through the harness) to read its output while it streams; it shares the
      // runner's private HOME and discovery cache.
      const binary = findKubectl(minor)!;
      const home = dirname(k.file("watch.log", ""));
      const child = spawn(
        binary,
        [
          `--kubeconfig=${server.kubeconfig}`,
          `--cache-dir=${join(home, "cache")}`,
          "get",
          "configmaps",
          "-n",
          ns,
          "-l",
          "!chunk",
          "-w",
          "--output-watch-events",
          "--request-timeout=15s",
        ],
        { stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env.PATH ?? "", HOME: home } },
      );
      let out = "";
      let err = "";
      child.stdout.on("data", (c: Buffer) => (out += c.toString()));
      child.stderr.on("data", (c: Buffer) => (err += c.toString()));
      const seen = (re: RegExp, what: string): Promise<void> =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(() => {
            cleanup();
            reject(new Error(`kubectl get -w did not print ${what} in 10s:\n${out}\n${err}`));
          }, 10_000);
          const check = (): void => {
            if (re.test(out)) {
              cleanup();
              resolve();
            }
          };
          const cleanup = (): void => {
            clearTimeout(timer);
            child.stdout.off("data", check);
          };
          child.stdout.on("data", check);
          check();
        });
      try {
        await seen(/^ADDED\s+watch-a\s+1\s+\d+s$/m, "the listed watch-a");
        assert.match(out, /^EVENT\s+NAME\s+DATA\s+AGE$/m);
        await k.ok(["create", "configmap", "watch-b", "-n", ns, "--from-literal=k=v"]);
        await seen(/^ADDED\s+watch-b\s+1\s+\d+s$/m, "ADDED watch-b");
        await k.ok(["label", "configmap", "watch-b", "-n", ns, "seen=yes"]);
        await seen(/^MODIFIED\s+watch-b\s+1\s+\d+s$/m, "MODIFIED watch-b");
        await k.ok(["delete", "configmap", "watch-b", "-n", ns]);
        await seen(/^DELETED\s+watch-b\s+1\s+\d+s$/m, "DELETED watch-b");
      } finally {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((resolve) => child.once("exit", resolve));
          child.kill("SIGTERM");
          await exited;
        }
      }
    });

    it("delete --all configmaps, and deployments with --cascade=orphan and --cascade=foreground", async () => {
      const deleted = await k.ok(["delete", "configmaps", "--all", "-n", ns]);
      for (const name of ["settings", "applied", "c1", "c7", "watch-a"]) {
        assert.match(deleted, new RegExp(`^configmap "${name}" deleted$`, "m"));
      }
      const none = await k.run(["get", "configmaps", "-n", ns]);
      assert.equal(none.code, 0, none.stderr);
      assert.match(none.stderr, new RegExp(`^No resources found in ${ns} namespace\\.$`, "m"));

      await k.ok(["create", "deployment", "orphaned", "-n", ns, "--image=nginx"]);
      await k.ok(["create", "deployment", "foreground", "-n", ns, "--image=nginx"]);
      assert.equal(
        (await k.ok(["delete", "deployment", "orphaned", "-n", ns, "--cascade=orphan"])).trim(),
        'deployment.apps "orphaned" deleted',
      );
      const foreground = await k.run([
        "delete",
        "deployment",
        "foreground",
        "-n",
        ns,
        "--cascade=foreground",
        "--timeout=15s",
      ]);
      assert.equal(foreground.code, 0, foreground.stderr);
      assert.equal(foreground.stdout.trim(), 'deployment.apps "foreground" deleted');
      for (const name of ["orphaned", "foreground"]) {
        const gone = await k.run(["get", "deployment", name, "-n", ns]);
        assert.match(
          gone.stderr,
          new RegExp(`Error from server \\(NotFound\\): deployments\\.apps "${name}" not found`),
        );
      }
      assert.equal(
        (await k.ok(["delete", "deployment", "web", "-n", ns, "--cascade=background"])).trim(),
        'deployment.apps "web" deleted',
      );
    });
  });
}
