// The scale subresource (autoscaling/v1 Scale), as printed for `kubectl get --subresource=scale`.
import type { Scale } from "kubernetes-types/autoscaling/v1.js";
import { column, type TablePrinter } from "./types.js";
import { AGE_COLUMN, NAME_COLUMN, ageOf, nameOf, printer } from "./util.js";

export const scalePrinter: TablePrinter = printer<Scale>(
  [
    // Upstream's Scale Name column has no "name" format.
    { ...NAME_COLUMN, format: "" },
    column({ name: "Desired", type: "integer", description: "desired number of instances for the scaled object." }),
    column({
      name: "Available",
      type: "integer",
      description: "actual number of observed instances of the scaled object.",
    }),
    AGE_COLUMN,
  ],
  (obj, now) => [nameOf(obj), obj.spec?.replicas ?? 0, obj.status?.replicas ?? 0, ageOf(obj, now)],
);
