import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyDefaults, carryOverServiceAllocations } from "../defaults/index.js";
import { validateObject } from "./index.js";
import { check, clone, core, DNS1035_MSG, LABEL_MSG, triples } from "./testutil.js";

const SVC = {
  metadata: { name: "web", namespace: "default" },
  spec: { selector: { app: "web" }, ports: [{ port: 80 }] },
};

describe("validation: Service", () => {
  it("accepts kubectl create service clusterip/nodeport/externalname", () => {
    assert.deepEqual(check(core("Service"), SVC), []);
    assert.deepEqual(check(core("Service"), { ...SVC, spec: { ...SVC.spec, type: "NodePort" } }), []);
    assert.deepEqual(
      check(core("Service"), {
        metadata: SVC.metadata,
        spec: { type: "ExternalName", externalName: "db.example.com" },
      }),
      [],
    );
    assert.deepEqual(
      check(core("Service"), { metadata: SVC.metadata, spec: { clusterIP: "None", selector: { app: "web" } } }),
      [],
    );
  });

  it("accepts LoadBalancer and selector-less headless services", () => {
    assert.deepEqual(check(core("Service"), { ...SVC, spec: { ...SVC.spec, type: "LoadBalancer" } }), []);
    assert.deepEqual(
      check(core("Service"), { metadata: SVC.metadata, spec: { clusterIP: "None", ports: [{ port: 5432 }] } }),
      [],
    );
  });

  it("keeps allocated values when a replace omits them (carryOverServiceAllocations)", () => {
    const stored = clone({
      metadata: { ...SVC.metadata, uid: "u" },
      spec: {
        ...SVC.spec,
        type: "NodePort",
        clusterIP: "10.96.0.10",
        clusterIPs: ["10.96.0.10"],
        ports: [{ port: 80, nodePort: 30080 }],
      },
    });
    const replaced = clone({ metadata: SVC.metadata, spec: { ...SVC.spec, type: "NodePort" } });
    applyDefaults(core("Service"), stored);
    applyDefaults(core("Service"), replaced);
    carryOverServiceAllocations(replaced, stored);
    assert.equal((replaced.spec as Record<string, unknown>).clusterIP, "10.96.0.10");
    assert.deepEqual((replaced.spec.ports[0] as Record<string, unknown>).nodePort, 30080);
    assert.deepEqual(triples(validateObject(core("Service"), replaced, stored)), []);
  });

  it("names are DNS-1035 labels", () => {
    assert.deepEqual(check(core("Service"), { ...SVC, metadata: { name: "1web", namespace: "default" } }), [
      ["FieldValueInvalid", "metadata.name", `Invalid value: "1web": ${DNS1035_MSG}`],
    ]);
  });

  it("requires ports, names when there are several, and valid protocols", () => {
    assert.deepEqual(check(core("Service"), { ...SVC, spec: { selector: { app: "web" } } }), [
      ["FieldValueRequired", "spec.ports", "Required value"],
    ]);
    assert.deepEqual(
      check(core("Service"), {
        ...SVC,
        spec: { ports: [{ port: 80 }, { port: 443, name: "Https", protocol: "HTTP" }] },
      }),
      [
        ["FieldValueRequired", "spec.ports[0].name", "Required value"],
        ["FieldValueInvalid", "spec.ports[1].name", `Invalid value: "Https": ${LABEL_MSG}`],
        [
          "FieldValueNotSupported",
          "spec.ports[1].protocol",
          'Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
        ],
      ],
    );
    assert.deepEqual(check(core("Service"), { ...SVC, spec: { ports: [{ port: 0, targetPort: "8080" }] } }), [
      ["FieldValueInvalid", "spec.ports[0].port", "Invalid value: 0: must be between 1 and 65535, inclusive"],
      [
        "FieldValueInvalid",
        "spec.ports[0].targetPort",
        'Invalid value: "8080": must contain at least one letter (a-z)',
      ],
    ]);
  });

  it("type enum and nodePort on ClusterIP", () => {
    assert.deepEqual(check(core("Service"), { ...SVC, spec: { ...SVC.spec, type: "Internal" } }), [
      [
        "FieldValueNotSupported",
        "spec.type",
        'Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
      ],
    ]);
    assert.deepEqual(check(core("Service"), { ...SVC, spec: { ports: [{ port: 80, nodePort: 30080 }] } }), [
      ["FieldValueForbidden", "spec.ports[0].nodePort", "Forbidden: may not be used when `type` is 'ClusterIP'"],
    ]);
  });

  it("keeps the cluster IP once set", () => {
    const stored = {
      metadata: { ...SVC.metadata, uid: "u" },
      spec: { ...SVC.spec, clusterIP: "10.96.0.10", clusterIPs: ["10.96.0.10"] },
    };
    assert.deepEqual(check(core("Service"), stored, stored), []);
    const moved = { ...stored, spec: { ...stored.spec, clusterIP: "10.96.0.11", clusterIPs: ["10.96.0.11"] } };
    assert.deepEqual(check(core("Service"), moved, stored), [
      ["FieldValueInvalid", "spec.clusterIPs[0]", 'Invalid value: []string{"10.96.0.11"}: may not change once set'],
    ]);
    const bad = { ...stored, spec: { ...stored.spec, clusterIP: "10.96.0.300", clusterIPs: ["10.96.0.300"] } };
    assert.deepEqual(check(core("Service"), bad), [
      [
        "FieldValueInvalid",
        "spec.clusterIPs[0]",
        'Invalid value: "10.96.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      ],
    ]);
  });
});

describe("validation: ConfigMap and Secret", () => {
  it("ConfigMap keys and size", () => {
    const cm = { metadata: { name: "cfg", namespace: "default" }, data: { "a b": "1", "..x": "2", ok: "3" } };
    assert.deepEqual(check(core("ConfigMap"), cm), [
      ["FieldValueInvalid", "data[..x]", "Invalid value: \"..x\": must not start with '..'"],
      [
        "FieldValueInvalid",
        "data[a b]",
        "Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
      ],
    ]);
    const big = { metadata: { name: "cfg", namespace: "default" }, data: { a: "x".repeat(1024 * 1024 + 1) } };
    assert.deepEqual(check(core("ConfigMap"), big), [
      ["FieldValueTooLong", "", "Too long: may not be more than 1048576 bytes"],
    ]);
  });

  it("immutable ConfigMaps", () => {
    const stored = { metadata: { name: "cfg", namespace: "default" }, immutable: true, data: { a: "1" } };
    assert.deepEqual(check(core("ConfigMap"), { ...stored, data: { a: "2" } }, stored), [
      ["FieldValueForbidden", "data", "Forbidden: field is immutable when `immutable` is set"],
    ]);
  });

  it("Secret type is immutable and typed secrets need their keys", () => {
    const stored = { metadata: { name: "s", namespace: "default" }, data: { a: "YQ==" } };
    assert.deepEqual(check(core("Secret"), stored), []);
    assert.deepEqual(check(core("Secret"), { ...stored, type: "kubernetes.io/tls" }, stored), [
      ["FieldValueInvalid", "type", 'Invalid value: "kubernetes.io/tls": field is immutable'],
      ["FieldValueRequired", "data[tls.crt]", "Required value"],
      ["FieldValueRequired", "data[tls.key]", "Required value"],
    ]);
    assert.deepEqual(check(core("Secret"), { ...stored, stringData: { "bad key": "x" } }), [
      [
        "FieldValueInvalid",
        "data[bad key]",
        "Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
      ],
    ]);
  });
});

describe("validation: Namespace, Node, ReplicationController, PVC", () => {
  it("Namespace names are DNS labels", () => {
    assert.deepEqual(check(core("Namespace"), { metadata: { name: "team-a" } }), []);
    assert.deepEqual(check(core("Namespace"), { metadata: { name: "team.a" } }), [
      ["FieldValueInvalid", "metadata.name", 'Invalid value: "team.a": must not contain dots'],
    ]);
    assert.deepEqual(check(core("Namespace"), { metadata: { name: "Team" } }), [
      ["FieldValueInvalid", "metadata.name", `Invalid value: "Team": ${LABEL_MSG}`],
    ]);
  });

  it("Node taints", () => {
    assert.deepEqual(
      check(core("Node"), { metadata: { name: "n1" }, spec: { taints: [{ key: "k", effect: "Sometimes" }] } }),
      [
        [
          "FieldValueNotSupported",
          "spec.taints[0].effect",
          'Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
        ],
      ],
    );
  });

  it("ReplicationController selector defaults from the template", () => {
    const rc = {
      metadata: { name: "rc", namespace: "default" },
      spec: { template: { metadata: { labels: { app: "x" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } },
    };
    assert.deepEqual(check(core("ReplicationController"), rc), []);
    assert.deepEqual(check(core("ReplicationController"), { ...rc, spec: { ...rc.spec, selector: { app: "y" } } }), [
      [
        "FieldValueInvalid",
        "spec.template.metadata.labels",
        'Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`',
      ],
    ]);
  });

  it("PVC access modes and storage request", () => {
    assert.deepEqual(
      check(core("PersistentVolumeClaim"), { metadata: { name: "data", namespace: "default" }, spec: {} }),
      [
        ["FieldValueRequired", "spec.accessModes", "Required value: at least 1 access mode is required"],
        ["FieldValueRequired", "spec.resources[storage]", "Required value"],
      ],
    );
    const ok = {
      metadata: { name: "data", namespace: "default" },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
    };
    assert.deepEqual(check(core("PersistentVolumeClaim"), ok), []);
  });
});

describe("validation: Lease and PriorityClass", () => {
  const lease = { group: "coordination.k8s.io", version: "v1", kind: "Lease" };
  const pc = { group: "scheduling.k8s.io", version: "v1", kind: "PriorityClass" };

  it("Lease durations", () => {
    assert.deepEqual(
      check(lease, {
        metadata: { name: "l", namespace: "kube-system" },
        spec: { holderIdentity: "a", leaseDurationSeconds: 15 },
      }),
      [],
    );
    assert.deepEqual(
      check(lease, {
        metadata: { name: "l", namespace: "kube-system" },
        spec: { leaseDurationSeconds: 0, leaseTransitions: -1 },
      }),
      [
        ["FieldValueInvalid", "spec.leaseDurationSeconds", "Invalid value: 0: must be greater than 0"],
        ["FieldValueInvalid", "spec.leaseTransitions", "Invalid value: -1: must be greater than or equal to 0"],
      ],
    );
  });

  it("PriorityClass values and reserved names", () => {
    assert.deepEqual(check(pc, { metadata: { name: "high" }, value: 1000 }), []);
    assert.deepEqual(check(pc, { metadata: { name: "huge" }, value: 2000000000 }), [
      ["FieldValueForbidden", "value", "Forbidden: maximum allowed value of a user defined priority is 1000000000"],
    ]);
    assert.deepEqual(check(pc, { metadata: { name: "system-mine" }, value: 1 }), [
      [
        "FieldValueForbidden",
        "metadata.name",
        "Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class",
      ],
    ]);
    const stored = { metadata: { name: "high", uid: "u" }, value: 1000 };
    assert.deepEqual(check(pc, { ...stored, value: 5 }, stored), [
      ["FieldValueForbidden", "value", "Forbidden: may not be changed in an update."],
    ]);
  });
});
