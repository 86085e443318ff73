import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseQuantity } from "./quantity.js";
import { check, clone } from "./testutil.js";

const ingressGVK = { group: "networking.k8s.io", version: "v1", kind: "Ingress" };

/** `kubectl create ingress web --rule="foo.com/bar*=svc1:8080"`. */
const INGRESS = {
  metadata: { name: "web", namespace: "default" },
  spec: {
    rules: [
      {
        host: "foo.com",
        http: {
          paths: [{ path: "/bar", pathType: "Prefix", backend: { service: { name: "svc1", port: { number: 8080 } } } }],
        },
      },
    ],
  },
};

describe("validation: Ingress", () => {
  it("accepts kubectl create ingress", () => assert.deepEqual(check(ingressGVK, INGRESS), []));

  it("requires pathType and a backend port, and checks paths and hosts", () => {
    const ing = clone(INGRESS) as typeof INGRESS & {
      spec: { rules: { host: string; http: { paths: Record<string, unknown>[] } }[] };
    };
    ing.spec.rules[0]!.host = "10.0.0.1";
    ing.spec.rules[0]!.http.paths.push({
      path: "bar//x",
      pathType: "Exact",
      backend: { service: { name: "svc1", port: {} } },
    });
    ing.spec.rules[0]!.http.paths.push({ path: "/", backend: { service: { name: "svc1", port: { number: 80 } } } });
    assert.deepEqual(check(ingressGVK, ing), [
      ["FieldValueInvalid", "spec.rules[0].host", 'Invalid value: "10.0.0.1": must be a DNS name, not an IP address'],
      ["FieldValueInvalid", "spec.rules[0].http.paths[1].path", 'Invalid value: "bar//x": must be an absolute path'],
      ["FieldValueInvalid", "spec.rules[0].http.paths[1].path", "Invalid value: \"bar//x\": must not contain '//'"],
      ["FieldValueRequired", "spec.rules[0].http.paths[1].backend", "Required value: port name or number is required"],
      ["FieldValueRequired", "spec.rules[0].http.paths[2].pathType", "Required value: pathType must be specified"],
    ]);
  });

  it("rejects a class annotation that differs from ingressClassName", () => {
    const ing = clone(INGRESS) as typeof INGRESS & { metadata: Record<string, unknown>; spec: Record<string, unknown> };
    ing.metadata.annotations = { "kubernetes.io/ingress.class": "public" };
    ing.spec.ingressClassName = "nginx";
    assert.deepEqual(check(ingressGVK, ing), [
      [
        "FieldValueInvalid",
        "annotations.kubernetes.io/ingress.class",
        'Invalid value: "public": must match `ingressClassName` when both are specified',
      ],
    ]);
    ing.spec.ingressClassName = "public";
    assert.deepEqual(check(ingressGVK, ing), []);
  });

  it("checks TLS hosts and secret names, wildcard hosts and resource backends", () => {
    const ing = clone(INGRESS) as unknown as { metadata: unknown; spec: Record<string, unknown> };
    ing.spec.rules = [
      {
        host: "foo.*.com",
        http: { paths: [{ path: "/", pathType: "Prefix", backend: { resource: { kind: "a/b" } } }] },
      },
      { host: "::1" },
    ];
    ing.spec.tls = [{ hosts: ["10.0.0.1", "*.example.com"], secretName: "Bad_Secret" }];
    const WILDCARD =
      "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    const SUBDOMAIN =
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    assert.deepEqual(check(ingressGVK, ing), [
      ["FieldValueInvalid", "spec.rules[0].host", `Invalid value: "foo.*.com": ${WILDCARD}`],
      [
        "FieldValueInvalid",
        "spec.rules[0].http.paths[0].backend.resource.kind",
        "Invalid value: \"a/b\": may not contain '/'",
      ],
      ["FieldValueRequired", "spec.rules[0].http.paths[0].backend.resource.name", "Required value: name is required"],
      ["FieldValueInvalid", "spec.rules[1].host", 'Invalid value: "::1": must be a DNS name, not an IP address'],
      ["FieldValueInvalid", "spec.rules[1].host", `Invalid value: "::1": ${SUBDOMAIN}`],
      ["FieldValueInvalid", "spec.tls[0].secretName", `Invalid value: "Bad_Secret": ${SUBDOMAIN}`],
    ]);
  });

  it("tolerates an invalid TLS secret name already stored, on update", () => {
    const stored = { ...clone(INGRESS), spec: { ...clone(INGRESS.spec), tls: [{ secretName: "Bad_Secret" }] } };
    const updated = clone(stored);
    updated.spec.rules[0]!.host = "bar.com";
    assert.deepEqual(check(ingressGVK, updated, stored), []);
    assert.equal(check(ingressGVK, updated).length, 1);
  });

  it("needs rules or a default backend", () => {
    assert.deepEqual(check(ingressGVK, { metadata: INGRESS.metadata, spec: {} }), [
      [
        "FieldValueInvalid",
        "spec",
        "Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified",
      ],
    ]);
  });
});

describe("quantities print in canonical form", () => {
  it("matches resource.Quantity.String()", () => {
    const cases: [string, string][] = [
      ["0.5", "500m"],
      ["1000m", "1"],
      ["1024Mi", "1Gi"],
      ["1536Mi", "1536Mi"],
      ["2000", "2k"],
      ["1500", "1500"],
      ["1.5", "1500m"],
      ["512", "512"],
      ["1e3", "1e3"],
    ];
    for (const [input, want] of cases) assert.equal(parseQuantity(input)?.text, want, input);
  });
});
