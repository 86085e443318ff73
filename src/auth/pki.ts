/**
 * The cluster's PKI under one directory (DATA_DIR/tls): a self-signed CA, the API server's serving
 * certificate and the admin's client certificate. Created on first start, loaded (not rewritten) after;
 * a leaf is re-issued only when it is missing, not signed by the CA, expiring within 90 days, or (serving
 * certificate) lacks a requested SAN. The CA is never replaced silently: a CA certificate without its key
 * is an error, because clients out there trust it.
 */
import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { isIP } from "node:net";
import { join } from "node:path";
import { SYSTEM_MASTERS } from "./types.js";
import {
  canonicalIP,
  checkLeaf,
  createCertificateAuthority,
  issueCertificate,
  loadCertificateAuthority,
  type KeyPairPem,
  type SigningAuthority,
} from "./certs.js";

/** The admin identity, as k3s names it (kubeadm uses CN=kubernetes-admin); O=system:masters makes it a superuser. */
export const ADMIN_USER = "system:admin";
export const ADMIN_GROUPS: readonly string[] = [SYSTEM_MASTERS];
export const DEFAULT_SERVICE_IP = "10.43.0.1";

const CA_DAYS = 3650;
const LEAF_DAYS = 365;
const RENEW_BEFORE_MS = 90 * 86_400_000;

export interface ClusterPkiOptions {
  /** Extra DNS names for the serving certificate (besides localhost, the host name and kubernetes.default…). */
  readonly serverNames: readonly string[];
  /** Extra IPs for the serving certificate (besides 127.0.0.1, ::1 and the service IP). */
  readonly serverIPs: readonly string[];
  /** The `kubernetes` service's ClusterIP: the first IP of the service CIDR (see firstServiceIP). */
  readonly serviceIP?: string;
}

export interface CertificateFiles extends KeyPairPem {
  readonly certPath: string;
  readonly keyPath: string;
}

export interface ClientCertificateRequest {
  /** Becomes the user name (e.g. system:node:NAME for a node). */
  readonly commonName: string;
  /** Become the groups (e.g. system:nodes). */
  readonly organizations?: readonly string[];
  /** Validity; default 365, capped at the CA's expiry. */
  readonly days?: number;
}

export interface ServingCertificateRequest {
  readonly commonName: string;
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  readonly days?: number;
}

export interface ClusterPki {
  readonly dir: string;
  readonly caCertPem: string;
  readonly caCertPath: string;
  readonly serving: CertificateFiles;
  readonly admin: CertificateFiles;
  /** What this call (re)created: a subset of "ca", "serving", "admin"; empty when everything was reused. */
  readonly generated: readonly string[];
  /** Signs a new client certificate with the cluster CA (not written anywhere). */
  issueClientCertificate(request: ClientCertificateRequest): Promise<KeyPairPem>;
  /** Signs a new serving certificate with the cluster CA, e.g. for a kubelet (not written anywhere). */
  issueServingCertificate(request: ServingCertificateRequest): Promise<KeyPairPem>;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Writes via a temporary file and rename, so a crash never leaves half a PEM; keys get mode 0600. */
async function writeAtomic(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(tmp, data, { mode });
  await chmod(tmp, mode); // writeFile's mode is filtered by the umask
  await rename(tmp, path);
}

interface StoredPair {
  readonly certPem: string | undefined;
  readonly keyPem: string | undefined;
}

async function readPair(dir: string, name: string): Promise<StoredPair> {
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  const [certPem, keyPem] = await Promise.all([readOptional(certPath), readOptional(keyPath)]);
  return { certPem, keyPem };
}

async function writePair(dir: string, name: string, pair: KeyPairPem): Promise<CertificateFiles> {
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  await writeAtomic(keyPath, pair.keyPem, 0o600);
  await writeAtomic(certPath, pair.certPem, 0o644);
  return { ...pair, certPath, keyPath };
}

async function ensureCa(dir: string, generated: string[]): Promise<SigningAuthority> {
  const existing = await readPair(dir, "ca");
  if (existing.certPem !== undefined && existing.keyPem !== undefined) {
    return loadCertificateAuthority({ certPem: existing.certPem, keyPem: existing.keyPem });
  }
  if (existing.certPem !== undefined || existing.keyPem !== undefined) {
    throw new Error(`incomplete cluster CA in ${dir}: ca.crt and ca.key must both exist (or both be removed)`);
  }
  const ca = await createCertificateAuthority(`skiff-ca@${Math.floor(Date.now() / 1000)}`, CA_DAYS);
  await writePair(dir, "ca", ca);
  generated.push("ca");
  return ca;
}

type LeafSpec = Parameters<typeof issueCertificate>[1];

async function ensureLeaf(
  dir: string,
  name: string,
  ca: SigningAuthority,
  spec: LeafSpec,
  generated: string[],
): Promise<CertificateFiles> {
  const existing = await readPair(dir, name);
  if (existing.certPem !== undefined && existing.keyPem !== undefined) {
    const pair = { certPem: existing.certPem, keyPem: existing.keyPem };
    const check = checkLeaf(ca, pair, spec);
    const wantedOrgs = [...(spec.organizations ?? [])].sort().join(",");
    if (
      check !== undefined &&
      check.missing.length === 0 &&
      check.notAfter.getTime() - Date.now() > RENEW_BEFORE_MS &&
      check.commonName === spec.commonName &&
      [...check.organizations].sort().join(",") === wantedOrgs
    ) {
      return { ...pair, certPath: join(dir, `${name}.crt`), keyPath: join(dir, `${name}.key`) };
    }
  }
  generated.push(name === "apiserver" ? "serving" : name);
  return writePair(dir, name, await issueCertificate(ca, spec));
}

/**
 * The serving certificate's SANs: what kubeadm/k3s put there, plus the caller's, deduplicated. An IP given
 * as a name counts as an IP; unspecified addresses (0.0.0.0, ::) are dropped.
 */
export function servingSubjectAltNames(options: ClusterPkiOptions): { dnsNames: string[]; ipAddresses: string[] } {
  const given = [...options.serverNames, ...options.serverIPs].map((n) => n.trim().replace(/^\[|\]$/g, ""));
  const dnsNames = [
    "localhost",
    hostname().toLowerCase(),
    "kubernetes",
    "kubernetes.default",
    "kubernetes.default.svc",
    "kubernetes.default.svc.cluster.local",
    ...given.filter((n) => n && isIP(n) === 0),
  ];
  const ipAddresses = [
    "127.0.0.1",
    "::1",
    options.serviceIP ?? DEFAULT_SERVICE_IP,
    ...given.filter((n) => isIP(n) !== 0),
  ]
    .map(canonicalIP)
    .filter((ip) => ip !== "0.0.0.0" && ip !== "::");
  return { dnsNames: [...new Set(dnsNames)], ipAddresses: [...new Set(ipAddresses)] };
}

/** Creates (first run) or loads (later runs) the cluster PKI under `dir`. */
export async function ensureClusterPki(dir: string, options: ClusterPkiOptions): Promise<ClusterPki> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const generated: string[] = [];
  const ca = await ensureCa(dir, generated);
  const sans = servingSubjectAltNames(options);
  const [serving, admin] = await Promise.all([
    ensureLeaf(
      dir,
      "apiserver",
      ca,
      { commonName: "kube-apiserver", days: LEAF_DAYS, usage: "server", ...sans },
      generated,
    ),
    ensureLeaf(
      dir,
      "admin",
      ca,
      { commonName: ADMIN_USER, organizations: ADMIN_GROUPS, days: LEAF_DAYS, usage: "client" },
      generated,
    ),
  ]);
  return {
    dir,
    caCertPem: ca.certPem,
    caCertPath: join(dir, "ca.crt"),
    serving,
    admin,
    generated: generated.sort(),
    issueClientCertificate: (request) =>
      issueCertificate(ca, {
        commonName: request.commonName,
        organizations: request.organizations ?? [],
        days: request.days ?? LEAF_DAYS,
        usage: "client",
      }),
    issueServingCertificate: (request) =>
      issueCertificate(ca, { ...request, days: request.days ?? LEAF_DAYS, usage: "server" }),
  };
}
