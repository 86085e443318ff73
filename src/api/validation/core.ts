/** Core kinds besides Pods and Services: ConfigMap, Secret, Namespace, Node, ReplicationController, PVC, ServiceAccount. */
import type {
  ConfigMap,
  Namespace,
  Node,
  PersistentVolumeClaim,
  PersistentVolumeClaimSpec,
  ReplicationController,
  ReplicationControllerSpec,
  Secret,
  ServiceAccount,
} from "kubernetes-types/core/v1.js";
import { sortGo } from "../selectors/goformat.js";
import { validateLabelName } from "../selectors/validation.js";
import type { FieldError } from "../status.js";
import {
  duplicate,
  FIELD_IMMUTABLE,
  forbidden,
  invalid,
  nonNegative,
  notSupported,
  required,
  tooLong,
} from "./errors.js";
import { goStringMap } from "./goformat.js";
import {
  isConfigMapKey,
  isQualifiedName,
  isValidLabelValue as isLabelValue,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
} from "./names.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./objectmeta.js";
import { deepEqual, validatePodTemplateSpec } from "./pod.js";
import { compareQuantities, isNegative, parseQuantity } from "./quantity.js";
import { validateLabelSelector } from "../selectors/validation.js";

/** core.MaxSecretSize (also the ConfigMap limit). */
export const MAX_SECRET_SIZE = 1024 * 1024;

const ns = { namespaced: true, nameFn: nameIsDNSSubdomain } as const;

function base64Length(v: unknown): number {
  return typeof v === "string" ? Buffer.from(v, "base64").length : 0;
}

export function validateConfigMap(cm: ConfigMap, old?: ConfigMap): FieldError[] {
  const errs: FieldError[] = [];
  if (old) {
    errs.push(...validateObjectMetaUpdate(cm.metadata, old.metadata));
    if (old.immutable) {
      if (!cm.immutable) errs.push(forbidden("immutable", "field is immutable when `immutable` is set"));
      if (!deepEqual(cm.data ?? {}, old.data ?? {}))
        errs.push(forbidden("data", "field is immutable when `immutable` is set"));
      if (!deepEqual(cm.binaryData ?? {}, old.binaryData ?? {})) {
        errs.push(forbidden("binaryData", "field is immutable when `immutable` is set"));
      }
    }
  }
  errs.push(...validateObjectMeta(cm.metadata, ns));
  let total = 0;
  const data = cm.data ?? {};
  const binary = cm.binaryData ?? {};
  for (const key of sortGo(Object.keys(data))) {
    for (const m of isConfigMapKey(key)) errs.push(invalid(`data[${key}]`, key, m));
    if (key in binary) errs.push(invalid(`data[${key}]`, key, "duplicate of key present in binaryData"));
    total += Buffer.byteLength(String(data[key] ?? ""), "utf8");
  }
  for (const key of sortGo(Object.keys(binary))) {
    for (const m of isConfigMapKey(key)) errs.push(invalid(`binaryData[${key}]`, key, m));
    total += base64Length(binary[key]);
  }
  if (total > MAX_SECRET_SIZE) errs.push(tooLong("", MAX_SECRET_SIZE));
  return errs;
}

export function validateSecret(secret: Secret, old?: Secret): FieldError[] {
  const errs: FieldError[] = [];
  if (old) {
    errs.push(...validateObjectMetaUpdate(secret.metadata, old.metadata));
    if ((secret.type ?? "") !== (old.type ?? "")) errs.push(invalid("type", secret.type ?? "", FIELD_IMMUTABLE));
    if (old.immutable) {
      if (!secret.immutable) errs.push(forbidden("immutable", "field is immutable when `immutable` is set"));
      if (!deepEqual(secret.data ?? {}, old.data ?? {}))
        errs.push(forbidden("data", "field is immutable when `immutable` is set"));
    }
  }
  errs.push(...validateObjectMeta(secret.metadata, ns));
  const data = secret.data ?? {};
  let total = 0;
  for (const key of sortGo(Object.keys(data))) {
    for (const m of isConfigMapKey(key)) errs.push(invalid(`data[${key}]`, key, m));
    total += base64Length(data[key]);
  }
  if (total > MAX_SECRET_SIZE) errs.push(tooLong("data", MAX_SECRET_SIZE));
  const need = (key: string): void => {
    if (!(key in data)) errs.push(required(`data[${key}]`));
  };
  switch (secret.type ?? "") {
    case "kubernetes.io/service-account-token":
      if (!secret.metadata?.annotations?.["kubernetes.io/service-account.name"]) {
        errs.push(required("metadata.annotations[kubernetes.io/service-account.name]"));
      }
      break;
    case "kubernetes.io/dockercfg":
    case "kubernetes.io/dockerconfigjson": {
      const key = secret.type === "kubernetes.io/dockercfg" ? ".dockercfg" : ".dockerconfigjson";
      if (!(key in data)) {
        need(key);
        break;
      }
      try {
        const parsed: unknown = JSON.parse(Buffer.from(data[key]!, "base64").toString("utf8"));
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
          throw new SyntaxError("not an object");
      } catch {
        errs.push(
          invalid(`data[${key}]`, "<secret contents redacted>", "invalid character looking for beginning of value"),
        );
      }
      break;
    }
    case "kubernetes.io/basic-auth":
      if (!("username" in data) && !("password" in data)) {
        need("username");
        need("password");
      }
      break;
    case "kubernetes.io/ssh-auth":
      if (base64Length(data["ssh-privatekey"]) === 0) errs.push(required("data[ssh-privatekey]"));
      break;
    case "kubernetes.io/tls":
      need("tls.crt");
      need("tls.key");
      break;
  }
  return errs;
}

const STANDARD_FINALIZERS = new Set(["kubernetes", "orphan", "foregroundDeletion"]);

/** Create: ValidateNamespace. Update (the strategy): ValidateNamespace + ValidateNamespaceUpdate. */
export function validateNamespace(namespace: Namespace, old?: Namespace): FieldError[] {
  const errs = validateNamespaceCreate(namespace);
  if (old) errs.push(...validateObjectMetaUpdate(namespace.metadata, old.metadata));
  return errs;
}

function validateNamespaceCreate(namespace: Namespace): FieldError[] {
  const errs = validateObjectMeta(namespace.metadata, { namespaced: false, nameFn: nameIsDNSLabel });
  for (const f of namespace.spec?.finalizers ?? []) {
    for (const m of isQualifiedName(f)) errs.push(invalid("spec.finalizers", f, m));
    if (!f.includes("/") && !STANDARD_FINALIZERS.has(f)) {
      errs.push(invalid("spec.finalizers", f, "name is neither a standard finalizer name nor is it fully qualified"));
    }
  }
  return errs;
}

const TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

/** Node: metadata, taints and pod CIDRs (the kubelet-facing rules are left to the node controller). */
export function validateNode(node: Node, old?: Node): FieldError[] {
  // Update (the strategy): ValidateNode + ValidateNodeUpdate.
  const errs = validateObjectMeta(node.metadata, { namespaced: false, nameFn: nameIsDNSSubdomain });
  if (old) errs.push(...validateObjectMetaUpdate(node.metadata, old.metadata));
  const seen = new Map<string, Set<string>>();
  (node.spec?.taints ?? []).forEach((t, i) => {
    const at = `spec.taints[${i}]`;
    errs.push(...validateLabelName(t.key ?? "", `${at}.key`));
    const valueErrs = isLabelValue(t.value ?? "");
    if (valueErrs.length) errs.push(invalid(`${at}.value`, t.value ?? "", valueErrs.join(";")));
    if (!t.effect) errs.push(required(`${at}.effect`));
    else if (!TAINT_EFFECTS.includes(t.effect)) errs.push(notSupported(`${at}.effect`, t.effect, TAINT_EFFECTS));
    const keys = seen.get(t.effect ?? "") ?? new Set<string>();
    if (keys.has(t.key ?? "")) {
      errs.push(duplicate(at, `${t.key}=${t.value ?? ""}:${t.effect}`));
    }
    keys.add(t.key ?? "");
    seen.set(t.effect ?? "", keys);
  });
  if (old) {
    const oldProvider = old.spec?.providerID ?? "";
    if (oldProvider && (node.spec?.providerID ?? "") !== oldProvider) {
      errs.push(forbidden("spec.providerID", 'node updates may not change providerID except from "" to valid'));
    }
    const oldCIDRs = old.spec?.podCIDRs ?? [];
    if (oldCIDRs.length && !deepEqual(node.spec?.podCIDRs ?? [], oldCIDRs)) {
      errs.push(forbidden("spec.podCIDRs", 'node updates may not change podCIDR except from "" to valid'));
    }
  }
  return errs;
}

/** ReplicationController (ValidateReplicationControllerSpec / ValidatePodTemplateSpecForRC). */
/** Create: ValidateReplicationController. Update (the strategy): that, then ValidateReplicationControllerUpdate. */
export function validateReplicationController(rc: ReplicationController, old?: ReplicationController): FieldError[] {
  const errs = [...validateObjectMeta(rc.metadata, ns), ...validateRCSpec(rc)];
  if (old) errs.push(...validateObjectMetaUpdate(rc.metadata, old.metadata), ...validateRCSpec(rc));
  return errs;
}

function validateRCSpec(rc: ReplicationController): FieldError[] {
  const errs: FieldError[] = [];
  const spec = rc.spec ?? ({} as ReplicationControllerSpec);
  errs.push(...nonNegative(spec.minReadySeconds, "spec.minReadySeconds"));
  const selector = spec.selector ?? {};
  if (Object.keys(selector).length === 0) errs.push(required("spec.selector"));
  errs.push(...nonNegative(spec.replicas, "spec.replicas"));
  const t = spec.template;
  if (!t) errs.push(required("spec.template"));
  else {
    const labels = t.metadata?.labels ?? {};
    if (Object.keys(selector).length && !Object.entries(selector).every(([k, v]) => labels[k] === v)) {
      errs.push(
        invalid(
          "spec.template.metadata.labels",
          goStringMap(t.metadata?.labels),
          "`selector` does not match template `labels`",
        ),
      );
    }
    errs.push(...validatePodTemplateSpec(t, "spec.template"));
    const rp = t.spec?.restartPolicy ?? "";
    if (rp !== "Always") errs.push(notSupported("spec.template.spec.restartPolicy", rp, ["Always"]));
    if (t.spec?.activeDeadlineSeconds !== undefined && t.spec.activeDeadlineSeconds !== null) {
      errs.push(
        forbidden(
          "spec.template.spec.activeDeadlineSeconds",
          "activeDeadlineSeconds in ReplicationController is not Supported",
        ),
      );
    }
  }
  return errs;
}

const ACCESS_MODES = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];
const VOLUME_MODES = ["Block", "Filesystem"];

function validatePVCSpec(spec: PersistentVolumeClaimSpec): FieldError[] {
  const errs: FieldError[] = [];
  const modes = spec.accessModes ?? [];
  if (modes.length === 0) errs.push(required("spec.accessModes", "at least 1 access mode is required"));
  if (spec.selector) errs.push(...validateLabelSelector(spec.selector, "spec.selector"));
  for (const mode of modes)
    if (!ACCESS_MODES.includes(mode)) errs.push(notSupported("spec.accessModes", mode, ACCESS_MODES));
  if (modes.includes("ReadWriteOncePod") && modes.length > 1) {
    errs.push(forbidden("spec.accessModes", "may not use ReadWriteOncePod with other access modes"));
  }
  const requests = (spec.resources?.requests ?? {}) as Record<string, unknown>;
  const storagePath = "spec.resources[storage]";
  if (!("storage" in requests)) errs.push(required(storagePath));
  else {
    const q = parseQuantity(requests.storage);
    if (q && (isNegative(q) || q.num === 0n)) errs.push(invalid(storagePath, q.text, "must be greater than zero"));
  }
  if (spec.storageClassName) {
    for (const m of nameIsDNSSubdomain(spec.storageClassName, false))
      errs.push(invalid("spec.storageClassName", spec.storageClassName, m));
  }
  if (spec.volumeMode !== undefined && spec.volumeMode !== null && !VOLUME_MODES.includes(spec.volumeMode)) {
    errs.push(notSupported("spec.volumeMode", spec.volumeMode, VOLUME_MODES));
  }
  return errs;
}

export function validatePersistentVolumeClaim(pvc: PersistentVolumeClaim, old?: PersistentVolumeClaim): FieldError[] {
  // Update (the strategy): ValidatePersistentVolumeClaim + ValidatePersistentVolumeClaimUpdate.
  const errs = [...validateObjectMeta(pvc.metadata, ns), ...validatePVCSpec(pvc.spec ?? {})];
  if (!old) return errs;
  errs.push(...validateObjectMetaUpdate(pvc.metadata, old.metadata));
  const bound = old.status?.phase === "Bound";
  const strip = (s: PersistentVolumeClaimSpec | undefined): Record<string, unknown> => {
    const copy: Record<string, unknown> = { ...s, resources: { ...s?.resources } };
    if (bound) {
      delete (copy.resources as Record<string, unknown>).requests;
      delete copy.volumeAttributesClassName;
    }
    return copy;
  };
  if (!deepEqual(strip(pvc.spec), strip(old.spec))) {
    errs.push(
      forbidden(
        "spec",
        "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims",
      ),
    );
  }
  const newSize = parseQuantity((pvc.spec?.resources?.requests as Record<string, unknown> | undefined)?.storage);
  const oldSize = parseQuantity((old.spec?.resources?.requests as Record<string, unknown> | undefined)?.storage);
  const capacity = parseQuantity((old.status?.capacity as Record<string, unknown> | undefined)?.storage);
  if (
    newSize &&
    oldSize &&
    compareQuantities(newSize, oldSize) < 0 &&
    (!capacity || compareQuantities(newSize, capacity) <= 0)
  ) {
    errs.push(forbidden("spec.resources.requests.storage", "field can not be less than status.capacity"));
  }
  return errs;
}

export function validateServiceAccount(sa: ServiceAccount, old?: ServiceAccount): FieldError[] {
  if (!old) return validateObjectMeta(sa.metadata, ns);
  return [...validateObjectMetaUpdate(sa.metadata, old.metadata), ...validateObjectMeta(sa.metadata, ns)];
}
