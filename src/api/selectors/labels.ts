/**
 * Label selectors as k8s.io/apimachinery/pkg/labels (selector.go) and metav1 helpers.go: LabelSelector
 * (matching, canonical String()), labels.Parse, and the metav1 LabelSelector conversion
 * (LabelSelectorAsSelector / FormatLabelSelector). Lexer/parser in parser.ts, Requirement in requirement.ts.
 */
import type { LabelSelector as LabelSelectorObject } from "kubernetes-types/meta/v1.js";
import { badRequest } from "../status.js";
import { compareGo, goQuote } from "./goformat.js";
import { parseRequirements } from "./parser.js";
import {
  type LabelOperator,
  makeRequirement,
  type Requirement,
  requirementMatches,
  requirementString,
  SelectorError,
} from "./requirement.js";

export { validateLabelKey, validateLabelValue, validateLabelSelector, validateLabels } from "./validation.js";
export {
  type LabelOperator,
  newRequirement,
  type Requirement,
  requirementMatches,
  requirementString,
} from "./requirement.js";
export { lex, type LexItem, type Token } from "./parser.js";

function byKey(requirements: readonly Requirement[]): Requirement[] {
  // Array.prototype.sort is stable; upstream's sort.Sort(ByKey) is too for the sizes that occur.
  return [...requirements].sort((a, b) => compareGo(a.key, b.key));
}

/** An immutable label selector: an AND of requirements, sorted by key as upstream keeps them. */
export class LabelSelector {
  private static readonly EVERYTHING = new LabelSelector([], false);
  private static readonly NOTHING = new LabelSelector([], true);

  readonly requirements: readonly Requirement[];
  /** labels.Nothing(): what a nil metav1 LabelSelector converts to; matches no object. */
  readonly matchesNothing: boolean;

  private constructor(requirements: readonly Requirement[], nothing: boolean) {
    this.requirements = Object.freeze(byKey(requirements));
    this.matchesNothing = nothing;
  }

  /** labels.Everything(): matches every object. */
  static everything(): LabelSelector {
    return LabelSelector.EVERYTHING;
  }

  /** labels.Nothing(): matches no object. */
  static nothing(): LabelSelector {
    return LabelSelector.NOTHING;
  }

  /** A selector over already-validated requirements (see `newRequirement`). */
  static of(requirements: readonly Requirement[]): LabelSelector {
    return requirements.length === 0 ? LabelSelector.EVERYTHING : new LabelSelector(requirements, false);
  }

  /** True when the selector does not restrict (Everything); false for Nothing, as upstream. */
  get empty(): boolean {
    return !this.matchesNothing && this.requirements.length === 0;
  }

  matches(labels: Readonly<Record<string, string>> | undefined): boolean {
    if (this.matchesNothing) return false;
    return this.requirements.every((r) => requirementMatches(r, labels));
  }

  /** A new selector with more requirements (Selector.Add). */
  add(...requirements: Requirement[]): LabelSelector {
    if (this.matchesNothing) return this;
    return LabelSelector.of([...this.requirements, ...requirements]);
  }

  /** RequiresExactMatch: the value the first requirement on `key` pins it to (=, ==, single-value in). */
  requiresExactMatch(key: string): string | undefined {
    const r = this.requirements.find((req) => req.key === key);
    if (!r || r.values.length !== 1) return undefined;
    return r.operator === "=" || r.operator === "==" || r.operator === "in" ? r.values[0] : undefined;
  }

  /** Upstream's canonical String(): requirements sorted by key, values sorted, joined by ",". */
  toString(): string {
    return this.requirements.map(requirementString).join(",");
  }

  toJSON(): string {
    return this.toString();
  }
}

/**
 * labels.Parse: `x in (a,b),y,!z,w!=v` → a LabelSelector. An invalid selector throws a 400 BadRequest
 * StatusError carrying upstream's message verbatim, as kube-apiserver answers for `?labelSelector=`.
 */
export function parseLabelSelector(text: string): LabelSelector {
  try {
    return LabelSelector.of(parseRequirements(text));
  } catch (error) {
    throw error instanceof SelectorError ? badRequest(error.message) : error;
  }
}

/** labels.SelectorFromSet: equality requirements for every entry, unvalidated (as upstream). */
export function labelSelectorFromSet(set: Readonly<Record<string, string>> | undefined | null): LabelSelector {
  const requirements = Object.entries(set ?? {}).map(([key, v]): Requirement => ({ key, operator: "=", values: [v] }));
  return LabelSelector.of(requirements);
}

const EXPRESSION_OPERATORS: Readonly<Record<string, LabelOperator>> = {
  In: "in",
  NotIn: "notin",
  Exists: "exists",
  DoesNotExist: "!",
};

/**
 * metav1.LabelSelectorAsSelector: undefined/null → Nothing, `{}` → Everything, otherwise matchLabels and
 * matchExpressions ANDed. Invalid input throws a 400 BadRequest with upstream's message (the first bad
 * requirement's aggregate, e.g. `key: Invalid value: "a/b/c": …` or `"Foo" is not a valid pod selector
 * operator`). For validation with FieldError causes at a path, use `validateLabelSelector`.
 */
export function labelSelectorFromObject(sel: LabelSelectorObject | undefined | null): LabelSelector {
  if (!sel) return LabelSelector.nothing();
  const matchLabels = sel.matchLabels ?? {};
  const expressions = sel.matchExpressions ?? [];
  if (Object.keys(matchLabels).length + expressions.length === 0) return LabelSelector.everything();
  try {
    const requirements: Requirement[] = Object.keys(matchLabels)
      .sort(compareGo)
      .map((key) => makeRequirement(key, "=", [matchLabels[key]!]));
    for (const expr of expressions) {
      const operator = Object.prototype.hasOwnProperty.call(EXPRESSION_OPERATORS, expr.operator)
        ? EXPRESSION_OPERATORS[expr.operator]!
        : undefined;
      if (!operator) throw new SelectorError(`${goQuote(expr.operator)} is not a valid pod selector operator`);
      // append([]string(nil), expr.Values...) is nil when there are no values.
      const values = expr.values && expr.values.length > 0 ? expr.values : null;
      requirements.push(makeRequirement(expr.key, operator, values));
    }
    return LabelSelector.of(requirements);
  } catch (error) {
    throw error instanceof SelectorError ? badRequest(error.message) : error;
  }
}

/**
 * metav1.FormatLabelSelector, for `kubectl describe`-style output: the canonical string, `<none>` when it
 * selects everything or nothing, `<error>` when invalid. (Scale's status.selector is instead
 * `labelSelectorFromObject(sel).toString()`, which is "" for an empty selector.)
 */
export function labelSelectorAsString(sel: LabelSelectorObject | undefined | null): string {
  let text: string;
  try {
    text = labelSelectorFromObject(sel).toString();
  } catch {
    return "<error>";
  }
  return text.length === 0 ? "<none>" : text;
}
