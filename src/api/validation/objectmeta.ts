/**
 * ObjectMeta validation (k8s.io/apimachinery/pkg/api/validation/objectmeta.go plus the finalizer checks core's
 * ValidateObjectMeta adds), on create and on update.
 */
import type { ObjectMeta, OwnerReference } from "kubernetes-types/meta/v1.js";
import { compareGo, goLen, sortGo } from "../selectors/goformat.js";
import { validateLabels } from "../selectors/validation.js";
import type { FieldError } from "../status.js";
import { FIELD_IMMUTABLE, forbidden, GoRepr, invalid, nonNegative, required, tooLong } from "./errors.js";
import { goStrings, goTime } from "./goformat.js";
import { isQualifiedName, nameIsDNSLabel, type NameValidator } from "./names.js";

export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/** ValidateAnnotations: keys are qualified names (case-insensitive), total size ≤ 256 KiB. */
export function validateAnnotations(
  annotations: Readonly<Record<string, string>> | undefined,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const key of sortGo(Object.keys(annotations ?? {}))) {
    for (const msg of isQualifiedName(key.toLowerCase())) errs.push(invalid(path, key, msg));
    size += goLen(key) + goLen(String(annotations![key] ?? ""));
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

function parseAPIVersion(apiVersion: string): { group: string; version: string } {
  if (apiVersion === "") return { group: "", version: "" };
  const parts = apiVersion.split("/");
  if (parts.length === 1) return { group: "", version: parts[0]! };
  if (parts.length === 2) return { group: parts[0]!, version: parts[1]! };
  return { group: "", version: "" };
}

function validateOwnerReferences(refs: readonly OwnerReference[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = "";
  for (const ref of refs ?? []) {
    const gv = parseAPIVersion(ref.apiVersion ?? "");
    if (!gv.version) errs.push(invalid(`${path}.apiVersion`, ref.apiVersion ?? "", "version must not be empty"));
    if (!ref.kind) errs.push(invalid(`${path}.kind`, ref.kind ?? "", "must not be empty"));
    if (!ref.name) errs.push(invalid(`${path}.name`, ref.name ?? "", "must not be empty"));
    if (!ref.uid) errs.push(invalid(`${path}.uid`, ref.uid ?? "", "must not be empty"));
    if (gv.group === "" && gv.version === "v1" && ref.kind === "Event") {
      errs.push(invalid(path, JSON.stringify(ref), "/v1, Kind=Event is disallowed from being an owner"));
    }
    if (ref.controller) {
      const current = `${ref.kind}/${ref.name}`;
      if (firstController) {
        errs.push(
          invalid(
            path,
            JSON.stringify(refs),
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`,
          ),
        );
      } else firstController = current;
    }
  }
  return errs;
}

const STANDARD_FINALIZERS = new Set(["kubernetes", "orphan", "foregroundDeletion"]);

/** ValidateFinalizers (apimachinery) followed by core's validateKubeFinalizerName per index. */
function validateFinalizers(finalizers: readonly string[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = finalizers ?? [];
  for (const f of list) for (const msg of isQualifiedName(f)) errs.push(invalid(path, f, msg));
  if (list.includes("orphan") && list.includes("foregroundDeletion")) {
    errs.push(invalid(path, goStrings(list), "finalizer orphan and foregroundDeletion cannot be both set"));
  }
  return errs;
}

function validateKubeFinalizerNames(finalizers: readonly string[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (finalizers ?? []).forEach((f, i) => {
    if (!f.includes("/") && !STANDARD_FINALIZERS.has(f)) {
      errs.push(invalid(`${path}[${i}]`, f, "name is neither a standard finalizer name nor is it fully qualified"));
    }
  });
  return errs;
}

function validateCommon(meta: ObjectMeta, namespaced: boolean | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (namespaced === true) {
    if (!meta.namespace) errs.push(required(`${path}.namespace`));
    else
      for (const msg of nameIsDNSLabel(meta.namespace, false))
        errs.push(invalid(`${path}.namespace`, meta.namespace, msg));
  } else if (namespaced === false && meta.namespace) {
    errs.push(forbidden(`${path}.namespace`, "not allowed on this type"));
  }
  errs.push(...nonNegative(meta.generation, `${path}.generation`));
  errs.push(...validateLabels(meta.labels, `${path}.labels`));
  errs.push(...validateAnnotations(meta.annotations, `${path}.annotations`));
  errs.push(...validateOwnerReferences(meta.ownerReferences, `${path}.ownerReferences`));
  errs.push(...validateFinalizers(meta.finalizers, `${path}.finalizers`));
  return errs;
}

export interface MetaOptions {
  /** true: namespace required; false: namespace forbidden; undefined: scope unknown, not checked. */
  readonly namespaced: boolean | undefined;
  readonly nameFn: NameValidator;
  /** Run core's validateKubeFinalizerName (every built-in type; not custom resources). */
  readonly kubeFinalizers?: boolean;
}

/**
 * ValidateObjectMeta (core flavour). A missing name is accepted when generateName is set: the store generates
 * the name (upstream does so in BeforeCreate, before validation).
 */
export function validateObjectMeta(meta: ObjectMeta | undefined, opts: MetaOptions, path = "metadata"): FieldError[] {
  const m = meta ?? {};
  const errs: FieldError[] = [];
  if (m.generateName) {
    for (const msg of opts.nameFn(m.generateName, true))
      errs.push(invalid(`${path}.generateName`, m.generateName, msg));
  }
  if (!m.name) {
    if (!m.generateName) errs.push(required(`${path}.name`, "name or generateName is required"));
  } else {
    for (const msg of opts.nameFn(m.name, false)) errs.push(invalid(`${path}.name`, m.name, msg));
  }
  errs.push(...validateCommon(m, opts.namespaced, path));
  if (opts.kubeFinalizers !== false) errs.push(...validateKubeFinalizerNames(m.finalizers, `${path}.finalizers`));
  return errs;
}

function immutable(
  newVal: string | number | undefined,
  oldVal: string | number | undefined,
  field: string,
): FieldError[] {
  return newVal === oldVal ? [] : [invalid(field, newVal ?? "", FIELD_IMMUTABLE)];
}

/**
 * ValidateObjectMetaUpdate (core flavour), as seen after upstream's rest.BeforeUpdate: `resourceVersion` presence is
 * the store's check (it fills it for unconditional updates); generation, creationTimestamp and an existing
 * deletionTimestamp/deletionGracePeriodSeconds are carried over from the stored object, and a uid left empty too.
 */
export function validateObjectMetaUpdate(
  meta: ObjectMeta | undefined,
  oldMeta: ObjectMeta | undefined,
  opts: { readonly kubeFinalizers?: boolean } = {},
  path = "metadata",
): FieldError[] {
  const m = meta ?? {};
  const o = oldMeta ?? {};
  const errs: FieldError[] = [];
  if (o.deletionTimestamp) {
    const old = new Set(o.finalizers ?? []);
    const extra = [...new Set((m.finalizers ?? []).filter((f) => !old.has(f)))].sort(compareGo);
    if (extra.length) {
      errs.push(
        forbidden(
          `${path}.finalizers`,
          `no new finalizers can be added if the object is being deleted, found new finalizers ${goStrings(extra).text}`,
        ),
      );
    }
  }
  // generation and creationTimestamp are reset from the stored object before validation (rest.BeforeUpdate), so
  // upstream never reports them; a deletionTimestamp can only be added by a delete.
  errs.push(...immutable(m.name ?? "", o.name ?? "", `${path}.name`));
  errs.push(...immutable(m.namespace ?? "", o.namespace ?? "", `${path}.namespace`));
  if (m.uid) errs.push(...immutable(m.uid, o.uid ?? "", `${path}.uid`));
  if (m.deletionTimestamp && !o.deletionTimestamp) {
    errs.push(invalid(`${path}.deletionTimestamp`, new GoRepr(goTime(m.deletionTimestamp)), FIELD_IMMUTABLE));
  }
  if (m.deletionGracePeriodSeconds !== undefined && m.deletionGracePeriodSeconds !== o.deletionGracePeriodSeconds) {
    errs.push(invalid(`${path}.deletionGracePeriodSeconds`, m.deletionGracePeriodSeconds, FIELD_IMMUTABLE));
  }
  errs.push(...validateLabels(m.labels, `${path}.labels`));
  errs.push(...validateAnnotations(m.annotations, `${path}.annotations`));
  errs.push(...validateOwnerReferences(m.ownerReferences, `${path}.ownerReferences`));
  errs.push(...validateFinalizers(m.finalizers, `${path}.finalizers`));
  if (opts.kubeFinalizers !== false) errs.push(...validateKubeFinalizerNames(m.finalizers, `${path}.finalizers`));
  return errs;
}
