/**
 * The HTTPS server options for the API server. Client certificates are requested but not required
 * (`rejectUnauthorized: false`): clients without one must still reach /healthz and /version, and get a
 * 401 Status rather than a TLS alert elsewhere. The X509Authenticator trusts a certificate only when
 * TLS verified it against `ca`.
 */
import type { ServerOptions } from "node:https";
import type { ClusterPki } from "./pki.js";

export function tlsServerOptions(pki: Pick<ClusterPki, "serving" | "caCertPem">): ServerOptions {
  return {
    key: pki.serving.keyPem,
    cert: pki.serving.certPem,
    ca: [pki.caCertPem],
    requestCert: true,
    rejectUnauthorized: false,
    minVersion: "TLSv1.2",
    // HTTP/1.1 only for now; kubectl offers h2 and http/1.1 and settles on the latter.
    ALPNProtocols: ["http/1.1"],
  };
}

/** Alias of tlsServerOptions. */
export const tlsOptions = tlsServerOptions;
