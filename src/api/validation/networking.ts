/** networking.k8s.io/v1 Ingress validation (NetworkPolicy: networkpolicy.ts). */
import type {
  HTTPIngressPath,
  Ingress,
  IngressBackend,
  IngressRule,
  IngressSpec,
} from "kubernetes-types/networking/v1.js";
import { goLen } from "../selectors/goformat.js";
import type { FieldError } from "../status.js";
import { GoRepr, invalid, notSupported, required } from "./errors.js";
import {
  isDNS1123Subdomain,
  isValidIP,
  maxLenError,
  isValidPortName,
  isValidPortNum,
  nameIsDNS1035Label,
  nameIsDNSSubdomain,
  nameIsPathSegment,
  regexError,
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
    // validateIngressTypedLocalObjectReference.
    const r = b.resource;
    const at = `${path}.resource`;
    if (r.apiGroup !== undefined && r.apiGroup !== null) {
      for (const m of isDNS1123Subdomain(r.apiGroup)) errs.push(invalid(`${at}.apiGroup`, r.apiGroup, m));
    }
    if (!r.kind) errs.push(required(`${at}.kind`, "kind is required"));
    else for (const m of nameIsPathSegment(r.kind, false)) errs.push(invalid(`${at}.kind`, r.kind, m));
    if (!r.name) errs.push(required(`${at}.name`, "name is required"));
    else for (const m of nameIsPathSegment(r.name, false)) errs.push(invalid(`${at}.name`, r.name, m));
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

/** IsWildcardDNS1123Subdomain. */
function isWildcardDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (goLen(value) > 253) errs.push(maxLenError(253));
  if (!new RegExp(`^${WILDCARD_FMT}$`).test(value)) {
    errs.push(
      regexError(
        "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character",
        WILDCARD_FMT,
        "*.example.com",
      ),
    );
  }
  return errs;
}

/** A rule host or TLS host: wildcard rules when it contains `*`, a DNS subdomain otherwise. */
function validateHostName(host: string, path: string): FieldError[] {
  const msgs = host.includes("*") ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
  return msgs.map((m) => invalid(path, host, m));
}

/** IngressValidationOptions (the relaxations an update of an already-invalid object gets). */
interface IngressOptions {
  readonly allowInvalidSecretName: boolean;
  readonly allowInvalidWildcardHostRule: boolean;
}

function validateRuleValue(rule: IngressRule, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (rule.http) {
    const paths = rule.http.paths ?? [];
    if (paths.length === 0) errs.push(required(`${path}.http.paths`));
    paths.forEach((p, j) => errs.push(...validatePath(p, `${path}.http.paths[${j}]`)));
  }
  return errs;
}

/** ValidateIngressSpec. */
function validateIngressSpec(spec: IngressSpec, opts: IngressOptions): FieldError[] {
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
    const host = rule.host ?? "";
    if (host) {
      if (isValidIP(host)) errs.push(invalid(`${at}.host`, host, "must be a DNS name, not an IP address"));
      errs.push(...validateHostName(host, `${at}.host`));
    }
    if (!host.includes("*") || !opts.allowInvalidWildcardHostRule) errs.push(...validateRuleValue(rule, at));
  });
  (spec.tls ?? []).forEach((tls, i) => {
    (tls.hosts ?? []).forEach((host, j) => errs.push(...validateHostName(host, `spec.tls[${i}].hosts[${j}]`)));
    if (!opts.allowInvalidSecretName) {
      for (const m of tlsSecretNameErrors(tls.secretName)) {
        errs.push(invalid(`spec.tls[${i}].secretName`, tls.secretName ?? "", m));
      }
    }
  });
  if (spec.ingressClassName !== undefined && spec.ingressClassName !== null) {
    for (const m of nameIsDNSSubdomain(spec.ingressClassName, false)) {
      errs.push(invalid("spec.ingressClassName", spec.ingressClassName, m));
    }
  }
  return errs;
}

const CLASS_ANNOTATION = "kubernetes.io/ingress.class";

/** validateTLSSecretName: ValidateSecretName (a DNS subdomain) when set. */
function tlsSecretNameErrors(name: string | undefined | null): string[] {
  return name ? nameIsDNSSubdomain(name, false) : [];
}

function optionsFor(old: Ingress | undefined): IngressOptions {
  if (!old) return { allowInvalidSecretName: false, allowInvalidWildcardHostRule: false };
  const spec = old.spec ?? {};
  return {
    allowInvalidSecretName: (spec.tls ?? []).some((t) => tlsSecretNameErrors(t.secretName).length > 0),
    allowInvalidWildcardHostRule: (spec.rules ?? []).some(
      (r) => (r.host ?? "").includes("*") && validateRuleValue(r, "").length > 0,
    ),
  };
}

/**
 * ValidateIngressCreate / ValidateIngressUpdate. Both run validateIngress (ObjectMeta + spec); an update first
 * checks the metadata update. On create, a class annotation that differs from `ingressClassName` is an error.
 */
export function validateIngress(ing: Ingress, old?: Ingress): FieldError[] {
  const errs = old ? validateObjectMetaUpdate(ing.metadata, old.metadata) : [];
  errs.push(...validateObjectMeta(ing.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain }));
  errs.push(...validateIngressSpec(ing.spec ?? {}, optionsFor(old)));
  if (!old) {
    const ann = ing.metadata?.annotations ?? {};
    const className = ing.spec?.ingressClassName;
    if (
      CLASS_ANNOTATION in ann &&
      className !== undefined &&
      className !== null &&
      ann[CLASS_ANNOTATION] !== className
    ) {
      errs.push(
        invalid(
          `annotations.${CLASS_ANNOTATION}`,
          ann[CLASS_ANNOTATION]!,
          "must match `ingressClassName` when both are specified",
        ),
      );
    }
  }
  return errs;
}
