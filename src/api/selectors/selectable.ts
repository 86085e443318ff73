/**
 * Which field selectors each resource supports, and the field values an object offers to them — as
 * upstream's field label conversion funcs (pkg/apis/<group>/<version>/conversion.go,
 * runtime.DefaultMetaV1FieldSelectorConversion, the CRD handler's converter) and the registries'
 * `…ToSelectableFields` (pkg/registry/…/strategy.go), Kubernetes v1.33.
 */
import { badRequest } from "../status.js";
import type { FieldSelector } from "./fields.js";

/** A resource as the API server routes it; `version` only matters for versioned messages (resourceslices). */
export interface SelectableResource {
  readonly group: string;
  readonly resource: string;
  readonly version?: string;
}

/** For custom resources: the CRD's scope and `spec.versions[].selectableFields[].jsonPath` (e.g. ".spec.color"). */
export interface CustomResourceFields {
  readonly clusterScoped: boolean;
  readonly selectableFields?: readonly string[];
}

interface Conversion {
  /** Accepted labels and what they convert to. */
  readonly labels: Readonly<Record<string, string>>;
  readonly unsupported: (label: string, resource: SelectableResource) => string;
}

const same = (...labels: string[]): Record<string, string> => Object.fromEntries(labels.map((l) => [l, l]));
const notSupported = (label: string): string => `field label not supported: ${label}`;

const CORE_EVENT_FIELDS = [
  "involvedObject.kind",
  "involvedObject.namespace",
  "involvedObject.name",
  "involvedObject.uid",
  "involvedObject.apiVersion",
  "involvedObject.resourceVersion",
  "involvedObject.fieldPath",
  "reason",
  "reportingComponent",
  "source",
  "type",
];

const CONVERSIONS: Readonly<Record<string, Conversion>> = {
  "/pods": {
    labels: {
      ...same(
        "metadata.name",
        "metadata.namespace",
        "spec.nodeName",
        "spec.restartPolicy",
        "spec.schedulerName",
        "spec.serviceAccountName",
        "spec.hostNetwork",
        "status.phase",
        "status.podIP",
        "status.podIPs",
        "status.nominatedNodeName",
      ),
      "spec.host": "spec.nodeName", // old v1 clients
    },
    unsupported: notSupported,
  },
  "/nodes": { labels: same("metadata.name", "spec.unschedulable"), unsupported: notSupported },
  "/replicationcontrollers": {
    labels: same("metadata.name", "metadata.namespace", "status.replicas"),
    unsupported: notSupported,
  },
  "/events": { labels: same(...CORE_EVENT_FIELDS, "metadata.namespace", "metadata.name"), unsupported: notSupported },
  "/namespaces": { labels: same("status.phase", "metadata.name"), unsupported: notSupported },
  "/secrets": { labels: same("type", "metadata.namespace", "metadata.name"), unsupported: notSupported },
  "/services": {
    labels: same("metadata.namespace", "metadata.name", "spec.clusterIP", "spec.type"),
    unsupported: notSupported,
  },
  "batch/jobs": {
    labels: same("metadata.name", "metadata.namespace", "status.successful"),
    unsupported: (label) => `field label "${label}" not supported for batchv1.Job`,
  },
  "certificates.k8s.io/certificatesigningrequests": {
    labels: same("metadata.name", "spec.signerName"),
    unsupported: notSupported,
  },
  "certificates.k8s.io/clustertrustbundles": {
    labels: same("metadata.name", "spec.signerName"),
    unsupported: notSupported,
  },
  "events.k8s.io/events": {
    labels: {
      reason: "reason",
      "regarding.kind": "involvedObject.kind",
      "regarding.namespace": "involvedObject.namespace",
      "regarding.name": "involvedObject.name",
      "regarding.uid": "involvedObject.uid",
      "regarding.apiVersion": "involvedObject.apiVersion",
      "regarding.resourceVersion": "involvedObject.resourceVersion",
      "regarding.fieldPath": "involvedObject.fieldPath",
      reportingController: "reportingComponent",
      source: "source",
      type: "type",
      "metadata.namespace": "metadata.namespace",
      "metadata.name": "metadata.name",
    },
    unsupported: notSupported,
  },
  "resource.k8s.io/resourceslices": {
    labels: same("metadata.name", "spec.nodeName", "spec.driver"),
    unsupported: (label, r) =>
      `field label not supported for resource.k8s.io/${r.version ?? "v1beta1"}, Kind=ResourceSlice: ${label}`,
  },
};

/** runtime.DefaultMetaV1FieldSelectorConversion: every other built-in resource (cluster-scoped ones too). */
const DEFAULT_CONVERSION: Conversion = {
  labels: same("metadata.name", "metadata.namespace"),
  unsupported: (label) => `"${label}" is not a known field selector: only "metadata.name", "metadata.namespace"`,
};

function customConversion(custom: CustomResourceFields): Conversion {
  const declared = (custom.selectableFields ?? []).map((p) => p.replace(/^\./, ""));
  const meta = custom.clusterScoped ? ["metadata.name"] : ["metadata.name", "metadata.namespace"];
  return { labels: same(...declared, ...meta), unsupported: notSupported };
}

function conversionFor(resource: SelectableResource, custom?: CustomResourceFields): Conversion {
  if (custom) return customConversion(custom);
  const key = `${resource.group}/${resource.resource}`;
  return Object.prototype.hasOwnProperty.call(CONVERSIONS, key) ? CONVERSIONS[key]! : DEFAULT_CONVERSION;
}

/**
 * The field labels a field selector may use on this resource, after conversion (e.g. pods' `spec.host`
 * → `spec.nodeName`, events.k8s.io's `regarding.name` → `involvedObject.name`).
 */
export function supportedFieldLabels(resource: SelectableResource, custom?: CustomResourceFields): string[] {
  return Object.keys(conversionFor(resource, custom).labels);
}

/**
 * What the apiserver does with `?fieldSelector=` before listing/watching: convert every requirement's
 * label for this resource, or throw 400 BadRequest with upstream's message for the first unsupported one
 * (in the selector's sorted order), e.g. `field label not supported: spec.foo`. Returns the converted
 * selector, which is what must be matched against `selectableFields(…)`.
 */
export function checkFieldSelectorSupported(
  resource: SelectableResource,
  selector: FieldSelector,
  custom?: CustomResourceFields,
): FieldSelector {
  const conversion = conversionFor(resource, custom);
  return selector.transform((field, value) => {
    if (!Object.prototype.hasOwnProperty.call(conversion.labels, field)) {
      throw badRequest(conversion.unsupported(field, resource));
    }
    return { field: conversion.labels[field]!, value };
  });
}

// ---------------------------------------------------------------- selectable field values

type Obj = Readonly<Record<string, unknown>>;

function child(obj: unknown, ...path: string[]): unknown {
  let cur: unknown = obj;
  for (const key of path) {
    if (cur === null || typeof cur !== "object" || Array.isArray(cur)) return undefined;
    cur = (cur as Obj)[key];
  }
  return cur;
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const int = (v: unknown): string => (typeof v === "number" && Number.isFinite(v) ? String(Math.trunc(v)) : "0");
const bool = (v: unknown): string => String(v === true);

function podFields(pod: unknown): Record<string, string> {
  const podIPs = child(pod, "status", "podIPs");
  const first = Array.isArray(podIPs) && podIPs.length > 0 ? str(child(podIPs[0], "ip")) : "";
  return {
    "spec.nodeName": str(child(pod, "spec", "nodeName")),
    "spec.restartPolicy": str(child(pod, "spec", "restartPolicy")),
    "spec.schedulerName": str(child(pod, "spec", "schedulerName")),
    "spec.serviceAccountName": str(child(pod, "spec", "serviceAccountName")),
    "spec.hostNetwork": bool(child(pod, "spec", "hostNetwork")),
    "status.phase": str(child(pod, "status", "phase")),
    // Upstream reads the internal PodIPs[0], which v1 conversion fills from status.podIP when podIPs is empty.
    "status.podIP": first || str(child(pod, "status", "podIP")),
    "status.nominatedNodeName": str(child(pod, "status", "nominatedNodeName")),
  };
}

/** Core/v1 and events.k8s.io/v1 Events both select on upstream's core field names. */
function eventFields(event: unknown): Record<string, string> {
  const ref = child(event, "involvedObject") ?? child(event, "regarding");
  const reporting = str(child(event, "reportingComponent")) || str(child(event, "reportingController"));
  const source = str(child(event, "source", "component")) || str(child(event, "deprecatedSource", "component"));
  return {
    "involvedObject.kind": str(child(ref, "kind")),
    "involvedObject.namespace": str(child(ref, "namespace")),
    "involvedObject.name": str(child(ref, "name")),
    "involvedObject.uid": str(child(ref, "uid")),
    "involvedObject.apiVersion": str(child(ref, "apiVersion")),
    "involvedObject.resourceVersion": str(child(ref, "resourceVersion")),
    "involvedObject.fieldPath": str(child(ref, "fieldPath")),
    reason: str(child(event, "reason")),
    reportingComponent: reporting,
    source: source || reporting,
    type: str(child(event, "type")),
  };
}

const SPECIFIC: Readonly<Record<string, (obj: unknown) => Record<string, string>>> = {
  "/pods": podFields,
  "/nodes": (node) => ({ "spec.unschedulable": bool(child(node, "spec", "unschedulable")) }),
  "/namespaces": (ns) => ({
    "status.phase": str(child(ns, "status", "phase")),
    name: str(child(ns, "metadata", "name")), // "a bug, but we need to support it for backward compatibility"
  }),
  "/secrets": (secret) => ({ type: str(child(secret, "type")) }),
  "/services": (svc) => ({
    "spec.clusterIP": str(child(svc, "spec", "clusterIP")),
    "spec.type": str(child(svc, "spec", "type")),
  }),
  "/replicationcontrollers": (rc) => ({ "status.replicas": int(child(rc, "status", "replicas")) }),
  "apps/replicasets": (rs) => ({ "status.replicas": int(child(rs, "status", "replicas")) }),
  "batch/jobs": (job) => ({ "status.successful": int(child(job, "status", "succeeded")) }),
  "/events": eventFields,
  "events.k8s.io/events": eventFields,
  "certificates.k8s.io/certificatesigningrequests": (csr) => ({
    "spec.signerName": str(child(csr, "spec", "signerName")),
  }),
  "certificates.k8s.io/clustertrustbundles": (ctb) => ({ "spec.signerName": str(child(ctb, "spec", "signerName")) }),
  "resource.k8s.io/resourceslices": (slice) => ({
    "spec.nodeName": str(child(slice, "spec", "nodeName")),
    "spec.driver": str(child(slice, "spec", "driver")),
  }),
};

/** A CRD selectable field's value: strings as is, integers and booleans printed; anything else is unset. */
function customValue(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return String(v);
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return undefined;
}

/**
 * The field set upstream's GetAttrs gives an object of this resource: metadata.name, metadata.namespace
 * (when namespaced) and the resource's own selectable fields. Match a (converted) FieldSelector against it.
 */
export function selectableFields(
  resource: SelectableResource,
  obj: object,
  custom?: CustomResourceFields,
): Record<string, string> {
  const fields: Record<string, string> = { "metadata.name": str(child(obj, "metadata", "name")) };
  const namespace = child(obj, "metadata", "namespace");
  if (typeof namespace === "string" && namespace !== "" && !custom?.clusterScoped) {
    fields["metadata.namespace"] = namespace;
  }
  if (custom) {
    for (const jsonPath of custom.selectableFields ?? []) {
      const label = jsonPath.replace(/^\./, "");
      const value = customValue(child(obj, ...label.split(".")));
      if (value !== undefined) fields[label] = value;
    }
    return fields;
  }
  const specific = SPECIFIC[`${resource.group}/${resource.resource}`];
  return specific ? { ...specific(obj), ...fields } : fields;
}
