import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Pod, PodAffinityTerm } from "kubernetes-types/core/v1.js";
import { filterAll, makeNode, makePod, nodeInfoOf, scoreAll } from "../testutil.js";
import { interPodAffinity } from "./interpodaffinity.js";

const term = (labels: Record<string, string>, topologyKey = "zone"): PodAffinityTerm => ({
  labelSelector: { matchLabels: labels },
  topologyKey,
});

describe("InterPodAffinity", () => {
  const db = makePod("db", { labels: { app: "db" } });
  const za = nodeInfoOf(makeNode("za", { labels: { zone: "a" } }), [db]);
  const zb = nodeInfoOf(makeNode("zb", { labels: { zone: "b" } }));
  const nozone = nodeInfoOf(makeNode("nozone"));

  it("requires affinity terms to be met in the node's domain", () => {
    const pod = makePod(
      "web",
      {},
      { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: "db" })] } } },
    );
    const reason = "node(s) didn't match pod affinity rules";
    assert.deepEqual(filterAll(interPodAffinity, pod, [za, zb, nozone]), ["", reason, reason]);
  });

  it("lets the first pod of a self-affine group go anywhere with the topology key", () => {
    const pod = makePod(
      "first",
      { labels: { app: "cache" } },
      {
        affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: "cache" })] } },
      },
    );
    assert.deepEqual(filterAll(interPodAffinity, pod, [za, zb, nozone]), [
      "",
      "",
      "node(s) didn't match pod affinity rules",
    ]);
  });

  it("rejects anti-affinity matches, both the pod's and existing pods'", () => {
    const pod = makePod(
      "web",
      {},
      { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: "db" })] } } },
    );
    assert.deepEqual(filterAll(interPodAffinity, pod, [za, zb]), ["node(s) didn't match pod anti-affinity rules", ""]);
    const loner: Pod = makePod(
      "loner",
      {},
      {
        affinity: {
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [term({ app: "web" }, "kubernetes.io/hostname")],
          },
        },
      },
    );
    const host = nodeInfoOf(makeNode("host", { labels: { zone: "a" } }), [loner]);
    assert.deepEqual(filterAll(interPodAffinity, makePod("w", { labels: { app: "web" } }), [host, zb]), [
      "node(s) didn't satisfy existing pods anti-affinity rules",
      "",
    ]);
  });

  it("scores preferred affinity and anti-affinity per domain", () => {
    const pod = makePod(
      "web",
      {},
      {
        affinity: {
          podAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term({ app: "db" }) }],
          },
        },
      },
    );
    assert.deepEqual(scoreAll(interPodAffinity, pod, [za, zb]), [100, 0]);
    const anti = makePod(
      "web",
      {},
      {
        affinity: {
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term({ app: "db" }) }],
          },
        },
      },
    );
    assert.deepEqual(scoreAll(interPodAffinity, anti, [za, zb]), [0, 100]);
  });

  it("selects namespaces by namespaceSelector, in both directions", () => {
    const labelsOf: Record<string, Record<string, string>> = { prod: { env: "prod" }, dev: { env: "dev" } };
    const ctx = {
      namespaceLabels: (name: string) => labelsOf[name],
      namespacesMatching: (selector: { matches(l: Record<string, string>): boolean }) =>
        Object.keys(labelsOf).filter((n) => selector.matches(labelsOf[n]!)),
    };
    const inProd = nodeInfoOf(makeNode("p", { labels: { zone: "a" } }), [
      makePod("db", { namespace: "prod", labels: { app: "db" } }),
    ]);
    const empty = nodeInfoOf(makeNode("e", { labels: { zone: "b" } }));
    const anti = makePod(
      "web",
      { namespace: "dev" },
      {
        affinity: {
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [
              { ...term({ app: "db" }), namespaceSelector: { matchLabels: { env: "prod" } } },
            ],
          },
        },
      },
    );
    const reason = "node(s) didn't match pod anti-affinity rules";
    assert.deepEqual(filterAll(interPodAffinity, anti, [inProd, empty], ctx), [reason, ""]);
    // Without namespace labels only the pod's own namespace list applies (here: none beyond the selector).
    assert.deepEqual(filterAll(interPodAffinity, anti, [inProd, empty]), ["", ""]);
    // An existing pod whose anti-affinity selects the incoming pod's namespace by label.
    const guard = makePod(
      "guard",
      { namespace: "prod" },
      {
        affinity: {
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [
              { ...term({ app: "web" }), namespaceSelector: { matchLabels: { env: "dev" } } },
            ],
          },
        },
      },
    );
    const guarded = nodeInfoOf(makeNode("g", { labels: { zone: "c" } }), [guard]);
    const web = makePod("w", { namespace: "dev", labels: { app: "web" } });
    assert.deepEqual(filterAll(interPodAffinity, web, [guarded, empty], ctx), [
      "node(s) didn't satisfy existing pods anti-affinity rules",
      "",
    ]);
  });
});
