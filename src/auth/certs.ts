/**
 * Certificate primitives: ECDSA P-256 keys, a self-signed CA, and leaf certificates (client or serving) signed
 * by it. Everything is PEM in and PEM out; keys are PKCS#8 ("PRIVATE KEY"), which Go's tls.X509KeyPair
 * (kubectl, client-go) and Node's TLS both read.
 */
import { X509Certificate, createPrivateKey, randomBytes, webcrypto } from "node:crypto";
import { isIP } from "node:net";
import { loadX509, type X509Module } from "./x509-lib.js";

const KEY_ALGORITHM = { name: "ECDSA", namedCurve: "P-256" } as const;
const SIGNING_ALGORITHM = { name: "ECDSA", hash: "SHA-256" } as const;
const DAY_MS = 86_400_000;
/** Certificates start an hour in the past so a peer whose clock is a little behind still accepts them. */
const BACKDATE_MS = 3_600_000;

export interface KeyPairPem {
  readonly certPem: string;
  readonly keyPem: string;
}

/** A CA able to sign: its PEMs and its private key, imported once. */
export interface SigningAuthority extends KeyPairPem {
  readonly privateKey: webcrypto.CryptoKey;
  /** Its notAfter: nothing it signs outlives it. */
  readonly notAfter: Date;
}

export interface LeafRequest {
  readonly commonName: string;
  /** Subject O entries; for client certificates these become the user's groups. */
  readonly organizations?: readonly string[];
  readonly days: number;
  readonly usage: "client" | "server";
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
}

function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // positive, as RFC 5280 requires
  return bytes.toString("hex");
}

async function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ["sign", "verify"]);
}

async function privateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", key)).toString("base64");
  return `-----BEGIN PRIVATE KEY-----\n${der.replace(/.{1,64}/g, "$&\n")}-----END PRIVATE KEY-----\n`;
}

/** X.500 name with one RDN per attribute, O entries before CN (as Go's pkix.Name marshals them). */
function subjectName(commonName: string, organizations: readonly string[] = []): Record<string, string[]>[] {
  return [...organizations.map((o) => ({ O: [o] })), { CN: [commonName] }];
}

export async function createCertificateAuthority(commonName: string, days: number): Promise<SigningAuthority> {
  const x509: X509Module = await loadX509();
  const keys = await generateKeys();
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: subjectName(commonName),
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + days * DAY_MS),
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return {
    privateKey: keys.privateKey,
    notAfter: certificate.notAfter,
    certPem: certificate.toString("pem"),
    keyPem: await privateKeyPem(keys.privateKey),
  };
}

/** Parses a CA certificate and key from PEM; throws when the key does not belong to the certificate. */
export async function loadCertificateAuthority(pair: KeyPairPem): Promise<SigningAuthority> {
  const certificate = new X509Certificate(pair.certPem);
  const key = createPrivateKey(pair.keyPem);
  if (!certificate.ca || !certificate.checkPrivateKey(key)) {
    throw new Error("the CA certificate is not a CA, or the CA private key does not belong to it");
  }
  const der = key.export({ format: "der", type: "pkcs8" });
  const privateKey = await webcrypto.subtle.importKey("pkcs8", der, KEY_ALGORITHM, false, ["sign"]);
  return { ...pair, privateKey, notAfter: new Date(certificate.validTo) };
}

export async function issueCertificate(ca: SigningAuthority, request: LeafRequest): Promise<KeyPairPem> {
  if (!request.commonName) throw new Error("a certificate needs a common name");
  const x509: X509Module = await loadX509();
  const caCertificate = new x509.X509Certificate(ca.certPem);
  const keys = await generateKeys();
  const now = Date.now();
  const notAfter = Math.min(now + request.days * DAY_MS, ca.notAfter.getTime());
  const names = [
    ...(request.dnsNames ?? []).map((value) => ({ type: "dns" as const, value })),
    ...(request.ipAddresses ?? []).map((value) => ({ type: "ip" as const, value })),
  ];
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: subjectName(request.commonName, request.organizations),
    issuer: caCertificate.subjectName,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(notAfter),
    publicKey: keys.publicKey,
    signingKey: ca.privateKey,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension(
        [request.usage === "server" ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth],
        false,
      ),
      await x509.AuthorityKeyIdentifierExtension.create(caCertificate.publicKey),
      ...(names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names, false)] : []),
    ],
  });
  return { certPem: certificate.toString("pem"), keyPem: await privateKeyPem(keys.privateKey) };
}

/** Canonical text of an IP address (IPv6 compressed, lower case), so SAN comparisons are exact. */
export function canonicalIP(ip: string): string {
  const bare = ip.replace(/^\[|\]$/g, "");
  if (isIP(bare) === 6) return new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  return bare;
}

export interface LeafCheck {
  /** Which requested DNS names and IPs are present. */
  readonly missing: readonly string[];
  readonly notAfter: Date;
  readonly commonName: string;
  readonly organizations: readonly string[];
}

/**
 * Inspects an existing leaf: undefined when it is unusable (not signed by `ca`, key does not match, not yet
 * or no longer valid); otherwise its subject, expiry and which of the wanted SANs it lacks.
 */
export function checkLeaf(
  ca: SigningAuthority,
  pair: KeyPairPem,
  wanted: { dnsNames?: readonly string[]; ipAddresses?: readonly string[] } = {},
): LeafCheck | undefined {
  const native = new X509Certificate(pair.certPem);
  const caNative = new X509Certificate(ca.certPem);
  if (!native.checkIssued(caNative) || !native.verify(caNative.publicKey)) return undefined;
  if (!native.checkPrivateKey(createPrivateKey(pair.keyPem))) return undefined;
  const now = Date.now();
  const notBefore = Date.parse(native.validFrom);
  const notAfter = Date.parse(native.validTo);
  if (!(notBefore <= now && now < notAfter)) return undefined;
  const legacy = native.toLegacyObject();
  // Node renders SANs as "DNS:a, IP Address:1.2.3.4, …" (IPv6 expanded); our names hold no ", ".
  const present = new Set(
    (legacy.subjectaltname ?? "").split(", ").map((entry) => {
      if (entry.startsWith("IP Address:")) return `ip:${canonicalIP(entry.slice("IP Address:".length))}`;
      if (entry.startsWith("DNS:")) return `dns:${entry.slice(4).toLowerCase()}`;
      return entry;
    }),
  );
  const missing = [
    ...(wanted.dnsNames ?? []).filter((d) => !present.has(`dns:${d.toLowerCase()}`)),
    ...(wanted.ipAddresses ?? []).filter((ip) => !present.has(`ip:${canonicalIP(ip)}`)),
  ];
  const subject = legacy.subject as unknown as Record<string, string | string[] | undefined>;
  const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  return {
    missing,
    notAfter: new Date(notAfter),
    commonName: list(subject["CN"]).at(-1) ?? "",
    organizations: list(subject["O"]),
  };
}
