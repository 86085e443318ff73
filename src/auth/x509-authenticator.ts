/**
 * x509 client-certificate authentication, as kube-apiserver's: a certificate that chains to the cluster CA
 * (checked by TLS during the handshake: the server is created with `requestCert: true`, `ca: [clusterCA]`)
 * names a user by its subject CN and groups by its O entries. An unverified or absent certificate is no
 * credential (undefined), so the request may still be authenticated otherwise or answered 401.
 *
 * OpenSSL checks the chain with the "SSL client" purpose, so a certificate whose extended key usage lacks
 * clientAuth (e.g. the serving certificate) is not authorized either, as with upstream's KeyUsages check.
 */
import type { IncomingMessage } from "node:http";
import type { PeerCertificate } from "node:tls";
import { SYSTEM_AUTHENTICATED, type Authenticator, type UserInfo } from "./types.js";

/** The part of a TLSSocket this needs (HTTP/1 gives a TLSSocket; the HTTP/2 compat layer a proxy to one). */
interface PeerCertificateSource {
  readonly authorized?: boolean;
  getPeerCertificate(detailed?: boolean): PeerCertificate;
}

interface CachedUser {
  readonly user: UserInfo | undefined;
  /** The certificate's notAfter (ms); a keep-alive connection outliving it authenticates no more. */
  readonly expires: number;
}

function values(field: unknown): string[] {
  if (typeof field === "string") return [field];
  if (Array.isArray(field)) return field.filter((v): v is string => typeof v === "string");
  return [];
}

/** The user a verified peer certificate names, or undefined when it names none. */
export function userFromCertificate(certificate: PeerCertificate): UserInfo | undefined {
  const subject: Record<string, unknown> = certificate.subject ?? {};
  // Node gives an array when an attribute repeats; Go's pkix keeps the last CN, and so do we.
  const name = values(subject["CN"]).at(-1);
  if (!name) return undefined;
  const groups = [...new Set([...values(subject["O"]), SYSTEM_AUTHENTICATED])];
  return { name, groups };
}

export class X509Authenticator implements Authenticator {
  /** One certificate per TLS connection: parse it once, not once per keep-alive request. */
  private readonly cache = new WeakMap<object, CachedUser>();

  authenticate(request: IncomingMessage): UserInfo | undefined {
    const socket = request.socket as unknown as Partial<PeerCertificateSource> | undefined;
    if (!socket || typeof socket.getPeerCertificate !== "function" || socket.authorized !== true) return undefined;
    let entry = this.cache.get(socket);
    if (entry === undefined) {
      const certificate = socket.getPeerCertificate(false);
      const expires = certificate?.valid_to ? Date.parse(certificate.valid_to) : 0;
      entry = { user: certificate?.subject ? userFromCertificate(certificate) : undefined, expires };
      this.cache.set(socket, entry);
    }
    if (entry.user === undefined || !(Date.now() < entry.expires)) return undefined;
    return entry.user;
  }
}
