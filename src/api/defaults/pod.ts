/**
 * Pod, PodSpec, PodTemplateSpec, Container, Probe, Volume defaults (pkg/apis/core/v1/defaults.go and the
 * generated SetObjectDefaults_* that walk every nested struct, plus the declarative `+default` markers).
 */
import { child, defInt, defPointer, defString, isObj, items, maybe, type Obj } from "./util.js";

/** parsers.ParseImageName's tag: "latest" for an untagged, undigested reference. */
export function imageTag(image: string): string {
  const at = image.indexOf("@");
  const ref = at >= 0 ? image.slice(0, at) : image;
  const slash = ref.lastIndexOf("/");
  const colon = ref.lastIndexOf(":");
  const name = colon > slash ? ref.slice(0, colon) : ref;
  // An unparseable reference (empty, whitespace, upper case in the path) has no tag: IfNotPresent.
  const parts = name.split("/");
  const path = parts.length > 1 && /[.:]|^localhost$/.test(parts[0]!) ? parts.slice(1) : parts;
  if (!name || /\s/.test(image) || path.some((p) => !/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/.test(p))) return "";
  if (colon > slash) return ref.slice(colon + 1);
  return at >= 0 ? "" : "latest";
}

function defaultHTTPGet(handler: Obj | undefined): void {
  const get = maybe(handler, "httpGet");
  if (!get) return;
  defString(get, "path", "/");
  defString(get, "scheme", "HTTP");
}

function defaultProbe(probe: Obj | undefined): void {
  if (!probe) return;
  defInt(probe, "timeoutSeconds", 1);
  defInt(probe, "periodSeconds", 10);
  defInt(probe, "successThreshold", 1);
  defInt(probe, "failureThreshold", 3);
  defaultHTTPGet(probe);
  const grpc = maybe(probe, "grpc");
  if (grpc) defPointer(grpc, "service", "");
}

function defaultFieldRef(ref: Obj | undefined): void {
  if (ref) defString(ref, "apiVersion", "v1");
}

/** SetDefaults_Container (+ ports, env, probes, lifecycle handlers). */
export function defaultContainer(c: Obj): void {
  if (c.imagePullPolicy === undefined || c.imagePullPolicy === null || c.imagePullPolicy === "") {
    c.imagePullPolicy = imageTag(typeof c.image === "string" ? c.image : "") === "latest" ? "Always" : "IfNotPresent";
  }
  defString(c, "terminationMessagePath", "/dev/termination-log");
  defString(c, "terminationMessagePolicy", "File");
  for (const p of items(c, "ports")) defString(p, "protocol", "TCP");
  for (const e of items(c, "env")) defaultFieldRef(maybe(maybe(e, "valueFrom"), "fieldRef"));
  defaultProbe(maybe(c, "livenessProbe"));
  defaultProbe(maybe(c, "readinessProbe"));
  defaultProbe(maybe(c, "startupProbe"));
  const lc = maybe(c, "lifecycle");
  defaultHTTPGet(maybe(lc, "postStart"));
  defaultHTTPGet(maybe(lc, "preStop"));
}

const VOLUME_SOURCES = [
  "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret", "nfs", "iscsi", "glusterfs",
  "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "downwardAPI", "fc", "azureFile",
  "configMap", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "projected", "portworxVolume",
  "scaleIO", "storageos", "csi", "ephemeral", "image",
]; // prettier-ignore

function defaultDownwardItems(src: Obj | undefined): void {
  for (const item of items(src, "items")) defaultFieldRef(maybe(item, "fieldRef"));
}

/** SetDefaults_Volume and the per-source defaults. */
export function defaultVolume(v: Obj): void {
  if (!VOLUME_SOURCES.some((k) => isObj(v[k]))) v.emptyDir = {};
  const hostPath = maybe(v, "hostPath");
  if (hostPath) defPointer(hostPath, "type", "");
  for (const key of ["secret", "configMap"]) {
    const src = maybe(v, key);
    if (src) defPointer(src, "defaultMode", 420);
  }
  const downward = maybe(v, "downwardAPI");
  if (downward) {
    defPointer(downward, "defaultMode", 420);
    defaultDownwardItems(downward);
  }
  const projected = maybe(v, "projected");
  if (projected) {
    defPointer(projected, "defaultMode", 420);
    for (const s of items(projected, "sources")) {
      const token = maybe(s, "serviceAccountToken");
      if (token) defPointer(token, "expirationSeconds", 3600);
      defaultDownwardItems(maybe(s, "downwardAPI"));
    }
  }
  const iscsi = maybe(v, "iscsi");
  if (iscsi) defString(iscsi, "iscsiInterface", "default");
  const rbd = maybe(v, "rbd");
  if (rbd) {
    defString(rbd, "pool", "rbd");
    defString(rbd, "user", "admin");
    defString(rbd, "keyring", "/etc/ceph/keyring");
  }
  const azureDisk = maybe(v, "azureDisk");
  if (azureDisk) {
    defPointer(azureDisk, "cachingMode", "ReadWrite");
    defPointer(azureDisk, "fsType", "ext4");
    defPointer(azureDisk, "readOnly", false);
    defPointer(azureDisk, "kind", "Shared");
  }
  const scaleIO = maybe(v, "scaleIO");
  if (scaleIO) {
    defString(scaleIO, "storageMode", "ThinProvisioned");
    defString(scaleIO, "fsType", "xfs");
  }
  const claimSpec = maybe(maybe(maybe(v, "ephemeral"), "volumeClaimTemplate"), "spec");
  if (claimSpec) defPointer(claimSpec, "volumeMode", "Filesystem");
  const image = maybe(v, "image");
  if (image && (image.pullPolicy === undefined || image.pullPolicy === null || image.pullPolicy === "")) {
    image.pullPolicy =
      imageTag(typeof image.reference === "string" ? image.reference : "") === "latest" ? "Always" : "IfNotPresent";
  }
}

/** SetDefaults_PodSpec plus the nested defaults every PodSpec gets (Pods and templates alike). */
export function defaultPodSpec(spec: Obj): void {
  defString(spec, "dnsPolicy", "ClusterFirst");
  defString(spec, "restartPolicy", "Always");
  defPointer(spec, "securityContext", {});
  defPointer(spec, "terminationGracePeriodSeconds", 30);
  defString(spec, "schedulerName", "default-scheduler");
  for (const v of items(spec, "volumes")) defaultVolume(v);
  for (const c of items(spec, "initContainers")) defaultContainer(c);
  for (const c of items(spec, "containers")) defaultContainer(c);
  for (const c of items(spec, "ephemeralContainers")) defaultContainer(c);
}

/** A PodTemplateSpec inside a workload (no Pod-only defaults such as enableServiceLinks). */
export function defaultPodTemplateSpec(template: Obj | undefined): void {
  if (template) defaultPodSpec(child(template, "spec"));
}

function requestsFromLimits(c: Obj): void {
  const resources = maybe(c, "resources");
  const limits = maybe(resources, "limits");
  if (!resources || !limits) return;
  const requests = child(resources, "requests");
  for (const [k, v] of Object.entries(limits)) if (!(k in requests)) requests[k] = v;
}

/** SetDefaults_Pod: requests from limits, enableServiceLinks, host-network ports; then the PodSpec defaults. */
export function defaultPod(pod: Obj): void {
  const spec = child(pod, "spec");
  for (const c of items(spec, "containers")) requestsFromLimits(c);
  for (const c of items(spec, "initContainers")) requestsFromLimits(c);
  defPointer(spec, "enableServiceLinks", true);
  if (spec.hostNetwork === true) {
    for (const key of ["containers", "initContainers"]) {
      for (const c of items(spec, key)) {
        for (const p of items(c, "ports")) if (!p.hostPort) p.hostPort = p.containerPort;
      }
    }
  }
  defaultPodSpec(spec);
}
