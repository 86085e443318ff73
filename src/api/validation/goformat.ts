/** Go `%#v` renderings of the values upstream puts into field errors (maps, label selectors, IntOrString…). */
import { compareGo, goQuote, goStringSlice } from "../selectors/goformat.js";
import { GoRepr } from "./errors.js";

/** `map[string]string{"a":"b", "c":"d"}` (keys sorted, as fmt prints maps), `map[string]string(nil)` for nil. */
export function goStringMapText(m: Readonly<Record<string, string>> | undefined | null): string {
  if (m === undefined || m === null) return "map[string]string(nil)";
  const keys = Object.keys(m).sort(compareGo);
  return `map[string]string{${keys.map((k) => `${goQuote(k)}:${goQuote(String(m[k]))}`).join(", ")}}`;
}

export function goStringMap(m: Readonly<Record<string, string>> | undefined | null): GoRepr {
  return new GoRepr(goStringMapText(m));
}

export function goStrings(values: readonly string[] | undefined | null): GoRepr {
  return new GoRepr(goStringSlice(values ?? null));
}

interface SelectorLike {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: readonly { key?: string; operator?: string; values?: readonly string[] | null }[] | null;
}

/** `v1.LabelSelector{MatchLabels:map[string]string{…}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}`. */
export function goLabelSelectorText(sel: SelectorLike | undefined | null): string {
  if (!sel) return "null";
  const exprs = sel.matchExpressions;
  const exprText =
    exprs === undefined || exprs === null
      ? "[]v1.LabelSelectorRequirement(nil)"
      : `[]v1.LabelSelectorRequirement{${exprs
          .map(
            (e) =>
              `v1.LabelSelectorRequirement{Key:${goQuote(e.key ?? "")}, Operator:${goQuote(e.operator ?? "")}, Values:${goStringSlice(
                e.values ?? null,
              )}}`,
          )
          .join(", ")}}`;
  return `v1.LabelSelector{MatchLabels:${goStringMapText(sel.matchLabels)}, MatchExpressions:${exprText}}`;
}

export function goLabelSelector(sel: SelectorLike | undefined | null): GoRepr | null {
  return sel ? new GoRepr(goLabelSelectorText(sel)) : null;
}

/** `intstr.IntOrString{Type:1, IntVal:0, StrVal:"25%"}`. */
export function goIntOrString(v: unknown): GoRepr {
  if (typeof v === "number") return new GoRepr(`intstr.IntOrString{Type:0, IntVal:${v}, StrVal:""}`);
  return new GoRepr(`intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(String(v ?? ""))}}`);
}

/** time.Time's String() of an RFC 3339 timestamp: `2024-01-02 03:04:05 +0000 UTC`. */
export function goTime(rfc3339: string | undefined | null): string {
  if (!rfc3339) return "0001-01-01 00:00:00 +0000 UTC";
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return rfc3339;
  return `${d.toISOString().slice(0, 19).replace("T", " ")} +0000 UTC`;
}
