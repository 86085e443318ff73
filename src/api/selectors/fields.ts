/**
 * Field selectors as k8s.io/apimachinery/pkg/fields (selector.go): `a=b,c==d,e!=f`, with `\,` `\=` `\\`
 * escaping in values, terms sorted as upstream sorts them, and upstream's parse errors.
 */
import { badRequest } from "../status.js";
import { compareGo } from "./goformat.js";

export type FieldOperator = "=" | "!=";

export interface FieldRequirement {
  readonly field: string;
  /** `=` for both `=` and `==` (upstream keeps no distinction), `!=`. */
  readonly operator: FieldOperator;
  /** Unescaped. */
  readonly value: string;
}

/** The value the field has, or "" when absent (fields.Set.Get). */
function get(fields: Readonly<Record<string, string>>, field: string): string {
  return Object.prototype.hasOwnProperty.call(fields, field) ? fields[field]! : "";
}

/** fields.EscapeValue: `\` → `\\`, `,` → `\,`, `=` → `\=`. */
export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** A failed unescape, with upstream's message (InvalidEscapeSequence / UnescapedRune). */
export class FieldSelectorSyntaxError extends Error {}

/**
 * fields.UnescapeValue. Upstream prints an unescaped `,`/`=` as its code point (`%v` of a rune), e.g.
 * `invalid field selector: unescaped character in value: 61`.
 */
export function unescapeFieldValue(value: string): string {
  if (!/[\\,=]/.test(value)) return value;
  let out = "";
  let inSlash = false;
  for (const c of value) {
    if (inSlash) {
      if (c !== "\\" && c !== "," && c !== "=") {
        throw new FieldSelectorSyntaxError(`invalid field selector: invalid escape sequence: \\${c}`);
      }
      out += c;
      inSlash = false;
    } else if (c === "\\") {
      inSlash = true;
    } else if (c === "," || c === "=") {
      throw new FieldSelectorSyntaxError(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else {
      out += c;
    }
  }
  if (inSlash) throw new FieldSelectorSyntaxError("invalid field selector: invalid escape sequence: \\");
  return out;
}

/** splitTerms: split on unescaped commas, keeping escapes in the terms. */
export function splitTerms(selector: string): string[] {
  if (selector.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  let i = 0;
  for (const c of selector) {
    if (inSlash) inSlash = false;
    else if (c === "\\") inSlash = true;
    else if (c === ",") {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
    i += c.length;
  }
  terms.push(selector.slice(start));
  return terms;
}

const TERM_OPERATORS = ["!=", "==", "="] as const;

/** splitTerm: the first `!=`, `==` or `=` splits the term; the rhs is returned still escaped. */
export function splitTerm(term: string): { lhs: string; op: string; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of TERM_OPERATORS) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/** The transform a field label conversion applies (runtime.FieldLabelConversionFunc). */
export type FieldTransform = (field: string, value: string) => { field: string; value: string };

export class FieldSelector {
  private static readonly EVERYTHING = new FieldSelector([]);

  readonly requirements: readonly FieldRequirement[];

  private constructor(requirements: readonly FieldRequirement[]) {
    this.requirements = Object.freeze([...requirements]);
  }

  /** fields.Everything(). */
  static everything(): FieldSelector {
    return FieldSelector.EVERYTHING;
  }

  static of(requirements: readonly FieldRequirement[]): FieldSelector {
    return requirements.length === 0 ? FieldSelector.EVERYTHING : new FieldSelector(requirements);
  }

  /** fields.OneTermEqualSelector. */
  static oneTermEqual(field: string, value: string): FieldSelector {
    return new FieldSelector([{ field, operator: "=", value }]);
  }

  get empty(): boolean {
    return this.requirements.length === 0;
  }

  /** Every requirement holds; an absent field has the value "". */
  matches(fields: Readonly<Record<string, string>>): boolean {
    return this.requirements.every((r) => (get(fields, r.field) === r.value) === (r.operator === "="));
  }

  /** RequiresExactMatch: the value an `=` requirement pins `field` to. */
  requiresExactMatch(field: string): string | undefined {
    return this.requirements.find((r) => r.field === field && r.operator === "=")?.value;
  }

  /**
   * Selector.Transform: rewrite every requirement (a throwing transform aborts); a requirement whose field
   * and value both become "" is dropped, as upstream.
   */
  transform(fn: FieldTransform): FieldSelector {
    const next: FieldRequirement[] = [];
    for (const r of this.requirements) {
      const { field, value } = fn(r.field, r.value);
      if (field.length === 0 && value.length === 0) continue;
      next.push({ field, operator: r.operator, value });
    }
    return FieldSelector.of(next);
  }

  /** Upstream's String(): `field=escapedValue` / `field!=escapedValue`, in parse (sorted) order. */
  toString(): string {
    return this.requirements.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(",");
  }

  toJSON(): string {
    return this.toString();
  }
}

/**
 * fields.ParseSelector. An invalid selector throws a 400 BadRequest with upstream's message, e.g.
 * `invalid selector: 'x'; can't understand 'x'`.
 */
export function parseFieldSelector(text: string): FieldSelector {
  const parts = splitTerms(text).sort(compareGo);
  const requirements: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === "") continue;
    const term = splitTerm(part);
    if (!term) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    let value: string;
    try {
      value = unescapeFieldValue(term.rhs);
    } catch (error) {
      throw error instanceof FieldSelectorSyntaxError ? badRequest(error.message) : error;
    }
    requirements.push({ field: term.lhs, operator: term.op === "!=" ? "!=" : "=", value });
  }
  return FieldSelector.of(requirements);
}

/** fields.SelectorFromSet: one `=` requirement per entry. */
export function fieldSelectorFromSet(set: Readonly<Record<string, string>>): FieldSelector {
  return FieldSelector.of(Object.entries(set).map(([field, value]) => ({ field, operator: "=" as const, value })));
}
