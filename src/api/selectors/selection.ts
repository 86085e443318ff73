/**
 * The list/watch entry point: parse `?labelSelector=` and `?fieldSelector=` as kube-apiserver does
 * (labels first, then fields, then the resource's field label conversion), and match stored objects.
 */
import { type FieldSelector, parseFieldSelector } from "./fields.js";
import { type LabelSelector, parseLabelSelector } from "./labels.js";
import {
  checkFieldSelectorSupported,
  type CustomResourceFields,
  type SelectableResource,
  selectableFields,
} from "./selectable.js";

export interface ListSelection {
  readonly label: LabelSelector;
  /** Already converted for the resource (e.g. `spec.host` → `spec.nodeName`). */
  readonly field: FieldSelector;
  /** Neither selector restricts anything. */
  readonly everything: boolean;
  /** Whether a stored object of this resource is selected (its metadata.labels and selectable fields). */
  matches(obj: object): boolean;
}

/** Throws 400 BadRequest with upstream's message for a bad label selector, field selector or field label. */
export function parseListSelection(
  resource: SelectableResource,
  query: { readonly labelSelector?: string | null; readonly fieldSelector?: string | null },
  custom?: CustomResourceFields,
): ListSelection {
  const label = parseLabelSelector(query.labelSelector ?? "");
  const field = checkFieldSelectorSupported(resource, parseFieldSelector(query.fieldSelector ?? ""), custom);
  return {
    label,
    field,
    everything: label.empty && field.empty,
    matches(obj: object): boolean {
      const meta = (obj as { metadata?: { labels?: Record<string, string> } }).metadata;
      if (!label.matches(meta?.labels)) return false;
      return field.empty || field.matches(selectableFields(resource, obj, custom));
    },
  };
}
