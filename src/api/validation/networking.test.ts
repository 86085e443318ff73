import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseQuantity } from "./quantity.js";
import { check, clone } from "./testutil.js";

const ingressGVK = { group: "networking.k8s.io", version: "v1", kind: "Ingress" };
const pdbGVK = { group: "policy", version: "v1", kind: "PodDisruptionBudget" };

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

  it("rejects the class annotation next to ingressClassName", () => {
    const ing = clone(INGRESS) as typeof INGRESS & { metadata: Record<string, unknown>; spec: Record<string, unknown> };
    ing.metadata.annotations = { "kubernetes.io/ingress.class": "public" };
    ing.spec.ingressClassName = "nginx";
    assert.deepEqual(check(ingressGVK, ing), [
      [
        "FieldValueInvalid",
        "annotations.kubernetes.io/ingress.class",
        'Invalid value: "public": can not be set when the class field is also set',
      ],
    ]);
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

describe("validation: PodDisruptionBudget", () => {
  it("checks minAvailable/maxUnavailable", () => {
    const pdb = {
      metadata: { name: "p", namespace: "default" },
      spec: { minAvailable: "50%", selector: { matchLabels: { app: "x" } } },
    };
    assert.deepEqual(check(pdbGVK, pdb), []);
    assert.deepEqual(check(pdbGVK, { ...pdb, spec: { maxUnavailable: "150%" } }), [
      [
        "FieldValueInvalid",
        "spec.maxUnavailable",
        'Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%',
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
