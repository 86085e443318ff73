// Formatting helpers shared by the printers, each a port of the upstream function it is named after.
import type { Container } from "kubernetes-types/core/v1.js";
import type { LabelSelector, ObjectMeta } from "kubernetes-types/meta/v1.js";
import { compareGo } from "../selectors/goformat.js";
import { labelSelectorAsString, labelSelectorFromObject } from "../selectors/labels.js";
import { DESCRIPTIONS } from "./descriptions.js";
import { translateTimestampSince } from "./duration.js";
import { column, type TableCell, type TableColumnDefinition, type TablePrinter } from "./types.js";

/** The metadata of any object (printers receive plain decoded JSON). */
export function metaOf(obj: object): ObjectMeta {
  return (obj as { metadata?: ObjectMeta }).metadata ?? {};
}

export function nameOf(obj: object): string {
  return metaOf(obj).name ?? "";
}

/** The Age cell: translateTimestampSince(creationTimestamp). */
export function ageOf(obj: object, now: Date): string {
  return translateTimestampSince(metaOf(obj).creationTimestamp, now);
}

/** The Name column every printer starts with. */
export const NAME_COLUMN: TableColumnDefinition = column({
  name: "Name",
  format: "name",
  description: DESCRIPTIONS["ObjectMeta.name"],
});

/** The Age column. */
export const AGE_COLUMN: TableColumnDefinition = column({
  name: "Age",
  description: DESCRIPTIONS["ObjectMeta.creationTimestamp"],
});

export const CONTAINERS_COLUMN: TableColumnDefinition = column({
  name: "Containers",
  priority: 1,
  description: "Names of each container in the template.",
});

export const IMAGES_COLUMN: TableColumnDefinition = column({
  name: "Images",
  priority: 1,
  description: "Images referenced by each container in the template.",
});

/** labels.FormatLabels: `k=v` pairs sorted by key, joined by ","; `<none>` when empty. */
export function formatLabels(labels: Readonly<Record<string, string>> | undefined | null): string {
  const keys = Object.keys(labels ?? {}).sort(compareGo);
  if (keys.length === 0) return "<none>";
  return keys.map((k) => `${k}=${labels![k]}`).join(",");
}

/** metav1.FormatLabelSelector: canonical selector string, `<none>` when it selects all or nothing, `<error>`. */
export function formatLabelSelector(selector: LabelSelector | undefined | null): string {
  return labelSelectorAsString(selector);
}

/** metav1.LabelSelectorAsSelector(sel).String(): "" for nil/empty selectors, `<invalid>` on error (Deployment). */
export function selectorString(selector: LabelSelector | undefined | null): string {
  try {
    return labelSelectorFromObject(selector).toString();
  } catch {
    return "<invalid>";
  }
}

/** layoutContainerCells: container names and images, each joined by ",". */
export function layoutContainerCells(containers: readonly Container[] | undefined): [string, string] {
  const list = containers ?? [];
  return [list.map((c) => c.name ?? "").join(","), list.map((c) => c.image ?? "").join(",")];
}

/** intstr.IntOrString.String(). */
export function intOrString(value: number | string): string {
  return typeof value === "number" ? String(value) : value;
}

/**
 * resource.Quantity.String() of a stored quantity. Quantities arrive already canonical from the API server;
 * a missing one is the zero Quantity, "0".
 */
export function quantity(value: string | number | undefined | null): string {
  if (value === undefined || value === null || value === "") return "0";
  return String(value);
}

/** helper.GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order, de-duplicated. */
export function accessModes(modes: readonly string[] | undefined): string {
  const set = new Set(modes ?? []);
  const out: string[] = [];
  if (set.has("ReadWriteOnce")) out.push("RWO");
  if (set.has("ReadOnlyMany")) out.push("ROX");
  if (set.has("ReadWriteMany")) out.push("RWX");
  if (set.has("ReadWriteOncePod")) out.push("RWOP");
  return out.join(",");
}

/** printBool / printBoolPtr: "True", "False", or "<unset>". */
export function printBoolPtr(value: boolean | undefined | null): string {
  if (value === undefined || value === null) return "<unset>";
  return value ? "True" : "False";
}

/** A list of at most `max` items, then " + N more..." (listWithMoreString). */
export function listWithMore(items: readonly string[], count: number, max: number, empty: string): string {
  const ret = items.slice(0, max).join(",");
  if (count > max) return `${ret} + ${count - max} more...`;
  return ret === "" ? empty : ret;
}

/** Go's sets.String.List(): unique and sorted. */
export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareGo);
}

/** A simple printer from columns and a cell function. */
export function printer<T>(
  columns: readonly TableColumnDefinition[],
  cells: (obj: T, now: Date) => TableCell[],
): TablePrinter {
  return { columns, cells: (obj, now) => cells(obj as T, now) };
}
