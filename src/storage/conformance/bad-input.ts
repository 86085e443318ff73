/** Conformance: invalid keys, prefixes, values and numbers are rejected and write nothing. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_VALUE_BYTES } from "../validation.js";
import { json, options, rejects, shortValue, text, type Suite } from "./helpers.js";
import { watchFails } from "./recorder.js";
import { plain } from "./tracker.js";

export function describeBadInput(suite: Suite): void {
  const { shared, fresh } = suite;
  describe("bad input", () => {
    const badKeys: readonly unknown[] = [
      "",
      "registry/a",
      "/registry",
      "/registry/",
      "/registryx/a",
      "/other/a",
      "/registry/a/",
      "/registry/a b",
      "/registry/a\tb",
      "/registry/a\nb",
      "/registry/a\u0000b",
      "/registry/a\u007fb",
      "/registry/ä",
      "/registry/../a",
      "/registry/a/../b",
      "/registry/a/./b",
      "/registry//a",
      `/registry/${"a".repeat(1100)}`,
      undefined,
      42,
    ];
    const badPrefixes: readonly unknown[] = [
      "",
      "/registry",
      "/registry/a",
      "/other/",
      "registry/",
      "/registry/a b/",
      "/registry/../",
      "/registry//",
      undefined,
    ];
    const badNumbers: readonly unknown[] = [-1, 1.5, NaN, Infinity, "5", 2 ** 53];

    it(
      "keys outside /registry/, empty, ending in '/', or with spaces, control characters or '..' fail with InvalidKey",
      options,
      async () => {
        const s = shared();
        const p = fresh();
        for (const bad of badKeys) {
          const key = bad as string;
          const what = shortValue(bad);
          await rejects("InvalidKey", `create(${what})`, () => s.create(key, json({})));
          await rejects("InvalidKey", `get(${what})`, () => s.get(key));
          await rejects("InvalidKey", `update(${what})`, () => s.update(key, json({})));
          await rejects("InvalidKey", `update(${what}, 1)`, () => s.update(key, json({}), 1));
          await rejects("InvalidKey", `delete(${what})`, () => s.delete(key));
        }
        const valid = `${p}a..b/.c/-_~!`;
        await s.create(valid, json({}));
        assert.ok((await s.get(valid)) !== undefined, `${valid} is a valid key`);
      },
    );

    it("prefixes not ending in '/' or outside /registry/ fail with InvalidKey", options, async () => {
      const s = shared();
      const p = fresh();
      for (const bad of badPrefixes) {
        const prefix = bad as string;
        const what = shortValue(bad);
        await rejects("InvalidKey", `list(${what})`, () => s.list(prefix));
        await rejects("InvalidKey", `count(${what})`, () => s.count(prefix));
        await watchFails(s, prefix, 0, "InvalidKey", `watch(${what})`);
      }
      await rejects("InvalidKey", "list with `after` outside the prefix", () => s.list(p, { after: "/registry/a" }));
      await rejects("InvalidKey", "list with an invalid `after`", () => s.list(p, { after: `${p}a b` }));
      assert.ok((await s.list("/registry/", { limit: 1 })).items.length <= 1, "/registry/ is a valid prefix");
    });

    it("values that are empty, not JSON or not a JSON object fail with InvalidValue", options, async () => {
      const s = shared();
      const p = fresh();
      const existing = await s.create(`${p}exists`, json({ v: 1 }));
      const bad: readonly unknown[] = [
        Buffer.alloc(0),
        Buffer.from("not json"),
        Buffer.from("{"),
        Buffer.from('{"a":1} trailing'),
        Buffer.from("[]"),
        Buffer.from("[{}]"),
        Buffer.from("1"),
        Buffer.from("null"),
        Buffer.from('"string"'),
        Buffer.from("true"),
        "{}",
        undefined,
        null,
        { a: 1 },
        [123, 125],
      ];
      for (const value of bad) {
        const v = value as Uint8Array;
        const what = value instanceof Uint8Array ? JSON.stringify(text(value)) : shortValue(value);
        await rejects("InvalidValue", `create with value ${what}`, () => s.create(`${p}new`, v));
        await rejects("InvalidValue", `update with value ${what}`, () => s.update(`${p}exists`, v));
      }
      assert.equal(await s.get(`${p}new`), undefined, "a rejected create must not write");
      assert.deepEqual(plain((await s.get(`${p}exists`))!), plain(existing), "a rejected update must not write");
      const spaced = await s.create(`${p}spaced`, Buffer.from('  {"ok":true}\n'));
      assert.equal(text(spaced.value), '  {"ok":true}\n', "JSON with surrounding whitespace is an object");
    });

    it("a value over 1.5 MiB fails with TooLarge; one of 1.4 MiB is stored and read back", options, async () => {
      const s = shared();
      const p = fresh();
      const sized = (bytes: number, fill: string): Buffer => {
        const head = '{"data":"';
        return Buffer.from(`${head}${fill.repeat(bytes - head.length - 2)}"}`);
      };
      const tooLarge = sized(MAX_VALUE_BYTES + 1, "x");
      assert.equal(tooLarge.byteLength, MAX_VALUE_BYTES + 1);
      await rejects("TooLarge", "create with 1.5 MiB + 1 byte", () => s.create(`${p}big`, tooLarge));
      const small = await s.create(`${p}grow`, json({}));
      await rejects("TooLarge", "update with 1.5 MiB + 1 byte", () => s.update(`${p}grow`, tooLarge));
      await rejects("TooLarge", "create with 3 MiB", () => s.create(`${p}big`, sized(3 * 1024 * 1024, "y")));
      assert.equal(await s.get(`${p}big`), undefined);
      assert.deepEqual(plain((await s.get(`${p}grow`))!), plain(small));

      const large = sized(Math.floor(1.4 * 1024 * 1024), "z");
      const kv = await s.create(`${p}large`, large);
      assert.equal(kv.value.byteLength, large.byteLength);
      const got = await s.get(`${p}large`);
      assert.ok(got !== undefined && Buffer.compare(Buffer.from(got.value), large) === 0, "1.4 MiB value read back");
      const larger = sized(Math.floor(1.4 * 1024 * 1024), "w");
      const updated = await s.update(`${p}large`, larger, kv.modRevision);
      const listed = await s.list(p);
      const item = listed.items.find((i) => i.key === `${p}large`);
      assert.ok(item !== undefined && Buffer.compare(Buffer.from(item.value), larger) === 0, "1.4 MiB value listed");
      assert.equal(item.modRevision, updated.modRevision);
    });

    it(
      "negative, fractional, NaN, infinite, unsafe or string revisions and limits fail with InvalidRevision",
      options,
      async () => {
        const s = shared();
        const p = fresh();
        const kv = await s.create(`${p}k`, json({ v: 1 }));
        for (const bad of badNumbers) {
          const n = bad as number;
          const what = shortValue(bad);
          await rejects("InvalidRevision", `update expectedRevision ${what}`, () => s.update(`${p}k`, json({}), n));
          await rejects("InvalidRevision", `delete expectedRevision ${what}`, () => s.delete(`${p}k`, n));
          await rejects("InvalidRevision", `list revision ${what}`, () => s.list(p, { revision: n }));
          await rejects("InvalidRevision", `list limit ${what}`, () => s.list(p, { limit: n }));
          await rejects("InvalidRevision", `compact(${what})`, () => s.compact(n));
          await watchFails(s, p, n, "InvalidRevision", `watch fromRevision ${what}`);
        }
        assert.deepEqual(plain((await s.get(`${p}k`))!), plain(kv), "rejected calls must not write");
        assert.equal(await s.compactedRevision(), 0, "a rejected compact must not compact");
      },
    );
  });
}
