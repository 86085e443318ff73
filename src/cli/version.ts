import { readFileSync } from "node:fs";

/** The Kubernetes version whose behaviour Skiff matches (reported by /version as gitVersion). */
export const KUBERNETES_VERSION = "v1.33.0";

export function skiffVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}
