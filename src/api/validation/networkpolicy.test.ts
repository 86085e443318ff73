import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { check, clone } from "./testutil.js";

const npGVK = { group: "networking.k8s.io", version: "v1", kind: "NetworkPolicy" };

const NP = {
  metadata: { name: "allow-web", namespace: "default" },
  spec: {
    podSelector: { matchLabels: { app: "web" } },
    policyTypes: ["Ingress", "Egress"],
    ingress: [
      {
        from: [
          { ipBlock: { cidr: "172.17.0.0/16", except: ["172.17.1.0/24"] } },
          { namespaceSelector: { matchLabels: { project: "x" } }, podSelector: { matchLabels: { role: "fe" } } },
        ],
        ports: [{ protocol: "TCP", port: 6379 }],
      },
    ],
    egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/24" } }], ports: [{ protocol: "TCP", port: 32000, endPort: 32768 }] }],
  },
};

type Spec = Record<string, unknown>;
const withSpec = (patch: Spec): object => {
  const np = clone(NP);
  Object.assign(np.spec, patch);
  return np;
};

describe("validation: NetworkPolicy", () => {
  it("accepts the documented example", () => assert.deepEqual(check(npGVK, NP), []));

  it("checks peers and ipBlocks", () => {
    const ingress = [
      {
        from: [
          {},
          { ipBlock: { cidr: "10.0.0.0/8", except: ["10.0.0.0/8", "192.168.0.0/24", "nope"] } },
          { ipBlock: { cidr: "10.0.0.0/33" }, podSelector: {} },
          { podSelector: { matchLabels: { "bad key!": "x" } } },
        ],
      },
    ];
    assert.deepEqual(check(npGVK, withSpec({ ingress, egress: [] })), [
      ["FieldValueRequired", "spec.ingress[0].from[0]", "Required value: must specify a peer"],
      [
        "FieldValueInvalid",
        "spec.ingress[0].from[1].ipBlock.except[0]",
        'Invalid value: "10.0.0.0/8": must be a strict subset of `cidr`',
      ],
      [
        "FieldValueInvalid",
        "spec.ingress[0].from[1].ipBlock.except[1]",
        'Invalid value: "192.168.0.0/24": must be a strict subset of `cidr`',
      ],
      [
        "FieldValueInvalid",
        "spec.ingress[0].from[1].ipBlock.except[2]",
        'Invalid value: "nope": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
      ],
      [
        "FieldValueInvalid",
        "spec.ingress[0].from[2].ipBlock.cidr",
        'Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
      ],
      ["FieldValueForbidden", "spec.ingress[0].from[2]", "Forbidden: may not specify both ipBlock and another peer"],
      [
        "FieldValueInvalid",
        "spec.ingress[0].from[3].podSelector.matchLabels",
        "Invalid value: \"bad key!\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      ],
    ]);
  });

  it("checks ports", () => {
    const egress = [
      {
        ports: [
          { protocol: "ICMP", port: 0 },
          { port: 80, endPort: 79 },
          { port: "http", endPort: 90 },
          { endPort: 90 },
          { port: "80" },
        ],
      },
    ];
    assert.deepEqual(check(npGVK, withSpec({ egress })), [
      [
        "FieldValueNotSupported",
        "spec.egress[0].ports[0].protocol",
        'Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
      ],
      ["FieldValueInvalid", "spec.egress[0].ports[0].port", "Invalid value: 0: must be between 1 and 65535, inclusive"],
      [
        "FieldValueInvalid",
        "spec.egress[0].ports[1].endPort",
        "Invalid value: 80: must be greater than or equal to `port`",
      ],
      [
        "FieldValueInvalid",
        "spec.egress[0].ports[2].endPort",
        "Invalid value: 90: may not be specified when `port` is non-numeric",
      ],
      [
        "FieldValueInvalid",
        "spec.egress[0].ports[3].endPort",
        "Invalid value: 90: may not be specified when `port` is not specified",
      ],
      [
        "FieldValueInvalid",
        "spec.egress[0].ports[4].port",
        'Invalid value: "80": must contain at least one letter (a-z)',
      ],
    ]);
  });

  it("checks policyTypes", () => {
    assert.deepEqual(check(npGVK, withSpec({ policyTypes: ["Ingress", "Outbound"] })), [
      [
        "FieldValueNotSupported",
        "spec.policyTypes[1]",
        'Unsupported value: "Outbound": supported values: "Ingress", "Egress"',
      ],
    ]);
    assert.deepEqual(check(npGVK, withSpec({ policyTypes: ["Ingress", "Egress", "Ingress"] })), [
      [
        "FieldValueInvalid",
        "spec.policyTypes",
        'Invalid value: []networking.PolicyType{"Ingress", "Egress", "Ingress"}: may not specify more than two policyTypes',
      ],
    ]);
  });
});
