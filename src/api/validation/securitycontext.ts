/**
 * Pod and container security contexts (core validation.go v1.33: validatePodSpecSecurityContext, validateSysctls,
 * ValidateHostSysctl, validateFSGroupChangePolicy, validateSeccompProfileField, ValidateAppArmorProfileField,
 * validateWindowsSecurityContextOptions, ValidateSecurityContext, validateLinux/validateWindows,
 * validateWindowsHostProcessPod, validateHostUsers).
 *
 * Upstream validates the internal PodSecurityContext, which also carries the v1 PodSpec's hostNetwork, hostPID,
 * hostIPC, shareProcessNamespace and hostUsers; those are read from the spec here. Privileged containers are
 * allowed (kube-apiserver `--allow-privileged=true`, as kubeadm and kind run it). Upstream does not validate
 * capability names or seLinuxOptions (only Windows pods forbid them).
 */
import type { Container, PodSpec, SeccompProfile, SecurityContext } from "kubernetes-types/core/v1.js";
import { goQuote } from "../selectors/goformat.js";
import type { FieldError } from "../status.js";
import {
  duplicate,
  forbidden,
  GoRepr,
  inclusiveRangeError,
  invalid,
  notSupported,
  required,
  tooLong,
} from "./errors.js";
import { isDNS1123Subdomain } from "./names.js";
import { validateLocalDescendingPath } from "./volumes.js";

const MAX_INT32 = 2147483647;
const ID_RANGE = inclusiveRangeError(0, MAX_INT32);

/** validation.IsValidUserID / IsValidGroupID. */
function idErrors(value: number | undefined | null, path: string): FieldError[] {
  if (value === undefined || value === null) return [];
  return value < 0 || value > MAX_INT32 ? [invalid(path, value, ID_RANGE)] : [];
}

/** A non-nil pointer inside a `%#v` struct prints its address; we print a fixed stand-in. */
const PTR = "0xc000000000";
function ptr(type: string, v: unknown): string {
  return `(*${type})(${v === undefined || v === null ? "nil" : PTR})`;
}

/** `core.SeccompProfile{Type:"RuntimeDefault", LocalhostProfile:(*string)(0x…)}`. */
function goSeccompProfile(sp: SeccompProfile): GoRepr {
  return new GoRepr(
    `core.SeccompProfile{Type:${goQuote(sp.type ?? "")}, LocalhostProfile:${ptr("string", sp.localhostProfile)}}`,
  );
}

/** `core.SecurityContext{Capabilities:(*core.Capabilities)(nil), Privileged:(*bool)(0x…), …}`. */
function goSecurityContext(sc: SecurityContext): GoRepr {
  const fields: [string, string, unknown][] = [
    ["Capabilities", "core.Capabilities", sc.capabilities],
    ["Privileged", "bool", sc.privileged],
    ["SELinuxOptions", "core.SELinuxOptions", sc.seLinuxOptions],
    ["WindowsOptions", "core.WindowsSecurityContextOptions", sc.windowsOptions],
    ["RunAsUser", "int64", sc.runAsUser],
    ["RunAsGroup", "int64", sc.runAsGroup],
    ["RunAsNonRoot", "bool", sc.runAsNonRoot],
    ["ReadOnlyRootFilesystem", "bool", sc.readOnlyRootFilesystem],
    ["AllowPrivilegeEscalation", "bool", sc.allowPrivilegeEscalation],
    ["ProcMount", "core.ProcMountType", sc.procMount],
    ["SeccompProfile", "core.SeccompProfile", sc.seccompProfile],
    ["AppArmorProfile", "core.AppArmorProfile", sc.appArmorProfile],
  ];
  return new GoRepr(`core.SecurityContext{${fields.map(([n, t, v]) => `${n}:${ptr(t, v)}`).join(", ")}}`);
}

const SECCOMP_TYPES = ["Localhost", "RuntimeDefault", "Unconfined"];

/** validateSeccompProfileField. */
export function validateSeccompProfile(sp: SeccompProfile | undefined | null, path: string): FieldError[] {
  if (!sp) return [];
  const errs: FieldError[] = [];
  const type = sp.type ?? "";
  if (type === "") errs.push(required(`${path}.type`, "type is required when seccompProfile is set"));
  else if (!SECCOMP_TYPES.includes(type)) errs.push(notSupported(`${path}.type`, type, SECCOMP_TYPES));
  const lp = sp.localhostProfile;
  if (type === "Localhost") {
    if (lp === undefined || lp === null) {
      errs.push(required(`${path}.localhostProfile`, "must be set when seccomp type is Localhost"));
    } else {
      errs.push(...validateLocalDescendingPath(lp, `${path}.localhostProfile`));
    }
  } else if (lp !== undefined && lp !== null) {
    errs.push(
      invalid(`${path}.localhostProfile`, goSeccompProfile(sp), "can only be set when seccomp type is Localhost"),
    );
  }
  return errs;
}

interface AppArmorProfileLike {
  type?: string;
  localhostProfile?: string;
}

/** ValidateAppArmorProfileField. */
export function validateAppArmorProfile(p: AppArmorProfileLike | undefined | null, path: string): FieldError[] {
  if (!p) return [];
  const errs: FieldError[] = [];
  const lp = p.localhostProfile;
  const type = p.type ?? "";
  switch (type) {
    case "Localhost":
      if (lp === undefined || lp === null) {
        errs.push(required(`${path}.localhostProfile`, "must be set when AppArmor type is Localhost"));
      } else {
        const trimmed = lp.trim();
        if (trimmed !== lp) errs.push(invalid(`${path}.localhostProfile`, lp, "must not be padded with whitespace"));
        else if (trimmed === "") {
          errs.push(required(`${path}.localhostProfile`, "must be set when AppArmor type is Localhost"));
        }
        if (Buffer.byteLength(lp) > 4095) errs.push(tooLong(`${path}.localhostProfile`, 4095));
      }
      break;
    case "RuntimeDefault":
    case "Unconfined":
      if (lp !== undefined && lp !== null) {
        errs.push(invalid(`${path}.localhostProfile`, lp, "can only be set when AppArmor type is Localhost"));
      }
      break;
    case "":
      errs.push(required(`${path}.type`, "type is required when appArmorProfile is set"));
      break;
    default:
      errs.push(notSupported(`${path}.type`, type, ["Localhost", "RuntimeDefault", "Unconfined"]));
  }
  return errs;
}

interface WindowsOptionsLike {
  gmsaCredentialSpecName?: string;
  gmsaCredentialSpec?: string;
  runAsUserName?: string;
  hostProcess?: boolean;
}

const CTRL_RE = /[\x00-\x1f\x7f]/; // eslint-disable-line no-control-regex
const NETBIOS_RE = /^[^\\/:*?"<>|.][^\\/:*?"<>|]{0,14}$/u;
const DNS_LABEL = "[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?";
const WINDOWS_DOMAIN_DNS_RE = new RegExp(`^${DNS_LABEL}(?:\\.${DNS_LABEL})*$`);
const USER_NAME_CHARS_RE = /["/\\:;|=,+*?<>@[\]]/;
const USER_NAME_DOTS_SPACES_RE = /^[. ]+$/;

/** validateWindowsSecurityContextOptions. */
export function validateWindowsOptions(w: WindowsOptionsLike | undefined | null, path: string): FieldError[] {
  if (!w) return [];
  const errs: FieldError[] = [];
  if (w.gmsaCredentialSpecName !== undefined && w.gmsaCredentialSpecName !== null) {
    const name = w.gmsaCredentialSpecName;
    for (const m of isDNS1123Subdomain(name)) errs.push(invalid(`${path}.gmsaCredentialSpecName`, name, m));
  }
  if (w.gmsaCredentialSpec !== undefined && w.gmsaCredentialSpec !== null) {
    const spec = w.gmsaCredentialSpec;
    const l = Buffer.byteLength(spec);
    if (l === 0) errs.push(invalid(`${path}.gmsaCredentialSpec`, spec, "gmsaCredentialSpec cannot be an empty string"));
    else if (l > 64 * 1024) {
      errs.push(invalid(`${path}.gmsaCredentialSpec`, spec, "gmsaCredentialSpec size must be under 64 KiB"));
    }
  }
  if (w.runAsUserName !== undefined && w.runAsUserName !== null) {
    const raw = w.runAsUserName;
    const at = `${path}.runAsUserName`;
    // Pre-quoted with %q: status.ts quotes strings without escaping, and domain names carry a backslash.
    const name = new GoRepr(goQuote(raw));
    const parts = raw.split("\\");
    if (raw.length === 0) errs.push(invalid(at, name, "runAsUserName cannot be an empty string"));
    else if (CTRL_RE.test(raw)) errs.push(invalid(at, name, "runAsUserName cannot contain control characters"));
    else if (parts.length > 2) errs.push(invalid(at, name, "runAsUserName cannot contain more than one backslash"));
    else {
      const hasDomain = parts.length === 2;
      const domain = hasDomain ? parts[0]! : "";
      const user = hasDomain ? parts[1]! : parts[0]!;
      if (Buffer.byteLength(domain) >= 256) {
        errs.push(invalid(at, name, "runAsUserName's Domain length must be under 256 characters"));
      }
      if (hasDomain && !(NETBIOS_RE.test(domain) || WINDOWS_DOMAIN_DNS_RE.test(domain))) {
        errs.push(invalid(at, name, "runAsUserName's Domain doesn't match the NetBios nor the DNS format"));
      }
      const ul = Buffer.byteLength(user);
      if (ul === 0) errs.push(invalid(at, name, "runAsUserName's User cannot be empty"));
      else if (ul > 104) {
        errs.push(invalid(at, name, "runAsUserName's User length must not be longer than 104 characters"));
      }
      if (USER_NAME_DOTS_SPACES_RE.test(user)) {
        errs.push(invalid(at, name, "runAsUserName's User cannot contain only periods or spaces"));
      }
      if (USER_NAME_CHARS_RE.test(user)) {
        errs.push(invalid(at, name, `runAsUserName's User cannot contain the following characters: "/\\:;|=,+*?<>@[]`));
      }
    }
  }
  return errs;
}

const SYSCTL_SEGMENT = "[a-z0-9]([-_a-z0-9]*[a-z0-9])?";
const SYSCTL_RE_TEXT = `^(${SYSCTL_SEGMENT}[\\./])*${SYSCTL_SEGMENT}$`;
const SYSCTL_RE = new RegExp(SYSCTL_RE_TEXT);

/** IsValidSysctlName (slashes allowed). */
export function isValidSysctlName(name: string): boolean {
  return Buffer.byteLength(name) <= 253 && SYSCTL_RE.test(name);
}

/** utilsysctl.NormalizeName: `net/ipv4/ip_forward` → `net.ipv4.ip_forward`. */
function normalizeSysctl(name: string): string {
  const i = name.search(/[./]/);
  if (i === -1 || name[i] === ".") return name;
  return name.replace(/[./]/g, (c) => (c === "." ? "/" : "."));
}

const IPC_SYSCTLS = new Set([
  "kernel.sem",
  "kernel.shmall",
  "kernel.shmmax",
  "kernel.shmmni",
  "kernel.shm_rmid_forced",
]);
const IPC_PREFIXES = ["kernel.shm", "kernel.msg", "fs.mqueue."];

/** utilsysctl.GetNamespace: "ipc", "net" or "" (not namespaced). */
function sysctlNamespace(name: string): "ipc" | "net" | "" {
  const n = normalizeSysctl(name);
  if (IPC_SYSCTLS.has(n) || IPC_PREFIXES.some((p) => n.startsWith(p))) return "ipc";
  if (n.startsWith("net.")) return "net";
  return "";
}

function validateSysctls(spec: PodSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (spec.securityContext?.sysctls ?? []).forEach((s, i) => {
    const at = `${path}[${i}].name`;
    const name = s.name ?? "";
    if (name.length === 0) errs.push(required(at));
    else if (!isValidSysctlName(name)) {
      errs.push(invalid(at, name, `must have at most 253 characters and match regex ${SYSCTL_RE_TEXT}`));
    } else if (names.has(name)) errs.push(duplicate(at, name));
    const ns = sysctlNamespace(name);
    if (spec.hostNetwork && ns === "net")
      errs.push(invalid(at, name, "may not be specified when 'hostNetwork' is true"));
    else if (spec.hostIPC && ns === "ipc") errs.push(invalid(at, name, "may not be specified when 'hostIPC' is true"));
    names.add(name);
  });
  return errs;
}

function enumCheck(value: unknown, valid: readonly string[], path: string): FieldError[] {
  if (value === undefined || value === null) return [];
  return valid.includes(value as string) ? [] : [notSupported(path, value as string, valid)];
}

/**
 * validatePodSpecSecurityContext at `<spec>.securityContext` (upstream always has one: v1→internal conversion
 * creates it to hold the host namespace flags).
 */
export function validatePodSecurityContext(spec: PodSpec, specPath: string): FieldError[] {
  const path = `${specPath}.securityContext`;
  const sc = (spec.securityContext ?? {}) as NonNullable<PodSpec["securityContext"]> & Record<string, unknown>;
  const errs: FieldError[] = [];
  errs.push(...idErrors(sc.fsGroup, `${path}.fsGroup`));
  errs.push(...idErrors(sc.runAsUser, `${path}.runAsUser`));
  errs.push(...idErrors(sc.runAsGroup, `${path}.runAsGroup`));
  (sc.supplementalGroups ?? []).forEach((g, i) => errs.push(...idErrors(g, `${path}.supplementalGroups[${i}]`)));
  if (spec.shareProcessNamespace && spec.hostPID) {
    errs.push(
      invalid(`${path}.shareProcessNamespace`, true, "ShareProcessNamespace and HostPID cannot both be enabled"),
    );
  }
  if (sc.sysctls?.length) errs.push(...validateSysctls(spec, `${path}.sysctls`));
  errs.push(...enumCheck(sc.fsGroupChangePolicy, ["Always", "OnRootMismatch"], `${path}.fsGroupChangePolicy`));
  errs.push(...validateSeccompProfile(sc.seccompProfile, `${path}.seccompProfile`));
  errs.push(...validateWindowsOptions(sc.windowsOptions, `${path}.windowsOptions`));
  errs.push(...validateAppArmorProfile(sc.appArmorProfile, `${path}.appArmorProfile`));
  errs.push(...enumCheck(sc["supplementalGroupsPolicy"], ["Merge", "Strict"], `${path}.supplementalGroupsPolicy`));
  errs.push(...enumCheck(sc["seLinuxChangePolicy"], ["MountOption", "Recursive"], `${path}.seLinuxChangePolicy`));
  return errs;
}

/** The pod's user namespace setting: hostUsers defaults to true. */
export function podHostUsers(spec: PodSpec | undefined): boolean {
  return spec?.hostUsers ?? true;
}

/** ValidateSecurityContext: a container's `securityContext` at `path`. */
export function validateSecurityContext(
  sc: SecurityContext | undefined | null,
  path: string,
  hostUsers: boolean,
): FieldError[] {
  if (!sc) return [];
  const errs: FieldError[] = [];
  errs.push(...idErrors(sc.runAsUser, `${path}.runAsUser`));
  errs.push(...idErrors(sc.runAsGroup, `${path}.runAsGroup`));
  if (sc.procMount !== undefined && sc.procMount !== null) {
    errs.push(...enumCheck(sc.procMount, ["Default", "Unmasked"], `${path}.procMount`));
    if (hostUsers && sc.procMount === "Unmasked") {
      errs.push(invalid(`${path}.procMount`, sc.procMount, "`hostUsers` must be false to use `Unmasked`"));
    }
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, `${path}.seccompProfile`));
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged === true) {
      errs.push(
        invalid(path, goSecurityContext(sc), "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"),
      );
    }
    for (const cap of sc.capabilities?.add ?? []) {
      if (cap === "CAP_SYS_ADMIN") {
        errs.push(
          invalid(
            path,
            goSecurityContext(sc),
            "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN",
          ),
        );
      }
    }
  }
  errs.push(...validateWindowsOptions(sc.windowsOptions, `${path}.windowsOptions`));
  errs.push(...validateAppArmorProfile(sc.appArmorProfile, `${path}.appArmorProfile`));
  return errs;
}

/** podshelper.VisitContainersWithPath order: init containers, containers, ephemeral containers. */
function visitContainers(spec: PodSpec, specPath: string, visit: (c: Container, path: string) => void): void {
  (spec.initContainers ?? []).forEach((c, i) => visit(c, `${specPath}.initContainers[${i}]`));
  (spec.containers ?? []).forEach((c, i) => visit(c, `${specPath}.containers[${i}]`));
  (spec.ephemeralContainers ?? []).forEach((c, i) => visit(c as Container, `${specPath}.ephemeralContainers[${i}]`));
}

const WINDOWS_POD = "cannot be set for a windows pod";

/** validateLinux / validateWindows: OS-specific security fields once `spec.os.name` is valid. */
export function validatePodOSSecurity(spec: PodSpec, specPath: string): FieldError[] {
  const errs: FieldError[] = [];
  const sc = spec.securityContext as (PodSpec["securityContext"] & Record<string, unknown>) | undefined;
  const scPath = `${specPath}.securityContext`;
  if (spec.os?.name === "linux") {
    const msg = "windows options cannot be set for a linux pod";
    if (sc?.windowsOptions) errs.push(forbidden(`${scPath}.windowsOptions`, msg));
    visitContainers(spec, specPath, (c, at) => {
      if (c.securityContext?.windowsOptions) errs.push(forbidden(`${at}.securityContext.windowsOptions`, msg));
    });
  } else if (spec.os?.name === "windows") {
    if (sc) {
      const set = (v: unknown): boolean => v !== undefined && v !== null;
      if (set(sc.appArmorProfile)) errs.push(forbidden(`${scPath}.appArmorProfile`, WINDOWS_POD));
      if (set(sc.seLinuxOptions)) errs.push(forbidden(`${scPath}.seLinuxOptions`, WINDOWS_POD));
      if (set(spec.hostUsers)) errs.push(forbidden(`${specPath}.hostUsers`, WINDOWS_POD));
      if (spec.hostPID) errs.push(forbidden(`${specPath}.hostPID`, WINDOWS_POD));
      if (spec.hostIPC) errs.push(forbidden(`${specPath}.hostIPC`, WINDOWS_POD));
      if (set(sc.seccompProfile)) errs.push(forbidden(`${scPath}.seccompProfile`, WINDOWS_POD));
      if (set(sc.fsGroup)) errs.push(forbidden(`${scPath}.fsGroup`, WINDOWS_POD));
      if (set(sc.fsGroupChangePolicy)) errs.push(forbidden(`${scPath}.fsGroupChangePolicy`, WINDOWS_POD));
      if (sc.sysctls?.length) errs.push(forbidden(`${scPath}.sysctls`, WINDOWS_POD));
      if (set(spec.shareProcessNamespace)) errs.push(forbidden(`${specPath}.shareProcessNamespace`, WINDOWS_POD));
      if (set(sc.runAsUser)) errs.push(forbidden(`${scPath}.runAsUser`, WINDOWS_POD));
      if (set(sc.runAsGroup)) errs.push(forbidden(`${scPath}.runAsGroup`, WINDOWS_POD));
      if (set(sc.supplementalGroups)) errs.push(forbidden(`${scPath}.supplementalGroups`, WINDOWS_POD));
      if (set(sc["supplementalGroupsPolicy"])) {
        errs.push(forbidden(`${scPath}.supplementalGroupsPolicy`, WINDOWS_POD));
      }
      if (set(sc["seLinuxChangePolicy"])) errs.push(forbidden(`${scPath}.seLinuxChangePolicy`, WINDOWS_POD));
    }
    visitContainers(spec, specPath, (c, at) => {
      const csc = c.securityContext;
      if (!csc) return;
      const p = `${at}.securityContext`;
      const keys = [
        "appArmorProfile",
        "seLinuxOptions",
        "seccompProfile",
        "capabilities",
        "readOnlyRootFilesystem",
        "privileged",
        "allowPrivilegeEscalation",
        "procMount",
        "runAsUser",
        "runAsGroup",
      ] as const;
      for (const k of keys) {
        if (csc[k] !== undefined && csc[k] !== null) errs.push(forbidden(`${p}.${k}`, WINDOWS_POD));
      }
    });
  }
  return errs;
}

/** validateWindowsHostProcessPod (privileged containers allowed by cluster policy). */
export function validateWindowsHostProcessPod(spec: PodSpec, specPath: string): FieldError[] {
  const errs: FieldError[] = [];
  const podHP = spec.securityContext?.windowsOptions?.hostProcess;
  let count = 0;
  let hpCount = 0;
  visitContainers(spec, specPath, (c, at) => {
    count++;
    const hp = c.securityContext?.windowsOptions?.hostProcess;
    if (podHP !== undefined && podHP !== null && hp !== undefined && hp !== null && podHP !== hp) {
      errs.push(
        invalid(
          `${at}.securityContext.windowsOptions.hostProcess`,
          hp,
          `pod hostProcess value must be identical if both are specified, was ${podHP}`,
        ),
      );
    }
    if (hp === true || ((hp === undefined || hp === null) && podHP === true)) hpCount++;
  });
  if (hpCount > 0) {
    if (hpCount !== count) {
      errs.push(
        invalid(
          specPath,
          "",
          "If pod contains any hostProcess containers then all containers must be HostProcess containers",
        ),
      );
    }
    if (!spec.hostNetwork) {
      errs.push(
        invalid(
          `${specPath}.hostNetwork`,
          false,
          "hostNetwork must be true if pod contains any hostProcess containers",
        ),
      );
    }
  }
  return errs;
}

/** validateHostUsers: hostUsers=false excludes host namespaces (upstream spells the paths `HostPID`/`HostIPC`). */
export function validateHostUsers(spec: PodSpec, specPath: string): FieldError[] {
  if (podHostUsers(spec)) return [];
  const errs: FieldError[] = [];
  const msg = "when `pod.Spec.HostUsers` is false";
  if (spec.hostNetwork) errs.push(forbidden(`${specPath}.hostNetwork`, msg));
  if (spec.hostPID) errs.push(forbidden(`${specPath}.HostPID`, msg));
  if (spec.hostIPC) errs.push(forbidden(`${specPath}.HostIPC`, msg));
  return errs;
}
