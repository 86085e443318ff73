import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  LabelSelector,
  labelSelectorAsString,
  labelSelectorFromObject,
  labelSelectorFromSet,
  lex,
  newRequirement,
  parseLabelSelector,
  type Requirement,
} from "./labels.js";
import { badRequestMessage } from "./testutil.js";

const VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const NAME_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const OPS = "in, notin, =, ==, !=, gt, lt";

const req = (key: string, operator: Requirement["operator"], values: string[] = []): Requirement =>
  newRequirement(key, operator, values);

describe("labels: lexer (upstream TestLexer / TestLexerSequence)", () => {
  it("lexes single tokens, longest match first", () => {
    const cases: Array<[string, string]> = [
      ["", "eos"],
      [",", ","],
      ["notin", "notin"],
      ["in", "in"],
      ["=", "="],
      ["==", "=="],
      [">", ">"],
      ["<", "<"],
      ["!", "!"],
      ["!=", "!="],
      ["(", "("],
      [")", ")"],
      ["~", "identifier"],
      ["||", "identifier"],
    ];
    for (const [s, tok] of cases) {
      const first = lex(s)[0]!;
      assert.equal(first.tok, tok, s);
      assert.equal(first.lit, s);
    }
  });

  it("lexes sequences", () => {
    const cases: Array<[string, string[]]> = [
      ["key in ( value )", ["identifier", "in", "(", "identifier", ")"]],
      ["key notin ( value )", ["identifier", "notin", "(", "identifier", ")"]],
      ["key in ( value1, value2 )", ["identifier", "in", "(", "identifier", ",", "identifier", ")"]],
      ["key", ["identifier"]],
      ["!key", ["!", "identifier"]],
      ["()", ["(", ")"]],
      ["x in (),y", ["identifier", "in", "(", ")", ",", "identifier"]],
      ["== != (), = notin", ["==", "!=", "(", ")", ",", "=", "notin"]],
      ["key>2", ["identifier", ">", "identifier"]],
      ["key<1", ["identifier", "<", "identifier"]],
    ];
    for (const [s, toks] of cases) {
      assert.deepEqual(
        lex(s)
          .map((i) => i.tok)
          .filter((t) => t !== "eos"),
        toks,
        s,
      );
    }
  });
});

describe("labels: parse and canonical String() (upstream TestSelectorParse / TestSetSelectorParser)", () => {
  it("round-trips good selectors (whitespace removed)", () => {
    for (const s of ["x=a,y=b,z=c", "", "x!=a,y=b", "x=", "x= ", "x=,z= ", "x= ,z= ", "!x", "x>1", "x>1,z<5"]) {
      assert.equal(parseLabelSelector(s).toString(), s.replaceAll(" ", ""), s);
    }
  });

  it("is deterministic: requirements sorted by key", () => {
    assert.equal(parseLabelSelector("x=a,a=x").toString(), parseLabelSelector("a=x,x=a").toString());
    assert.equal(parseLabelSelector("x=a,a=x").toString(), "a=x,x=a");
  });

  const good: Array<[string, string]> = [
    ["", ""],
    ["\rx", "x"],
    ["this-is-a-dns.domain.com/key-with-dash", "this-is-a-dns.domain.com/key-with-dash"],
    [
      "this-is-another-dns.domain.com/key-with-dash in (so,what)",
      "this-is-another-dns.domain.com/key-with-dash in (so,what)",
    ],
    ["0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)", "0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)"],
    ["foo  in\t (abc)", "foo in (abc)"],
    ["x notin\n (abc)", "x notin (abc)"],
    ["x  notin\t\t\t(abc,def)", "x notin (abc,def)"],
    ["x in (abc,def)", "x in (abc,def)"],
    ["x in (abc,)", "x in (,abc)"],
    ["x in (abc,abc)", "x in (abc)"],
    ["x in ()", "x in ()"],
    ["x in (a,,)", "x in (,a)"],
    ["x in (a,,,)", "x in (,a)"],
    ["x in (a,,,,,,)", "x in (,a)"],
    ["x in (a,,a,,a,,a,,)", "x in (,a)"],
    ["x notin (abc,,def),bar,z in (),w", "bar,w,x notin (,abc,def),z in ()"],
    ["x,y in (a)", "x,y in (a)"],
    ["x=a", "x=a"],
    ["x>1", "x>1"],
    ["x<7", "x<7"],
    ["x=a,y!=b", "x=a,y!=b"],
    ["x=a,y!=b,z in (h,i,j)", "x=a,y!=b,z in (h,i,j)"],
    ["x notin ( )", "x notin ()"],
    ["x notin (, a)", "x notin (,a)"],
    ["a ", "a"],
    ["a in (x,y,notin, z,in)", "a in (in,notin,x,y,z)"],
    ["x==a", "x==a"],
    ["notin=in", "notin=in"],
    ["in in (in)", "in in (in)"],
    ["example.com/a", "example.com/a"],
  ];
  for (const [input, canonical] of good) {
    it(`parses ${JSON.stringify(input)}`, () => {
      assert.equal(parseLabelSelector(input).toString(), canonical);
    });
  }

  it("parses requirements with operators and sorted values", () => {
    assert.deepEqual(parseLabelSelector("x notin (b,a),!y,z").requirements, [
      { key: "x", operator: "notin", values: ["a", "b"] },
      { key: "y", operator: "!", values: [] },
      { key: "z", operator: "exists", values: [] },
    ]);
    assert.deepEqual(parseLabelSelector("k==v").requirements, [{ key: "k", operator: "==", values: ["v"] }]);
    assert.deepEqual(parseLabelSelector("k>10").requirements, [{ key: "k", operator: "gt", values: ["10"] }]);
  });
});

describe("labels: parse errors carry upstream's exact message", () => {
  const bad: Array<[string, string]> = [
    ["a b", `unable to parse requirement: found 'b', expected: ${OPS}`],
    ["x=a||y=b", `unable to parse requirement: values[0][x]: Invalid value: "a||y": ${VALUE_MSG}`],
    ["x==a==b", "found '==', expected: ',' or 'end of string'"],
    ["!x=a", "found '=', expected: ',' or 'end of string'"],
    [
      "x<a",
      `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`,
    ],
    ["x,,y", "found ',', expected: identifier after ','"],
    [",x,y", "found ',', expected: !, identifier, or 'end of string'"],
    ["x nott in (y)", `unable to parse requirement: found 'nott', expected: ${OPS}`],
    ["a in (xyz),", "found '', expected: identifier after ','"],
    ["a in (xyz)b notin ()", "found 'b', expected: ',' or 'end of string'"],
    ["a in (xyz abc)", "unable to parse requirement: found 'abc', expected: ',' or ')'"],
    ["a notin(", "unable to parse requirement: found '', expected: ',', ')' or identifier"],
    ["a in x", "unable to parse requirement: found 'x' expected: '('"],
    ["a in (x", "unable to parse requirement: found '', expected: ',' or ')'"],
    ["a (", `unable to parse requirement: found '(', expected: ${OPS}`],
    ["(", "found '(', expected: !, identifier, or 'end of string'"],
    ["a=(b)", "unable to parse requirement: found '(', expected: identifier"],
    ["!", "unable to parse requirement: found '', expected: identifier"],
    ["-a=b", `unable to parse requirement: <nil>: Invalid value: "-a": ${NAME_MSG}`],
    [
      "a/b/c",
      `unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ],
    [
      "Example.com/a",
      `unable to parse requirement: <nil>: Invalid value: "Example.com/a": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    ],
    ["/a", `unable to parse requirement: <nil>: Invalid value: "/a": prefix part must be non-empty`],
    ["a/", `unable to parse requirement: <nil>: Invalid value: "a/": name part must be non-empty; ${NAME_MSG}`],
    [
      `${"k".repeat(64)}`,
      `unable to parse requirement: <nil>: Invalid value: "${"k".repeat(64)}": name part must be no more than 63 characters`,
    ],
    [
      `x=${"v".repeat(64)}`,
      `unable to parse requirement: values[0][x]: Invalid value: "${"v".repeat(64)}": must be no more than 63 characters`,
    ],
    [
      "x in (-b,-a)",
      `unable to parse requirement: [values[0][x]: Invalid value: "-a": ${VALUE_MSG}, values[1][x]: Invalid value: "-b": ${VALUE_MSG}]`,
    ],
    ["x>-1", `unable to parse requirement: values[0][x]: Invalid value: "-1": ${VALUE_MSG}`],
    [
      "x>99999999999999999999",
      `unable to parse requirement: values[0]: Invalid value: "99999999999999999999": for 'Gt', 'Lt' operators, the value must be an integer`,
    ],
  ];
  for (const [input, message] of bad) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      assert.equal(
        badRequestMessage(() => parseLabelSelector(input)),
        message,
      );
    });
  }

  it("quotes values as Go's %q does", () => {
    assert.equal(
      badRequestMessage(() => parseLabelSelector('x=a"b')),
      `unable to parse requirement: values[0][x]: Invalid value: "a\\"b": ${VALUE_MSG}`,
    );
  });
});

describe("labels: matching (upstream TestSelectorMatches / TestRequirementSelectorMatching)", () => {
  const match = (sel: string, labels: Record<string, string>): boolean => parseLabelSelector(sel).matches(labels);

  it("matches", () => {
    assert.ok(match("", { x: "y" }));
    assert.ok(match("x=y", { x: "y" }));
    assert.ok(match("x=y,z=w", { x: "y", z: "w" }));
    assert.ok(match("x!=y,z!=w", { x: "z", z: "a" }));
    assert.ok(match("notin=in", { notin: "in" }));
    assert.ok(match("x", { x: "z" }));
    assert.ok(match("!x", { y: "z" }));
    assert.ok(match("x>1", { x: "2" }));
    assert.ok(match("x<1", { x: "0" }));
    const set = { foo: "bar", baz: "blah" };
    assert.ok(match("foo=bar", set));
    assert.ok(match("baz=blah", set));
    assert.ok(match("foo=bar,baz=blah", set));
    assert.ok(match("x notin (),y", { y: "" }));
    assert.ok(match("!x,y", { y: "" }));
    assert.ok(match("x in (a,b)", { x: "b" }));
    assert.ok(match("x notin (a,b)", {}));
    assert.ok(match("x!=a", {}));
  });

  it("does not match", () => {
    assert.ok(!match("x=z", {}));
    assert.ok(!match("x=y", { x: "z" }));
    assert.ok(!match("x=y,z=w", { x: "w", z: "w" }));
    assert.ok(!match("x!=y,z!=w", { x: "z", z: "w" }));
    assert.ok(!match("x", { y: "z" }));
    assert.ok(!match("!x", { x: "z" }));
    assert.ok(!match("x>1", { x: "0" }));
    assert.ok(!match("x<1", { x: "2" }));
    assert.ok(!match("z>1", { z: "v2" }));
    assert.ok(!match("x in ()", { y: "baz" }));
    assert.ok(!match("x notin (),!y", { y: "" }));
    const set = { foo: "bar", baz: "blah" };
    assert.ok(!match("foo=blah", set));
    assert.ok(!match("baz=bar", set));
    assert.ok(!match("foo=bar,foobar=bar,baz=blah", set));
  });

  it("treats undefined labels as no labels", () => {
    assert.ok(parseLabelSelector("").matches(undefined));
    assert.ok(parseLabelSelector("!a").matches(undefined));
    assert.ok(!parseLabelSelector("a").matches(undefined));
  });

  it("does not see inherited properties as labels", () => {
    assert.ok(!parseLabelSelector("toString").matches({}));
    assert.ok(parseLabelSelector("!constructor").matches({}));
  });
});

describe("labels: Everything, Nothing, empty", () => {
  it("Everything is empty and matches all", () => {
    assert.ok(LabelSelector.everything().empty);
    assert.ok(LabelSelector.everything().matches({ x: "y" }));
    assert.ok(parseLabelSelector("").empty);
    assert.ok(parseLabelSelector("   ").empty);
    assert.ok(!parseLabelSelector("a").empty);
  });

  it("Nothing is not empty and matches nothing", () => {
    assert.ok(!LabelSelector.nothing().empty);
    assert.ok(LabelSelector.nothing().matchesNothing);
    assert.ok(!LabelSelector.nothing().matches({}));
    assert.equal(LabelSelector.nothing().toString(), "");
  });

  it("labelSelectorFromSet matches exactly the set", () => {
    const sel = labelSelectorFromSet({ foo: "bar", baz: "blah" });
    assert.equal(sel.toString(), "baz=blah,foo=bar");
    assert.ok(sel.matches({ foo: "bar", baz: "blah", x: "y" }));
    assert.ok(!sel.matches({ foo: "bar" }));
    assert.ok(labelSelectorFromSet({}).empty);
    assert.ok(labelSelectorFromSet(undefined).empty);
  });

  it("add keeps requirements sorted by key", () => {
    const sel = LabelSelector.of([req("key", "in", ["value"])]).add(req("a", "=", ["b"]));
    assert.equal(sel.toString(), "a=b,key in (value)");
  });

  it("requiresExactMatch", () => {
    const sel = parseLabelSelector("a=1,b in (2),c in (3,4),d!=5,e==6");
    assert.equal(sel.requiresExactMatch("a"), "1");
    assert.equal(sel.requiresExactMatch("b"), "2");
    assert.equal(sel.requiresExactMatch("c"), undefined);
    assert.equal(sel.requiresExactMatch("d"), undefined);
    assert.equal(sel.requiresExactMatch("e"), "6");
    assert.equal(sel.requiresExactMatch("z"), undefined);
  });
});

describe("labels: requirements (upstream TestRequirementConstructor / TestToString)", () => {
  it("validates as NewRequirement", () => {
    const cases: Array<[string, Requirement["operator"], string[], string | undefined]> = [
      ["x1", "in", [], "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty"],
      ["x2", "notin", [], "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty"],
      ["x3", "in", ["foo"], undefined],
      ["x4", "notin", ["foo"], undefined],
      [
        "x5",
        "=",
        ["bar", "foo"],
        'values: Invalid value: []string{"bar", "foo"}: exact-match compatibility requires one single value',
      ],
      ["x6", "exists", [], undefined],
      ["x7", "!", [], undefined],
      [
        "x8",
        "exists",
        ["foo"],
        'values: Invalid value: []string{"foo"}: values set must be empty for exists and does not exist',
      ],
      ["x11", "gt", ["1"], undefined],
      ["x12", "lt", ["6"], undefined],
      ["x13", "gt", [], "values: Invalid value: []string{}: for 'Gt', 'Lt' operators, exactly one value is required"],
      ["x14", "gt", ["bar"], `values[0]: Invalid value: "bar": for 'Gt', 'Lt' operators, the value must be an integer`],
      ["x15", "lt", ["bar"], `values[0]: Invalid value: "bar": for 'Gt', 'Lt' operators, the value must be an integer`],
      [
        "a".repeat(254),
        "exists",
        [],
        `key: Invalid value: "${"a".repeat(254)}": name part must be no more than 63 characters`,
      ],
      [
        "x16",
        "=",
        ["a".repeat(254)],
        `values[0][x16]: Invalid value: "${"a".repeat(254)}": must be no more than 63 characters`,
      ],
      ["x17", "=", ["a b"], `values[0][x17]: Invalid value: "a b": ${VALUE_MSG}`],
      [
        "x18",
        "unsupportedOp" as Requirement["operator"],
        [],
        'operator: Unsupported value: "unsupportedOp": supported values: "in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"',
      ],
    ];
    for (const [key, op, values, message] of cases) {
      if (message === undefined) assert.doesNotThrow(() => newRequirement(key, op, values), key);
      else
        assert.equal(
          badRequestMessage(() => newRequirement(key, op, values)),
          message,
          key,
        );
    }
  });

  it("prints canonical strings", () => {
    const cases: Array<[Requirement[], string]> = [
      [
        [req("x", "in", ["abc", "def"]), req("y", "notin", ["jkl"]), req("z", "exists")],
        "x in (abc,def),y notin (jkl),z",
      ],
      [[req("x", "notin", ["abc", "def"]), req("y", "!=", ["jkl"]), req("z", "!")], "x notin (abc,def),y!=jkl,!z"],
      [
        [req("x", "notin", ["abc"]), req("y", "in", ["mno", "jkl"]), req("z", "notin", [""])],
        "x notin (abc),y in (jkl,mno),z notin ()",
      ],
      [
        [req("x", "=", ["abc"]), req("y", "==", ["jkl"]), req("z", "!=", ["a"]), req("z", "exists")],
        "x=abc,y==jkl,z!=a,z",
      ],
      [[req("x", "gt", ["2"]), req("y", "lt", ["8"]), req("z", "exists")], "x>2,y<8,z"],
    ];
    for (const [requirements, out] of cases) assert.equal(LabelSelector.of(requirements).toString(), out);
  });
});

describe("labels: metav1 LabelSelector (LabelSelectorAsSelector / FormatLabelSelector)", () => {
  it("converts nil to Nothing and {} to Everything", () => {
    assert.ok(labelSelectorFromObject(undefined).matchesNothing);
    assert.ok(labelSelectorFromObject(null).matchesNothing);
    assert.ok(labelSelectorFromObject({}).empty);
    assert.ok(labelSelectorFromObject({ matchLabels: {}, matchExpressions: [] }).empty);
  });

  it("ANDs matchLabels and matchExpressions, canonically ordered", () => {
    const sel = labelSelectorFromObject({
      matchLabels: { b: "2", a: "1" },
      matchExpressions: [
        { key: "c", operator: "In", values: ["z", "y"] },
        { key: "d", operator: "DoesNotExist" },
        { key: "e", operator: "NotIn", values: ["q"] },
        { key: "f", operator: "Exists" },
      ],
    });
    assert.equal(sel.toString(), "a=1,b=2,c in (y,z),!d,e notin (q),f");
    assert.ok(sel.matches({ a: "1", b: "2", c: "y", f: "" }));
    assert.ok(!sel.matches({ a: "1", b: "2", c: "y", f: "", d: "x" }));
    assert.ok(!sel.matches({ a: "1", b: "2", c: "x", f: "" }));
    assert.ok(!sel.matches({ a: "1", b: "2", c: "y", f: "", e: "q" }));
  });

  it("rejects invalid selectors with upstream's messages", () => {
    const cases: Array<[Parameters<typeof labelSelectorFromObject>[0], string]> = [
      [
        { matchExpressions: [{ key: "a", operator: "In" }] },
        "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
      ],
      [
        { matchExpressions: [{ key: "a", operator: "NotIn", values: [] }] },
        "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
      ],
      [
        { matchExpressions: [{ key: "a", operator: "Exists", values: ["x"] }] },
        'values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist',
      ],
      [{ matchExpressions: [{ key: "a", operator: "Foo" }] }, '"Foo" is not a valid pod selector operator'],
      [{ matchLabels: { "a b": "x" } }, `key: Invalid value: "a b": ${NAME_MSG}`],
      [{ matchLabels: { app: "x y" } }, `values[0][app]: Invalid value: "x y": ${VALUE_MSG}`],
      [
        { matchLabels: { "-k": "-v" } },
        `[key: Invalid value: "-k": ${NAME_MSG}, values[0][-k]: Invalid value: "-v": ${VALUE_MSG}]`,
      ],
    ];
    for (const [sel, message] of cases) {
      assert.equal(
        badRequestMessage(() => labelSelectorFromObject(sel)),
        message,
      );
    }
  });

  it("formats as FormatLabelSelector", () => {
    assert.equal(labelSelectorAsString(undefined), "<none>");
    assert.equal(labelSelectorAsString({}), "<none>");
    assert.equal(labelSelectorAsString({ matchLabels: { app: "web" } }), "app=web");
    assert.equal(
      labelSelectorAsString({
        matchLabels: { app: "web" },
        matchExpressions: [{ key: "tier", operator: "In", values: ["b", "a"] }],
      }),
      "app=web,tier in (a,b)",
    );
    assert.equal(labelSelectorAsString({ matchExpressions: [{ key: "a", operator: "Bogus" }] }), "<error>");
  });

  it("round-trips through the string form", () => {
    const sel = labelSelectorFromObject({
      matchLabels: { "app.kubernetes.io/name": "web" },
      matchExpressions: [{ key: "env", operator: "NotIn", values: ["prod", "dev"] }],
    });
    assert.equal(parseLabelSelector(sel.toString()).toString(), sel.toString());
  });
});
