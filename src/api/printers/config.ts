// Configuration and quota: configmaps, secrets, serviceaccounts, resourcequotas.
import type { ConfigMap, ResourceQuota, Secret, ServiceAccount } from "kubernetes-types/core/v1.js";
import { compareGo } from "../selectors/goformat.js";
import { DESCRIPTIONS } from "./descriptions.js";
import { column, type TablePrinter } from "./types.js";
import { AGE_COLUMN, NAME_COLUMN, ageOf, nameOf, printer, quantity } from "./util.js";

const count = (m: object | undefined | null): number => Object.keys(m ?? {}).length;

export const configMapPrinter: TablePrinter = printer<ConfigMap>(
  [NAME_COLUMN, column({ name: "Data", description: DESCRIPTIONS["ConfigMap.data"] }), AGE_COLUMN],
  (obj, now) => [nameOf(obj), count(obj.data) + count(obj.binaryData), ageOf(obj, now)],
);

export const secretPrinter: TablePrinter = printer<Secret>(
  [
    NAME_COLUMN,
    column({ name: "Type", description: DESCRIPTIONS["Secret.type"] }),
    column({ name: "Data", description: DESCRIPTIONS["Secret.data"] }),
    AGE_COLUMN,
  ],
  // type defaults to Opaque; stringData is merged into data on write.
  (obj, now) => [nameOf(obj), obj.type ?? "Opaque", count(obj.data), ageOf(obj, now)],
);

export const serviceAccountPrinter: TablePrinter = printer<ServiceAccount>(
  [NAME_COLUMN, column({ name: "Secrets", description: DESCRIPTIONS["ServiceAccount.secrets"] }), AGE_COLUMN],
  (obj, now) => [nameOf(obj), (obj.secrets ?? []).length, ageOf(obj, now)],
);

/** printResourceQuota's REQUEST and LIMIT cells: "name: used/hard, …", limits.* in LIMIT. */
export function resourceQuotaUsage(quota: ResourceQuota): [string, string] {
  const hard = quota.status?.hard ?? {};
  const used = quota.status?.used ?? {};
  const request: string[] = [];
  const limit: string[] = [];
  for (const resource of Object.keys(hard).sort(compareGo)) {
    const pieces = resource.split(".");
    const target = pieces.length > 1 && pieces[0] === "limits" ? limit : request;
    target.push(`${resource}: ${quantity(used[resource])}/${quantity(hard[resource])}`);
  }
  return [request.join(", "), limit.join(", ")];
}

export const resourceQuotaPrinter: TablePrinter = printer<ResourceQuota>(
  [
    NAME_COLUMN,
    column({
      name: "Request",
      description: "Request represents a minimum amount of cpu/memory that a container may consume.",
    }),
    column({
      name: "Limit",
      description:
        "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.",
    }),
    AGE_COLUMN,
  ],
  (obj, now) => {
    const [request, limit] = resourceQuotaUsage(obj);
    return [nameOf(obj), request, limit, ageOf(obj, now)];
  },
);
