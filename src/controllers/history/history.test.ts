/** Unit tests of ControllerRevision hashing, naming and data. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { StatefulSet } from "kubernetes-types/apps/v1.js";
import { statefulSets } from "../../client/resources.js";
import {
  CONTROLLER_REVISION_HASH_LABEL,
  controllerRevisionName,
  equalRevision,
  fnv32,
  goJson,
  hashRevisionData,
  newControllerRevision,
  nextRevision,
  safeEncodeString,
  sortRevisions,
  templateOfRevision,
  templatePatch,
} from "./index.js";

const set: StatefulSet = {
  metadata: { name: "web", namespace: "default", uid: "u1", annotations: { note: "x" } },
  spec: {
    selector: { matchLabels: { app: "web" } },
    serviceName: "web",
    template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx" }] } },
  },
};

describe("controller history", () => {
  it("hashes with Go's FNV-1 32-bit (fnv.New32), not FNV-1a", () => {
    assert.equal(fnv32(""), 0x811c9dc5);
    assert.equal(fnv32("a"), 0x050c5d7e);
    assert.equal(fnv32("foobar"), 0x31f0b262);
  });

  it("encodes hashes with SafeEncodeString's alphabet", () => {
    // '8' is byte 56, 56 % 27 = 2 → "d"; '4' → 52 % 27 = 25 → "8"; '6' → "b"; '9' → "f".
    assert.equal(safeEncodeString("84696446"), "d8bfb88b");
    assert.equal(hashRevisionData("a"), "d8bfb88b", "fnv32('a') is 84696446");
    assert.match(hashRevisionData("anything"), /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  });

  it("salts the hash with the collision count", () => {
    assert.notEqual(hashRevisionData("data", 0), hashRevisionData("data", 1));
    assert.equal(hashRevisionData("data", 0), safeEncodeString(String(fnv32("0", fnv32("data")))));
  });

  it("names revisions <owner>-<hash>, cutting long owners to 223 characters", () => {
    assert.equal(controllerRevisionName("web", "abc"), "web-abc");
    assert.equal(controllerRevisionName("x".repeat(300), "h").length, 225);
  });

  it("stores the template as a sorted replace patch and reads it back", () => {
    const patch = templatePatch(set);
    assert.equal(
      goJson(patch),
      '{"spec":{"template":{"$patch":"replace","metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"image":"nginx","name":"c"}]}}}}',
    );
    const revision = newControllerRevision(set, statefulSets, patch, 3, 0, CONTROLLER_REVISION_HASH_LABEL);
    const hash = revision.metadata!.labels![CONTROLLER_REVISION_HASH_LABEL]!;
    assert.equal(revision.metadata?.name, `web-${hash}`);
    assert.equal(revision.metadata?.labels?.app, "web");
    assert.equal(revision.metadata?.annotations?.note, "x");
    assert.equal(revision.metadata?.ownerReferences?.[0]?.kind, "StatefulSet");
    assert.equal(revision.metadata?.ownerReferences?.[0]?.controller, true);
    assert.equal(revision.revision, 3);
    assert.deepEqual(templateOfRevision(revision), set.spec!.template);
  });

  it("escapes HTML characters as Go's encoding/json does", () => {
    assert.equal(goJson({ b: "<&>", a: 1 }), '{"a":1,"b":"\\u003c\\u0026\\u003e"}');
  });

  it("orders revisions and finds the next number and equal data", () => {
    const a = newControllerRevision(set, statefulSets, templatePatch(set), 2, 0, CONTROLLER_REVISION_HASH_LABEL);
    const changed = structuredClone(set);
    changed.spec!.template.spec!.containers[0]!.image = "nginx:2";
    const b = newControllerRevision(
      changed,
      statefulSets,
      templatePatch(changed),
      1,
      0,
      CONTROLLER_REVISION_HASH_LABEL,
    );
    assert.deepEqual(
      sortRevisions([a, b]).map((r) => r.revision),
      [1, 2],
    );
    assert.equal(nextRevision([a, b]), 3);
    assert.equal(nextRevision([]), 1);
    assert.equal(equalRevision(a, b), false);
    assert.equal(equalRevision(a, structuredClone(a)), true);
    assert.notEqual(a.metadata?.name, b.metadata?.name);
  });
});
