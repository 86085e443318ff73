import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyConfiguration } from "./apply.js";
import { trackUpdate } from "./update.js";
import { T0, T1, entry, get, stored, type Obj } from "./testutil.js";
import type { JSONValue } from "../patch/gojson.js";
import { merge } from "./typed.js";
import { typeOf } from "./types.js";

const SERVICE = { group: "", version: "v1", kind: "Service" };
const WIDGET = { group: "example.com", version: "v1", kind: "Widget" };

const service = (ports: Obj[]): Obj => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web", namespace: "default" },
  spec: { selector: { app: "web" }, ports },
});

describe("list and map semantics", () => {
  it("keys service ports by port and protocol, defaulting the protocol to TCP", () => {
    const live = stored(
      trackUpdate({
        live: undefined,
        updated: service([{ port: 80, protocol: "TCP", targetPort: 8080 }]),
        manager: "kubectl-expose",
        gvk: SERVICE,
        now: T0,
      }),
    );
    assert.deepEqual(get(entry(live, "kubectl-expose")?.fieldsV1, "f:spec"), {
      // As upstream records a create: the (omitempty) ports list and its item are members themselves.
      "f:ports": {
        ".": {},
        'k:{"port":80,"protocol":"TCP"}': { ".": {}, "f:port": {}, "f:protocol": {}, "f:targetPort": {} },
      },
      "f:selector": {},
    });
    const out = applyConfiguration({
      live,
      applied: service([{ port: 80, targetPort: 8080 }]),
      manager: "kubectl",
      force: false,
      gvk: SERVICE,
      now: T1,
    });
    assert.deepEqual(get(out, "spec.ports"), [{ port: 80, protocol: "TCP", targetPort: 8080 }]);
    assert.deepEqual(get(entry(out, "kubectl")?.fieldsV1, "f:spec.f:ports"), {
      'k:{"port":80,"protocol":"TCP"}': { ".": {}, "f:port": {}, "f:targetPort": {} },
    });
  });

  it("orders merged map-list items as upstream: live-only items stay, shared ones follow the config", () => {
    const containers = typeOf({
      type: "array",
      items: { ref: "io.k8s.api.core.v1.Container" },
      listType: "map",
      listMapKeys: ["name"],
    });
    const n = (name: string, image = "x"): JSONValue => ({ name, image });
    const merged = merge([n("a"), n("b"), n("c")], [n("c", "y"), n("a", "z")], containers) as Obj[];
    assert.deepEqual(
      merged.map((c) => `${String(c["name"])}:${String(c["image"])}`),
      ["b:x", "c:y", "a:z"],
    );
  });

  it("works for kinds without a schema (deduced: maps granular, lists atomic)", () => {
    const w = { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" }, spec: { size: 1, tags: ["a"] } };
    const out = applyConfiguration({ live: undefined, applied: w, manager: "m", force: false, gvk: WIDGET, now: T0 });
    assert.deepEqual(entry(out, "m")?.fieldsV1, { "f:spec": { ".": {}, "f:size": {}, "f:tags": {} } });
    const err = (() => {
      try {
        applyConfiguration({
          live: stored(out),
          applied: { ...w, spec: { size: 2 } },
          manager: "n",
          force: false,
          gvk: WIDGET,
          now: T1,
        });
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    assert.equal(err?.message, 'Apply failed with 1 conflict: conflict with "m": .spec.size');
  });
});
