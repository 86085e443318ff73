import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { check, clone, core, SUBDOMAIN_MSG, type Triple } from "./testutil.js";

const POD = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p1", namespace: "default" },
  spec: { containers: [{ name: "c", image: "busybox" }] },
};

type PodFixture = typeof POD & { spec: Record<string, unknown> & { containers: Record<string, unknown>[] } };

function pod(mutate: (p: PodFixture) => void): object {
  const p = clone(POD) as PodFixture;
  mutate(p);
  return p;
}

const SYSCTL_RE = "^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$";
const C = "spec.containers[0].securityContext";
const P = "spec.securityContext";

describe("validation: security contexts", () => {
  it("accepts common hardened settings", () => {
    const ok = pod((p) => {
      p.spec.securityContext = {
        runAsUser: 1000,
        runAsGroup: 1000,
        fsGroup: 2000,
        supplementalGroups: [3000],
        fsGroupChangePolicy: "OnRootMismatch",
        seccompProfile: { type: "RuntimeDefault" },
        appArmorProfile: { type: "Localhost", localhostProfile: "k8s-apparmor" },
        sysctls: [
          { name: "kernel.shm_rmid_forced", value: "0" },
          { name: "net/ipv4/ip_local_port_range", value: "1024 65535" },
        ],
      };
      p.spec.containers[0]!.securityContext = {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] },
        readOnlyRootFilesystem: true,
        seccompProfile: { type: "Localhost", localhostProfile: "profiles/audit.json" },
        procMount: "Default",
      };
    });
    assert.deepEqual(check(core("Pod"), ok), []);
  });

  const cases: [string, object, Triple[]][] = [
    [
      "pod ids, fsGroupChangePolicy and shareProcessNamespace with hostPID",
      pod((p) => {
        p.spec.securityContext = {
          runAsUser: -1,
          fsGroup: 2147483648,
          supplementalGroups: [1, -5],
          fsGroupChangePolicy: "Sometimes",
          supplementalGroupsPolicy: "Loose",
        };
        p.spec.hostPID = true;
        p.spec.shareProcessNamespace = true;
      }),
      [
        ["FieldValueInvalid", `${P}.fsGroup`, "Invalid value: 2147483648: must be between 0 and 2147483647, inclusive"],
        ["FieldValueInvalid", `${P}.runAsUser`, "Invalid value: -1: must be between 0 and 2147483647, inclusive"],
        [
          "FieldValueInvalid",
          `${P}.supplementalGroups[1]`,
          "Invalid value: -5: must be between 0 and 2147483647, inclusive",
        ],
        [
          "FieldValueInvalid",
          `${P}.shareProcessNamespace`,
          "Invalid value: true: ShareProcessNamespace and HostPID cannot both be enabled",
        ],
        [
          "FieldValueNotSupported",
          `${P}.fsGroupChangePolicy`,
          'Unsupported value: "Sometimes": supported values: "Always", "OnRootMismatch"',
        ],
        [
          "FieldValueNotSupported",
          `${P}.supplementalGroupsPolicy`,
          'Unsupported value: "Loose": supported values: "Merge", "Strict"',
        ],
      ],
    ],
    [
      "sysctls: names, duplicates, host namespaces",
      pod((p) => {
        p.spec.hostNetwork = true;
        p.spec.hostIPC = true;
        p.spec.securityContext = {
          sysctls: [
            { name: "", value: "1" },
            { name: "Kernel.Foo", value: "1" },
            { name: "kernel.msgmax", value: "1" },
            { name: "kernel.msgmax", value: "2" },
            { name: "net.core.somaxconn", value: "1024" },
          ],
        };
      }),
      [
        ["FieldValueRequired", `${P}.sysctls[0].name`, "Required value"],
        [
          "FieldValueInvalid",
          `${P}.sysctls[1].name`,
          `Invalid value: "Kernel.Foo": must have at most 253 characters and match regex ${SYSCTL_RE}`,
        ],
        [
          "FieldValueInvalid",
          `${P}.sysctls[2].name`,
          `Invalid value: "kernel.msgmax": may not be specified when 'hostIPC' is true`,
        ],
        ["FieldValueDuplicate", `${P}.sysctls[3].name`, 'Duplicate value: "kernel.msgmax"'],
        [
          "FieldValueInvalid",
          `${P}.sysctls[3].name`,
          `Invalid value: "kernel.msgmax": may not be specified when 'hostIPC' is true`,
        ],
        [
          "FieldValueInvalid",
          `${P}.sysctls[4].name`,
          `Invalid value: "net.core.somaxconn": may not be specified when 'hostNetwork' is true`,
        ],
      ],
    ],
  ];

  for (const [name, obj, want] of cases) {
    it(name, () => assert.deepEqual(check(core("Pod"), obj), want));
  }

  it("seccomp and AppArmor profiles (containers, then init containers, then the pod)", () => {
    const obj = pod((p) => {
      p.spec.securityContext = {
        seccompProfile: { type: "Localhost" },
        appArmorProfile: { type: "Localhost", localhostProfile: " padded " },
      };
      p.spec.containers[0]!.securityContext = {
        seccompProfile: { type: "Custom" },
        appArmorProfile: { type: "Unconfined", localhostProfile: "x" },
      };
      p.spec.initContainers = [
        {
          name: "i",
          image: "busybox",
          securityContext: {
            seccompProfile: { type: "Localhost", localhostProfile: "/abs/../x" },
            appArmorProfile: {},
          },
        },
      ];
    });
    assert.deepEqual(check(core("Pod"), obj), [
      [
        "FieldValueNotSupported",
        `${C}.seccompProfile.type`,
        'Unsupported value: "Custom": supported values: "Localhost", "RuntimeDefault", "Unconfined"',
      ],
      [
        "FieldValueInvalid",
        `${C}.appArmorProfile.localhostProfile`,
        'Invalid value: "x": can only be set when AppArmor type is Localhost',
      ],
      [
        "FieldValueInvalid",
        "spec.initContainers[0].securityContext.seccompProfile.localhostProfile",
        'Invalid value: "/abs/../x": must be a relative path',
      ],
      [
        "FieldValueInvalid",
        "spec.initContainers[0].securityContext.seccompProfile.localhostProfile",
        "Invalid value: \"/abs/../x\": must not contain '..'",
      ],
      [
        "FieldValueRequired",
        "spec.initContainers[0].securityContext.appArmorProfile.type",
        "Required value: type is required when appArmorProfile is set",
      ],
      [
        "FieldValueRequired",
        `${P}.seccompProfile.localhostProfile`,
        "Required value: must be set when seccomp type is Localhost",
      ],
      [
        "FieldValueInvalid",
        `${P}.appArmorProfile.localhostProfile`,
        'Invalid value: " padded ": must not be padded with whitespace',
      ],
    ]);
  });

  it("seccomp localhostProfile only with type Localhost (value printed as a Go struct)", () => {
    const obj = pod((p) => {
      p.spec.containers[0]!.securityContext = {
        seccompProfile: { type: "RuntimeDefault", localhostProfile: "x.json" },
      };
    });
    assert.deepEqual(check(core("Pod"), obj), [
      [
        "FieldValueInvalid",
        `${C}.seccompProfile.localhostProfile`,
        'Invalid value: core.SeccompProfile{Type:"RuntimeDefault", LocalhostProfile:(*string)(0xc000000000)}: can only be set when seccomp type is Localhost',
      ],
    ]);
  });

  it("container: allowPrivilegeEscalation=false conflicts, procMount, run-as ids", () => {
    const obj = pod((p) => {
      p.spec.containers[0]!.securityContext = {
        allowPrivilegeEscalation: false,
        privileged: true,
        capabilities: { add: ["CAP_SYS_ADMIN"] },
        procMount: "Unmasked",
        runAsUser: -2,
      };
      p.spec.containers.push({ name: "d", image: "busybox", securityContext: { procMount: "Masked" } });
    });
    const sc =
      "core.SecurityContext{Capabilities:(*core.Capabilities)(0xc000000000), Privileged:(*bool)(0xc000000000), SELinuxOptions:(*core.SELinuxOptions)(nil), WindowsOptions:(*core.WindowsSecurityContextOptions)(nil), RunAsUser:(*int64)(0xc000000000), RunAsGroup:(*int64)(nil), RunAsNonRoot:(*bool)(nil), ReadOnlyRootFilesystem:(*bool)(nil), AllowPrivilegeEscalation:(*bool)(0xc000000000), ProcMount:(*core.ProcMountType)(0xc000000000), SeccompProfile:(*core.SeccompProfile)(nil), AppArmorProfile:(*core.AppArmorProfile)(nil)}";
    assert.deepEqual(check(core("Pod"), obj), [
      ["FieldValueInvalid", `${C}.runAsUser`, "Invalid value: -2: must be between 0 and 2147483647, inclusive"],
      ["FieldValueInvalid", `${C}.procMount`, 'Invalid value: "Unmasked": `hostUsers` must be false to use `Unmasked`'],
      [
        "FieldValueInvalid",
        C,
        `Invalid value: ${sc}: cannot set \`allowPrivilegeEscalation\` to false and \`privileged\` to true`,
      ],
      [
        "FieldValueInvalid",
        C,
        `Invalid value: ${sc}: cannot set \`allowPrivilegeEscalation\` to false and \`capabilities.Add\` CAP_SYS_ADMIN`,
      ],
      [
        "FieldValueNotSupported",
        "spec.containers[1].securityContext.procMount",
        'Unsupported value: "Masked": supported values: "Default", "Unmasked"',
      ],
    ]);
  });

  it("Unmasked procMount is fine with hostUsers=false, which excludes host namespaces", () => {
    const obj = pod((p) => {
      p.spec.hostUsers = false;
      p.spec.hostNetwork = true;
      p.spec.hostIPC = true;
      p.spec.containers[0]!.securityContext = { procMount: "Unmasked" };
    });
    assert.deepEqual(check(core("Pod"), obj), [
      ["FieldValueForbidden", "spec.hostNetwork", "Forbidden: when `pod.Spec.HostUsers` is false"],
      ["FieldValueForbidden", "spec.HostIPC", "Forbidden: when `pod.Spec.HostUsers` is false"],
    ]);
  });

  it("windowsOptions: gMSA and runAsUserName", () => {
    const obj = pod((p) => {
      p.spec.securityContext = { windowsOptions: { gmsaCredentialSpecName: "Spec_1", gmsaCredentialSpec: "" } };
      p.spec.containers[0]!.securityContext = { windowsOptions: { runAsUserName: "a\\b\\c" } };
      p.spec.containers.push(
        { name: "d", image: "x", securityContext: { windowsOptions: { runAsUserName: "dom:ain\\us*er" } } },
        { name: "e", image: "x", securityContext: { windowsOptions: { runAsUserName: "..." } } },
      );
    });
    const W = "securityContext.windowsOptions";
    assert.deepEqual(check(core("Pod"), obj), [
      [
        "FieldValueInvalid",
        "spec.containers[0].securityContext.windowsOptions.runAsUserName",
        'Invalid value: "a\\\\b\\\\c": runAsUserName cannot contain more than one backslash',
      ],
      [
        "FieldValueInvalid",
        `spec.containers[1].${W}.runAsUserName`,
        `Invalid value: "dom:ain\\\\us*er": runAsUserName's Domain doesn't match the NetBios nor the DNS format`,
      ],
      [
        "FieldValueInvalid",
        `spec.containers[1].${W}.runAsUserName`,
        `Invalid value: "dom:ain\\\\us*er": runAsUserName's User cannot contain the following characters: "/\\:;|=,+*?<>@[]`,
      ],
      [
        "FieldValueInvalid",
        `spec.containers[2].${W}.runAsUserName`,
        `Invalid value: "...": runAsUserName's User cannot contain only periods or spaces`,
      ],
      ["FieldValueInvalid", `${P}.windowsOptions.gmsaCredentialSpecName`, `Invalid value: "Spec_1": ${SUBDOMAIN_MSG}`],
      [
        "FieldValueInvalid",
        `${P}.windowsOptions.gmsaCredentialSpec`,
        'Invalid value: "": gmsaCredentialSpec cannot be an empty string',
      ],
    ]);
  });

  it("spec.os: windowsOptions forbidden on linux, Linux fields forbidden on windows", () => {
    const linux = pod((p) => {
      p.spec.os = { name: "linux" };
      p.spec.securityContext = { windowsOptions: { runAsUserName: "u" } };
      p.spec.containers[0]!.securityContext = { windowsOptions: { runAsUserName: "u" } };
    });
    const msg = "Forbidden: windows options cannot be set for a linux pod";
    assert.deepEqual(check(core("Pod"), linux), [
      ["FieldValueForbidden", `${P}.windowsOptions`, msg],
      ["FieldValueForbidden", `${C}.windowsOptions`, msg],
    ]);
    const windows = pod((p) => {
      p.spec.os = { name: "windows" };
      p.spec.hostPID = true;
      p.spec.securityContext = { runAsUser: 1, seccompProfile: { type: "RuntimeDefault" } };
      p.spec.containers[0]!.securityContext = { privileged: false, capabilities: {} };
    });
    const w = "Forbidden: cannot be set for a windows pod";
    assert.deepEqual(check(core("Pod"), windows), [
      ["FieldValueForbidden", "spec.hostPID", w],
      ["FieldValueForbidden", `${P}.seccompProfile`, w],
      ["FieldValueForbidden", `${P}.runAsUser`, w],
      ["FieldValueForbidden", `${C}.capabilities`, w],
      ["FieldValueForbidden", `${C}.privileged`, w],
    ]);
  });

  it("Windows hostProcess pods", () => {
    const obj = pod((p) => {
      p.spec.securityContext = { windowsOptions: { hostProcess: true } };
      p.spec.containers[0]!.securityContext = { windowsOptions: { hostProcess: false } };
      p.spec.containers.push({ name: "d", image: "x" });
    });
    assert.deepEqual(check(core("Pod"), obj), [
      [
        "FieldValueInvalid",
        `${C}.windowsOptions.hostProcess`,
        "Invalid value: false: pod hostProcess value must be identical if both are specified, was true",
      ],
      [
        "FieldValueInvalid",
        "spec",
        'Invalid value: "": If pod contains any hostProcess containers then all containers must be HostProcess containers',
      ],
      [
        "FieldValueInvalid",
        "spec.hostNetwork",
        "Invalid value: false: hostNetwork must be true if pod contains any hostProcess containers",
      ],
    ]);
  });
});
