// syncService over in-memory caches: over-capacity truncation and its annotation, no write when nothing
// changed, and the API server's `kubernetes` Endpoints left alone.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Endpoints, Pod, Service } from "kubernetes-types/core/v1.js";
import type { Informer, KubeObject, ResourceClient } from "../../client/types.js";
import { keyOf } from "../util/pods.js";
import { syncService, type EndpointsSyncer } from "./controller.js";

function informerOf<T extends KubeObject>(objects: T[]): Informer<T> {
  return {
    lister: {
      get: (key) => objects.find((o) => keyOf(o) === key),
      list: (namespace) => objects.filter((o) => namespace === undefined || o.metadata?.namespace === namespace),
      byIndex: () => [],
    },
    addEventHandler: () => undefined,
    addIndex: () => undefined,
    hasSynced: () => true,
    lastSyncResourceVersion: () => "1",
  };
}

function fakeClient(writes: string[], stored: Endpoints[]): ResourceClient<Endpoints> {
  const client: Partial<ResourceClient<Endpoints>> = {
    create: async (object) => {
      writes.push(`create ${keyOf(object)}`);
      const created = { ...structuredClone(object), metadata: { ...object.metadata, resourceVersion: "2" } };
      stored.push(created);
      return created;
    },
    update: async (object) => {
      writes.push(`update ${keyOf(object)}`);
      return object;
    },
    delete: async (namespace, name) => {
      writes.push(`delete ${namespace}/${name}`);
      return { metadata: {} } as Endpoints;
    },
  };
  return client as ResourceClient<Endpoints>;
}

function readyPod(i: number): Pod {
  return {
    metadata: { name: `p${i}`, namespace: "ns", uid: `u${i}`, labels: { app: "big" } },
    spec: { containers: [{ name: "c", image: "x" }] },
    status: {
      phase: "Running",
      podIP: `10.${Math.floor(i / 250)}.0.${i % 250}`,
      conditions: [{ type: "Ready", status: i % 2 === 0 ? "True" : "False" }],
    },
  };
}

test("over 1000 addresses are truncated, annotated, and not rewritten on the next sync", async () => {
  const service: Service = {
    metadata: { name: "big", namespace: "ns", creationTimestamp: "2024-01-01T00:00:00Z" },
    spec: { selector: { app: "big" }, clusterIP: "10.0.0.5", ports: [{ port: 80 }] },
  };
  const stored: Endpoints[] = [];
  const writes: string[] = [];
  const syncer: EndpointsSyncer = {
    services: informerOf([service]),
    pods: informerOf(Array.from({ length: 1100 }, (_, i) => readyPod(i))),
    endpoints: informerOf(stored),
    client: fakeClient(writes, stored),
  };
  await syncService(syncer, "ns/big");
  assert.deepEqual(writes, ["create ns/big"]);
  const created = stored[0]!;
  assert.equal(created.metadata?.annotations?.["endpoints.kubernetes.io/over-capacity"], "truncated");
  const ready = created.subsets!.reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
  const notReady = created.subsets!.reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0);
  assert.deepEqual([ready, notReady], [550, 450], "ready addresses are kept first");

  await syncService(syncer, "ns/big");
  assert.deepEqual(writes, ["create ns/big"], "nothing changed: no write");
});

test("the kubernetes Service's Endpoints are never touched, deleted Services lose theirs", async () => {
  const writes: string[] = [];
  const stored: Endpoints[] = [{ metadata: { name: "kubernetes", namespace: "default" } }];
  const syncer: EndpointsSyncer = {
    services: informerOf<Service>([]),
    pods: informerOf<Pod>([]),
    endpoints: informerOf(stored),
    client: fakeClient(writes, stored),
  };
  await syncService(syncer, "default/kubernetes");
  await syncService(syncer, "ns/gone");
  assert.deepEqual(writes, ["delete ns/gone"]);
});
