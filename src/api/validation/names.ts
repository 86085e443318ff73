/**
 * k8s.io/apimachinery/pkg/util/validation string checks (v1.33) and the per-kind name functions
 * (NameIsDNSSubdomain, NameIsDNSLabel, NameIsDNS1035Label, path-segment names) with upstream's messages.
 */
import { goLen } from "../selectors/goformat.js";
import {
  isDNS1123Subdomain,
  maxLenError,
  regexError,
  validateLabelKey,
  validateLabelValue,
} from "../selectors/validation.js";
import { inclusiveRangeError } from "./errors.js";

export { isDNS1123Subdomain, maxLenError, regexError };

const DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_LABEL_ERR =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_LABEL_RE = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*$`);

const DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?";
const DNS1035_LABEL_ERR =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const DNS1035_LABEL_RE = new RegExp(`^${DNS1035_LABEL_FMT}$`);

/** IsDNS1123Label. */
export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (goLen(value) > 63) errs.push(maxLenError(63));
  if (!DNS1123_LABEL_RE.test(value)) {
    if (DNS1123_SUBDOMAIN_RE.test(value)) errs.push("must not contain dots");
    else errs.push(regexError(DNS1123_LABEL_ERR, DNS1123_LABEL_FMT, "my-name", "123-abc"));
  }
  return errs;
}

/** IsDNS1035Label. */
export function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (goLen(value) > 63) errs.push(maxLenError(63));
  if (!DNS1035_LABEL_RE.test(value)) errs.push(regexError(DNS1035_LABEL_ERR, DNS1035_LABEL_FMT, "my-name", "abc-123"));
  return errs;
}

/** IsQualifiedName (label keys, finalizers, annotation keys lowercased). */
export function isQualifiedName(value: string): string[] {
  return validateLabelKey(value);
}

export function isValidLabelValue(value: string): string[] {
  return validateLabelValue(value);
}

function hasChDirPrefix(value: string): string[] {
  if (value === ".") return ["must not be '.'"];
  if (value === "..") return ["must not be '..'"];
  if (value.startsWith("..")) return ["must not start with '..'"];
  return [];
}

const CONFIG_MAP_KEY_FMT = "[-._a-zA-Z0-9]+";
const CONFIG_MAP_KEY_RE = /^[-._a-zA-Z0-9]+$/;

/** IsConfigMapKey (ConfigMap and Secret data keys, key selectors). */
export function isConfigMapKey(value: string): string[] {
  const errs: string[] = [];
  if (goLen(value) > 253) errs.push(maxLenError(253));
  if (!CONFIG_MAP_KEY_RE.test(value)) {
    errs.push(
      regexError(
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
        CONFIG_MAP_KEY_FMT,
        "key.name",
        "KEY_NAME",
        "key-name",
      ),
    );
  }
  errs.push(...hasChDirPrefix(value));
  return errs;
}

/** IsRelaxedEnvVarName (RelaxedEnvironmentVariableValidation, on by default since v1.32). */
export function isRelaxedEnvVarName(value: string): string[] {
  const errs: string[] = [];
  if (value.length === 0) errs.push("environment variable name must be non-empty");
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    if (cp > 0x7f || cp < 0x20 || cp === 0x7f || ch === "=") {
      errs.push("a valid environment variable name must consist only of printable ASCII characters other than '='");
      break;
    }
  }
  return errs;
}

/** IsValidPortNum. */
export function isValidPortNum(port: number): string[] {
  return port >= 1 && port <= 65535 ? [] : [inclusiveRangeError(1, 65535)];
}

/** IsValidPortName (IANA_SVC_NAME). */
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (goLen(port) > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port)) errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (!/[a-z]/.test(port)) errs.push("must contain at least one letter (a-z)");
  if (port.includes("--")) errs.push("must not contain consecutive hyphens");
  if (port.length > 0 && (port.startsWith("-") || port.endsWith("-"))) errs.push("must not begin or end with a hyphen");
  return errs;
}

const PERCENT_FMT = "[0-9]+%";

/** IsValidPercent. */
export function isValidPercent(percent: string): string[] {
  return /^[0-9]+%$/.test(percent)
    ? []
    : [
        regexError(
          "a valid percent string must be a numeric string followed by an ending '%'",
          PERCENT_FMT,
          "1%",
          "93%",
        ),
      ];
}

/** IsValidIP (v1.33 ParseIPSloppy semantics, leading zeros in IPv4 tolerated). */
export function isValidIP(value: string): boolean {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(value)) return value.split(".").every((p) => Number(p) <= 255);
  if (!value.includes(":") || /[^0-9a-fA-F:.]/.test(value)) return false;
  const dbl = value.split("::");
  if (dbl.length > 2) return false;
  const groups = value.split(":").filter((g) => g !== "");
  const last = groups[groups.length - 1] ?? "";
  let n = groups.length;
  if (last.includes(".")) {
    if (!isValidIP(last) || last.includes(":")) return false;
    n += 1;
  }
  if (!groups.every((g) => g.includes(".") || /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  return dbl.length === 2 ? n < 8 : n === 8;
}

export const VALID_IP_ERROR = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";

/** A ValidateNameFunc: `prefix` is true for generateName, where a trailing dash is allowed. */
export type NameValidator = (name: string, prefix: boolean) => string[];

function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith("-") ? `${name.slice(0, -1)}a` : name;
}

export const nameIsDNSSubdomain: NameValidator = (name, prefix) =>
  isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
export const nameIsDNSLabel: NameValidator = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name);
export const nameIsDNS1035Label: NameValidator = (name, prefix) =>
  isDNS1035Label(prefix ? maskTrailingDash(name) : name);

/** path.IsValidPathSegmentName / ValidatePathSegmentName (RBAC names such as `system:controller:foo`). */
export const nameIsPathSegment: NameValidator = (name, prefix) => {
  if (prefix) {
    const errs: string[] = [];
    for (const bad of ["/", "%"]) if (name.includes(bad)) errs.push(`may not contain '${bad}'`);
    return errs;
  }
  for (const bad of [".", ".."]) if (name === bad) return [`may not be '${bad}'`];
  const errs: string[] = [];
  for (const bad of ["/", "%"]) if (name.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
};
