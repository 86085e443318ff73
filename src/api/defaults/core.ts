/** Core (v1) defaults besides Pods: Service, Secret, Namespace, PV/PVC, RC, Endpoints, Node, LimitRange. */
import { defaultPod, defaultPodTemplateSpec } from "./pod.js";
import { child, defPointer, defString, isObj, items, maybe, type Obj } from "./util.js";

export { defaultPod };

/** SetDefaults_Service (+ ports: protocol TCP, targetPort = port). */
export function defaultService(svc: Obj): void {
  const spec = child(svc, "spec");
  defString(spec, "sessionAffinity", "None");
  if (spec.sessionAffinity === "None") delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === "ClientIP") {
    const timeout = maybe(maybe(spec, "sessionAffinityConfig"), "clientIP")?.timeoutSeconds;
    if (timeout === undefined || timeout === null) spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  defString(spec, "type", "ClusterIP");
  for (const p of items(spec, "ports")) {
    defString(p, "protocol", "TCP");
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === "") {
      p.targetPort = p.port;
    }
  }
  const type = spec.type;
  const externallyAccessible =
    type === "LoadBalancer" ||
    type === "NodePort" ||
    (type === "ClusterIP" && Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0);
  if (externallyAccessible) defString(spec, "externalTrafficPolicy", "Cluster");
  if (type === "NodePort" || type === "LoadBalancer" || type === "ClusterIP") {
    defPointer(spec, "internalTrafficPolicy", "Cluster");
  }
  if (type === "LoadBalancer") defPointer(spec, "allocateLoadBalancerNodePorts", true);
  if (type === "LoadBalancer") {
    for (const ing of items(maybe(maybe(svc, "status"), "loadBalancer"), "ingress")) {
      if (ing.ip) defPointer(ing, "ipMode", "VIP");
    }
  }
  defaultServiceIPFamilies(spec);
}

/**
 * ipFamilyPolicy / ipFamilies: upstream's cluster-IP allocator (pkg/registry/core/service/ipallocator, in the
 * REST BeginCreate/BeginUpdate hooks) fills these, not defaulting. Done here for a single-stack cluster of
 * `primary` family; a dual-stack allocator should own them instead.
 */
export function defaultServiceIPFamilies(spec: Obj, primary: "IPv4" | "IPv6" = "IPv4"): void {
  if (spec.type === "ExternalName") return;
  const headlessSelectorless =
    spec.clusterIP === "None" && !(isObj(spec.selector) && Object.keys(spec.selector).length > 0);
  const families = Array.isArray(spec.ipFamilies) ? (spec.ipFamilies as string[]) : [];
  if (spec.ipFamilyPolicy === undefined || spec.ipFamilyPolicy === null) {
    spec.ipFamilyPolicy = headlessSelectorless
      ? "RequireDualStack"
      : families.length === 2
        ? "RequireDualStack"
        : "SingleStack";
  }
  if (families.length === 0) {
    const ip = typeof spec.clusterIP === "string" && spec.clusterIP !== "None" ? spec.clusterIP : "";
    const first = ip ? (ip.includes(":") ? "IPv6" : "IPv4") : primary;
    spec.ipFamilies = [first];
  }
  const fams = spec.ipFamilies as string[];
  if (headlessSelectorless && fams.length < 2 && spec.ipFamilyPolicy !== "SingleStack") {
    fams.push(fams[0] === "IPv4" ? "IPv6" : "IPv4");
  }
}

/**
 * What upstream's Service strategy does on update before validating (patchAllocatedValues): a client that omits
 * the allocated clusterIP(s), nodePorts or healthCheckNodePort keeps the old ones. Call with the stored object.
 */
export function carryOverServiceAllocations(svc: Obj, old: Obj): void {
  const spec = child(svc, "spec");
  const oldSpec = maybe(old, "spec") ?? {};
  const needsClusterIP = (s: Obj): boolean => s.type !== "ExternalName";
  if (needsClusterIP(oldSpec) && needsClusterIP(spec)) {
    if (!spec.clusterIP && oldSpec.clusterIP) spec.clusterIP = oldSpec.clusterIP;
    if (!(Array.isArray(spec.clusterIPs) && spec.clusterIPs.length) && Array.isArray(oldSpec.clusterIPs)) {
      spec.clusterIPs = oldSpec.clusterIPs;
    }
    if (!Array.isArray(spec.ipFamilies) && Array.isArray(oldSpec.ipFamilies)) spec.ipFamilies = oldSpec.ipFamilies;
    if ((spec.ipFamilyPolicy === undefined || spec.ipFamilyPolicy === null) && oldSpec.ipFamilyPolicy) {
      spec.ipFamilyPolicy = oldSpec.ipFamilyPolicy;
    }
  }
  const needsNodePort = (s: Obj): boolean => s.type === "NodePort" || s.type === "LoadBalancer";
  if (needsNodePort(oldSpec) && needsNodePort(spec)) {
    const oldPorts = items(oldSpec, "ports");
    for (const p of items(spec, "ports")) {
      if (p.nodePort) continue;
      const match =
        oldPorts.find((o) => o.name === p.name && o.port === p.port && o.protocol === p.protocol) ??
        (oldPorts.length === 1 && items(spec, "ports").length === 1 ? oldPorts[0] : undefined);
      if (match?.nodePort) p.nodePort = match.nodePort;
    }
  }
  if (
    spec.type === "LoadBalancer" &&
    oldSpec.type === "LoadBalancer" &&
    spec.externalTrafficPolicy === "Local" &&
    oldSpec.externalTrafficPolicy === "Local" &&
    !spec.healthCheckNodePort &&
    oldSpec.healthCheckNodePort
  ) {
    spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
  }
}

/** SetDefaults_Secret, plus the v1→internal conversion that folds stringData into data. */
export function defaultSecret(secret: Obj): void {
  defString(secret, "type", "Opaque");
  const stringData = maybe(secret, "stringData");
  if (stringData) {
    const data = child(secret, "data");
    for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(String(v), "utf8").toString("base64");
    delete secret.stringData;
  }
}

/**
 * SetDefaults_Namespace (the kubernetes.io/metadata.name label) and SetDefaults_NamespaceStatus (phase
 * Active). The "kubernetes" finalizer is not a default: the namespace strategy adds it on create only, so
 * that /finalize can empty the list.
 */
export function defaultNamespace(ns: Obj): void {
  const meta = child(ns, "metadata");
  if (typeof meta.name === "string" && meta.name) child(meta, "labels")["kubernetes.io/metadata.name"] = meta.name;
  defString(child(ns, "status"), "phase", "Active");
}

export function defaultPersistentVolumeClaim(pvc: Obj): void {
  defPointer(child(pvc, "spec"), "volumeMode", "Filesystem");
  defString(child(pvc, "status"), "phase", "Pending");
}

export function defaultPersistentVolume(pv: Obj): void {
  const spec = child(pv, "spec");
  defString(spec, "persistentVolumeReclaimPolicy", "Retain");
  defPointer(spec, "volumeMode", "Filesystem");
  defString(child(pv, "status"), "phase", "Pending");
}

/** SetDefaults_ReplicationController (selector and labels from the template) and replicas 1. */
export function defaultReplicationController(rc: Obj): void {
  const spec = child(rc, "spec");
  const template = maybe(spec, "template");
  const labels = maybe(maybe(template, "metadata"), "labels");
  if (labels) {
    if (!(isObj(spec.selector) && Object.keys(spec.selector).length)) spec.selector = { ...labels };
    const meta = child(rc, "metadata");
    if (!(isObj(meta.labels) && Object.keys(meta.labels).length)) meta.labels = { ...labels };
  }
  defPointer(spec, "replicas", 1);
  if (template) defaultPodTemplateSpec(template);
}

export function defaultPodTemplate(pt: Obj): void {
  defaultPodTemplateSpec(child(pt, "template"));
}

export function defaultEndpoints(ep: Obj): void {
  for (const subset of items(ep, "subsets")) for (const p of items(subset, "ports")) defString(p, "protocol", "TCP");
}

export function defaultNode(node: Obj): void {
  const status = maybe(node, "status");
  if (status && isObj(status.capacity) && (status.allocatable === undefined || status.allocatable === null)) {
    status.allocatable = { ...status.capacity };
  }
}

export function defaultLimitRange(lr: Obj): void {
  for (const item of items(maybe(lr, "spec"), "limits")) {
    if (item.type !== "Container") continue;
    const def = child(item, "default");
    const defReq = child(item, "defaultRequest");
    for (const [k, v] of Object.entries(maybe(item, "max") ?? {})) if (!(k in def)) def[k] = v;
    for (const [k, v] of Object.entries(def)) if (!(k in defReq)) defReq[k] = v;
    for (const [k, v] of Object.entries(maybe(item, "min") ?? {})) if (!(k in defReq)) defReq[k] = v;
  }
}
