import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm, stat, unlink, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "yaml";
import { ensureClusterPki, servingSubjectAltNames, type ClusterPki } from "./pki.js";
import { writeAdminKubeconfig } from "./kubeconfig.js";
import { firstServiceIP } from "./service-ip.js";

const FILES = ["ca.crt", "ca.key", "apiserver.crt", "apiserver.key", "admin.crt", "admin.key"];
const options = { serverNames: ["skiff.example"], serverIPs: ["192.0.2.10"] };

function sanList(pem: string): string[] {
  return (new X509Certificate(pem).subjectAltName ?? "").split(", ");
}

describe("cluster PKI", () => {
  let dir: string;
  let first: ClusterPki;
  let firstMs: number;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "skiff-pki-"));
    const started = performance.now();
    first = await ensureClusterPki(join(dir, "tls"), options);
    firstMs = performance.now() - started;
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("creates CA, serving and admin certificates on first start, quickly", () => {
    assert.deepEqual(first.generated, ["admin", "ca", "serving"]);
    console.log(`# first-start PKI generation: ${firstMs.toFixed(1)} ms`);
    assert.ok(firstMs < 1000, `took ${firstMs} ms`);
    const ca = new X509Certificate(first.caCertPem);
    assert.ok(ca.ca);
    assert.match(ca.subject, /^CN=skiff-ca@\d+$/);
    const years = (Date.parse(ca.validTo) - Date.now()) / (365 * 86_400_000);
    assert.ok(years > 9.9 && years < 10.1, `CA valid ${years} years`);
    assert.equal(ca.publicKey.asymmetricKeyDetails?.namedCurve, "prime256v1");
    for (const leaf of [first.serving.certPem, first.admin.certPem]) {
      assert.ok(new X509Certificate(leaf).checkIssued(ca));
      assert.ok(new X509Certificate(leaf).verify(ca.publicKey));
    }
  });

  it("puts the usual SANs, the service IP and the given names on the serving certificate", () => {
    const sans = sanList(first.serving.certPem);
    for (const dns of [
      "localhost",
      hostname().toLowerCase(),
      "kubernetes",
      "kubernetes.default",
      "kubernetes.default.svc",
      "kubernetes.default.svc.cluster.local",
      "skiff.example",
    ]) {
      assert.ok(sans.includes(`DNS:${dns}`), `missing DNS:${dns} in ${sans.join(", ")}`);
    }
    const ips = sans.filter((s) => s.startsWith("IP Address:")).map((s) => s.slice("IP Address:".length));
    for (const ip of ["127.0.0.1", "10.43.0.1", "192.0.2.10"]) assert.ok(ips.includes(ip), `missing ${ip}`);
    assert.ok(
      ips.some((ip) => ip === "::1" || ip === "0:0:0:0:0:0:0:1"),
      `missing ::1 in ${ips.join(", ")}`,
    );
    assert.match(new X509Certificate(first.serving.certPem).subject, /CN=kube-apiserver/);
  });

  it("makes the admin system:admin in system:masters", () => {
    const subject = new X509Certificate(first.admin.certPem).subject.split("\n");
    assert.deepEqual(subject, ["O=system:masters", "CN=system:admin"]);
  });

  it("writes keys 0600 and certificates 0644, in a 0700 directory", async () => {
    const tls = join(dir, "tls");
    assert.equal((await stat(tls)).mode & 0o777, 0o700);
    for (const file of FILES) {
      const mode = (await stat(join(tls, file))).mode & 0o777;
      assert.equal(mode, file.endsWith(".key") ? 0o600 : 0o644, file);
      assert.match(await readFile(join(tls, file), "utf8"), /^-----BEGIN (CERTIFICATE|PRIVATE KEY)-----\n/);
    }
  });

  it("reuses everything on the second start without rewriting a file", async () => {
    const tls = join(dir, "tls");
    const before = await Promise.all(FILES.map(async (f) => (await stat(join(tls, f))).mtimeMs));
    const second = await ensureClusterPki(tls, options);
    assert.deepEqual(second.generated, []);
    assert.equal(second.caCertPem, first.caCertPem);
    assert.equal(second.serving.certPem, first.serving.certPem);
    assert.equal(second.admin.keyPem, first.admin.keyPem);
    const afterMtimes = await Promise.all(FILES.map(async (f) => (await stat(join(tls, f))).mtimeMs));
    assert.deepEqual(afterMtimes, before);
  });

  it("re-issues only the serving certificate when a requested SAN is missing", async () => {
    const tls = join(dir, "tls");
    const third = await ensureClusterPki(tls, { ...options, serverIPs: ["192.0.2.10", "2001:db8::7"] });
    assert.deepEqual(third.generated, ["serving"]);
    assert.equal(third.caCertPem, first.caCertPem);
    assert.equal(third.admin.certPem, first.admin.certPem);
    assert.notEqual(third.serving.certPem, first.serving.certPem);
    assert.ok(sanList(third.serving.certPem).some((s) => /^IP Address:2001:(DB|db)8:/.test(s)));
    // Asking again with the compressed form spelled differently re-issues nothing.
    const fourth = await ensureClusterPki(tls, { ...options, serverIPs: ["2001:0db8:0:0::7"] });
    assert.deepEqual(fourth.generated, []);
  });

  it("re-issues a leaf whose key file was lost, and refuses a CA certificate without its key", async () => {
    const tls = join(dir, "tls");
    await unlink(join(tls, "admin.key"));
    const again = await ensureClusterPki(tls, options);
    assert.deepEqual(again.generated, ["admin"]);
    await writeFile(join(tls, "admin.key"), first.serving.keyPem); // a key that does not match admin.crt
    assert.deepEqual((await ensureClusterPki(tls, options)).generated, ["admin"]);
    const ca = await readFile(join(tls, "ca.key"), "utf8");
    await unlink(join(tls, "ca.key"));
    await assert.rejects(ensureClusterPki(tls, options), /incomplete cluster CA/);
    await writeFile(join(tls, "ca.key"), ca, { mode: 0o600 });
  });

  it("issues client certificates with the given CN and O entries", async () => {
    const issued = await first.issueClientCertificate({
      commonName: "system:node:n1",
      organizations: ["system:nodes", "a, b=c"],
      days: 30,
    });
    const cert = new X509Certificate(issued.certPem);
    assert.ok(cert.checkIssued(new X509Certificate(first.caCertPem)));
    assert.ok(cert.checkPrivateKey(await import("node:crypto").then((c) => c.createPrivateKey(issued.keyPem))));
    assert.match(cert.subject, /CN=system:node:n1/);
    assert.match(cert.subject, /O=system:nodes/);
    const days = (Date.parse(cert.validTo) - Date.now()) / 86_400_000;
    assert.ok(days > 29 && days <= 30);
  });

  it("writes a standard kubeconfig, mode 0600, and leaves an identical one alone", async () => {
    const path = join(dir, "kubeconfig.yaml");
    const kc = {
      server: "https://127.0.0.1:6443",
      caPem: first.caCertPem,
      certPem: first.admin.certPem,
      keyPem: first.admin.keyPem,
    };
    assert.equal(await writeAdminKubeconfig(path, kc), true);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    const config = parse(await readFile(path, "utf8")) as {
      clusters: { name: string; cluster: Record<string, string> }[];
      users: { name: string; user: Record<string, string> }[];
      contexts: { name: string; context: { cluster: string; user: string } }[];
      "current-context": string;
    };
    assert.equal(config["current-context"], "skiff");
    assert.deepEqual(config.contexts[0], { name: "skiff", context: { cluster: "skiff", user: "skiff-admin" } });
    const decode = (b64: string | undefined): string => Buffer.from(b64 ?? "", "base64").toString("utf8");
    assert.equal(decode(config.clusters[0]?.cluster["certificate-authority-data"]), first.caCertPem);
    assert.equal(config.clusters[0]?.cluster["server"], "https://127.0.0.1:6443");
    assert.equal(decode(config.users[0]?.user["client-certificate-data"]), first.admin.certPem);
    assert.equal(decode(config.users[0]?.user["client-key-data"]), first.admin.keyPem);
    assert.equal(await writeAdminKubeconfig(path, kc), false);
  });
});

describe("servingSubjectAltNames", () => {
  it("sorts IPs given as names into IPs and drops unspecified addresses", () => {
    const sans = servingSubjectAltNames({
      serverNames: ["api.example", "192.0.2.1", "0.0.0.0"],
      serverIPs: ["[::]", "::1"],
      serviceIP: "10.96.0.1",
    });
    assert.ok(sans.dnsNames.includes("api.example"));
    assert.ok(!sans.dnsNames.some((n) => n.includes("192.0.2.1") || n === "0.0.0.0"));
    assert.deepEqual(sans.ipAddresses, ["127.0.0.1", "::1", "10.96.0.1", "192.0.2.1"]);
  });
});

describe("firstServiceIP", () => {
  it("takes the first host address of the service CIDR", () => {
    assert.equal(firstServiceIP("10.43.0.0/16"), "10.43.0.1");
    assert.equal(firstServiceIP("10.96.0.0/12"), "10.96.0.1");
    assert.equal(firstServiceIP("10.43.7.9/16"), "10.43.0.1");
    assert.equal(firstServiceIP("fd00:43::/112"), "fd00:43::1");
    assert.throws(() => firstServiceIP("10.43.0.0"), /invalid service CIDR/);
    assert.throws(() => firstServiceIP("10.43.0.0/32"), /invalid service CIDR/);
  });
});
