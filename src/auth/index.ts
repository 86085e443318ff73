/** Authentication and authorization: the cluster PKI, kubeconfigs, authenticators and authorizers. */
export * from "./types.js";
export { ensureClusterPki, servingSubjectAltNames, ADMIN_USER, ADMIN_GROUPS, DEFAULT_SERVICE_IP } from "./pki.js";
export type {
  ClusterPki,
  ClusterPkiOptions,
  CertificateFiles,
  ClientCertificateRequest,
  ServingCertificateRequest,
} from "./pki.js";
export type { KeyPairPem } from "./certs.js";
export { firstServiceIP } from "./service-ip.js";
export { renderKubeconfig, writeAdminKubeconfig, type KubeconfigOptions } from "./kubeconfig.js";
export { X509Authenticator, userFromCertificate } from "./x509-authenticator.js";
export { UnionAuthenticator } from "./union.js";
export { AlwaysAllowAuthenticated, ANONYMOUS, isAnonymous, isPublicInfoPath, forbiddenMessage } from "./authorizer.js";
export { tlsServerOptions, tlsOptions } from "./tls-options.js";
export { TokenAuthenticator } from "./token-authenticator.js";
