/**
 * How every controller waits for its caches before its workers start (upstream cache.WaitForCacheSync): start
 * the shared informers — idempotent; the controller manager starts them too — and wait until the controller's
 * own informers have synced, without depending on who else registered informers on the factory.
 */
import type { Informer, KubeObject } from "../../client/types.js";
import type { ControllerContext } from "../types.js";

/** Resolves true once every one of `informers` has synced, false when `context.signal` aborted first. */
export async function waitForCacheSync(
  context: ControllerContext,
  informers: readonly Informer<KubeObject>[],
  pollMs = 20,
): Promise<boolean> {
  context.informers.start();
  while (!context.signal.aborted) {
    if (informers.every((informer) => informer.hasSynced())) return true;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return false;
}
