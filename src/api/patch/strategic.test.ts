import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyPatch, type JSONObject } from "./index.js";
import { DEPLOYMENT, deepFreeze, deployment, get, NODE, pluck, POD, SERVICE, throwsStatus } from "./testutil.js";

const smp = (original: object, patch: unknown, kind = DEPLOYMENT): JSONObject =>
  applyPatch("strategic", original, JSON.stringify(patch), kind);

const CONTAINERS = "spec.template.spec.containers";

describe("strategic merge patch", () => {
  it("applies kubectl apply's patch (contract §8) and never mutates the original", () => {
    const original = deepFreeze(deployment());
    const out = smp(original, {
      metadata: { annotations: { "kubectl.kubernetes.io/last-applied-configuration": '{"x":1}\n' } },
      spec: {
        replicas: 3,
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "nginx" }, { name: "sidecar" }],
            containers: [{ image: "nginx:1.26", name: "nginx" }],
          },
        },
      },
    });
    assert.equal(get(out, "spec.replicas"), 3);
    assert.deepEqual(out["metadata"], {
      name: "web",
      namespace: "default",
      labels: { app: "web" },
      annotations: {
        "deployment.kubernetes.io/revision": "2",
        "kubectl.kubernetes.io/last-applied-configuration": '{"x":1}\n',
      },
    });
    assert.deepEqual(pluck(out, CONTAINERS, "image"), ["nginx:1.26", "busybox"]);
    assert.deepEqual(get(out, `${CONTAINERS}.0.ports`), [{ containerPort: 80, protocol: "TCP" }]);
    assert.deepEqual(original, deployment());
  });

  it("reorders by $setElementOrder and keeps server-only items where upstream puts them", () => {
    const out = smp(deployment(), {
      spec: { template: { spec: { "$setElementOrder/containers": [{ name: "sidecar" }, { name: "nginx" }] } } },
    });
    assert.deepEqual(pluck(out, CONTAINERS), ["sidecar", "nginx"]);
    const three = deployment();
    (get(three, CONTAINERS) as unknown[]).push({ name: "c", image: "c" });
    const out3 = smp(three, {
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "c" }, { name: "nginx" }],
            containers: [{ name: "c", image: "c:2" }],
          },
        },
      },
    });
    assert.deepEqual(pluck(out3, CONTAINERS), ["sidecar", "c", "nginx"]);
    assert.deepEqual(pluck(out3, CONTAINERS, "image"), ["busybox", "c:2", "nginx:1.25"]);
  });

  it("kubectl set image: changes one container, keeps the rest", () => {
    const out = smp(deployment(), {
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "nginx" }, { name: "sidecar" }],
            containers: [{ image: "busybox:1.36", name: "sidecar" }],
          },
        },
      },
    });
    assert.deepEqual(get(out, `${CONTAINERS}.1`), { name: "sidecar", image: "busybox:1.36", args: ["sleep", "3600"] });
  });

  it("adds a new container after the patched ones (upstream's order) and merges env by name", () => {
    const out = smp(deployment(), {
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: "nginx",
                env: [
                  { name: "B", value: "two" },
                  { name: "C", value: "3" },
                ],
              },
              { name: "new", image: "redis" },
            ],
          },
        },
      },
    });
    assert.deepEqual(pluck(out, CONTAINERS), ["nginx", "new", "sidecar"]);
    assert.deepEqual(get(out, `${CONTAINERS}.0.env`), [
      { name: "A", value: "1" },
      { name: "B", value: "two" },
      { name: "C", value: "3" },
    ]);
  });

  it("$patch: delete removes a list element by merge key", () => {
    const out = smp(deployment(), {
      spec: { template: { spec: { containers: [{ name: "nginx", env: [{ name: "A", $patch: "delete" }] }] } } },
    });
    assert.deepEqual(get(out, `${CONTAINERS}.0.env`), [{ name: "B", value: "2" }]);
    const gone = smp(deployment(), {
      spec: { template: { spec: { containers: [{ name: "sidecar", $patch: "delete" }] } } },
    });
    assert.deepEqual(pluck(gone, CONTAINERS), ["nginx"]);
  });

  it("$patch: replace replaces a list or a map; $patch: delete empties a map", () => {
    const list = smp(deployment(), {
      spec: { template: { spec: { containers: [{ name: "only", image: "x" }, { $patch: "replace" }] } } },
    });
    assert.deepEqual(get(list, CONTAINERS), [{ name: "only", image: "x" }]);
    const map = smp(deployment(), { metadata: { labels: { $patch: "replace", tier: "web" } } });
    assert.deepEqual(get(map, "metadata.labels"), { tier: "web" });
    const del = smp(deployment(), { spec: { strategy: { $patch: "delete" } } });
    assert.deepEqual(get(del, "spec.strategy"), {});
  });

  it("$retainKeys clears fields not listed (Deployment strategy, volumes)", () => {
    const out = smp(deployment(), {
      spec: { strategy: { $retainKeys: ["type"], type: "Recreate", rollingUpdate: null } },
    });
    assert.deepEqual(get(out, "spec.strategy"), { type: "Recreate" });
    const vol = smp(deployment(), {
      spec: {
        template: {
          spec: { volumes: [{ $retainKeys: ["configMap", "name"], name: "data", configMap: { name: "cm" } }] },
        },
      },
    });
    assert.deepEqual(get(vol, "spec.template.spec.volumes"), [{ name: "data", configMap: { name: "cm" } }]);
    throwsStatus(
      () => smp(deployment(), { spec: { strategy: { $retainKeys: ["type"], rollingUpdate: { maxSurge: 1 } } } }),
      400,
      "BadRequest",
      "invalid patch format of retainKeys",
    );
    throwsStatus(
      () => smp(deployment(), { spec: { strategy: { $retainKeys: "type" } } }),
      400,
      "BadRequest",
      "invalid patch format of retainKeys",
    );
  });

  it("primitive lists with the merge strategy: merge, and $deleteFromPrimitiveList", () => {
    const pod = { metadata: { name: "p", finalizers: ["a", "b"] }, spec: { containers: [{ name: "c", image: "i" }] } };
    const added = smp(pod, { metadata: { finalizers: ["c", "a"] } }, POD);
    assert.deepEqual(get(added, "metadata.finalizers"), ["c", "a", "b"]);
    const removed = smp(pod, { metadata: { "$deleteFromPrimitiveList/finalizers": ["a", "zzz"] } }, POD);
    assert.deepEqual(get(removed, "metadata.finalizers"), ["b"]);
    const ordered = smp(
      pod,
      { metadata: { "$setElementOrder/finalizers": ["b", "a"], "$deleteFromPrimitiveList/finalizers": ["zzz"] } },
      POD,
    );
    assert.deepEqual(get(ordered, "metadata.finalizers"), ["b", "a"]);
    // a list without the merge strategy is replaced
    const args = smp(deployment(), {
      spec: { template: { spec: { containers: [{ name: "sidecar", args: ["x"] }] } } },
    });
    assert.deepEqual(get(args, `${CONTAINERS}.1.args`), ["x"]);
  });

  it("null deletes a key; unmatched nulls are dropped (rollout resume, label removal)", () => {
    const paused = smp(
      { ...deployment(), spec: { ...(deployment()["spec"] as object), paused: true } },
      { spec: { paused: null } },
    );
    assert.equal(get(paused, "spec.paused"), undefined);
    const out = smp(deployment(), {
      metadata: { labels: { app: null, missing: null } },
      spec: {
        template: {
          metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": "2026-01-01T00:00:00Z", x: null } },
        },
      },
    });
    assert.deepEqual(get(out, "metadata.labels"), {});
    assert.deepEqual(get(out, "spec.template.metadata"), {
      labels: { app: "web" },
      annotations: { "kubectl.kubernetes.io/restartedAt": "2026-01-01T00:00:00Z" },
    });
  });

  it("merges container ports by containerPort, service ports by port, conditions by type", () => {
    const ports = smp(deployment(), {
      spec: {
        template: {
          spec: {
            containers: [{ name: "nginx", ports: [{ containerPort: 80, name: "http" }, { containerPort: 443 }] }],
          },
        },
      },
    });
    assert.deepEqual(get(ports, `${CONTAINERS}.0.ports`), [
      { containerPort: 80, protocol: "TCP", name: "http" },
      { containerPort: 443 },
    ]);
    const svc = {
      spec: {
        ports: [
          { port: 80, targetPort: 8080, protocol: "TCP" },
          { port: 443, protocol: "TCP" },
        ],
      },
    };
    const outSvc = smp(svc, { spec: { ports: [{ port: 443, name: "https" }] } }, SERVICE);
    assert.deepEqual(get(outSvc, "spec.ports"), [
      { port: 80, targetPort: 8080, protocol: "TCP" },
      { port: 443, protocol: "TCP", name: "https" },
    ]);
    const pod = {
      status: {
        conditions: [
          { type: "Ready", status: "False" },
          { type: "PodScheduled", status: "True" },
        ],
      },
    };
    const outPod = smp(pod, { status: { conditions: [{ type: "Ready", status: "True" }] } }, POD);
    assert.deepEqual(get(outPod, "status.conditions"), [
      { type: "Ready", status: "True" },
      { type: "PodScheduled", status: "True" },
    ]);
  });

  it("cordon and rollout pause", () => {
    assert.deepEqual(smp({ metadata: { name: "n" }, spec: {} }, { spec: { unschedulable: true } }, NODE), {
      metadata: { name: "n" },
      spec: { unschedulable: true },
    });
    assert.equal(get(smp(deployment(), { spec: { paused: true } }), "spec.paused"), true);
  });

  it("null and {} patches change nothing", () => {
    assert.deepEqual(applyPatch("strategic", deployment(), "null", DEPLOYMENT), deployment());
    assert.deepEqual(applyPatch("strategic", deployment(), "{}", DEPLOYMENT), deployment());
  });

  it("answers upstream's errors", () => {
    throwsStatus(
      () => applyPatch("strategic", deployment(), "{", DEPLOYMENT),
      400,
      "BadRequest",
      "unexpected end of JSON input",
    );
    throwsStatus(
      () => applyPatch("strategic", deployment(), "{'a':1}", DEPLOYMENT),
      400,
      "BadRequest",
      "invalid character '\\'' looking for beginning of object key string",
    );
    throwsStatus(
      () => applyPatch("strategic", deployment(), "[]", DEPLOYMENT),
      400,
      "BadRequest",
      "json: cannot unmarshal array into Go value of type map[string]interface {}",
    );
    throwsStatus(
      () => smp(deployment(), { metadata: { labels: { $patch: "bogus" } } }),
      500,
      "",
      "unknown patch type: bogus in map: map[$patch:bogus]",
    );
    throwsStatus(
      () => smp(deployment(), { spec: { template: { spec: { containers: [{ image: "x" }] } } } }),
      500,
      "",
      "map: map[image:x] does not contain declared merge key: name",
    );
    throwsStatus(
      () => smp(deployment(), { spec: { template: { spec: { containers: [{ name: "x", $patch: "merge" }] } } } }),
      500,
      "",
      "merging lists cannot yet be specified in the patch",
    );
    throwsStatus(
      () => smp(deployment(), { spec: { template: { spec: { "$setElementOrder/containers": { name: "x" } } } } }),
      500,
      "",
      "expected a []interface {}, but received a map[string]interface {}",
    );
    throwsStatus(
      () => smp(deployment(), { metadata: { $deleteFromPrimitiveList: ["a"] } }),
      400,
      "BadRequest",
      "invalid patch format of primitive list",
    );
    throwsStatus(
      () => smp(deployment(), { spec: { template: { spec: { $setElementOrder: [] } } } }),
      400,
      "BadRequest",
      "invalid patch format of setElementOrder list",
    );
    const err = throwsStatus(
      () => smp({ metadata: { finalizers: [] } }, { metadata: { finalizers: [["a"]] } }, POD),
      422,
      "Invalid",
      "the server rejected our request due to an error in our request",
    );
    assert.equal(err.status.details?.causes?.[0]?.message, "lists of lists are not supported");
    throwsStatus(
      () =>
        smp(deployment(), {
          spec: {
            template: {
              spec: {
                "$setElementOrder/containers": [{ name: "nginx" }, { name: "sidecar" }],
                containers: [
                  { name: "sidecar", image: "a" },
                  { name: "nginx", image: "b" },
                ],
              },
            },
          },
        }),
      500,
      "",
      /^The order in patch list:\n\[map\[image:a name:sidecar\] map\[image:b name:nginx\]\]\n doesn't match \$setElementOrder list:/,
    );
  });

  it("is unsupported (415) for kinds without a schema, as for custom resources", () => {
    throwsStatus(
      () => smp({}, {}, { group: "example.com", version: "v1", kind: "Widget" }),
      415,
      "UnsupportedMediaType",
      "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
    );
  });
});
