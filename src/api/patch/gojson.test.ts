import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { goFormat, parseGoJSON } from "./gojson.js";

function syntaxError(input: string): string {
  try {
    parseGoJSON(input);
  } catch (error) {
    return (error as Error).message;
  }
  return "no error";
}

describe("Go-compatible JSON", () => {
  it("reports encoding/json's syntax errors", () => {
    const cases: [string, string][] = [
      ["", "unexpected end of JSON input"],
      ["  ", "unexpected end of JSON input"],
      ["{", "unexpected end of JSON input"],
      ["x", "invalid character 'x' looking for beginning of value"],
      ["{x", "invalid character 'x' looking for beginning of object key string"],
      ['{"a" 1}', "invalid character '1' after object key"],
      ['{"a":1 "b"}', "invalid character '\"' after object key:value pair"],
      ["[1 2]", "invalid character '2' after array element"],
      ["{} x", "invalid character 'x' after top-level value"],
      ["01", "invalid character '1' after top-level value"],
      ["-x", "invalid character 'x' in numeric literal"],
      ["1.x", "invalid character 'x' after decimal point in numeric literal"],
      ["1ex", "invalid character 'x' in exponent of numeric literal"],
      ["tru", "unexpected end of JSON input"],
      ["trux", "invalid character 'x' in literal true (expecting 'e')"],
      ["nul", "unexpected end of JSON input"],
      ['"\\x"', "invalid character 'x' in string escape code"],
      ['"\\u12x4"', "invalid character 'x' in \\u hexadecimal character escape"],
      ['"a\nb"', "invalid character '\\n' in string literal"],
      ["{'a':1}", "invalid character '\\'' looking for beginning of object key string"],
    ];
    for (const [input, message] of cases) assert.equal(syntaxError(input), message, JSON.stringify(input));
  });

  it("parses valid JSON", () => {
    assert.deepEqual(parseGoJSON(' {"a":[1,-2.5e3,true,null,"\\u00e9"]} '), { a: [1, -2500, true, null, "é"] });
  });

  it("formats values like fmt's %v", () => {
    assert.equal(goFormat({ b: [1, "x"], a: null, c: { d: true } }), "map[a:<nil> b:[1 x] c:map[d:true]]");
    assert.equal(goFormat(1.5), "1.5");
    assert.equal(goFormat(1e-7), "1e-07");
  });
});
