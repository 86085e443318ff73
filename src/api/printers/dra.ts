// Dynamic resource allocation (resource.k8s.io): deviceclasses, resourceclaims, resourceclaimtemplates,
// resourceslices. kubernetes-types has no v1beta1 types for these, so the shapes are declared here.
import type { ObjectMeta } from "kubernetes-types/meta/v1.js";
import { column, type TablePrinter } from "./types.js";
import { AGE_COLUMN, NAME_COLUMN, ageOf, nameOf, printer } from "./util.js";

interface ResourceClaim {
  metadata?: ObjectMeta;
  status?: { allocation?: object | null; reservedFor?: unknown[] };
}

interface ResourceSlice {
  metadata?: ObjectMeta;
  spec?: { nodeName?: string; driver?: string; pool?: { name?: string } };
}

/** resourceClaimState: "deleted", "pending" or "allocated", plus ",reserved". */
export function resourceClaimState(claim: ResourceClaim): string {
  const states: string[] = [];
  const deleting = Boolean(claim.metadata?.deletionTimestamp);
  if (deleting) states.push("deleted");
  if (!claim.status?.allocation) {
    if (!deleting) states.push("pending");
  } else {
    states.push("allocated");
    if ((claim.status.reservedFor ?? []).length > 0) states.push("reserved");
  }
  return states.join(",");
}

export const deviceClassPrinter: TablePrinter = printer<object>([NAME_COLUMN, AGE_COLUMN], (obj, now) => [
  nameOf(obj),
  ageOf(obj, now),
]);

export const resourceClaimTemplatePrinter: TablePrinter = deviceClassPrinter;

export const resourceClaimPrinter: TablePrinter = printer<ResourceClaim>(
  [
    NAME_COLUMN,
    column({ name: "State", description: "A summary of the current state (allocated, pending, reserved, etc.)." }),
    AGE_COLUMN,
  ],
  (obj, now) => [nameOf(obj), resourceClaimState(obj), ageOf(obj, now)],
);

export const resourceSlicePrinter: TablePrinter = printer<ResourceSlice>(
  [
    NAME_COLUMN,
    column({ name: "Node", description: "NodeName identifies the node which provides the resources in this pool." }),
    column({ name: "Driver", description: "Driver identifies the DRA driver providing the capacity information." }),
    column({ name: "Pool", description: "Name is used to identify the pool." }),
    AGE_COLUMN,
  ],
  (obj, now) => [
    nameOf(obj),
    obj.spec?.nodeName ?? "",
    obj.spec?.driver ?? "",
    obj.spec?.pool?.name ?? "",
    ageOf(obj, now),
  ],
);
