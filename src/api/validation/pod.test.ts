import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyDefaults } from "../defaults/index.js";
import { check, clone, core, LABEL_MSG, type Triple } from "./testutil.js";

const POD = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p1", namespace: "default", labels: { run: "p1" } },
  spec: { containers: [{ name: "p1", image: "busybox", args: ["sleep", "3600"], resources: {} }] },
};

function pod(mutate: (p: typeof POD & Record<string, unknown>) => void): object {
  const p = clone(POD) as typeof POD & Record<string, unknown>;
  mutate(p);
  return p;
}

const containers = (p: { spec: { containers: unknown[] } }): Record<string, unknown>[] =>
  p.spec.containers as Record<string, unknown>[];

describe("validation: Pod create", () => {
  it("accepts the pod kubectl run sends", () => {
    assert.deepEqual(check(core("Pod"), POD), []);
  });

  const cases: [string, object, Triple[]][] = [
    [
      "no containers",
      pod((p) => (p.spec.containers = [])),
      [["FieldValueRequired", "spec.containers", "Required value"]],
    ],
    [
      "missing image",
      pod((p) => delete containers(p)[0]!.image),
      [["FieldValueRequired", "spec.containers[0].image", "Required value"]],
    ],
    [
      "bad and duplicate container names",
      pod((p) => {
        containers(p)[0]!.name = "Web_1";
        p.spec.containers.push({ name: "Web_1", image: "x" } as never);
      }),
      [
        ["FieldValueInvalid", "spec.containers[0].name", `Invalid value: "Web_1": ${LABEL_MSG}`],
        ["FieldValueInvalid", "spec.containers[1].name", `Invalid value: "Web_1": ${LABEL_MSG}`],
        ["FieldValueDuplicate", "spec.containers[1].name", 'Duplicate value: "Web_1"'],
      ],
    ],
    [
      "port range and protocol",
      pod(
        (p) =>
          (containers(p)[0]!.ports = [
            { containerPort: 70000, protocol: "HTTP" },
            { name: "Http", containerPort: 80, hostPort: -1 },
          ]),
      ),
      [
        [
          "FieldValueInvalid",
          "spec.containers[0].ports[0].containerPort",
          "Invalid value: 70000: must be between 1 and 65535, inclusive",
        ],
        [
          "FieldValueNotSupported",
          "spec.containers[0].ports[0].protocol",
          'Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
        ],
        [
          "FieldValueInvalid",
          "spec.containers[0].ports[1].name",
          'Invalid value: "Http": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
        ],
        [
          "FieldValueInvalid",
          "spec.containers[0].ports[1].hostPort",
          "Invalid value: -1: must be between 1 and 65535, inclusive",
        ],
      ],
    ],
    [
      "restartPolicy and dnsPolicy enums",
      pod((p) => Object.assign(p.spec, { restartPolicy: "Sometimes", dnsPolicy: "Google" })),
      [
        [
          "FieldValueNotSupported",
          "spec.restartPolicy",
          'Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
        ],
        [
          "FieldValueNotSupported",
          "spec.dnsPolicy",
          'Unsupported value: "Google": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
        ],
      ],
    ],
    [
      "requests above limits",
      pod(
        (p) =>
          (containers(p)[0]!.resources = {
            requests: { cpu: "2", memory: "64Mi" },
            limits: { cpu: "1", memory: "1Gi" },
          }),
      ),
      [
        [
          "FieldValueInvalid",
          "spec.containers[0].resources.requests",
          'Invalid value: "2": must be less than or equal to cpu limit of 1',
        ],
      ],
    ],
    [
      "unknown resource and negative quantity",
      pod((p) => (containers(p)[0]!.resources = { limits: { gpu: "1", memory: "-1" } })),
      [
        [
          "FieldValueInvalid",
          "spec.containers[0].resources.limits[gpu]",
          'Invalid value: "gpu": must be a standard resource type or fully qualified',
        ],
        [
          "FieldValueInvalid",
          "spec.containers[0].resources.limits[gpu]",
          'Invalid value: "gpu": must be a standard resource for containers',
        ],
        [
          "FieldValueInvalid",
          "spec.containers[0].resources.limits[memory]",
          'Invalid value: "-1": must be greater than or equal to 0',
        ],
        [
          "FieldValueInvalid",
          "spec.containers[0].resources.requests[gpu]",
          'Invalid value: "gpu": must be a standard resource type or fully qualified',
        ],
        [
          "FieldValueInvalid",
          "spec.containers[0].resources.requests[gpu]",
          'Invalid value: "gpu": must be a standard resource for containers',
        ],
        [
          "FieldValueInvalid",
          "spec.containers[0].resources.requests[memory]",
          'Invalid value: "-1": must be greater than or equal to 0',
        ],
      ],
    ],
    [
      "env names, valueFrom and volume mounts",
      pod((p) => {
        containers(p)[0]!.env = [
          { name: "A=B" },
          { name: "X", value: "1", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
        ];
        containers(p)[0]!.volumeMounts = [{ name: "data", mountPath: "/data" }];
      }),
      [
        [
          "FieldValueInvalid",
          "spec.containers[0].env[0].name",
          `Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`,
        ],
        [
          "FieldValueInvalid",
          "spec.containers[0].env[1].valueFrom",
          'Invalid value: "": may not be specified when `value` is not empty',
        ],
        ["FieldValueNotFound", "spec.containers[0].volumeMounts[0].name", 'Not found: "data"'],
      ],
    ],
    [
      "probes: liveness successThreshold and handler",
      pod((p) => {
        containers(p)[0]!.livenessProbe = { successThreshold: 2, exec: { command: ["true"] } };
        containers(p)[0]!.readinessProbe = {};
      }),
      [
        ["FieldValueInvalid", "spec.containers[0].livenessProbe.successThreshold", "Invalid value: 2: must be 1"],
        ["FieldValueRequired", "spec.containers[0].readinessProbe", "Required value: must specify a handler type"],
      ],
    ],
    [
      "volumes",
      pod((p) =>
        Object.assign(p.spec, {
          volumes: [
            { name: "a", secret: {}, configMap: { name: "c" } },
            { name: "Data", hostPath: { path: "/x", type: "Dir" } },
            { name: "c", persistentVolumeClaim: {} },
            { name: "d", emptyDir: {} },
            { name: "d", emptyDir: {} },
          ],
        }),
      ),
      [
        ["FieldValueRequired", "spec.volumes[0].secret.secretName", "Required value"],
        ["FieldValueForbidden", "spec.volumes[0].configMap", "Forbidden: may not specify more than 1 volume type"],
        [
          "FieldValueNotSupported",
          "spec.volumes[1].hostPath.type",
          'Unsupported value: "Dir": supported values: "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"',
        ],
        ["FieldValueInvalid", "spec.volumes[1].name", `Invalid value: "Data": ${LABEL_MSG}`],
        ["FieldValueRequired", "spec.volumes[2].persistentVolumeClaim.claimName", "Required value"],
        ["FieldValueDuplicate", "spec.volumes[4].name", 'Duplicate value: "d"'],
      ],
    ],
    [
      "tolerations",
      pod((p) =>
        Object.assign(p.spec, {
          tolerations: [
            { operator: "Equal", value: "x" },
            { key: "k", operator: "Exists", value: "v", tolerationSeconds: 5 },
          ],
        }),
      ),
      [
        [
          "FieldValueInvalid",
          "spec.tolerations[0].operator",
          'Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"',
        ],
        [
          "FieldValueInvalid",
          "spec.tolerations[1].effect",
          "Invalid value: \"\": effect must be 'NoExecute' when `tolerationSeconds` is set",
        ],
        [
          "FieldValueInvalid",
          "spec.tolerations[1].operator",
          "Invalid value: \"v\": value must be empty when `operator` is 'Exists'",
        ],
      ],
    ],
    [
      "leading whitespace in image (pods only)",
      pod((p) => (containers(p)[0]!.image = " busybox")),
      [
        [
          "FieldValueInvalid",
          "spec.containers[0].image",
          'Invalid value: " busybox": must not have leading or trailing whitespace',
        ],
      ],
    ],
    [
      "activeDeadlineSeconds and hostname",
      pod((p) => Object.assign(p.spec, { activeDeadlineSeconds: 0, hostname: "Host" })),
      [
        [
          "FieldValueInvalid",
          "spec.activeDeadlineSeconds",
          "Invalid value: 0: must be between 1 and 2147483647, inclusive",
        ],
        ["FieldValueInvalid", "spec.hostname", `Invalid value: "Host": ${LABEL_MSG}`],
      ],
    ],
  ];
  for (const [name, obj, want] of cases) {
    it(name, () => assert.deepEqual(check(core("Pod"), obj), want));
  }
});

describe("validation: Pod update", () => {
  // The stored pod is already defaulted; clients send it back with their change.
  const stored = { ...clone(POD), metadata: { ...POD.metadata, uid: "u1", resourceVersion: "1" } };
  applyDefaults(core("Pod"), stored);

  it("allows image and activeDeadlineSeconds changes and toleration additions", () => {
    const next = clone(stored);
    containers(next)[0]!.image = "busybox:1.36";
    Object.assign(next.spec, { activeDeadlineSeconds: 30, tolerations: [{ key: "k", operator: "Exists" }] });
    assert.deepEqual(check(core("Pod"), next, stored), []);
  });

  it("rejects other spec changes with upstream's message", () => {
    const next = clone(stored);
    containers(next)[0]!.args = ["sleep", "1"];
    const errs = check(core("Pod"), next, stored);
    assert.equal(errs.length, 1);
    const [type, field, message] = errs[0]!;
    assert.equal(type, "FieldValueForbidden");
    assert.equal(field, "spec");
    assert.ok(
      message.startsWith(
        "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n",
      ),
      message,
    );
  });

  it("rejects adding containers and raising activeDeadlineSeconds", () => {
    const more = clone(stored);
    more.spec.containers.push({ name: "b", image: "x", args: [], resources: {} });
    assert.deepEqual(check(core("Pod"), more, stored), [
      ["FieldValueForbidden", "spec.containers", "Forbidden: pod updates may not add or remove containers"],
    ]);
    const old = clone(stored);
    Object.assign(old.spec, { activeDeadlineSeconds: 10 });
    const next = clone(old);
    Object.assign(next.spec, { activeDeadlineSeconds: 20 });
    assert.deepEqual(check(core("Pod"), next, old), [
      [
        "FieldValueInvalid",
        "spec.activeDeadlineSeconds",
        "Invalid value: 20: must be less than or equal to previous value",
      ],
    ]);
  });
});
