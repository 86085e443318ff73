/** Descriptions read at runtime from the installed `kubernetes-types` package, and the documents that carry them. */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { JsonObject, JsonValue } from "./json.js";
import {
  definitionDescription,
  parseTypesFile,
  propertyDescription,
  resetDescriptionsForTest,
  typesLocation,
} from "./descriptions.js";
import { buildOpenApiV2Protobuf } from "./v2.js";
import { buildOpenApiV3Document } from "./v3.js";

const obj = (v: JsonValue | undefined): JsonObject => {
  assert.ok(v !== null && typeof v === "object" && !Array.isArray(v), `not an object: ${JSON.stringify(v)}`);
  return v;
};

function v3Schema(gvPath: string, name: string): JsonObject {
  const doc = buildOpenApiV3Document(gvPath);
  assert.ok(doc);
  return obj(obj(obj(doc["components"])["schemas"])[name]);
}

describe("kubernetes-types descriptions", () => {
  after(() => resetDescriptionsForTest());

  it("maps OpenAPI definition names to the package's files", () => {
    assert.deepEqual(typesLocation("io.k8s.api.core.v1.ConfigMap"), { file: "core/v1.d.ts", type: "ConfigMap" });
    assert.deepEqual(typesLocation("io.k8s.api.networking.v1.Ingress"), {
      file: "networking/v1.d.ts",
      type: "Ingress",
    });
    assert.deepEqual(typesLocation("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"), {
      file: "meta/v1.d.ts",
      type: "ObjectMeta",
    });
    assert.deepEqual(typesLocation("io.k8s.apimachinery.pkg.api.resource.Quantity"), {
      file: "api/resource.d.ts",
      type: "Quantity",
    });
    assert.deepEqual(typesLocation("io.k8s.apimachinery.pkg.runtime.RawExtension"), {
      file: "runtime.d.ts",
      type: "RawExtension",
    });
    assert.deepEqual(typesLocation("io.k8s.apimachinery.pkg.version.Info"), { file: "version.d.ts", type: "Info" });
    assert.equal(typesLocation("io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIService"), undefined);
    assert.equal(typesLocation("io.k8s.api.core..v1.X"), undefined);
  });

  it("parses single-line and multi-line JSDoc blocks on interfaces, type aliases and their own fields", () => {
    const docs = parseTypesFile(
      [
        'import { Thing } from "../other";',
        "/**",
        " * Widget is a test type.",
        " *",
        " * Second paragraph:",
        " * \tindented code",
        " */",
        "export interface Widget {",
        "    /** Size in units. */",
        "    size?: number;",
        "    /** Labels of the widget. */",
        "    readonly labels?: {",
        "        /** not a field of Widget */",
        "        [name: string]: string;",
        "    };",
        "    undocumented: string;",
        "    /**",
        "     * Multi-line field text.",
        "     *",
        "     * With a second paragraph.",
        "     */",
        "    $ref?: string;",
        "}",
        "/** Gauge is a string. */",
        "export type Gauge = string;",
        "export interface Bare {",
        "    /** Only field. */",
        "    only: Gauge;",
        "}",
      ].join("\n"),
    );
    const widget = docs.get("Widget");
    assert.ok(widget);
    assert.equal(widget.description, "Widget is a test type.\n\nSecond paragraph:\n\tindented code");
    assert.deepEqual(
      [...widget.fields],
      [
        ["size", "Size in units."],
        ["labels", "Labels of the widget."],
        ["$ref", "Multi-line field text.\n\nWith a second paragraph."],
      ],
    );
    assert.equal(docs.get("Gauge")?.description, "Gauge is a string.");
    assert.equal(docs.get("Bare")?.description, undefined);
    assert.equal(docs.get("Bare")?.fields.get("only"), "Only field.");
  });

  it("reads the installed package's descriptions", () => {
    assert.match(definitionDescription("io.k8s.api.core.v1.ConfigMap") ?? "", /configuration data/);
    assert.match(propertyDescription("io.k8s.api.core.v1.ConfigMap", "data") ?? "", /configuration data/);
    assert.match(propertyDescription("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "name") ?? "", /unique/);
    assert.equal(propertyDescription("io.k8s.api.core.v1.ConfigMap", "noSuchField"), undefined);
    assert.equal(definitionDescription("io.k8s.api.core.v1.NoSuchType"), undefined);
  });

  it("the api/v1 v3 document carries kind and field descriptions", () => {
    const cm = v3Schema("api/v1", "io.k8s.api.core.v1.ConfigMap");
    assert.match(String(cm["description"]), /configuration data/);
    const props = obj(cm["properties"]);
    const data = obj(props["data"]);
    assert.match(String(data["description"]), /configuration data/);
    assert.equal(data["type"], "object");
    // A reference keeps its allOf wrapping beside the description.
    const metadata = obj(props["metadata"]);
    assert.equal(typeof metadata["description"], "string");
    assert.deepEqual(metadata["allOf"], [
      { $ref: "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" },
    ]);
    const meta = obj(v3Schema("api/v1", "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")["properties"]);
    assert.match(String(obj(meta["name"])["description"]), /unique/);
  });

  it("the v2 protobuf carries the descriptions too", () => {
    const bytes = Buffer.from(buildOpenApiV2Protobuf());
    assert.ok(bytes.includes(Buffer.from(propertyDescription("io.k8s.api.core.v1.ConfigMap", "data") ?? "-")));
    assert.ok(bytes.includes(Buffer.from(definitionDescription("io.k8s.api.core.v1.ConfigMap") ?? "-")));
  });

  it("without the package, documents are built without descriptions", () => {
    resetDescriptionsForTest(null);
    try {
      const cm = v3Schema("api/v1", "io.k8s.api.core.v1.ConfigMap");
      assert.equal(cm["description"], undefined);
      assert.deepEqual(obj(obj(cm["properties"])["data"]), {
        type: "object",
        additionalProperties: { type: "string" },
      });
      assert.ok(buildOpenApiV2Protobuf().length > 0);
    } finally {
      resetDescriptionsForTest();
    }
    assert.match(propertyDescription("io.k8s.api.core.v1.ConfigMap", "data") ?? "", /configuration data/);
  });

  it("a package directory without the files gives no descriptions", () => {
    resetDescriptionsForTest("/nonexistent-kubernetes-types");
    try {
      assert.equal(propertyDescription("io.k8s.api.core.v1.ConfigMap", "data"), undefined);
    } finally {
      resetDescriptionsForTest();
    }
  });
});
