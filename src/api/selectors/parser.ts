/**
 * The label selector lexer and recursive-descent parser of k8s.io/apimachinery/pkg/labels/selector.go,
 * token for token, so every accepted input and every error message is upstream's.
 */
import { compareGo, goQuote } from "./goformat.js";
import {
  BINARY_OPERATORS,
  type LabelOperator,
  makeRequirement,
  type Requirement,
  SelectorError,
} from "./requirement.js";
import { validateLabelKey } from "./validation.js";

/** A lexer token kind: an operator or punctuation literal, "identifier", "eos" or "error". */
export type Token =
  "error" | "eos" | ")" | "," | "!" | "==" | "=" | ">" | "identifier" | "in" | "<" | "!=" | "notin" | "(";

const STRING_TO_TOKEN: Readonly<Record<string, Token>> = {
  ")": ")",
  ",": ",",
  "!": "!",
  "==": "==",
  "=": "=",
  ">": ">",
  in: "in",
  "<": "<",
  "!=": "!=",
  notin: "notin",
  "(": "(",
};
const tokenOf = (s: string): Token | undefined =>
  Object.prototype.hasOwnProperty.call(STRING_TO_TOKEN, s) ? STRING_TO_TOKEN[s] : undefined;

export interface LexItem {
  readonly tok: Token;
  readonly lit: string;
}
type Item = LexItem;

const isWhitespace = (ch: string): boolean => ch === " " || ch === "\t" || ch === "\r" || ch === "\n";
const isSpecial = (ch: string): boolean =>
  ch === "=" || ch === "!" || ch === "(" || ch === ")" || ch === "," || ch === ">" || ch === "<";

/** labels.Lexer: a NUL character ends the input, as Go's read() returns 0 at the end. */
export function lex(s: string): LexItem[] {
  let pos = 0;
  const read = (): string => (pos < s.length ? s[pos++]! : "\0");
  const unread = (): void => {
    pos--;
  };
  const items: Item[] = [];
  for (;;) {
    let ch = read();
    while (isWhitespace(ch)) ch = read();
    let item: Item;
    if (ch === "\0") {
      item = { tok: "eos", lit: "" };
    } else if (isSpecial(ch)) {
      unread();
      let buffer = "";
      let last: Item | undefined;
      for (;;) {
        const c = read();
        if (c === "\0") break;
        if (!isSpecial(c)) {
          unread();
          break;
        }
        buffer += c;
        const tok = tokenOf(buffer);
        if (tok) last = { tok, lit: buffer };
        else if (last) {
          unread();
          break;
        }
      }
      item = last ?? { tok: "error", lit: `error expected: keyword found '${buffer}'` };
    } else {
      unread();
      let buffer = "";
      for (;;) {
        const c = read();
        if (c === "\0") break;
        if (isSpecial(c) || isWhitespace(c)) {
          unread();
          break;
        }
        buffer += c;
      }
      item = { tok: tokenOf(buffer) ?? "identifier", lit: buffer };
    }
    items.push(item);
    if (item.tok === "eos") return items;
  }
}

type Context = "keyAndOperator" | "values";

class Parser {
  private position = 0;

  constructor(private readonly items: readonly Item[]) {}

  private adjust(item: Item, context: Context): Item {
    if (context === "values" && (item.tok === "in" || item.tok === "notin"))
      return { tok: "identifier", lit: item.lit };
    return item;
  }

  lookahead(context: Context): Item {
    return this.adjust(this.items[this.position]!, context);
  }

  consume(context: Context): Item {
    return this.adjust(this.items[this.position++]!, context);
  }

  parse(): Requirement[] {
    const requirements: Requirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead("values");
      switch (tok) {
        case "identifier":
        case "!": {
          let r: Requirement;
          try {
            r = this.parseRequirement();
          } catch (error) {
            if (error instanceof SelectorError)
              throw new SelectorError(`unable to parse requirement: ${error.message}`);
            throw error;
          }
          requirements.push(r);
          const next = this.consume("values");
          if (next.tok === "eos") return requirements;
          if (next.tok === ",") {
            const after = this.lookahead("values");
            if (after.tok !== "identifier" && after.tok !== "!") {
              throw new SelectorError(`found '${after.lit}', expected: identifier after ','`);
            }
            break;
          }
          throw new SelectorError(`found '${next.lit}', expected: ',' or 'end of string'`);
        }
        case "eos":
          return requirements;
        default:
          throw new SelectorError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  private parseRequirement(): Requirement {
    const [key, inferred] = this.parseKeyAndInferOperator();
    if (inferred === "exists" || inferred === "!") return makeRequirement(key, inferred, []);
    const operator = this.parseOperator();
    const values = operator === "in" || operator === "notin" ? this.parseValues() : this.parseExactValue();
    return makeRequirement(key, operator, [...values].sort(compareGo));
  }

  private parseKeyAndInferOperator(): [string, LabelOperator | undefined] {
    let operator: LabelOperator | undefined;
    let item = this.consume("values");
    if (item.tok === "!") {
      operator = "!";
      item = this.consume("values");
    }
    if (item.tok !== "identifier") throw new SelectorError(`found '${item.lit}', expected: identifier`);
    const keyErrs = validateLabelKey(item.lit);
    if (keyErrs.length > 0) {
      // Upstream validates with a nil field path here, which prints as "<nil>".
      throw new SelectorError(`<nil>: Invalid value: ${goQuote(item.lit)}: ${keyErrs.join("; ")}`);
    }
    const next = this.lookahead("values").tok;
    if ((next === "eos" || next === ",") && operator !== "!") operator = "exists";
    return [item.lit, operator];
  }

  private parseOperator(): LabelOperator {
    const { tok, lit } = this.consume("keyAndOperator");
    switch (tok) {
      case "in":
        return "in";
      case "=":
        return "=";
      case "==":
        return "==";
      case ">":
        return "gt";
      case "<":
        return "lt";
      case "notin":
        return "notin";
      case "!=":
        return "!=";
      default:
        throw new SelectorError(`found '${lit}', expected: ${BINARY_OPERATORS.join(", ")}`);
    }
  }

  private parseValues(): Set<string> {
    let item = this.consume("values");
    if (item.tok !== "(") throw new SelectorError(`found '${item.lit}' expected: '('`);
    item = this.lookahead("values");
    switch (item.tok) {
      case "identifier":
      case ",": {
        const values = this.parseIdentifiersList();
        // Upstream reports the literal it looked at before the list, not the offending one.
        if (this.consume("values").tok !== ")") throw new SelectorError(`found '${item.lit}', expected: ')'`);
        return values;
      }
      case ")":
        this.consume("values");
        return new Set([""]);
      default:
        throw new SelectorError(`found '${item.lit}', expected: ',', ')' or identifier`);
    }
  }

  private parseIdentifiersList(): Set<string> {
    const values = new Set<string>();
    for (;;) {
      const { tok, lit } = this.consume("values");
      if (tok === "identifier") {
        values.add(lit);
        const next = this.lookahead("values");
        if (next.tok === ",") continue;
        if (next.tok === ")") return values;
        throw new SelectorError(`found '${next.lit}', expected: ',' or ')'`);
      } else if (tok === ",") {
        if (values.size === 0) values.add(""); // "(,"
        const next = this.lookahead("values").tok;
        if (next === ")") {
          values.add(""); // ",)"
          return values;
        }
        if (next === ",") values.add(""); // ",,"
      } else {
        throw new SelectorError(`found '${lit}', expected: ',', or identifier`);
      }
    }
  }

  private parseExactValue(): Set<string> {
    const next = this.lookahead("values").tok;
    if (next === "eos" || next === ",") return new Set([""]);
    const { tok, lit } = this.consume("values");
    if (tok === "identifier") return new Set([lit]);
    throw new SelectorError(`found '${lit}', expected: identifier`);
  }
}

/** labels.Parse without the Selector: the requirements, unsorted, or a SelectorError with upstream's message. */
export function parseRequirements(text: string): Requirement[] {
  return new Parser(lex(text)).parse();
}
