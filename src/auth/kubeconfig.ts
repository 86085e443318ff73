/**
 * Kubeconfig files as kubectl and client-go read them (clientcmd v1 Config), credentials embedded as
 * base64 data so the file stands alone. Written with mode 0600: it holds a private key.
 */
import { randomBytes } from "node:crypto";
import { chmod, readFile, rename, writeFile } from "node:fs/promises";
import { stringify } from "yaml";

export interface KubeconfigOptions {
  /** The API server URL, e.g. https://127.0.0.1:6443. */
  readonly server: string;
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
  /** Default "skiff". */
  readonly clusterName?: string;
  /** Default "skiff-admin". */
  readonly userName?: string;
  /** Default: the cluster name. */
  readonly contextName?: string;
}

const base64 = (pem: string): string => Buffer.from(pem, "utf8").toString("base64");

/** The kubeconfig YAML text. */
export function renderKubeconfig(options: KubeconfigOptions): string {
  const cluster = options.clusterName ?? "skiff";
  const user = options.userName ?? "skiff-admin";
  const context = options.contextName ?? cluster;
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      { name: cluster, cluster: { server: options.server, "certificate-authority-data": base64(options.caPem) } },
    ],
    users: [
      {
        name: user,
        user: { "client-certificate-data": base64(options.certPem), "client-key-data": base64(options.keyPem) },
      },
    ],
    contexts: [{ name: context, context: { cluster, user } }],
    "current-context": context,
    preferences: {},
  });
}

/**
 * Writes the kubeconfig to `path` (mode 0600, atomically). Leaves an identical existing file untouched;
 * returns whether it wrote.
 */
export async function writeAdminKubeconfig(path: string, options: KubeconfigOptions): Promise<boolean> {
  const text = renderKubeconfig(options);
  const current = await readFile(path, "utf8").catch(() => undefined);
  if (current === text) {
    await chmod(path, 0o600);
    return false;
  }
  const tmp = `${path}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(tmp, text, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
  return true;
}
