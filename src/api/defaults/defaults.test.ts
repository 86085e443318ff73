import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyDefaults, imageTag } from "./index.js";

const core = (kind: string) => ({ group: "", version: "v1", kind });
const apps = (kind: string) => ({ group: "apps", version: "v1", kind });
const batch = (kind: string) => ({ group: "batch", version: "v1", kind });

/** The PodSpec defaults every template gets. */
const TEMPLATE_SPEC_DEFAULTS = {
  restartPolicy: "Always",
  terminationGracePeriodSeconds: 30,
  dnsPolicy: "ClusterFirst",
  securityContext: {},
  schedulerName: "default-scheduler",
};

describe("defaults: Pod", () => {
  it("defaults the pod `kubectl run p1 --image=busybox -- sleep 3600` sends", () => {
    const pod = {
      kind: "Pod",
      apiVersion: "v1",
      metadata: { name: "p1", creationTimestamp: null, labels: { run: "p1" } },
      spec: {
        containers: [{ name: "p1", image: "busybox", args: ["sleep", "3600"], resources: {} }],
        restartPolicy: "Always",
        dnsPolicy: "ClusterFirst",
      },
      status: {},
    };
    applyDefaults(core("Pod"), pod);
    assert.deepEqual(pod.spec, {
      containers: [
        {
          name: "p1",
          image: "busybox",
          args: ["sleep", "3600"],
          resources: {},
          terminationMessagePath: "/dev/termination-log",
          terminationMessagePolicy: "File",
          imagePullPolicy: "Always",
        },
      ],
      restartPolicy: "Always",
      terminationGracePeriodSeconds: 30,
      dnsPolicy: "ClusterFirst",
      securityContext: {},
      schedulerName: "default-scheduler",
      enableServiceLinks: true,
    });
  });

  it("pull policy follows the tag", () => {
    const cases: [string, string][] = [
      ["nginx", "Always"],
      ["nginx:latest", "Always"],
      ["nginx:1.25", "IfNotPresent"],
      ["registry.local:5000/team/app", "Always"],
      ["registry.local:5000/team/app:v2", "IfNotPresent"],
      ["nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "IfNotPresent"],
      ["", "IfNotPresent"],
    ];
    for (const [image, policy] of cases) {
      const pod = { spec: { containers: [{ name: "c", image }] } };
      applyDefaults(core("Pod"), pod);
      assert.equal((pod.spec.containers[0] as Record<string, unknown>).imagePullPolicy, policy, image);
    }
    assert.equal(imageTag("localhost:5000/app"), "latest");
  });

  it("keeps explicit values, including zero pointers", () => {
    const pod = {
      spec: {
        terminationGracePeriodSeconds: 0,
        enableServiceLinks: false,
        restartPolicy: "Never",
        containers: [
          { name: "c", image: "x", imagePullPolicy: "Never", terminationMessagePolicy: "FallbackToLogsOnError" },
        ],
      },
    };
    applyDefaults(core("Pod"), pod);
    assert.equal(pod.spec.terminationGracePeriodSeconds, 0);
    assert.equal(pod.spec.enableServiceLinks, false);
    assert.equal(pod.spec.restartPolicy, "Never");
    assert.equal(pod.spec.containers[0]!.imagePullPolicy, "Never");
    assert.equal(pod.spec.containers[0]!.terminationMessagePolicy, "FallbackToLogsOnError");
  });

  it("defaults ports, probes, env fieldRefs, volumes and requests from limits", () => {
    const pod = {
      spec: {
        containers: [
          {
            name: "c",
            image: "x:1",
            ports: [{ containerPort: 80 }],
            env: [{ name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
            livenessProbe: { httpGet: { port: 80 } },
            readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 5 },
            startupProbe: { grpc: { port: 9000 } },
            resources: { limits: { cpu: "1", memory: "1Gi" }, requests: { cpu: "500m" } },
          },
        ],
        volumes: [
          { name: "a" },
          { name: "b", secret: { secretName: "s" } },
          { name: "c", configMap: { name: "cm" } },
          { name: "d", hostPath: { path: "/x" } },
          { name: "e", projected: { sources: [{ serviceAccountToken: { path: "t" } }] } },
          { name: "f", downwardAPI: { items: [{ path: "n", fieldRef: { fieldPath: "metadata.name" } }] } },
        ],
      },
    };
    applyDefaults(core("Pod"), pod);
    const c = pod.spec.containers[0]! as Record<string, unknown>;
    assert.deepEqual(c.ports, [{ containerPort: 80, protocol: "TCP" }]);
    assert.deepEqual(c.env, [
      { name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName", apiVersion: "v1" } } },
    ]);
    assert.deepEqual(c.livenessProbe, {
      httpGet: { port: 80, path: "/", scheme: "HTTP" },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    assert.deepEqual(c.readinessProbe, {
      tcpSocket: { port: 80 },
      periodSeconds: 5,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 3,
    });
    assert.deepEqual((c.startupProbe as Record<string, unknown>).grpc, { port: 9000, service: "" });
    assert.deepEqual(c.resources, { limits: { cpu: "1", memory: "1Gi" }, requests: { cpu: "500m", memory: "1Gi" } });
    assert.deepEqual(pod.spec.volumes, [
      { name: "a", emptyDir: {} },
      { name: "b", secret: { secretName: "s", defaultMode: 420 } },
      { name: "c", configMap: { name: "cm", defaultMode: 420 } },
      { name: "d", hostPath: { path: "/x", type: "" } },
      {
        name: "e",
        projected: { sources: [{ serviceAccountToken: { path: "t", expirationSeconds: 3600 } }], defaultMode: 420 },
      },
      {
        name: "f",
        downwardAPI: {
          items: [{ path: "n", fieldRef: { fieldPath: "metadata.name", apiVersion: "v1" } }],
          defaultMode: 420,
        },
      },
    ]);
  });

  it("copies containerPort to hostPort under hostNetwork", () => {
    const pod = {
      spec: { hostNetwork: true, containers: [{ name: "c", image: "x", ports: [{ containerPort: 53 }] }] },
    };
    applyDefaults(core("Pod"), pod);
    assert.deepEqual(pod.spec.containers[0]!.ports, [{ containerPort: 53, hostPort: 53, protocol: "TCP" }]);
  });
});

describe("defaults: apps", () => {
  it("defaults the deployment `kubectl create deployment nginx --image=nginx` sends", () => {
    const d = {
      kind: "Deployment",
      apiVersion: "apps/v1",
      metadata: { name: "nginx", creationTimestamp: null, labels: { app: "nginx" } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: "nginx" } },
        template: {
          metadata: { creationTimestamp: null, labels: { app: "nginx" } },
          spec: { containers: [{ name: "nginx", image: "nginx", resources: {} }] },
        },
        strategy: {},
      },
      status: {},
    };
    applyDefaults(apps("Deployment"), d);
    assert.deepEqual(d.spec, {
      replicas: 1,
      selector: { matchLabels: { app: "nginx" } },
      template: {
        metadata: { creationTimestamp: null, labels: { app: "nginx" } },
        spec: {
          containers: [
            {
              name: "nginx",
              image: "nginx",
              resources: {},
              terminationMessagePath: "/dev/termination-log",
              terminationMessagePolicy: "File",
              imagePullPolicy: "Always",
            },
          ],
          ...TEMPLATE_SPEC_DEFAULTS,
        },
      },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    });
  });

  it("Recreate deployments get no rollingUpdate; replicas default to 1", () => {
    const d = { spec: { strategy: { type: "Recreate" }, template: { spec: { containers: [] } } } };
    applyDefaults(apps("Deployment"), d);
    assert.deepEqual(d.spec.strategy, { type: "Recreate" });
    assert.equal((d.spec as Record<string, unknown>).replicas, 1);
  });

  it("StatefulSet, DaemonSet and ReplicaSet", () => {
    const ss = { spec: { serviceName: "web", template: { spec: { containers: [] } } } };
    applyDefaults(apps("StatefulSet"), ss);
    const s = ss.spec as Record<string, unknown>;
    assert.equal(s.podManagementPolicy, "OrderedReady");
    assert.deepEqual(s.updateStrategy, { type: "RollingUpdate", rollingUpdate: { partition: 0 } });
    assert.deepEqual(s.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
    assert.equal(s.replicas, 1);
    assert.equal(s.revisionHistoryLimit, 10);
    assert.equal(s.serviceName, "web");

    const ds = { spec: { template: { spec: { containers: [] } } } };
    applyDefaults(apps("DaemonSet"), ds);
    const d = ds.spec as Record<string, unknown>;
    assert.deepEqual(d.updateStrategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    assert.equal(d.revisionHistoryLimit, 10);

    const rs = { spec: {} };
    applyDefaults(apps("ReplicaSet"), rs);
    assert.equal((rs.spec as Record<string, unknown>).replicas, 1);
    assert.deepEqual((rs.spec as Record<string, unknown>).template, { spec: TEMPLATE_SPEC_DEFAULTS });
  });
});

describe("defaults: batch", () => {
  it("defaults a Job from `kubectl create job`, sharing the template's labels", () => {
    const job = {
      metadata: { name: "pi" },
      spec: {
        template: {
          metadata: { labels: { app: "pi" } },
          spec: { containers: [{ name: "pi", image: "perl:5.34" }], restartPolicy: "Never" },
        },
      },
    } as Record<string, unknown> & { spec: Record<string, unknown>; metadata: Record<string, unknown> };
    applyDefaults(batch("Job"), job);
    const spec = job.spec;
    assert.equal(spec.completions, 1);
    assert.equal(spec.parallelism, 1);
    assert.equal(spec.backoffLimit, 6);
    assert.equal(spec.completionMode, "NonIndexed");
    assert.equal(spec.suspend, false);
    assert.equal(spec.podReplacementPolicy, "TerminatingOrFailed");
    assert.equal((spec.template as { spec: { restartPolicy: string } }).spec.restartPolicy, "Never");
    assert.equal(job.metadata.labels, (spec.template as { metadata: { labels: unknown } }).metadata.labels);
  });

  it("only parallelism defaults when completions is set", () => {
    const job = { spec: { completions: 5, template: {} } };
    applyDefaults(batch("Job"), job);
    assert.equal((job.spec as Record<string, unknown>).parallelism, 1);
    assert.equal(job.spec.completions, 5);
  });

  it("defaults a CronJob", () => {
    const cj = { spec: { schedule: "*/1 * * * *", jobTemplate: { spec: { template: { spec: { containers: [] } } } } } };
    applyDefaults(batch("CronJob"), cj);
    const s = cj.spec as Record<string, unknown>;
    assert.equal(s.concurrencyPolicy, "Allow");
    assert.equal(s.suspend, false);
    assert.equal(s.successfulJobsHistoryLimit, 3);
    assert.equal(s.failedJobsHistoryLimit, 1);
    assert.deepEqual(cj.spec.jobTemplate.spec.template.spec, { containers: [], ...TEMPLATE_SPEC_DEFAULTS });
  });
});

describe("defaults: core kinds", () => {
  it("Service: type, affinity, protocol, targetPort, traffic policies, families", () => {
    const svc = { spec: { selector: { app: "web" }, ports: [{ port: 80 }, { port: 443, targetPort: "https" }] } };
    applyDefaults(core("Service"), svc);
    assert.deepEqual(svc.spec, {
      selector: { app: "web" },
      ports: [
        { port: 80, protocol: "TCP", targetPort: 80 },
        { port: 443, targetPort: "https", protocol: "TCP" },
      ],
      sessionAffinity: "None",
      type: "ClusterIP",
      internalTrafficPolicy: "Cluster",
      ipFamilyPolicy: "SingleStack",
      ipFamilies: ["IPv4"],
    });
    const np = { spec: { type: "NodePort", ports: [{ port: 80 }] } };
    applyDefaults(core("Service"), np);
    assert.equal((np.spec as Record<string, unknown>).externalTrafficPolicy, "Cluster");
    const lb = { spec: { type: "LoadBalancer", ports: [{ port: 80 }] } };
    applyDefaults(core("Service"), lb);
    assert.equal((lb.spec as Record<string, unknown>).allocateLoadBalancerNodePorts, true);
    const ext = { spec: { type: "ExternalName", externalName: "example.com" } };
    applyDefaults(core("Service"), ext);
    assert.deepEqual(ext.spec, { type: "ExternalName", externalName: "example.com", sessionAffinity: "None" });
    const headless = { spec: { clusterIP: "None", ports: [{ port: 80 }] } };
    applyDefaults(core("Service"), headless);
    assert.equal((headless.spec as Record<string, unknown>).ipFamilyPolicy, "RequireDualStack");
    assert.deepEqual((headless.spec as Record<string, unknown>).ipFamilies, ["IPv4", "IPv6"]);
  });

  it("Secret, Namespace, PVC, ReplicationController", () => {
    const secret = { stringData: { user: "admin" } };
    applyDefaults(core("Secret"), secret);
    assert.deepEqual(secret, { type: "Opaque", data: { user: "YWRtaW4=" } });

    const ns = { metadata: { name: "dev" } };
    applyDefaults(core("Namespace"), ns);
    assert.deepEqual(ns, {
      metadata: { name: "dev", labels: { "kubernetes.io/metadata.name": "dev" } },
      status: { phase: "Active" },
    });

    const pvc = { spec: { accessModes: ["ReadWriteOnce"] } };
    applyDefaults(core("PersistentVolumeClaim"), pvc);
    assert.deepEqual(pvc, {
      spec: { accessModes: ["ReadWriteOnce"], volumeMode: "Filesystem" },
      status: { phase: "Pending" },
    });

    const rc = { spec: { template: { metadata: { labels: { app: "x" } }, spec: { containers: [] } } } };
    applyDefaults(core("ReplicationController"), rc);
    const spec = rc.spec as Record<string, unknown>;
    assert.deepEqual(spec.selector, { app: "x" });
    assert.equal(spec.replicas, 1);
    assert.deepEqual((rc as Record<string, unknown>).metadata, { labels: { app: "x" } });
  });

  it("leaves unknown kinds alone", () => {
    const obj = { spec: { x: 1 } };
    applyDefaults({ group: "example.com", version: "v1", kind: "Widget" }, obj);
    assert.deepEqual(obj, { spec: { x: 1 } });
  });
});

describe("defaults: other groups", () => {
  it("NetworkPolicy policyTypes and port protocol", () => {
    const np = { spec: { podSelector: {}, egress: [{ ports: [{ port: 53 }] }] } };
    applyDefaults({ group: "networking.k8s.io", version: "v1", kind: "NetworkPolicy" }, np);
    assert.deepEqual(np.spec, {
      podSelector: {},
      egress: [{ ports: [{ port: 53, protocol: "TCP" }] }],
      policyTypes: ["Ingress", "Egress"],
    });
  });

  it("PriorityClass preemptionPolicy, RoleBinding subjects", () => {
    const pc = { value: 1000 };
    applyDefaults({ group: "scheduling.k8s.io", version: "v1", kind: "PriorityClass" }, pc);
    assert.deepEqual(pc, { value: 1000, preemptionPolicy: "PreemptLowerPriority" });
    const rb = {
      roleRef: { kind: "Role", name: "r" },
      subjects: [
        { kind: "User", name: "jane" },
        { kind: "ServiceAccount", name: "sa", namespace: "default" },
      ],
    };
    applyDefaults({ group: "rbac.authorization.k8s.io", version: "v1", kind: "RoleBinding" }, rb);
    assert.deepEqual(rb.subjects, [
      { kind: "User", name: "jane", apiGroup: "rbac.authorization.k8s.io" },
      { kind: "ServiceAccount", name: "sa", namespace: "default", apiGroup: "" },
    ]);
    assert.equal((rb.roleRef as Record<string, unknown>).apiGroup, "rbac.authorization.k8s.io");
  });
});

describe("defaults: HorizontalPodAutoscaler", () => {
  const hpa = { group: "autoscaling", version: "v2", kind: "HorizontalPodAutoscaler" };
  it("autoscaling/v2: minReplicas, the CPU 80% metric, and behavior rules once behavior is set", () => {
    const bare = {
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, maxReplicas: 5 },
    } as Record<string, unknown> & { spec: Record<string, unknown> };
    applyDefaults(hpa, bare);
    assert.equal(bare.spec.minReplicas, 1);
    assert.deepEqual(bare.spec.metrics, [
      { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } },
    ]);
    assert.equal(bare.spec.behavior, undefined, "no behavior, no behavior defaults");

    const tuned = {
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      spec: {
        maxReplicas: 5,
        metrics: [
          { type: "Pods", pods: { metric: { name: "qps" }, target: { type: "AverageValue", averageValue: "1" } } },
        ],
        behavior: { scaleDown: { stabilizationWindowSeconds: 60 } },
      },
    } as Record<string, unknown> & { spec: Record<string, unknown> };
    applyDefaults(hpa, tuned);
    assert.equal((tuned.spec.metrics as unknown[]).length, 1, "given metrics are kept");
    assert.deepEqual(tuned.spec.behavior, {
      scaleDown: {
        stabilizationWindowSeconds: 60,
        selectPolicy: "Max",
        policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
      },
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: "Max",
        policies: [
          { type: "Pods", value: 4, periodSeconds: 15 },
          { type: "Percent", value: 100, periodSeconds: 15 },
        ],
      },
    });
  });

  it("autoscaling/v1: only minReplicas (v1 has no metrics list; the controller assumes 80% CPU)", () => {
    const v1 = { apiVersion: "autoscaling/v1", kind: "HorizontalPodAutoscaler", spec: { maxReplicas: 3 } };
    applyDefaults({ group: "autoscaling", version: "v1", kind: "HorizontalPodAutoscaler" }, v1);
    assert.deepEqual(v1.spec, { maxReplicas: 3, minReplicas: 1 });
  });
});
