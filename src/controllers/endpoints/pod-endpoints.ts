/**
 * Which pods back a Service and how (upstream pkg/api/v1/pod FindPort and staging endpointslice/util):
 * selector matching, ShouldPodBeInEndpoints, ShouldSetHostname, the pod IP of the Service's IP family, and
 * target port resolution (a number, or a named container port of the Service port's protocol). Shared by the
 * Endpoints and EndpointSlice controllers.
 */
import type { Pod, Service, ServicePort } from "kubernetes-types/core/v1.js";
import { labelSelectorFromSet } from "../../api/selectors/index.js";

/** The label Endpoints and EndpointSlices of headless Services carry (v1.IsHeadlessService). */
export const HEADLESS_SERVICE_LABEL = "service.kubernetes.io/headless";
/** Upstream v1.EndpointsLastChangeTriggerTime. */
export const LAST_CHANGE_TRIGGER_TIME_ANNOTATION = "endpoints.kubernetes.io/last-change-trigger-time";

/** The Service's selector matches the pod's labels (a selector-less Service matches nothing). */
export function serviceSelects(service: Service, pod: Pod): boolean {
  const selector = service.spec?.selector;
  return selector ? labelSelectorFromSet(selector).matches(pod.metadata?.labels ?? {}) : false;
}

/** The pods in the Service's namespace its selector matches. */
export function podsForService(service: Service, podsInNamespace: readonly Pod[]): Pod[] {
  return podsInNamespace.filter((pod) => serviceSelects(service, pod));
}

/** Upstream ShouldPodBeInEndpoints: not terminal, has an IP, and not terminating unless `includeTerminating`. */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  const phase = pod.status?.phase;
  if (phase === "Failed" || phase === "Succeeded") return false;
  if (!pod.status?.podIP && !(pod.status?.podIPs?.length ?? 0)) return false;
  if (!includeTerminating && pod.metadata?.deletionTimestamp) return false;
  return true;
}

/** Upstream ShouldSetHostname: the pod's hostname is published when its subdomain names the Service. */
export function shouldSetHostname(pod: Pod, service: Service): boolean {
  return (
    !!pod.spec?.hostname &&
    pod.spec.subdomain === service.metadata?.name &&
    pod.metadata?.namespace === service.metadata?.namespace
  );
}

export type IPFamily = "IPv4" | "IPv6";

export function ipFamilyOf(ip: string): IPFamily {
  return ip.includes(":") ? "IPv6" : "IPv4";
}

/** Every IP of the pod (status.podIPs, falling back to status.podIP). */
export function podIPs(pod: Pod): string[] {
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip).filter((ip): ip is string => !!ip);
  if (ips.length === 0 && pod.status?.podIP) ips.push(pod.status.podIP);
  return ips;
}

/** The pod's IP of one family, if it has one. */
export function podIPOfFamily(pod: Pod, family: IPFamily): string | undefined {
  return podIPs(pod).find((ip) => ipFamilyOf(ip) === family);
}

/**
 * The IP family the Endpoints object of a Service uses (upstream podToEndpointAddressForService): the first
 * of spec.ipFamilies, else the ClusterIP's family, else (headless) the family of the pod's primary IP.
 */
export function serviceIPFamily(service: Service, pod: Pod): IPFamily {
  const first = service.spec?.ipFamilies?.[0];
  if (first === "IPv4" || first === "IPv6") return first;
  const clusterIP = service.spec?.clusterIP;
  if (clusterIP && clusterIP !== "None") return ipFamilyOf(clusterIP);
  return ipFamilyOf(podIPs(pod)[0] ?? "");
}

/**
 * Upstream FindPort: a numeric targetPort is used as is (an absent one defaults to `port`); a named one is the
 * containerPort of the same name and protocol in the pod's containers or restartable init containers.
 */
export function findPort(pod: Pod, servicePort: ServicePort): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === "number") return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = servicePort.protocol ?? "TCP";
  const sidecars = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === "Always");
  for (const container of [...(pod.spec?.containers ?? []), ...sidecars]) {
    for (const port of container.ports ?? []) {
      if (port.name === target && (port.protocol ?? "TCP") === protocol) return port.containerPort;
    }
  }
  return undefined;
}

/** The fields of a pod that decide its endpoints: a change elsewhere (annotations, status times) is ignored. */
export function podEndpointFingerprint(pod: Pod): string {
  return JSON.stringify([
    pod.metadata?.labels ?? {},
    pod.metadata?.deletionTimestamp ?? "",
    pod.status?.phase ?? "",
    podIPs(pod),
    pod.status?.conditions?.find((c) => c.type === "Ready")?.status ?? "",
    pod.spec?.nodeName ?? "",
    pod.spec?.hostname ?? "",
    pod.spec?.subdomain ?? "",
    (pod.spec?.containers ?? []).map((c) => c.ports ?? []),
    (pod.spec?.initContainers ?? []).map((c) => [c.restartPolicy ?? "", c.ports ?? []]),
  ]);
}

/**
 * When the endpoints of a Service last changed because of these pods (an approximation of upstream's
 * TriggerTimeTracker, without state): the latest Ready transition or creation among the pods and the Service.
 */
export function lastChangeTriggerTime(service: Service, pods: readonly Pod[]): string | undefined {
  let latest = service.metadata?.creationTimestamp;
  for (const pod of pods) {
    const ready = pod.status?.conditions?.find((c) => c.type === "Ready")?.lastTransitionTime;
    const time = ready ?? pod.metadata?.creationTimestamp;
    if (time && (!latest || Date.parse(time) > Date.parse(latest))) latest = time;
  }
  return latest ? new Date(Date.parse(latest)).toISOString() : undefined;
}
