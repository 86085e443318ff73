import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { filterAll, makeNode, makePod, nodeInfoOf, scoreAll } from "../testutil.js";
import { taintToleration } from "./tainttoleration.js";

describe("TaintToleration", () => {
  const noSchedule = nodeInfoOf(makeNode("ns", { taints: [{ key: "k", value: "v", effect: "NoSchedule" }] }));
  const noExecute = nodeInfoOf(makeNode("ne", { taints: [{ key: "gone", effect: "NoExecute" }] }));
  const prefer = nodeInfoOf(makeNode("pref", { taints: [{ key: "soft", value: "x", effect: "PreferNoSchedule" }] }));
  const clean = nodeInfoOf(makeNode("clean"));

  it("filters untolerated NoSchedule/NoExecute taints with upstream's reason", () => {
    assert.deepEqual(filterAll(taintToleration, makePod("p"), [noSchedule, noExecute, prefer, clean]), [
      "node(s) had untolerated taint {k: v}",
      "node(s) had untolerated taint {gone: }",
      "",
      "",
    ]);
    const tolerant = makePod(
      "t",
      {},
      {
        tolerations: [
          { key: "k", operator: "Equal", value: "v", effect: "NoSchedule" },
          { key: "gone", operator: "Exists" },
        ],
      },
    );
    assert.deepEqual(filterAll(taintToleration, tolerant, [noSchedule, noExecute]), ["", ""]);
    const wrongValue = makePod("w", {}, { tolerations: [{ key: "k", operator: "Equal", value: "other" }] });
    assert.deepEqual(filterAll(taintToleration, wrongValue, [noSchedule]), ["node(s) had untolerated taint {k: v}"]);
  });

  it("scores fewer untolerated PreferNoSchedule taints higher", () => {
    assert.deepEqual(scoreAll(taintToleration, makePod("p"), [prefer, clean]), [0, 100]);
    const tolerant = makePod(
      "t",
      {},
      { tolerations: [{ key: "soft", operator: "Exists", effect: "PreferNoSchedule" }] },
    );
    assert.deepEqual(scoreAll(taintToleration, tolerant, [prefer, clean]), [100, 100]);
  });
});
