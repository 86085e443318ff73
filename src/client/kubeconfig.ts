/**
 * A client from a kubeconfig file, as client-go's clientcmd reads one: the current context's cluster (server,
 * certificate-authority[-data], insecure-skip-tls-verify) and user (client-certificate[-data],
 * client-key[-data], token, tokenFile). Relative file paths are resolved against the kubeconfig's folder.
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { parse } from "yaml";
import { createClient, type ClientOptions } from "./rest.js";
import type { Client } from "./types.js";

interface KubeconfigFile {
  readonly clusters?: Array<{ name?: string; cluster?: Record<string, unknown> }>;
  readonly users?: Array<{ name?: string; user?: Record<string, unknown> }>;
  readonly contexts?: Array<{ name?: string; context?: { cluster?: string; user?: string; namespace?: string } }>;
  readonly "current-context"?: string;
}

/** Options beyond what the kubeconfig says (e.g. connection pool size). */
export type KubeconfigClientOptions = Partial<Omit<ClientOptions, "userAgent">>;

/** The connection settings of the kubeconfig's current context. */
export function loadKubeconfig(path: string): Omit<ClientOptions, "userAgent"> & { namespace?: string } {
  const config = (parse(readFileSync(path, "utf8")) ?? {}) as KubeconfigFile;
  const base = dirname(path);
  const contextName = config["current-context"];
  if (!contextName) throw new Error(`kubeconfig ${path}: no current-context`);
  const context = config.contexts?.find((c) => c.name === contextName)?.context;
  if (!context) throw new Error(`kubeconfig ${path}: context "${contextName}" not found`);
  const cluster = config.clusters?.find((c) => c.name === context.cluster)?.cluster;
  if (!cluster) throw new Error(`kubeconfig ${path}: cluster "${context.cluster ?? ""}" not found`);
  const user = config.users?.find((u) => u.name === context.user)?.user ?? {};
  const server = cluster.server;
  if (typeof server !== "string" || server === "") throw new Error(`kubeconfig ${path}: cluster has no server`);

  const file = (value: unknown): string | undefined =>
    typeof value === "string" && value !== ""
      ? readFileSync(isAbsolute(value) ? value : resolve(base, value), "utf8")
      : undefined;
  const data = (value: unknown): string | undefined =>
    typeof value === "string" && value !== "" ? Buffer.from(value, "base64").toString("utf8") : undefined;

  const tokenFile = file(user.tokenFile)?.trim();
  return {
    url: server,
    ca: data(cluster["certificate-authority-data"]) ?? file(cluster["certificate-authority"]),
    insecureSkipTLSVerify: cluster["insecure-skip-tls-verify"] === true,
    cert: data(user["client-certificate-data"]) ?? file(user["client-certificate"]),
    key: data(user["client-key-data"]) ?? file(user["client-key"]),
    token: typeof user.token === "string" && user.token !== "" ? user.token : tokenFile,
    namespace: context.namespace,
  };
}

/** A client for the kubeconfig's current context, identifying itself as `userAgent`. */
export function clientFromKubeconfig(path: string, userAgent: string, options: KubeconfigClientOptions = {}): Client {
  const { namespace: _namespace, ...connection } = loadKubeconfig(path);
  return createClient({ ...connection, ...options, userAgent });
}
