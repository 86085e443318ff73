import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  escapeFieldValue,
  FieldSelector,
  FieldSelectorSyntaxError,
  fieldSelectorFromSet,
  parseFieldSelector,
  splitTerm,
  splitTerms,
  unescapeFieldValue,
} from "./fields.js";
import { badRequestMessage } from "./testutil.js";

describe("fields: terms (upstream TestSplitTerms / TestSplitTerm)", () => {
  it("splits on unescaped commas", () => {
    const cases: Record<string, string[]> = {
      a: ["a"],
      "a=avalue": ["a=avalue"],
      "a=avalue,b=bvalue": ["a=avalue", "b=bvalue"],
      "a=avalue,b==bvalue,c!=cvalue": ["a=avalue", "b==bvalue", "c!=cvalue"],
      "": [],
      "a=a,": ["a=a", ""],
      ",a=a": ["", "a=a"],
      "k=\\,,k2=v2": ["k=\\,", "k2=v2"],
      "k=\\\\,k2=v2": ["k=\\\\", "k2=v2"],
      "k=\\\\\\,,k2=v2": ["k=\\\\\\,", "k2=v2"],
      "k=\\a\\b\\": ["k=\\a\\b\\"],
      "k=\\": ["k=\\"],
      "함=수,목=록": ["함=수", "목=록"],
    };
    for (const [selector, terms] of Object.entries(cases)) assert.deepEqual(splitTerms(selector), terms, selector);
  });

  it("splits a term at its first operator", () => {
    const cases: Record<string, [string, string, string] | undefined> = {
      "a=value": ["a", "=", "value"],
      "b==value": ["b", "==", "value"],
      "c!=value": ["c", "!=", "value"],
      "": undefined,
      a: undefined,
      "k=\\,": ["k", "=", "\\,"],
      "k=\\=": ["k", "=", "\\="],
      "k=\\\\\\a\\b\\=\\,\\": ["k", "=", "\\\\\\a\\b\\=\\,\\"],
      "함=수": ["함", "=", "수"],
    };
    for (const [term, want] of Object.entries(cases)) {
      const got = splitTerm(term);
      assert.deepEqual(got && [got.lhs, got.op, got.rhs], want, term);
    }
  });
});

describe("fields: escaping (upstream TestEscapeValue)", () => {
  it("escapes and unescapes", () => {
    const cases: Record<string, string> = {
      "": "",
      a: "a",
      "=": "\\=",
      ",": "\\,",
      "\\": "\\\\",
      "\\=\\,\\": "\\\\\\=\\\\\\,\\\\",
    };
    for (const [raw, escaped] of Object.entries(cases)) {
      assert.equal(escapeFieldValue(raw), escaped);
      assert.equal(unescapeFieldValue(escaped), raw);
    }
  });

  it("rejects invalid escape sequences", () => {
    for (const v of ["\\", "\\\\\\", "\\a"]) {
      assert.throws(() => unescapeFieldValue(v), FieldSelectorSyntaxError, v);
    }
    assert.throws(() => unescapeFieldValue("\\a"), { message: "invalid field selector: invalid escape sequence: \\a" });
    assert.throws(() => unescapeFieldValue("x\\"), { message: "invalid field selector: invalid escape sequence: \\" });
  });
});

describe("fields: parse (upstream TestSelectorParse)", () => {
  it("round-trips good selectors", () => {
    for (const s of ["x=a,y=b,z=c", "", "x!=a,y=b", "x=a||y\\=b", "x=a\\=\\=b"]) {
      assert.equal(parseFieldSelector(s).toString(), s, s);
    }
  });

  it("normalises == to = and sorts terms", () => {
    assert.equal(parseFieldSelector("x=a,a=x").toString(), parseFieldSelector("a=x,x=a").toString());
    assert.equal(parseFieldSelector("z==1,a!=2,,m=3").toString(), "a!=2,m=3,z=1");
    assert.deepEqual(parseFieldSelector("status.phase!=Running,spec.nodeName==n1").requirements, [
      { field: "spec.nodeName", operator: "=", value: "n1" },
      { field: "status.phase", operator: "!=", value: "Running" },
    ]);
  });

  it("rejects bad selectors with upstream's messages", () => {
    const cases: Array<[string, string]> = [
      ["x=a||y=b", "invalid field selector: unescaped character in value: 61"],
      ["x==a==b", "invalid field selector: unescaped character in value: 61"],
      ["x=a,b", "invalid selector: 'x=a,b'; can't understand 'b'"],
      ["x in (a)", "invalid selector: 'x in (a)'; can't understand 'x in (a)'"],
      ["x in (a,b,c)", "invalid selector: 'x in (a,b,c)'; can't understand 'b'"],
      ["x", "invalid selector: 'x'; can't understand 'x'"],
      ["x=\\q", "invalid field selector: invalid escape sequence: \\q"],
      ["x=a\\", "invalid field selector: invalid escape sequence: \\"],
    ];
    for (const [input, message] of cases) {
      assert.equal(
        badRequestMessage(() => parseFieldSelector(input)),
        message,
        input,
      );
    }
  });
});

describe("fields: matching (upstream TestSelectorMatches)", () => {
  const match = (sel: string, fields: Record<string, string>): boolean => parseFieldSelector(sel).matches(fields);

  it("matches and does not match", () => {
    assert.ok(match("", { x: "y" }));
    assert.ok(match("x=y", { x: "y" }));
    assert.ok(match("x=y,z=w", { x: "y", z: "w" }));
    assert.ok(match("x!=y,z!=w", { x: "z", z: "a" }));
    assert.ok(match("notin=in", { notin: "in" }));
    assert.ok(!match("x=y", { x: "z" }));
    assert.ok(!match("x=y,z=w", { x: "w", z: "w" }));
    assert.ok(!match("x!=y,z!=w", { x: "z", z: "w" }));
    const set = { foo: "bar", baz: "blah", complex: "=value\\,\\" };
    assert.ok(match("foo=bar", set));
    assert.ok(match("baz=blah", set));
    assert.ok(match("foo=bar,baz=blah", set));
    assert.ok(match("foo=bar,baz=blah,complex=\\=value\\\\\\,\\\\", set));
    assert.ok(!match("foo=blah", set));
    assert.ok(!match("baz=bar", set));
    assert.ok(!match("foo=bar,foobar=bar,baz=blah", set));
  });

  it("treats an absent field as the empty string", () => {
    assert.ok(match("missing=", {}));
    assert.ok(match("missing!=x", {}));
    assert.ok(!match("missing=x", {}));
    assert.ok(!match("toString=x", {}));
  });
});

describe("fields: selectors", () => {
  it("Everything is empty and matches all", () => {
    assert.ok(FieldSelector.everything().empty);
    assert.ok(FieldSelector.everything().matches({ x: "y" }));
    assert.ok(parseFieldSelector("").empty);
    assert.ok(parseFieldSelector(",").empty);
  });

  it("oneTermEqual and fromSet", () => {
    assert.ok(FieldSelector.oneTermEqual("x", "y").matches({ x: "y" }));
    assert.ok(!FieldSelector.oneTermEqual("x", "y").matches({ x: "z" }));
    assert.equal(FieldSelector.oneTermEqual("metadata.name", "a,b").toString(), "metadata.name=a\\,b");
    assert.ok(fieldSelectorFromSet({ a: "1", b: "2" }).matches({ a: "1", b: "2" }));
  });

  it("requiresExactMatch (upstream TestRequiresExactMatch)", () => {
    assert.equal(parseFieldSelector("spec.nodeName=n1").requiresExactMatch("spec.nodeName"), "n1");
    assert.equal(parseFieldSelector("spec.nodeName!=n1").requiresExactMatch("spec.nodeName"), undefined);
    assert.equal(parseFieldSelector("a=1,b=2").requiresExactMatch("b"), "2");
    assert.equal(parseFieldSelector("").requiresExactMatch("b"), undefined);
  });

  it("transforms (upstream TestTransform)", () => {
    const sel = parseFieldSelector("a=b,c!=d");
    const upper = sel.transform((field, value) => ({ field: field.toUpperCase(), value: value.toUpperCase() }));
    assert.equal(upper.toString(), "A=B,C!=D");
    const dropped = sel.transform((field, value) => (field === "a" ? { field: "", value: "" } : { field, value }));
    assert.equal(dropped.toString(), "c!=d");
    assert.throws(() =>
      sel.transform(() => {
        throw new Error("nope");
      }),
    );
  });
});
