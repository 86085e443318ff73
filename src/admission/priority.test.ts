/** Tests of the Priority admission plugin, alone and in a real API server. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { PriorityClass } from "kubernetes-types/scheduling/v1.js";
import { isStatusError } from "../api/status.js";
import type { StoredObject } from "../apiserver/object.js";
import { startTestApiServer, jsonBody, type TestApiServer } from "../apiserver/testing.js";
import { priorityAdmission, SYSTEM_PRIORITY_CLASSES, type PriorityClassLookup } from "./priority.js";
import { podAttributes } from "./testing.js";

function pod(spec: Partial<NonNullable<Pod["spec"]>> = {}): StoredObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", namespace: "default" },
    spec: { containers: [{ name: "c", image: "nginx" }], ...spec },
  } as StoredObject;
}

function pc(name: string, value: number, extra: Partial<PriorityClass> = {}): PriorityClass {
  return { apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name }, value, ...extra };
}

function lookup(classes: PriorityClass[]): PriorityClassLookup {
  return {
    get: async (name) => classes.find((c) => c.metadata?.name === name),
    list: async () => classes,
  };
}

async function admit(classes: PriorityClass[], object: StoredObject, attrs = podAttributes()): Promise<Pod> {
  await priorityAdmission(lookup(classes)).admit!(attrs, object, undefined);
  return object as Pod;
}

async function rejection(promise: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isStatusError(error));
    return { code: error.code, message: error.message };
  }
  assert.fail("expected a rejection");
}

describe("Priority admission", () => {
  it("resolves priorityClassName into priority and preemptionPolicy", async () => {
    const p = await admit([pc("high", 1000, { preemptionPolicy: "Never" })], pod({ priorityClassName: "high" }));
    assert.equal(p.spec!.priority, 1000);
    assert.equal(p.spec!.preemptionPolicy, "Never");
  });

  it("uses the globalDefault class (the lowest when several), else 0 and PreemptLowerPriority", async () => {
    const classes = [pc("a", 50, { globalDefault: true }), pc("b", 10, { globalDefault: true }), pc("c", 5)];
    const p = await admit(classes, pod());
    assert.equal(p.spec!.priorityClassName, "b");
    assert.equal(p.spec!.priority, 10);
    const none = await admit([pc("c", 5)], pod());
    assert.equal(none.spec!.priority, 0);
    assert.equal(none.spec!.preemptionPolicy, "PreemptLowerPriority");
    assert.equal(none.spec!.priorityClassName, undefined);
  });

  it("rejects unknown classes and conflicting priorities with 403 Forbidden", async () => {
    assert.deepEqual(await rejection(admit([], pod({ priorityClassName: "nope" }))), {
      code: 403,
      message: 'pods "p" is forbidden: no PriorityClass with name nope was found',
    });
    assert.deepEqual(await rejection(admit([pc("high", 1000)], pod({ priorityClassName: "high", priority: 7 }))), {
      code: 403,
      message:
        'pods "p" is forbidden: the integer value of priority (7) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name',
    });
    // The same priority as the class is accepted.
    const same = await admit([pc("high", 1000)], pod({ priorityClassName: "high", priority: 1000 }));
    assert.equal(same.spec!.priority, 1000);
  });

  it("keeps priority on update and ignores subresources", async () => {
    const plugin = priorityAdmission(lookup([]));
    const updated = pod();
    await plugin.admit!(
      podAttributes({ operation: "UPDATE" }),
      updated,
      pod({ priority: 42, preemptionPolicy: "Never" }),
    );
    assert.equal((updated as Pod).spec!.priority, 42);
    assert.equal((updated as Pod).spec!.preemptionPolicy, "Never");
    const status = pod({ priorityClassName: "nope" });
    await plugin.admit!(podAttributes({ subresource: "status" }), status, undefined);
    assert.equal((status as Pod).spec!.priority, undefined);
  });

  it("allows only one globalDefault PriorityClass", async () => {
    const plugin = priorityAdmission(lookup([pc("default", 1, { globalDefault: true })]));
    const attrs = podAttributes({
      group: "scheduling.k8s.io",
      resource: "priorityclasses",
      kind: "PriorityClass",
      name: "x",
    });
    const second = pc("x", 2, { globalDefault: true }) as unknown as StoredObject;
    assert.deepEqual(await rejection(Promise.resolve(plugin.validate!(attrs, second, undefined))), {
      code: 403,
      message:
        'priorityclasses.scheduling.k8s.io "x" is forbidden: PriorityClass default is already marked as default. Only one default can exist',
    });
  });

  it("defines the system priority classes", () => {
    assert.deepEqual(
      SYSTEM_PRIORITY_CLASSES.map((c) => [c.metadata?.name, c.value]),
      [
        ["system-node-critical", 2000001000],
        ["system-cluster-critical", 2000000000],
      ],
    );
  });

  describe("in an API server", () => {
    let server: TestApiServer;
    before(async () => {
      server = await startTestApiServer({ admission: [priorityAdmission(lookup([pc("high", 1000)]))] });
    });
    after(() => server.close());

    it("sets spec.priority on created pods and answers 403 for unknown classes", async () => {
      const created = await server.fetch(
        "/api/v1/namespaces/default/pods",
        jsonBody({
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name: "a" },
          spec: { priorityClassName: "high", containers: [{ name: "c", image: "nginx" }] },
        }),
      );
      assert.equal(created.status, 201);
      assert.equal(((await created.json()) as Pod).spec!.priority, 1000);
      const denied = await server.fetch(
        "/api/v1/namespaces/default/pods",
        jsonBody({
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name: "b" },
          spec: { priorityClassName: "nope", containers: [{ name: "c", image: "nginx" }] },
        }),
      );
      assert.equal(denied.status, 403);
      assert.equal(
        ((await denied.json()) as { message: string }).message,
        'pods "b" is forbidden: no PriorityClass with name nope was found',
      );
    });
  });
});
