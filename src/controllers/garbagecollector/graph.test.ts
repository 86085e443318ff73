// The dependency graph on plain objects: dependents indexed by owner uid, virtual owners, transitions that
// queue foreground and orphan work, and scale (10,000 dependents of one owner).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../../client/types.js";
import { DependencyGraph, type GraphNode, type GraphSink, type ObjectIdentity } from "./graph.js";

function recordingSink() {
  const deletes: string[] = [];
  const orphans: string[] = [];
  const absent: ObjectIdentity[] = [];
  const invalid: string[] = [];
  const sink: GraphSink = {
    attemptToDelete: (n: GraphNode) => void deletes.push(n.identity.uid),
    attemptToOrphan: (n: GraphNode) => void orphans.push(n.identity.uid),
    ownerAbsent: (id) => void absent.push(id),
    invalidOwnerNamespace: (dep) => void invalid.push(dep.identity.uid),
  };
  return { sink, deletes, orphans, absent, invalid };
}

function obj(
  uid: string,
  namespace: string,
  owners: string[] = [],
  extra: Partial<KubeObject["metadata"]> = {},
): KubeObject {
  return {
    metadata: {
      uid,
      name: uid,
      namespace,
      ownerReferences: owners.map((o) => ({
        apiVersion: "v1",
        kind: "ConfigMap",
        name: o,
        uid: o,
        blockOwnerDeletion: true,
      })),
      ...extra,
    },
  };
}

describe("dependency graph", () => {
  it("indexes dependents by owner uid and queues them when the owner goes", () => {
    const { sink, deletes } = recordingSink();
    const graph = new DependencyGraph(sink);
    const owner = obj("o", "ns");
    graph.observe(owner, undefined, "v1", "ConfigMap");
    graph.observe(obj("d1", "ns", ["o"]), undefined, "v1", "Pod");
    graph.observe(obj("d2", "ns", ["o"]), undefined, "v1", "Pod");
    assert.deepEqual([...graph.get("o")!.dependents].map((d) => d.identity.uid).sort(), ["d1", "d2"]);
    assert.deepEqual(deletes, []);
    graph.forget(owner);
    assert.deepEqual(deletes.sort(), ["d1", "d2"]);
    assert.equal(graph.get("o"), undefined);
  });

  it("creates a virtual owner for an unknown uid and queues it for verification", () => {
    const { sink, deletes } = recordingSink();
    const graph = new DependencyGraph(sink);
    graph.observe(obj("d", "ns", ["ghost"]), undefined, "v1", "Pod");
    const ghost = graph.get("ghost")!;
    assert.equal(ghost.virtual, true);
    assert.equal(ghost.identity.namespace, "ns");
    assert.deepEqual(deletes, ["ghost"]);
    graph.verifiedAbsent(ghost.identity);
    assert.equal(graph.get("ghost"), undefined);
    assert.deepEqual(deletes, ["ghost", "d"]);
  });

  it("a virtual owner becomes real when its informer shows it", () => {
    const { sink } = recordingSink();
    const graph = new DependencyGraph(sink);
    graph.observe(obj("d", "ns", ["o"]), undefined, "v1", "Pod");
    graph.observe(obj("o", "ns"), undefined, "v1", "ConfigMap");
    const owner = graph.get("o")!;
    assert.equal(owner.virtual, false);
    assert.equal(owner.dependents.size, 1);
  });

  it("foreground deletion queues the owner and its dependents; orphan deletion queues orphaning", () => {
    const { sink, deletes, orphans } = recordingSink();
    const graph = new DependencyGraph(sink);
    const owner = obj("o", "ns");
    graph.observe(owner, undefined, "v1", "ConfigMap");
    graph.observe(obj("d", "ns", ["o"]), undefined, "v1", "Pod");
    const deleting = obj("o", "ns", [], {
      deletionTimestamp: "2026-01-01T00:00:00Z",
      finalizers: ["foregroundDeletion"],
    });
    graph.observe(deleting, owner, "v1", "ConfigMap");
    assert.equal(graph.get("o")!.deletingDependents, true);
    assert.deepEqual(deletes.sort(), ["d", "o"]);
    assert.deepEqual(
      graph
        .get("o")!
        .blockingDependents()
        .map((d) => d.identity.uid),
      ["d"],
    );
    // The same state seen again is no new transition.
    graph.observe(deleting, deleting, "v1", "ConfigMap");
    assert.equal(deletes.length, 2);

    const other = obj("p", "ns");
    graph.observe(other, undefined, "v1", "ConfigMap");
    graph.observe(
      obj("p", "ns", [], { deletionTimestamp: "2026-01-01T00:00:00Z", finalizers: ["orphan"] }),
      other,
      "v1",
      "ConfigMap",
    );
    assert.deepEqual(orphans, ["p"]);
  });

  it("dropping a blocking reference requeues an owner waiting on its dependents", () => {
    const { sink, deletes } = recordingSink();
    const graph = new DependencyGraph(sink);
    graph.observe(
      obj("o", "ns", [], { deletionTimestamp: "2026-01-01T00:00:00Z", finalizers: ["foregroundDeletion"] }),
      undefined,
      "v1",
      "ConfigMap",
    );
    const dep = obj("d", "ns", ["o"]);
    graph.observe(dep, undefined, "v1", "Pod");
    deletes.length = 0;
    graph.observe(obj("d", "ns", []), dep, "v1", "Pod");
    assert.deepEqual(deletes, ["o"]);
    assert.equal(graph.get("o")!.dependents.size, 0);
  });

  it("reports a namespaced owner referenced from another namespace", () => {
    const { sink, deletes, invalid } = recordingSink();
    const graph = new DependencyGraph(sink);
    graph.observe(obj("o", "a"), undefined, "v1", "ConfigMap");
    graph.observe(obj("d", "b", ["o"]), undefined, "v1", "Pod");
    assert.deepEqual(invalid, ["d"]);
    assert.deepEqual(deletes, ["d"]);
  });

  it("handles 10,000 dependents of one owner without scanning", () => {
    const { sink, deletes } = recordingSink();
    const graph = new DependencyGraph(sink);
    const owner = obj("rs", "ns");
    graph.observe(owner, undefined, "apps/v1", "ReplicaSet");
    for (let i = 0; i < 10_000; i++) graph.observe(obj(`p${i}`, "ns", ["rs"]), undefined, "v1", "Pod");
    // Status-only updates of every pod: no graph work.
    for (let i = 0; i < 10_000; i++) {
      const pod = obj(`p${i}`, "ns", ["rs"]);
      graph.observe(pod, pod, "v1", "Pod");
    }
    assert.equal(graph.get("rs")!.dependents.size, 10_000);
    assert.deepEqual(deletes, []);
    graph.forget(owner);
    assert.equal(deletes.length, 10_000);
    assert.equal(graph.size, 10_000);
  });
});
