import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StorageError, type StorageErrorCode } from "./errors.js";
import {
  checkKey,
  checkLimit,
  checkPrefix,
  checkRevision,
  checkValue,
  MAX_VALUE_BYTES,
  prefixEnd,
  REGISTRY_PREFIX,
} from "./validation.js";

function throwsCode(code: StorageErrorCode, call: () => unknown, what: string): StorageError {
  try {
    call();
  } catch (error) {
    assert.ok(error instanceof StorageError, `${what}: threw ${String(error)}, not a StorageError`);
    assert.equal(error.code, code, `${what}: ${error.message}`);
    return error;
  }
  assert.fail(`${what}: did not throw ${code}`);
}

/** A JSON object of exactly `bytes` bytes. */
function objectOf(bytes: number): Buffer {
  const head = '{"d":"';
  return Buffer.from(`${head}${"a".repeat(bytes - head.length - 2)}"}`);
}

describe("validation", () => {
  describe("checkKey", () => {
    it("accepts registry keys of printable ASCII and returns them", () => {
      for (const key of [
        "/registry/pods/default/web-0",
        "/registry/a",
        "/registry/apps/deployments/kube-system/coredns",
        "/registry/a..b/.hidden/...",
        "/registry/!~_-.:@%+=",
        "/registry/x/y/z",
      ]) {
        assert.equal(checkKey(key), key);
      }
    });

    it("rejects keys outside /registry/, empty, ending in '/', or not strings with InvalidKey", () => {
      for (const key of [
        "",
        "/",
        "registry/a",
        "/registry",
        "/registry/",
        "/registryx/a",
        "/a/registry/b",
        "/registry/a/",
      ]) {
        throwsCode("InvalidKey", () => checkKey(key), JSON.stringify(key));
      }
      for (const key of [undefined, null, 42, {}, ["/registry/a"], Buffer.from("/registry/a")]) {
        const error = throwsCode("InvalidKey", () => checkKey(key), String(key));
        assert.equal(error.key, undefined, "a non-string key is not echoed in error.key");
      }
    });

    it("rejects spaces, control characters and non-ASCII with InvalidKey", () => {
      for (const key of [
        "/registry/a b",
        "/registry/a\tb",
        "/registry/a\nb",
        "/registry/a\rb",
        "/registry/a\u0000b",
        "/registry/a\u001fb",
        "/registry/a\u007fb",
        "/registry/é",
        "/registry/a\u2028",
        "/registry/😀",
      ]) {
        const error = throwsCode("InvalidKey", () => checkKey(key), JSON.stringify(key));
        assert.equal(error.key, key, "error.key carries the rejected key");
      }
    });

    it("rejects empty, '.' and '..' segments with InvalidKey", () => {
      for (const key of [
        "/registry//a",
        "/registry/a//b",
        "/registry/.",
        "/registry/..",
        "/registry/./a",
        "/registry/../a",
        "/registry/a/./b",
        "/registry/a/../b",
        "/registry/a/..",
      ]) {
        throwsCode("InvalidKey", () => checkKey(key), key);
      }
    });

    it("accepts keys up to 1024 bytes and rejects longer ones", () => {
      const at = `/registry/${"k".repeat(1024 - REGISTRY_PREFIX.length)}`;
      assert.equal(Buffer.byteLength(at), 1024);
      assert.equal(checkKey(at), at);
      throwsCode("InvalidKey", () => checkKey(`${at}k`), "1025-byte key");
    });
  });

  describe("checkPrefix", () => {
    it("accepts /registry/ and prefixes under it that end in '/'", () => {
      for (const prefix of ["/registry/", "/registry/pods/", "/registry/pods/default/", "/registry/a.b/"]) {
        assert.equal(checkPrefix(prefix), prefix);
      }
    });

    it("rejects prefixes without a trailing '/', outside /registry/ or with bad segments", () => {
      for (const prefix of [
        "",
        "/",
        "/registry",
        "/registry/pods",
        "/other/",
        "registry/",
        "/registry//",
        "/registry/a//",
        "/registry/./",
        "/registry/../",
        "/registry/a b/",
        "/registry/\u0000/",
      ]) {
        throwsCode("InvalidKey", () => checkPrefix(prefix), JSON.stringify(prefix));
      }
      for (const prefix of [undefined, null, 1, {}])
        throwsCode("InvalidKey", () => checkPrefix(prefix), String(prefix));
    });

    it("rejects prefixes over 1024 bytes", () => {
      const at = `/registry/${"p".repeat(1024 - REGISTRY_PREFIX.length - 1)}/`;
      assert.equal(Buffer.byteLength(at), 1024);
      assert.equal(checkPrefix(at), at);
      throwsCode("InvalidKey", () => checkPrefix(`/registry/p${at.slice(REGISTRY_PREFIX.length)}`), "1025-byte prefix");
    });
  });

  describe("prefixEnd", () => {
    it("increments the last byte, so the range [prefix, end) holds exactly the keys under the prefix", () => {
      assert.equal(prefixEnd("/registry/pods/"), "/registry/pods0");
      assert.equal(prefixEnd("/registry/"), "/registry0");
      const prefix = "/registry/pods/";
      const end = prefixEnd(prefix);
      const inside = ["/registry/pods/a", "/registry/pods/~", "/registry/pods/~~~/x", "/registry/pods/!"];
      const outside = [
        "/registry/pods",
        "/registry/pods0",
        "/registry/pods0/a",
        "/registry/podsx/a",
        "/registry/pod/a",
      ];
      for (const key of inside) assert.ok(key >= prefix && key < end, `${key} is in range`);
      for (const key of outside) assert.ok(!(key >= prefix && key < end), `${key} is out of range`);
    });
  });

  describe("checkValue", () => {
    it("returns a Buffer as is, without copying", () => {
      const value = Buffer.from('{"a":1}');
      assert.equal(checkValue(value, "/registry/k"), value);
    });

    it("returns a Buffer over the same bytes for a Uint8Array view", () => {
      const backing = new Uint8Array(Buffer.from('xx{"a":1}yy'));
      const view = backing.subarray(2, 9);
      const result = checkValue(view, "/registry/k");
      assert.ok(Buffer.isBuffer(result));
      assert.equal(result.toString("utf8"), '{"a":1}');
      backing[4] = "b".charCodeAt(0);
      assert.equal(result.toString("utf8"), '{"b":1}', "shares memory with the view");
    });

    it("accepts any JSON object, whitespace and all", () => {
      for (const text of ["{}", ' {"a":[1,2]} ', '{"a":{"b":null}}\n', '{"ünï":"€"}']) {
        assert.equal(checkValue(Buffer.from(text), "/registry/k").toString("utf8"), text);
      }
    });

    it("rejects non-bytes, empty, non-JSON and non-object JSON with InvalidValue", () => {
      for (const value of [undefined, null, "{}", 1, {}, [123, 125], new ArrayBuffer(2)]) {
        throwsCode("InvalidValue", () => checkValue(value, "/registry/k"), String(value));
      }
      for (const text of ["", "{", "nope", '{"a":1} x', "[]", "[{}]", "1", "null", "true", '"s"']) {
        const error = throwsCode(
          "InvalidValue",
          () => checkValue(Buffer.from(text), "/registry/k"),
          JSON.stringify(text),
        );
        assert.equal(error.key, "/registry/k");
      }
    });

    it("keeps the parse error as the cause of a non-JSON value", () => {
      const error = throwsCode("InvalidValue", () => checkValue(Buffer.from("{"), "/registry/k"), "{");
      assert.ok(error.cause instanceof SyntaxError);
    });

    it("accepts exactly 1.5 MiB and rejects one byte more with TooLarge", () => {
      assert.equal(MAX_VALUE_BYTES, 1.5 * 1024 * 1024);
      assert.equal(checkValue(objectOf(MAX_VALUE_BYTES), "/registry/k").byteLength, MAX_VALUE_BYTES);
      const error = throwsCode("TooLarge", () => checkValue(objectOf(MAX_VALUE_BYTES + 1), "/registry/k"), "+1");
      assert.equal(error.key, "/registry/k");
      // Size is checked before parsing: an oversized non-JSON value is TooLarge.
      throwsCode("TooLarge", () => checkValue(Buffer.alloc(MAX_VALUE_BYTES + 1, 0x20), "/registry/k"), "blank");
    });
  });

  describe("checkRevision and checkLimit", () => {
    it("checkRevision accepts non-negative safe integers", () => {
      for (const revision of [0, 1, 42, Number.MAX_SAFE_INTEGER]) assert.equal(checkRevision(revision), revision);
    });

    it("checkRevision rejects everything else with InvalidRevision, naming what it checked", () => {
      for (const revision of [-1, -0.5, 1.5, NaN, Infinity, -Infinity, 2 ** 53, "5", null, undefined, 5n, {}]) {
        throwsCode("InvalidRevision", () => checkRevision(revision), String(revision));
      }
      const error = throwsCode("InvalidRevision", () => checkRevision(-1, "fromRevision"), "named");
      assert.match(error.message, /fromRevision/);
    });

    it("checkLimit: absent is 0 (no limit), non-negative safe integers pass, the rest is InvalidRevision", () => {
      assert.equal(checkLimit(undefined), 0);
      for (const limit of [0, 1, 500, Number.MAX_SAFE_INTEGER]) assert.equal(checkLimit(limit), limit);
      for (const limit of [-1, 1.5, NaN, Infinity, 2 ** 53, "10", null, 10n]) {
        throwsCode("InvalidRevision", () => checkLimit(limit), String(limit));
      }
    });
  });
});
