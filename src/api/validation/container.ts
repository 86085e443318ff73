/**
 * Container validation (core validation.go: validateContainerCommon, validateContainers, validateInitContainers,
 * ports, env, envFrom, volume mounts, resources, probes, lifecycle handlers, pull policy; security contexts in
 * securitycontext.ts).
 */
import type {
  Container,
  ContainerPort,
  EnvFromSource,
  EnvVar,
  Lifecycle,
  LifecycleHandler,
  Probe,
  ResourceRequirements,
  Volume,
  VolumeMount,
} from "kubernetes-types/core/v1.js";
import { compareGo, sortGo } from "../selectors/goformat.js";
import type { FieldError } from "../status.js";
import {
  duplicate,
  forbidden,
  internalError,
  invalid,
  IS_NEGATIVE,
  nonNegative,
  notFound,
  notSupported,
  required,
} from "./errors.js";
import {
  isConfigMapKey,
  isDNS1123Label,
  isQualifiedName,
  isRelaxedEnvVarName,
  isValidPortName,
  isValidPortNum,
  nameIsDNSSubdomain,
} from "./names.js";
import { compareQuantities, isInteger, isNegative, parseQuantity } from "./quantity.js";
import { validateSecurityContext } from "./securitycontext.js";
import { validateLocalDescendingPath } from "./volumes.js";

export const PROTOCOLS = ["SCTP", "TCP", "UDP"];

/** ValidatePortNumOrName for an IntOrString. */
export function validatePortNumOrName(port: unknown, path: string): FieldError[] {
  if (typeof port === "number") return isValidPortNum(port).map((m) => invalid(path, port, m));
  if (typeof port === "string") return isValidPortName(port).map((m) => invalid(path, port, m));
  return [internalError(path, "unknown type: 0")];
}

function validateContainerPorts(ports: readonly ContainerPort[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (ports ?? []).forEach((port, i) => {
    const at = `${path}[${i}]`;
    if (port.name) {
      const msgs = isValidPortName(port.name);
      if (msgs.length) for (const m of msgs) errs.push(invalid(`${at}.name`, port.name, m));
      else if (names.has(port.name)) errs.push(duplicate(`${at}.name`, port.name));
      else names.add(port.name);
    }
    if (!port.containerPort) errs.push(required(`${at}.containerPort`));
    else
      for (const m of isValidPortNum(port.containerPort))
        errs.push(invalid(`${at}.containerPort`, port.containerPort, m));
    if (port.hostPort)
      for (const m of isValidPortNum(port.hostPort)) errs.push(invalid(`${at}.hostPort`, port.hostPort, m));
    if (!port.protocol) errs.push(required(`${at}.protocol`));
    else if (!PROTOCOLS.includes(port.protocol)) errs.push(notSupported(`${at}.protocol`, port.protocol, PROTOCOLS));
  });
  return errs;
}

const ENV_FIELD_PATHS = [
  "metadata.name",
  "metadata.namespace",
  "metadata.uid",
  "spec.nodeName",
  "spec.serviceAccountName",
  "status.hostIP",
  "status.hostIPs",
  "status.podIP",
  "status.podIPs",
].sort(compareGo);
const RESOURCE_FIELD_PATHS = [
  "limits.cpu",
  "limits.ephemeral-storage",
  "limits.memory",
  "requests.cpu",
  "requests.ephemeral-storage",
  "requests.memory",
];

function validateKeySelector(s: { name?: string; key?: string }, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const m of nameIsDNSSubdomain(s.name ?? "", false)) errs.push(invalid(`${path}.name`, s.name ?? "", m));
  if (!s.key) errs.push(required(`${path}.key`));
  else for (const m of isConfigMapKey(s.key)) errs.push(invalid(`${path}.key`, s.key, m));
  return errs;
}

function validateEnvValueFrom(ev: EnvVar, path: string): FieldError[] {
  const from = ev.valueFrom;
  if (!from) return [];
  const errs: FieldError[] = [];
  let n = 0;
  if (from.fieldRef) {
    n++;
    const fr = from.fieldRef;
    const at = `${path}.fieldRef`;
    if (!fr.apiVersion) errs.push(required(`${at}.apiVersion`));
    else if (!fr.fieldPath) errs.push(required(`${at}.fieldPath`));
    else {
      const sub = /^(metadata\.(?:labels|annotations))\['(.*)'\]$/.exec(fr.fieldPath);
      if (sub) {
        const key = sub[1] === "metadata.annotations" ? sub[2]!.toLowerCase() : sub[2]!;
        for (const m of isQualifiedName(key)) errs.push(invalid(at, key, m));
      } else if (!ENV_FIELD_PATHS.includes(fr.fieldPath)) {
        errs.push(notSupported(`${at}.fieldPath`, fr.fieldPath, ENV_FIELD_PATHS));
      }
    }
  }
  if (from.resourceFieldRef) {
    n++;
    const rf = from.resourceFieldRef;
    const at = `${path}.resourceFieldRef`;
    if (!rf.resource) errs.push(required(`${at}.resource`));
    else if (
      !RESOURCE_FIELD_PATHS.includes(rf.resource) &&
      !rf.resource.startsWith("limits.hugepages-") &&
      !rf.resource.startsWith("requests.hugepages-")
    ) {
      errs.push(notSupported(`${at}.resource`, rf.resource, RESOURCE_FIELD_PATHS));
    }
  }
  if (from.configMapKeyRef) {
    n++;
    errs.push(...validateKeySelector(from.configMapKeyRef, `${path}.configMapKeyRef`));
  }
  if (from.secretKeyRef) {
    n++;
    errs.push(...validateKeySelector(from.secretKeyRef, `${path}.secretKeyRef`));
  }
  if (n === 0) {
    errs.push(
      invalid(path, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"),
    );
  } else if (ev.value) {
    errs.push(invalid(path, "", "may not be specified when `value` is not empty"));
  } else if (n > 1) {
    errs.push(invalid(path, "", "may not have more than one field specified at a time"));
  }
  return errs;
}

function validateEnv(vars: readonly EnvVar[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (vars ?? []).forEach((ev, i) => {
    const at = `${path}[${i}]`;
    if (!ev.name) errs.push(required(`${at}.name`));
    else for (const m of isRelaxedEnvVarName(ev.name)) errs.push(invalid(`${at}.name`, ev.name, m));
    errs.push(...validateEnvValueFrom(ev, `${at}.valueFrom`));
  });
  return errs;
}

function validateEnvFrom(vars: readonly EnvFromSource[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (vars ?? []).forEach((ev, i) => {
    const at = `${path}[${i}]`;
    if (ev.prefix) for (const m of isRelaxedEnvVarName(ev.prefix)) errs.push(invalid(`${at}.prefix`, ev.prefix, m));
    let n = 0;
    for (const [key, ref] of [
      ["configMapRef", ev.configMapRef],
      ["secretRef", ev.secretRef],
    ] as const) {
      if (!ref) continue;
      n++;
      if (!ref.name) errs.push(required(`${at}.${key}.name`));
      else for (const m of nameIsDNSSubdomain(ref.name, true)) errs.push(invalid(`${at}.${key}.name`, ref.name, m));
    }
    if (n === 0) errs.push(invalid(path, "", "must specify one of: `configMapRef` or `secretRef`"));
    else if (n > 1) errs.push(invalid(path, "", "may not have more than one field specified at a time"));
  });
  return errs;
}

function validateVolumeMounts(
  mounts: readonly VolumeMount[] | undefined,
  devices: ReadonlyMap<string, string>,
  volumes: ReadonlyMap<string, Volume>,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const points = new Set<string>();
  (mounts ?? []).forEach((mnt, i) => {
    const at = `${path}[${i}]`;
    const name = mnt.name ?? "";
    const mountPath = mnt.mountPath ?? "";
    if (!name) errs.push(required(`${at}.name`));
    if (!volumes.has(name)) errs.push(notFound(`${at}.name`, name));
    if (!mountPath) errs.push(required(`${at}.mountPath`));
    if (points.has(mountPath)) errs.push(invalid(`${at}.mountPath`, mountPath, "must be unique"));
    points.add(mountPath);
    if (devices.has(name)) errs.push(invalid(`${at}.name`, name, "must not already exist in volumeDevices"));
    if ([...devices.values()].includes(mountPath)) {
      errs.push(invalid(`${at}.mountPath`, mountPath, "must not already exist as a path in volumeDevices"));
    }
    if (mnt.subPath) errs.push(...validateLocalDescendingPath(mnt.subPath, `${path}.subPath`));
    if (mnt.subPathExpr) {
      if (mnt.subPath)
        errs.push(invalid(`${at}.subPathExpr`, mnt.subPathExpr, "subPathExpr and subPath are mutually exclusive"));
      errs.push(...validateLocalDescendingPath(mnt.subPathExpr, `${path}.subPathExpr`));
    }
    if (mnt.mountPropagation && !["None", "HostToContainer", "Bidirectional"].includes(mnt.mountPropagation)) {
      errs.push(
        notSupported(`${path}.mountPropagation`, mnt.mountPropagation, ["Bidirectional", "HostToContainer", "None"]),
      );
    }
  });
  return errs;
}

const STANDARD_CONTAINER_RESOURCES = new Set(["cpu", "memory", "ephemeral-storage"]);
const STANDARD_RESOURCES = new Set([
  "cpu",
  "memory",
  "ephemeral-storage",
  "requests.cpu",
  "requests.memory",
  "requests.ephemeral-storage",
  "limits.cpu",
  "limits.memory",
  "limits.ephemeral-storage",
  "pods",
  "services",
  "replicationcontrollers",
  "resourcequotas",
  "secrets",
  "persistentvolumeclaims",
  "storage",
  "requests.storage",
  "services.nodeports",
  "services.loadbalancers",
  "configmaps",
]);

const isHugePages = (name: string): boolean => name.startsWith("hugepages-");
const isNative = (name: string): boolean => !name.includes("/") || name.includes("kubernetes.io/");
const overcommitAllowed = (name: string): boolean => isNative(name) && !isHugePages(name);

/** core/v1 ValidateContainerResourceName (also used for HPA container resource metrics). */
export function validateContainerResourceName(name: string, path: string): FieldError[] {
  const errs = isQualifiedName(name).map((m) => invalid(path, name, m));
  if (errs.length === 0 && !name.includes("/") && !STANDARD_RESOURCES.has(name) && !isHugePages(name)) {
    errs.push(invalid(path, name, "must be a standard resource type or fully qualified"));
  }
  if (!name.includes("/")) {
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !isHugePages(name)) {
      errs.push(invalid(path, name, "must be a standard resource for containers"));
    }
  } else if (!isNative(name) && name.startsWith("requests.")) {
    errs.push(invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

function validateQuantityValue(name: string, raw: unknown, path: string): FieldError[] {
  const q = parseQuantity(raw);
  if (!q) return [];
  const errs: FieldError[] = [];
  if (isNegative(q)) errs.push(invalid(path, q.text, IS_NEGATIVE));
  if (!isNative(name) && !isHugePages(name) && !isInteger(q)) errs.push(invalid(path, q.text, "must be an integer"));
  return errs;
}

/** ValidateContainerResourceRequirements (keys in Go map order are random upstream; sorted here). */
export function validateResourceRequirements(res: ResourceRequirements | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const limits = (res?.limits ?? {}) as Record<string, unknown>;
  const requests = (res?.requests ?? {}) as Record<string, unknown>;
  const limPath = `${path}.limits`;
  const reqPath = `${path}.requests`;
  let limCpuMem = false;
  let reqCpuMem = false;
  let hugePages = false;
  for (const name of sortGo(Object.keys(limits))) {
    const at = `${limPath}[${name}]`;
    errs.push(...validateContainerResourceName(name, at));
    errs.push(...validateQuantityValue(name, limits[name], at));
    if (isHugePages(name)) hugePages = true;
    if (name === "cpu" || name === "memory") limCpuMem = true;
  }
  for (const name of sortGo(Object.keys(requests))) {
    const at = `${reqPath}[${name}]`;
    errs.push(...validateContainerResourceName(name, at));
    errs.push(...validateQuantityValue(name, requests[name], at));
    const q = parseQuantity(requests[name]);
    if (name in limits) {
      const l = parseQuantity(limits[name]);
      if (q && l) {
        const cmp = compareQuantities(q, l);
        if (cmp !== 0 && !overcommitAllowed(name)) {
          errs.push(invalid(reqPath, q.text, `must be equal to ${name} limit of ${l.text}`));
        } else if (cmp > 0) {
          errs.push(invalid(reqPath, q.text, `must be less than or equal to ${name} limit of ${l.text}`));
        }
      }
    } else if (!overcommitAllowed(name)) {
      errs.push(required(limPath, "Limit must be set for non overcommitable resources"));
    }
    if (isHugePages(name)) hugePages = true;
    if (name === "cpu" || name === "memory") reqCpuMem = true;
  }
  if (!limCpuMem && !reqCpuMem && hugePages) errs.push(forbidden(path, "HugePages require cpu or memory"));
  (res?.claims ?? []).forEach((c, i) => {
    if (!c.name) errs.push(required(`${path}.claims[${i}]`));
  });
  return errs;
}

type Handler = Pick<LifecycleHandler, "exec" | "httpGet" | "tcpSocket" | "sleep"> & { grpc?: Probe["grpc"] };

function validateHandler(h: Handler, gracePeriod: number | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  const one = (key: string, check: () => FieldError[]): void => {
    if (n > 0) errs.push(forbidden(`${path}.${key}`, "may not specify more than 1 handler type"));
    else {
      n++;
      errs.push(...check());
    }
  };
  if (h.exec) one("exec", () => (h.exec!.command?.length ? [] : [required(`${path}.exec.command`)]));
  if (h.httpGet) {
    const g = h.httpGet;
    one("httpGet", () => {
      const e: FieldError[] = [];
      if (!g.path) e.push(required(`${path}.httpGet.path`));
      e.push(...validatePortNumOrName(g.port, `${path}.httpGet.port`));
      if (!["HTTP", "HTTPS"].includes(g.scheme ?? ""))
        e.push(notSupported(`${path}.httpGet.scheme`, g.scheme ?? "", ["HTTP", "HTTPS"]));
      for (const hdr of g.httpHeaders ?? []) {
        if (!/^[-!#$%&'*+.^_`|~0-9A-Za-z]+$/.test(hdr.name ?? "")) {
          e.push(
            invalid(
              `${path}.httpGet.httpHeaders`,
              hdr.name ?? "",
              "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')",
            ),
          );
        }
      }
      return e;
    });
  }
  if (h.tcpSocket) one("tcpSocket", () => validatePortNumOrName(h.tcpSocket!.port, `${path}.tcpSocket.port`));
  if (h.grpc) one("grpc", () => validatePortNumOrName(h.grpc!.port, `${path}.grpc.port`));
  if (h.sleep) {
    const secs = h.sleep.seconds;
    one("sleep", () =>
      gracePeriod !== undefined && (secs < 0 || secs > gracePeriod)
        ? [
            invalid(
              `${path}.sleep`,
              secs,
              `must be non-negative and less than terminationGracePeriodSeconds (${gracePeriod})`,
            ),
          ]
        : [],
    );
  }
  if (n === 0) errs.push(required(path, "must specify a handler type"));
  return errs;
}

function validateProbe(probe: Probe, gracePeriod: number | undefined, path: string): FieldError[] {
  const errs = validateHandler(probe, gracePeriod, path);
  errs.push(...nonNegative(probe.initialDelaySeconds, `${path}.initialDelaySeconds`));
  errs.push(...nonNegative(probe.timeoutSeconds, `${path}.timeoutSeconds`));
  errs.push(...nonNegative(probe.periodSeconds, `${path}.periodSeconds`));
  errs.push(...nonNegative(probe.successThreshold, `${path}.successThreshold`));
  errs.push(...nonNegative(probe.failureThreshold, `${path}.failureThreshold`));
  if (probe.terminationGracePeriodSeconds !== undefined && probe.terminationGracePeriodSeconds <= 0) {
    errs.push(
      invalid(`${path}.terminationGracePeriodSeconds`, probe.terminationGracePeriodSeconds, "must be greater than 0"),
    );
  }
  return errs;
}

function validateProbes(ctr: Container, gracePeriod: number | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (ctr.livenessProbe) {
    errs.push(...validateProbe(ctr.livenessProbe, gracePeriod, `${path}.livenessProbe`));
    if ((ctr.livenessProbe.successThreshold ?? 0) !== 1) {
      errs.push(
        invalid(`${path}.livenessProbe.successThreshold`, ctr.livenessProbe.successThreshold ?? 0, "must be 1"),
      );
    }
  }
  if (ctr.readinessProbe) {
    errs.push(...validateProbe(ctr.readinessProbe, gracePeriod, `${path}.readinessProbe`));
    if (ctr.readinessProbe.terminationGracePeriodSeconds !== undefined) {
      errs.push(
        invalid(
          `${path}.readinessProbe.terminationGracePeriodSeconds`,
          ctr.readinessProbe.terminationGracePeriodSeconds,
          "must not be set for readinessProbes",
        ),
      );
    }
  }
  if (ctr.startupProbe) {
    errs.push(...validateProbe(ctr.startupProbe, gracePeriod, `${path}.startupProbe`));
    if ((ctr.startupProbe.successThreshold ?? 0) !== 1) {
      errs.push(invalid(`${path}.startupProbe.successThreshold`, ctr.startupProbe.successThreshold ?? 0, "must be 1"));
    }
  }
  return errs;
}

function validateLifecycle(lc: Lifecycle, gracePeriod: number | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (lc.postStart) errs.push(...validateHandler(lc.postStart, gracePeriod, `${path}.postStart`));
  if (lc.preStop) errs.push(...validateHandler(lc.preStop, gracePeriod, `${path}.preStop`));
  return errs;
}

const PULL_POLICIES = ["Always", "IfNotPresent", "Never"];

function validateContainerCommon(
  ctr: Container,
  volumes: ReadonlyMap<string, Volume>,
  path: string,
  hostUsers: boolean,
): FieldError[] {
  const errs: FieldError[] = [];
  if (!ctr.name) errs.push(required(`${path}.name`));
  else errs.push(...dnsLabel(ctr.name, `${path}.name`));
  if (!ctr.image) errs.push(required(`${path}.image`));
  const tmp = ctr.terminationMessagePolicy ?? "";
  if (tmp === "") errs.push(required(`${path}.terminationMessagePolicy`));
  else if (tmp !== "File" && tmp !== "FallbackToLogsOnError") {
    errs.push(notSupported(`${path}.terminationMessagePolicy`, tmp, ["File", "FallbackToLogsOnError"]));
  }
  const devices = new Map((ctr.volumeDevices ?? []).map((d) => [d.name, d.devicePath]));
  errs.push(...validateContainerPorts(ctr.ports, `${path}.ports`));
  errs.push(...validateEnv(ctr.env, `${path}.env`));
  errs.push(...validateEnvFrom(ctr.envFrom, `${path}.envFrom`));
  errs.push(...validateVolumeMounts(ctr.volumeMounts, devices, volumes, `${path}.volumeMounts`));
  const pp = ctr.imagePullPolicy ?? "";
  if (pp === "") errs.push(required(`${path}.imagePullPolicy`));
  else if (!PULL_POLICIES.includes(pp)) errs.push(notSupported(`${path}.imagePullPolicy`, pp, PULL_POLICIES));
  errs.push(...validateResourceRequirements(ctr.resources, `${path}.resources`));
  errs.push(...validateSecurityContext(ctr.securityContext, `${path}.securityContext`, hostUsers));
  return errs;
}

export function dnsLabel(value: string, path: string): FieldError[] {
  return isDNS1123Label(value).map((m) => invalid(path, value, m));
}

function hostPortConflicts(containers: readonly Container[], path: string, seen = new Set<string>()): FieldError[] {
  const errs: FieldError[] = [];
  containers.forEach((ctr, ci) => {
    (ctr.ports ?? []).forEach((p, pi) => {
      if (!p.hostPort) return;
      const key = `${p.protocol ?? ""}/${p.hostIP ?? ""}/${p.hostPort}`;
      if (seen.has(key)) errs.push(duplicate(`${path}[${ci}].ports[${pi}].hostPort`, key));
      else seen.add(key);
    });
  });
  return errs;
}

/** validateContainers. */
export function validateContainers(
  containers: readonly Container[] | undefined,
  volumes: ReadonlyMap<string, Volume>,
  gracePeriod: number | undefined,
  path: string,
  hostUsers = true,
): FieldError[] {
  if (!containers || containers.length === 0) return [required(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((ctr, i) => {
    const at = `${path}[${i}]`;
    errs.push(...validateContainerCommon(ctr, volumes, at, hostUsers));
    if (names.has(ctr.name)) errs.push(duplicate(`${at}.name`, ctr.name));
    else names.add(ctr.name);
    if (ctr.lifecycle) errs.push(...validateLifecycle(ctr.lifecycle, gracePeriod, `${at}.lifecycle`));
    errs.push(...validateProbes(ctr, gracePeriod, at));
    if (ctr.restartPolicy !== undefined)
      errs.push(forbidden(`${at}.restartPolicy`, "may not be set for non-init containers"));
  });
  errs.push(...hostPortConflicts(containers, path));
  return errs;
}

/** validateInitContainers. */
export function validateInitContainers(
  containers: readonly Container[] | undefined,
  regular: readonly Container[] | undefined,
  volumes: ReadonlyMap<string, Volume>,
  gracePeriod: number | undefined,
  path: string,
  hostUsers = true,
): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set((regular ?? []).map((c) => c.name));
  (containers ?? []).forEach((ctr, i) => {
    const at = `${path}[${i}]`;
    errs.push(...validateContainerCommon(ctr, volumes, at, hostUsers));
    let always = false;
    if (ctr.restartPolicy !== undefined) {
      if (ctr.restartPolicy !== "Always") errs.push(notSupported(`${at}.restartPolicy`, ctr.restartPolicy, ["Always"]));
      always = ctr.restartPolicy === "Always";
    }
    if (names.has(ctr.name)) errs.push(duplicate(`${at}.name`, ctr.name));
    else if (ctr.name) names.add(ctr.name);
    errs.push(...hostPortConflicts([ctr], path));
    if (always) {
      if (ctr.lifecycle) errs.push(...validateLifecycle(ctr.lifecycle, gracePeriod, `${at}.lifecycle`));
      errs.push(...validateProbes(ctr, gracePeriod, at));
    } else {
      const msg = "may not be set for init containers without restartPolicy=Always";
      if (ctr.lifecycle) errs.push(forbidden(`${at}.lifecycle`, msg));
      if (ctr.livenessProbe) errs.push(forbidden(`${at}.livenessProbe`, msg));
      if (ctr.readinessProbe) errs.push(forbidden(`${at}.readinessProbe`, msg));
      if (ctr.startupProbe) errs.push(forbidden(`${at}.startupProbe`, msg));
    }
  });
  return errs;
}

/** validateContainerOnlyForPod. */
export function validateContainersOnlyForPod(containers: readonly Container[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (containers ?? []).forEach((ctr, i) => {
    const image = ctr.image ?? "";
    if (image.length !== image.trim().length) {
      errs.push(invalid(`${path}[${i}].image`, image, "must not have leading or trailing whitespace"));
    }
  });
  return errs;
}
