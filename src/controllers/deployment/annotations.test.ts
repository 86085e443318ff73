import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1.js";
import { newReplicaSetAnnotations } from "./annotations.js";

const d: Deployment = {
  metadata: {
    name: "web",
    annotations: {
      "kubernetes.io/change-cause": "kubectl set image",
      "kubectl.kubernetes.io/last-applied-configuration": "{}",
      "deployment.kubernetes.io/revision": "7",
    },
  },
  spec: { replicas: 3, selector: {}, template: {} },
};

function rs(annotations?: Record<string, string>): ReplicaSet {
  return { metadata: { name: "web-abc", ...(annotations ? { annotations } : {}) } };
}

describe("ReplicaSet annotations", () => {
  it("sets revision, replicas and copies the deployment's annotations except the skipped ones", () => {
    const { annotations, changed } = newReplicaSetAnnotations(d, rs(), 3, false, 4);
    assert.equal(changed, true);
    assert.deepEqual(annotations, {
      "kubernetes.io/change-cause": "kubectl set image",
      "deployment.kubernetes.io/revision": "3",
      "deployment.kubernetes.io/desired-replicas": "3",
      "deployment.kubernetes.io/max-replicas": "4",
    });
  });

  it("records the old revision in revision-history when an old ReplicaSet comes back", () => {
    const existing = rs({
      "deployment.kubernetes.io/revision": "2",
      "kubernetes.io/change-cause": "kubectl set image",
    });
    const first = newReplicaSetAnnotations(d, existing, 5, true, 4);
    assert.equal(first.annotations["deployment.kubernetes.io/revision"], "5");
    assert.equal(first.annotations["deployment.kubernetes.io/revision-history"], "2");
    const again = newReplicaSetAnnotations(d, rs(first.annotations), 8, true, 4);
    assert.equal(again.annotations["deployment.kubernetes.io/revision-history"], "2,5");
    assert.equal(again.annotations["deployment.kubernetes.io/desired-replicas"], undefined, "existing RSs keep theirs");
  });

  it("changes nothing when the revision is current", () => {
    const existing = rs({
      "deployment.kubernetes.io/revision": "3",
      "kubernetes.io/change-cause": "kubectl set image",
    });
    assert.equal(newReplicaSetAnnotations(d, existing, 3, true, 4).changed, false);
  });
});
