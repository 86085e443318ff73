/** metav1.LabelSelectorAsSelector semantics for validation: nil selects nothing, {} selects everything. */
import type { LabelSelector } from "kubernetes-types/meta/v1.js";
import { labelSelectorFromObject } from "../selectors/index.js";

export interface SelectorCheck {
  /** LabelSelectorAsSelector failed (an invalid requirement): upstream reports "invalid label selector". */
  readonly error: boolean;
  /** selector.Empty(): true only for a non-nil selector with no requirements (nil gives labels.Nothing()). */
  readonly empty: boolean;
  readonly matches: (labels: Readonly<Record<string, string>> | undefined) => boolean;
}

export function asSelector(sel: LabelSelector | undefined | null): SelectorCheck {
  if (sel === undefined || sel === null) return { error: false, empty: false, matches: () => false };
  try {
    const s = labelSelectorFromObject(sel);
    const empty = Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0;
    return { error: false, empty, matches: (labels) => s.matches(labels ?? {}) };
  } catch {
    return { error: true, empty: false, matches: () => false };
  }
}
