/** Objects every cluster has from its first start: the four system namespaces (created if absent). */
import { isStatusError } from "../api/status.js";
import type { RegistryStore } from "./registry/store.js";

export const SYSTEM_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"] as const;

export async function ensureSystemNamespaces(namespaces: RegistryStore): Promise<void> {
  for (const name of SYSTEM_NAMESPACES) {
    try {
      await namespaces.create("", { apiVersion: "v1", kind: "Namespace", metadata: { name } }, { dryRun: false });
    } catch (error) {
      if (!(isStatusError(error) && error.code === 409)) throw error;
    }
  }
}
