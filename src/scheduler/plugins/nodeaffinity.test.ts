import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { filterAll, makeNode, makePod, nodeInfoOf, scoreAll } from "../testutil.js";
import { nodeAffinity } from "./nodeaffinity.js";

describe("NodeAffinity", () => {
  const a = nodeInfoOf(makeNode("a", { labels: { zone: "z1", gen: "5" } }));
  const b = nodeInfoOf(makeNode("b", { labels: { zone: "z2", gen: "3" } }));
  const c = nodeInfoOf(makeNode("c"));
  const reason = "node(s) didn't match Pod's node affinity/selector";

  it("requires nodeSelector and required terms (ORed terms, ANDed expressions, matchFields)", () => {
    assert.deepEqual(filterAll(nodeAffinity, makePod("p", {}, { nodeSelector: { zone: "z1" } }), [a, b, c]), [
      "",
      reason,
      reason,
    ]);
    const required = makePod(
      "r",
      {},
      {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchExpressions: [{ key: "gen", operator: "Gt", values: ["4"] }] },
                { matchFields: [{ key: "metadata.name", operator: "In", values: ["c"] }] },
              ],
            },
          },
        },
      },
    );
    assert.deepEqual(filterAll(nodeAffinity, required, [a, b, c]), ["", reason, ""]);
    const notIn = makePod(
      "n",
      {},
      {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "NotIn", values: ["z1"] }] }],
            },
          },
        },
      },
    );
    assert.deepEqual(filterAll(nodeAffinity, notIn, [a, b, c]), [reason, "", ""]);
  });

  it("scores preferred terms by weight, normalized to 100", () => {
    const pod = makePod(
      "p",
      {},
      {
        affinity: {
          nodeAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 10, preference: { matchExpressions: [{ key: "zone", operator: "In", values: ["z1"] }] } },
              { weight: 30, preference: { matchExpressions: [{ key: "gen", operator: "Exists" }] } },
            ],
          },
        },
      },
    );
    assert.deepEqual(scoreAll(nodeAffinity, pod, [a, b, c]), [100, 75, 0]);
  });
});
