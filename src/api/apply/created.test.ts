import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyDefaults } from "../defaults/index.js";
import { trackUpdate, trackUpdateGeneral } from "./update.js";
import { deployConfig, T0, type Obj } from "./testutil.js";
import type { GroupVersionKind } from "./context.js";

const POD: GroupVersionKind = { group: "", version: "v1", kind: "Pod" };
const SERVICE: GroupVersionKind = { group: "", version: "v1", kind: "Service" };
const DEPLOY: GroupVersionKind = { group: "apps", version: "v1", kind: "Deployment" };
const CONFIGMAP: GroupVersionKind = { group: "", version: "v1", kind: "ConfigMap" };
const UNKNOWN: GroupVersionKind = { group: "example.com", version: "v1", kind: "Widget" };

function pod(extra: Obj = {}): Obj {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: "web",
      namespace: "default",
      uid: "u-1",
      creationTimestamp: null,
      labels: { app: "web", "bench/client": "c1" },
      annotations: {},
      ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-1", uid: "rs-1", controller: true }],
      finalizers: ["example.com/keep", "example.com/keep"],
      managedFields: [],
    },
    spec: {
      containers: [
        {
          name: "web",
          image: "nginx:1.25 <&>",
          ports: [{ containerPort: 8080 }, { containerPort: 8080, protocol: "UDP" }, { containerPort: 8080 }],
          env: [
            { name: "A", value: "1" },
            { name: "B", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
          ],
          resources: { requests: { cpu: "100m" }, limits: {} },
          args: [],
          securityContext: null,
        },
        { name: "sidecar", image: "busybox", command: ["sleep", "1d"] },
      ],
      initContainers: [],
      nodeSelector: { disk: "ssd" },
      tolerations: [{ key: "k", operator: "Exists" }],
      volumes: [{ name: "data", emptyDir: {} }],
      affinity: null,
      ...extra,
    },
    status: { phase: "Pending" },
  };
}

const cases: [string, GroupVersionKind, () => Obj][] = [
  ["a defaulted pod", POD, () => pod()],
  ["a pod with unknown fields and nulls", POD, () => pod({ unknownField: { a: 1 }, hostname: null, priority: 0 })],
  ["a deployment", DEPLOY, () => deployConfig(3, "nginx", { strategy: { type: "RollingUpdate" }, paused: false })],
  [
    "a service with ports keyed by port and protocol",
    SERVICE,
    () => ({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "s", labels: {} },
      spec: {
        selector: { app: "web" },
        ports: [
          { port: 80, targetPort: "http" },
          { port: 80, protocol: "UDP" },
        ],
      },
    }),
  ],
  ["a configmap", CONFIGMAP, () => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: "" } })],
  ["an empty object", CONFIGMAP, () => ({})],
  ["a kind without a schema", UNKNOWN, () => ({ metadata: { name: "w" }, spec: { list: [1, 2], m: { x: {} } } })],
];

describe("createdFieldsV1: the create shortcut of trackUpdate", () => {
  for (const [name, gvk, make] of cases) {
    it(`records what the general update path records for ${name}`, () => {
      for (const defaulted of [false, true]) {
        const input = (): Obj => {
          const o = make();
          if (defaulted) applyDefaults(gvk, o);
          return o;
        };
        const fast = trackUpdate({ live: undefined, updated: input(), manager: "m", gvk, now: T0 });
        const general = trackUpdateGeneral({ live: undefined, updated: input(), manager: "m", gvk, now: T0 });
        assert.deepEqual(fast, general);
        assert.equal(JSON.stringify(fast), JSON.stringify(general), "same FieldsV1 key order");
      }
    });
  }

  it("records nothing for an object that sets only stripped fields", () => {
    const out = trackUpdate({
      live: undefined,
      updated: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "d" } },
      manager: "m",
      gvk: CONFIGMAP,
      now: T0,
    }) as Obj;
    assert.equal((out["metadata"] as Obj)["managedFields"], undefined);
  });
});
