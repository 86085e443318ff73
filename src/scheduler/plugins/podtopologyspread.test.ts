import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import { labelSelectorFromSet } from "../../api/selectors/labels.js";
import { filterAll, makeNode, makePod, nodeInfoOf, scoreAll } from "../testutil.js";
import { podTopologySpread } from "./podtopologyspread.js";

const app = (name: string, nodeName?: string): Pod =>
  makePod(name, { labels: { app: "web" }, ...(nodeName ? { nodeName } : {}) });

function spreading(whenUnsatisfiable: "DoNotSchedule" | "ScheduleAnyway", maxSkew = 1): Pod {
  return makePod(
    "new",
    { labels: { app: "web" } },
    {
      topologySpreadConstraints: [
        { maxSkew, topologyKey: "zone", whenUnsatisfiable, labelSelector: { matchLabels: { app: "web" } } },
      ],
    },
  );
}

describe("PodTopologySpread", () => {
  const a1 = nodeInfoOf(makeNode("a1", { labels: { zone: "a" } }), [app("x1"), app("x2")]);
  const a2 = nodeInfoOf(makeNode("a2", { labels: { zone: "a" } }));
  const b1 = nodeInfoOf(makeNode("b1", { labels: { zone: "b" } }), [app("y1")]);
  const unlabelled = nodeInfoOf(makeNode("nolabel"));

  it("filters DoNotSchedule constraints by skew, and nodes missing the topology key", () => {
    assert.deepEqual(filterAll(podTopologySpread(), spreading("DoNotSchedule"), [a1, a2, b1, unlabelled]), [
      "node(s) didn't match pod topology spread constraints",
      "node(s) didn't match pod topology spread constraints",
      "",
      "node(s) didn't match pod topology spread constraints (missing required label)",
    ]);
    assert.deepEqual(filterAll(podTopologySpread(), spreading("DoNotSchedule", 2), [a1, a2, b1]), ["", "", ""]);
  });

  it("ignores pods in other namespaces and terminating pods", () => {
    const other = nodeInfoOf(makeNode("b2", { labels: { zone: "b" } }), [
      makePod("o", { labels: { app: "web" }, namespace: "other" }),
      { ...app("t"), metadata: { ...app("t").metadata, deletionTimestamp: "2024-01-01T00:00:00Z" } },
    ]);
    assert.deepEqual(filterAll(podTopologySpread(), spreading("DoNotSchedule"), [a2, other]), ["", ""]);
  });

  it("scores ScheduleAnyway constraints: emptier domains score higher", () => {
    const scores = scoreAll(podTopologySpread(), spreading("ScheduleAnyway"), [a1, b1]);
    assert.ok(scores[1]! > scores[0]!, `zone b (1 pod) should beat zone a (2 pods): ${scores}`);
  });

  it("applies the system default constraints to pods selected by a Service or controller", () => {
    const plugin = podTopologySpread(() => labelSelectorFromSet({ app: "web" }));
    const h1 = nodeInfoOf(makeNode("h1"), [app("x1"), app("x2")]);
    const h2 = nodeInfoOf(makeNode("h2"));
    const scores = scoreAll(plugin, makePod("new", { labels: { app: "web" } }), [h1, h2]);
    // hostname maxSkew 3, weight ln(2 + 2): h1 = round(2 × 1.386 + 2) = 5, h2 = 2 → 100 × (5 + 2 − s) / 5.
    assert.deepEqual(scores, [40, 100]);
    assert.deepEqual(scoreAll(podTopologySpread(), makePod("lonely"), [h1, h2]), [0, 0]);
  });
});
