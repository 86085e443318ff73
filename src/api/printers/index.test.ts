import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  goLabelSelectorString,
  validatingAdmissionPolicyBindingPrinter,
  validatingAdmissionPolicyPrinter,
} from "./admission.js";
import {
  certificateSigningRequestPrinter,
  componentStatusPrinter,
  flowSchemaPrinter,
  priorityLevelConfigurationPrinter,
} from "./apiserver.js";
import { formatRFC3339 } from "./default.js";
import { resourceClaimPrinter, resourceSlicePrinter } from "./dra.js";
import { defaultPrinter, printedResources, printerFor, toTable } from "./index.js";
import { NOW, ago, cellsOf, header } from "./testutil.js";

const resource = (key: string) => {
  const dot = key.indexOf(".");
  return dot < 0 ? { group: "", resource: key } : { group: key.slice(dot + 1), resource: key.slice(0, dot) };
};

describe("printers: printerFor", () => {
  it("finds the printer of each group/resource", () => {
    assert.deepEqual(header(printerFor({ group: "", resource: "pods" })), [
      "NAME",
      "READY",
      "STATUS",
      "RESTARTS",
      "AGE",
    ]);
    assert.deepEqual(header(printerFor({ group: "apps", resource: "deployments" })), [
      "NAME",
      "READY",
      "UP-TO-DATE",
      "AVAILABLE",
      "AGE",
    ]);
    assert.deepEqual(header(printerFor({ group: "events.k8s.io", resource: "events" })), [
      "LAST SEEN",
      "TYPE",
      "REASON",
      "OBJECT",
      "MESSAGE",
    ]);
    // "deployments" in the core group is not apps' deployments.
    assert.equal(printerFor({ group: "", resource: "deployments" }), defaultPrinter);
  });

  it("falls back to NAME / CREATED AT for resources without an upstream printer", () => {
    for (const r of [
      { group: "", resource: "limitranges" },
      { group: "rbac.authorization.k8s.io", resource: "roles" },
      { group: "rbac.authorization.k8s.io", resource: "clusterroles" },
      { group: "apiextensions.k8s.io", resource: "customresourcedefinitions" },
      { group: "example.com", resource: "widgets" },
    ]) {
      assert.equal(printerFor(r), defaultPrinter, r.resource);
    }
    assert.deepEqual(header(defaultPrinter), ["NAME", "CREATED AT"]);
    assert.equal(defaultPrinter.columns[1]!.type, "date");
  });

  it("maps subresources: status to the parent's printer, scale to the Scale printer", () => {
    assert.equal(printerFor({ group: "", resource: "pods/status" }), printerFor({ group: "", resource: "pods" }));
    const scale = printerFor({ group: "apps", resource: "deployments/scale" });
    assert.deepEqual(header(scale), ["NAME", "DESIRED", "AVAILABLE", "AGE"]);
    assert.deepEqual(
      cellsOf(scale, {
        metadata: { name: "web", creationTimestamp: ago(3) },
        spec: { replicas: 3 },
        status: { replicas: 2 },
      }),
      ["web", 3, 2, "3s"],
    );
  });

  it("every printer starts with a Name column of format name (events: last) and survives an empty object", () => {
    for (const key of printedResources()) {
      const printer = printerFor(resource(key));
      assert.notEqual(printer, defaultPrinter, key);
      const names = printer.columns.filter((c) => c.name === "Name");
      assert.equal(names.length, 1, key);
      for (const c of printer.columns) {
        assert.ok(c.description.length > 0, `${key}: ${c.name} has a description`);
        assert.ok(c.priority === 0 || c.priority === 1, key);
        assert.ok(["string", "integer", "boolean", "number", "date"].includes(c.type), key);
      }
      for (const obj of [{}, { metadata: { name: "x" } }, { metadata: { name: "x" }, spec: {}, status: {} }]) {
        const cells = printer.cells(obj, NOW);
        // ipaddresses: upstream sends an Age cell beyond its two columns.
        const expected = key === "ipaddresses.networking.k8s.io" ? printer.columns.length + 1 : printer.columns.length;
        assert.equal(cells.length, expected, key);
        for (const cell of cells)
          assert.ok(["string", "number", "boolean"].includes(typeof cell), `${key}: ${String(cell)}`);
      }
    }
  });
});

describe("printers: default table", () => {
  it("prints the name and the creation time in RFC 3339 UTC (rest/table.go)", () => {
    const obj = { metadata: { name: "widget-1", creationTimestamp: "2024-05-06T07:08:09Z" } };
    assert.deepEqual(cellsOf(defaultPrinter, obj), ["widget-1", "2024-05-06T07:08:09Z"]);
    assert.equal(formatRFC3339("2024-05-06T09:08:09.750+02:00"), "2024-05-06T07:08:09Z");
    assert.deepEqual(cellsOf(defaultPrinter, { metadata: { name: "n" } }), ["n", "0001-01-01T00:00:00Z"]);
  });
});

describe("printers: toTable", () => {
  it("builds columnDefinitions and one row per object", () => {
    const printer = printerFor({ group: "", resource: "configmaps" });
    const table = toTable(
      printer,
      [
        { metadata: { name: "a", creationTimestamp: ago(5) }, data: { k: "v" } },
        { metadata: { name: "b", creationTimestamp: ago(7200) } },
      ],
      NOW,
    );
    assert.deepEqual(table, {
      columnDefinitions: [
        { name: "Name", type: "string", format: "name", description: printer.columns[0]!.description, priority: 0 },
        { name: "Data", type: "string", format: "", description: printer.columns[1]!.description, priority: 0 },
        { name: "Age", type: "string", format: "", description: printer.columns[2]!.description, priority: 0 },
      ],
      rows: [{ cells: ["a", 1, "5s"] }, { cells: ["b", 0, "120m"] }],
    });
    assert.ok(table.columnDefinitions[0]!.description.startsWith("The object's name"));
    assert.ok(table.columnDefinitions[2]!.description.startsWith("When the API server created this object"));
    // JSON-serializable as the API server sends it.
    assert.deepEqual(JSON.parse(JSON.stringify(table)), table);
  });

  it("can omit the headers (TableOptions.noHeaders) and handles no objects", () => {
    const printer = printerFor({ group: "", resource: "pods" });
    assert.deepEqual(toTable(printer, [], NOW), {
      columnDefinitions: printer.columns.map((c) => ({ ...c })),
      rows: [],
    });
    assert.deepEqual(toTable(printer, [], NOW, { noHeaders: true }).columnDefinitions, []);
  });

  it("sorts flowschemas by matching precedence then name, as printFlowSchemaList does", () => {
    const fs = (name: string, matchingPrecedence: number) => ({
      metadata: { name },
      spec: { matchingPrecedence, priorityLevelConfiguration: { name: "global-default" } },
    });
    const table = toTable(flowSchemaPrinter, [fs("b", 1000), fs("z", 2), fs("a", 1000)], NOW);
    assert.deepEqual(
      table.rows.map((r) => r.cells[0]),
      ["z", "a", "b"],
    );
  });
});

describe("printers: admission, control plane and DRA", () => {
  it("prints validating admission policies and bindings", () => {
    const vap = {
      metadata: { name: "demo", creationTimestamp: ago(10) },
      spec: {
        paramKind: { apiVersion: "v1", kind: "ConfigMap" },
        validations: [{ expression: "true" }, { expression: "1 == 1" }],
      },
    };
    assert.deepEqual(cellsOf(validatingAdmissionPolicyPrinter, vap), ["demo", 2, "v1/ConfigMap", "10s"]);
    assert.deepEqual(cellsOf(validatingAdmissionPolicyPrinter, { metadata: { name: "n" } }), [
      "n",
      0,
      "<unset>",
      "<unknown>",
    ]);
    const binding = (paramRef?: object) => ({ metadata: { name: "b" }, spec: { policyName: "demo", paramRef } });
    const ref = (paramRef?: object) => cellsOf(validatingAdmissionPolicyBindingPrinter, binding(paramRef))[2];
    assert.equal(ref(), "<unset>");
    assert.equal(ref({ name: "cfg", namespace: "ns" }), "ns/cfg");
    assert.equal(ref({ name: "cfg" }), "*/cfg");
    assert.equal(
      goLabelSelectorString({
        matchLabels: { b: "2", a: "1" },
        matchExpressions: [{ key: "k", operator: "In", values: ["x", "y"] }],
      }),
      "&LabelSelector{MatchLabels:map[string]string{a: 1,b: 2,},MatchExpressions:[]LabelSelectorRequirement{&LabelSelectorRequirement{Key:k,Operator:In,Values:[x y],},},}",
    );
  });

  it("prints certificate signing requests", () => {
    assert.deepEqual(header(certificateSigningRequestPrinter), [
      "NAME",
      "AGE",
      "SIGNERNAME",
      "REQUESTOR",
      "REQUESTEDDURATION",
      "CONDITION",
    ]);
    const csr = (status: object, expirationSeconds?: number) => ({
      metadata: { name: "csr1", creationTimestamp: ago(10) },
      spec: { signerName: "kubernetes.io/kube-apiserver-client", username: "alice", expirationSeconds },
      status,
    });
    assert.deepEqual(cellsOf(certificateSigningRequestPrinter, csr({})), [
      "csr1",
      "10s",
      "kubernetes.io/kube-apiserver-client",
      "alice",
      "<none>",
      "Pending",
    ]);
    assert.equal(
      cellsOf(
        certificateSigningRequestPrinter,
        csr({ conditions: [{ type: "Approved" }], certificate: "Zm9v" }, 86400),
      )[5],
      "Approved,Issued",
    );
    assert.equal(cellsOf(certificateSigningRequestPrinter, csr({}, 86400))[4], "24h");
    assert.equal(
      cellsOf(
        certificateSigningRequestPrinter,
        csr({ conditions: [{ type: "Approved" }, { type: "Denied" }, { type: "Failed" }] }),
      )[5],
      "Denied,Failed",
    );
  });

  it("prints flow control objects and component statuses", () => {
    const fs = {
      metadata: { name: "exempt", creationTimestamp: ago(10) },
      spec: { matchingPrecedence: 1, priorityLevelConfiguration: { name: "exempt" } },
      status: { conditions: [{ type: "Dangling", status: "False" }] },
    };
    assert.deepEqual(cellsOf(flowSchemaPrinter, fs), ["exempt", "exempt", 1, "<none>", "10s", "False"]);
    const plc = {
      metadata: { name: "workload-low" },
      spec: {
        type: "Limited",
        limited: {
          nominalConcurrencyShares: 100,
          limitResponse: { type: "Queue", queuing: { queues: 128, handSize: 6, queueLengthLimit: 50 } },
        },
      },
    };
    assert.deepEqual(cellsOf(priorityLevelConfigurationPrinter, plc), [
      "workload-low",
      "Limited",
      100,
      128,
      6,
      50,
      "<unknown>",
    ]);
    assert.deepEqual(
      cellsOf(priorityLevelConfigurationPrinter, { metadata: { name: "exempt" }, spec: { type: "Exempt" } }),
      ["exempt", "Exempt", "<none>", "<none>", "<none>", "<none>", "<unknown>"],
    );
    assert.deepEqual(
      cellsOf(componentStatusPrinter, {
        metadata: { name: "etcd-0" },
        conditions: [{ type: "Healthy", status: "True", message: "ok" }],
      }),
      ["etcd-0", "Healthy", "ok", ""],
    );
  });

  it("prints resource claims and slices", () => {
    const claim = (meta: object, status?: object) => ({ metadata: { name: "c", ...meta }, status });
    assert.equal(cellsOf(resourceClaimPrinter, claim({}))[1], "pending");
    assert.equal(
      cellsOf(resourceClaimPrinter, claim({}, { allocation: {}, reservedFor: [{ name: "p" }] }))[1],
      "allocated,reserved",
    );
    assert.equal(
      cellsOf(resourceClaimPrinter, claim({ deletionTimestamp: ago(1) }, { allocation: {} }))[1],
      "deleted,allocated",
    );
    assert.equal(cellsOf(resourceClaimPrinter, claim({ deletionTimestamp: ago(1) }))[1], "deleted");
    const slice = {
      metadata: { name: "s", creationTimestamp: ago(2) },
      spec: { nodeName: "n1", driver: "gpu.example.com", pool: { name: "n1" } },
    };
    assert.deepEqual(cellsOf(resourceSlicePrinter, slice), ["s", "n1", "gpu.example.com", "n1", "2s"]);
  });
});
