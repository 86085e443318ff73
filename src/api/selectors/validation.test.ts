import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fieldErrorMessage, invalid } from "../status.js";
import { compareGo, goQuote, goStringSlice, sortGo } from "./goformat.js";
import { validateLabelKey, validateLabels, validateLabelSelector, validateLabelValue } from "./validation.js";

const NAME_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

describe("validation: label keys and values (IsQualifiedName / IsValidLabelValue)", () => {
  it("accepts valid keys", () => {
    for (const k of [
      "simple",
      "now-with-dashes",
      "1-starts-with-num",
      "1234",
      "simple/simple",
      "now-with-dashes/simple",
      "now-with-dashes/now-with-dashes",
      "now.with.dots/simple",
      "now-with.dashes-and.dots/simple",
      "1-num.2-num/3-num",
      "1234/5678",
      "1.2.3.4/5678",
      "Uppercase_Is_OK_123",
      "example.com/Uppercase_Is_OK_123",
      "requests.storage-foo",
      "a".repeat(63),
      `${"a".repeat(253)}/${"b".repeat(63)}`,
    ]) {
      assert.deepEqual(validateLabelKey(k), [], k);
    }
  });

  it("rejects invalid keys with upstream's messages", () => {
    for (const k of [
      "nospecialchars%^=@",
      "cantendwithadash-",
      "-cantstartwithadash-",
      "only/one/slash",
      "Example.com/abc",
      "example_com/abc",
      "example.com/",
      "/simple",
      "a".repeat(64),
      `${"a".repeat(254)}/abc`,
    ]) {
      assert.ok(validateLabelKey(k).length > 0, k);
    }
    assert.deepEqual(validateLabelKey("a".repeat(64)), ["name part must be no more than 63 characters"]);
    assert.deepEqual(validateLabelKey("/simple"), ["prefix part must be non-empty"]);
    assert.deepEqual(validateLabelKey("example.com/"), ["name part must be non-empty", NAME_MSG]);
    assert.deepEqual(validateLabelKey(`${"a".repeat(254)}/abc`), ["prefix part must be no more than 253 characters"]);
  });

  it("validates values", () => {
    for (const v of ["", "simple", "now-with-dashes", "1-starts-with-num", "end-with-num-1", "1234", "a".repeat(63)]) {
      assert.deepEqual(validateLabelValue(v), [], v);
    }
    assert.deepEqual(validateLabelValue("a".repeat(64)), ["must be no more than 63 characters"]);
    assert.equal(validateLabelValue("nospecialchars%^=@").length, 1);
    assert.equal(validateLabelValue("Tama-nui-te-rā.is.Māori.sun").length, 1);
    assert.equal(validateLabelValue("\\backslashes\\are\\bad").length, 1);
    assert.equal(validateLabelValue("-starts-with-dash").length, 1);
    assert.equal(validateLabelValue("ends-with-dash-").length, 1);
    assert.equal(validateLabelValue(".starts.with.dot").length, 1);
    assert.equal(validateLabelValue("ends.with.dot.").length, 1);
    // Length counts UTF-8 bytes, as Go's len().
    assert.deepEqual(validateLabelValue("ā".repeat(32)).length, 2);
  });
});

describe("validation: metav1 LabelSelector (ValidateLabelSelector)", () => {
  it("reports FieldErrors at the given path", () => {
    const errs = validateLabelSelector(
      {
        matchLabels: { "bad key": "ok", good: "-bad" },
        matchExpressions: [
          { key: "a", operator: "In" },
          { key: "b", operator: "Exists", values: ["x"] },
          { key: "c", operator: "Bogus" },
          { key: "-d", operator: "NotIn", values: ["ok", "-no"] },
        ],
      },
      "spec.selector",
    );
    assert.deepEqual(
      errs.map((e) => `${e.field}: ${fieldErrorMessage(e)}`),
      [
        `spec.selector.matchLabels: Invalid value: "bad key": ${NAME_MSG}`,
        `spec.selector.matchLabels: Invalid value: "-bad": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
        "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
        "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
        `spec.selector.matchExpressions[2].operator: Invalid value: "Bogus": not a valid selector operator`,
        `spec.selector.matchExpressions[3].key: Invalid value: "-d": ${NAME_MSG}`,
        `spec.selector.matchExpressions[3].values[1]: Invalid value: "-no": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
      ],
    );
    const status = invalid({ group: "apps", kind: "Deployment" }, "web", errs.slice(2, 3));
    assert.equal(
      status.status.message,
      "Deployment.apps \"web\" is invalid: spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    );
  });

  it("honours the options and accepts nil", () => {
    assert.deepEqual(validateLabelSelector(undefined, "spec.selector"), []);
    assert.deepEqual(
      validateLabelSelector({ matchExpressions: [{ key: "a", operator: "In", values: ["-x"] }] }, "s", {
        allowInvalidLabelValueInSelector: true,
      }),
      [],
    );
    assert.deepEqual(
      validateLabelSelector({ matchExpressions: [{ key: "a", operator: "Foo" }] }, "s", {
        allowUnknownOperatorInRequirement: true,
      }),
      [],
    );
  });

  it("validates metadata.labels", () => {
    assert.deepEqual(validateLabels({ a: "b", "c/d": "" }, "metadata.labels"), []);
    assert.deepEqual(
      validateLabels({ x: "a".repeat(64) }, "metadata.labels").map((e) => e.detail),
      ["must be no more than 63 characters"],
    );
  });
});

describe("goformat", () => {
  it("quotes as strconv.Quote", () => {
    assert.equal(goQuote("a b"), '"a b"');
    assert.equal(goQuote('q"\\'), '"q\\"\\\\"');
    assert.equal(goQuote("\n\t\x00\x7f"), '"\\n\\t\\x00\\x7f"');
    assert.equal(goQuote("ā"), '"ā"');
    assert.equal(goQuote("\u00a0"), '"\\u00a0"');
    assert.equal(goQuote("\ud800"), '"\ufffd"');
    assert.equal(goQuote("😀"), '"😀"');
  });

  it("orders strings as Go does (code points, i.e. UTF-8 bytes), also where UTF-16 order differs", () => {
    const byBytes = (x: string, y: string): number => Buffer.compare(Buffer.from(x), Buffer.from(y));
    const words = ["", "a", "ab", "b", "B", "a-b", "a.b", "é", "\uffff", "\ue000", "😀", "😁", "a😀", "a\uffff", "z"];
    for (const x of words) {
      for (const y of words) assert.equal(compareGo(x, y), Math.sign(byBytes(x, y)), `${x} vs ${y}`);
    }
    // "\uffff" < "😀" in Go (U+FFFF < U+1F600), while JavaScript's default order puts the surrogate first.
    assert.deepEqual(sortGo(["😀", "\uffff"]), ["\uffff", "😀"]);
    const sorted = ["a", "b", "c"];
    assert.equal(sortGo(sorted), sorted);
    assert.deepEqual(sortGo(["c", "a", "b"]), ["a", "b", "c"]);
  });

  it("prints []string as %#v", () => {
    assert.equal(goStringSlice(null), "[]string(nil)");
    assert.equal(goStringSlice([]), "[]string{}");
    assert.equal(goStringSlice(["a", "b"]), '[]string{"a", "b"}');
  });
});
