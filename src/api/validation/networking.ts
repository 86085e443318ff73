/** networking.k8s.io/v1 Ingress and policy/v1 PodDisruptionBudget validation. */
import type { HTTPIngressPath, Ingress, IngressBackend, IngressSpec } from "kubernetes-types/networking/v1.js";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1.js";
import { validateLabelSelector } from "../selectors/validation.js";
import type { FieldError } from "../status.js";
import { GoRepr, invalid, nonNegative, notSupported, required } from "./errors.js";
import { goIntOrString } from "./goformat.js";
import {
  isDNS1123Subdomain,
  isValidIP,
  isValidPercent,
  isValidPortName,
  isValidPortNum,
  nameIsDNS1035Label,
  nameIsDNSSubdomain,
} from "./names.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./objectmeta.js";

const PATH_TYPES = ["Exact", "ImplementationSpecific", "Prefix"];
const INVALID_PATH_SEQUENCES = ["//", "/./", "/../", "%2f", "%2F"];
const INVALID_PATH_SUFFIXES = ["/..", "/."];
const WILDCARD_FMT = "\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";

function validateBackend(b: IngressBackend, path: string): FieldError[] {
  if (b.resource && b.service) return [invalid(path, "", "cannot set both resource and service backends")];
  const errs: FieldError[] = [];
  if (b.resource) {
    if (!b.resource.kind) errs.push(required(`${path}.resource.kind`));
    if (!b.resource.name) errs.push(required(`${path}.resource.name`));
    return errs;
  }
  if (!b.service) return [invalid(path, "", "resource or service backend is required")];
  const svc = b.service;
  if (!svc.name) errs.push(required(`${path}.service.name`));
  else for (const m of nameIsDNS1035Label(svc.name, false)) errs.push(invalid(`${path}.service.name`, svc.name, m));
  const name = svc.port?.name ?? "";
  const number = svc.port?.number ?? 0;
  if (name && number) errs.push(invalid(path, "", "cannot set both port name & port number"));
  else if (name) for (const m of isValidPortName(name)) errs.push(invalid(`${path}.service.port.name`, name, m));
  else if (number) for (const m of isValidPortNum(number)) errs.push(invalid(`${path}.service.port.number`, number, m));
  else errs.push(required(path, "port name or number is required"));
  return errs;
}

function validatePath(p: HTTPIngressPath, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!p.pathType) return [required(`${path}.pathType`, "pathType must be specified")];
  const value = p.path ?? "";
  switch (p.pathType) {
    case "Exact":
    case "Prefix":
      if (!value.startsWith("/")) errs.push(invalid(`${path}.path`, value, "must be an absolute path"));
      if (value) {
        for (const seq of INVALID_PATH_SEQUENCES) {
          if (value.includes(seq)) errs.push(invalid(`${path}.path`, value, `must not contain '${seq}'`));
        }
        for (const suf of INVALID_PATH_SUFFIXES) {
          if (value.endsWith(suf)) errs.push(invalid(`${path}.path`, value, `cannot end with '${suf}'`));
        }
      }
      break;
    case "ImplementationSpecific":
      if (value && !value.startsWith("/")) errs.push(invalid(`${path}.path`, value, "must be an absolute path"));
      break;
    default:
      errs.push(notSupported(`${path}.pathType`, p.pathType, PATH_TYPES));
  }
  errs.push(...validateBackend(p.backend ?? {}, `${path}.backend`));
  return errs;
}

function validateHost(host: string, path: string): FieldError[] {
  if (isValidIP(host)) return [invalid(path, host, "must be a DNS name, not an IP address")];
  if (host.startsWith("*")) {
    if (new RegExp(`^${WILDCARD_FMT}$`).test(host) && host.length <= 253) return [];
    return [
      invalid(
        path,
        host,
        `a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '${WILDCARD_FMT}')`,
      ),
    ];
  }
  return isDNS1123Subdomain(host).map((m) => invalid(path, host, m));
}

function validateIngressSpec(spec: IngressSpec): FieldError[] {
  const errs: FieldError[] = [];
  const rules = spec.rules ?? [];
  if (rules.length === 0 && !spec.defaultBackend) {
    errs.push(
      invalid(
        "spec",
        new GoRepr("[]networking.IngressRule(nil)"),
        "either `defaultBackend` or `rules` must be specified",
      ),
    );
  }
  if (spec.defaultBackend) errs.push(...validateBackend(spec.defaultBackend, "spec.defaultBackend"));
  rules.forEach((rule, i) => {
    const at = `spec.rules[${i}]`;
    if (rule.host) errs.push(...validateHost(rule.host, `${at}.host`));
    if (rule.http) {
      const paths = rule.http.paths ?? [];
      if (paths.length === 0) errs.push(required(`${at}.http.paths`));
      paths.forEach((p, j) => errs.push(...validatePath(p, `${at}.http.paths[${j}]`)));
    }
  });
  (spec.tls ?? []).forEach((tls, i) => {
    (tls.hosts ?? []).forEach((host, j) => errs.push(...validateHost(host, `spec.tls[${i}].hosts[${j}]`)));
  });
  if (spec.ingressClassName !== undefined && spec.ingressClassName !== null) {
    for (const m of nameIsDNSSubdomain(spec.ingressClassName, false)) {
      errs.push(invalid("spec.ingressClassName", spec.ingressClassName, m));
    }
  }
  return errs;
}

const CLASS_ANNOTATION = "kubernetes.io/ingress.class";

/** ValidateIngressCreate / ValidateIngressUpdate. */
export function validateIngress(ing: Ingress, old?: Ingress): FieldError[] {
  if (old) return [...validateObjectMetaUpdate(ing.metadata, old.metadata), ...validateIngressSpec(ing.spec ?? {})];
  const errs = validateObjectMeta(ing.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const ann = ing.metadata?.annotations ?? {};
  if (ing.spec?.ingressClassName !== undefined && ing.spec.ingressClassName !== null && CLASS_ANNOTATION in ann) {
    errs.push(
      invalid(
        `annotations.${CLASS_ANNOTATION}`,
        ann[CLASS_ANNOTATION]!,
        "can not be set when the class field is also set",
      ),
    );
  }
  errs.push(...validateIngressSpec(ing.spec ?? {}));
  return errs;
}

function intOrPercent(v: unknown, path: string): FieldError[] {
  if (typeof v === "number") return nonNegative(v, path);
  if (typeof v !== "string") return [];
  const errs = isValidPercent(v).map((m) => invalid(path, goIntOrString(v), m));
  if (errs.length === 0 && Number(v.slice(0, -1)) > 100)
    errs.push(invalid(path, goIntOrString(v), "must not be greater than 100%"));
  return errs;
}

const EVICTION_POLICIES = ["AlwaysAllow", "IfHealthyBudget"];

export function validatePodDisruptionBudget(pdb: PodDisruptionBudget, old?: PodDisruptionBudget): FieldError[] {
  const errs = old
    ? validateObjectMetaUpdate(pdb.metadata, old.metadata)
    : validateObjectMeta(pdb.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const spec = pdb.spec ?? {};
  const has = (v: unknown): boolean => v !== undefined && v !== null;
  if (has(spec.minAvailable) && has(spec.maxUnavailable)) {
    errs.push(
      invalid(
        "spec",
        new GoRepr("policy.PodDisruptionBudgetSpec{…}"),
        "minAvailable and maxUnavailable cannot be both set",
      ),
    );
  }
  if (has(spec.minAvailable)) errs.push(...intOrPercent(spec.minAvailable, "spec.minAvailable"));
  if (has(spec.maxUnavailable)) errs.push(...intOrPercent(spec.maxUnavailable, "spec.maxUnavailable"));
  if (spec.selector) errs.push(...validateLabelSelector(spec.selector, "spec.selector"));
  const policy = spec.unhealthyPodEvictionPolicy;
  if (policy !== undefined && policy !== null && !EVICTION_POLICIES.includes(policy)) {
    errs.push(notSupported("spec.unhealthyPodEvictionPolicy", policy, EVICTION_POLICIES));
  }
  return errs;
}
