// The default table for resources without a printer (k8s.io/apiserver/pkg/registry/rest/table.go):
// NAME and CREATED AT, the creation time in RFC 3339 UTC.
import { DESCRIPTIONS } from "./descriptions.js";
import { parseTime } from "./duration.js";
import { column, type TablePrinter } from "./types.js";
import { NAME_COLUMN, metaOf, nameOf } from "./util.js";

/** time.Time.UTC().Format(time.RFC3339): whole seconds, "Z"; Go's zero time for a missing timestamp. */
export function formatRFC3339(value: unknown): string {
  const t = parseTime(value);
  if (t === undefined) return "0001-01-01T00:00:00Z";
  return new Date(Math.floor(t / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

export const defaultPrinter: TablePrinter = {
  columns: [
    NAME_COLUMN,
    column({ name: "Created At", type: "date", description: DESCRIPTIONS["ObjectMeta.creationTimestamp"] }),
  ],
  cells: (obj) => [nameOf(obj), formatRFC3339(metaOf(obj).creationTimestamp)],
};
