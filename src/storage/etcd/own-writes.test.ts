import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeJsonValue } from "../validation.js";
import { OwnWrites } from "./own-writes.js";

describe("OwnWrites", () => {
  it("gives back the writer's Buffer for equal bytes, once", () => {
    const own = new OwnWrites();
    const value = encodeJsonValue({ a: 1 });
    own.remember("/k", value);
    const wire = Buffer.from(JSON.stringify({ a: 1 }));
    assert.equal(own.take("/k", wire), value);
    assert.equal(own.size, 0);
    assert.equal(own.take("/k", wire), wire);
  });

  it("keeps the wire bytes when they differ, the key differs, or the value may change (not encodeJsonValue)", () => {
    const own = new OwnWrites();
    own.remember("/k", encodeJsonValue({ a: 1 }));
    const other = Buffer.from(JSON.stringify({ a: 2 }));
    assert.equal(own.take("/k", other), other);
    const same = Buffer.from(JSON.stringify({ a: 1 }));
    assert.equal(own.take("/other", same), same);
    const plain = Buffer.from(JSON.stringify({ p: 1 }));
    own.remember("/plain", plain);
    const wire = Buffer.from(plain);
    assert.equal(own.take("/plain", wire), wire);
  });

  it("forgets a failed write, but not a newer write to the same key", () => {
    const own = new OwnWrites();
    const first = encodeJsonValue({ v: 1 });
    const second = encodeJsonValue({ v: 2 });
    own.remember("/k", first);
    own.remember("/k", second);
    own.forget("/k", first);
    assert.equal(own.take("/k", Buffer.from(second)), second);
    own.remember("/k", first);
    own.forget("/k", first);
    assert.equal(own.size, 0);
  });

  it("is bounded: the oldest entries go first", () => {
    const own = new OwnWrites(2);
    const values = [0, 1, 2].map((i) => encodeJsonValue({ i }));
    values.forEach((v, i) => own.remember(`/k${i}`, v));
    assert.equal(own.size, 2);
    const wire0 = Buffer.from(values[0]!);
    assert.equal(own.take("/k0", wire0), wire0);
    assert.equal(own.take("/k2", Buffer.from(values[2]!)), values[2]);
  });
});
