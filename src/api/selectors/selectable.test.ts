import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseFieldSelector } from "./fields.js";
import { checkFieldSelectorSupported, selectableFields, supportedFieldLabels } from "./selectable.js";
import { parseListSelection } from "./selection.js";
import { badRequestMessage } from "./testutil.js";

const PODS = { group: "", resource: "pods" };
const pod = {
  metadata: { name: "web-0", namespace: "default", labels: { app: "web" } },
  spec: { nodeName: "n1", restartPolicy: "Always", schedulerName: "default-scheduler", serviceAccountName: "default" },
  status: { phase: "Running", podIP: "10.0.0.5", podIPs: [{ ip: "10.0.0.5" }, { ip: "fd00::5" }] },
};

const unsupported = (resource: { group: string; resource: string; version?: string }, selector: string): string =>
  badRequestMessage(() => checkFieldSelectorSupported(resource, parseFieldSelector(selector)));

describe("selectable: supported field labels per resource", () => {
  it("accepts upstream's pod labels and converts spec.host", () => {
    for (const label of [
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
    ]) {
      assert.doesNotThrow(() => checkFieldSelectorSupported(PODS, parseFieldSelector(`${label}=x`)), label);
    }
    assert.equal(checkFieldSelectorSupported(PODS, parseFieldSelector("spec.host=n1")).toString(), "spec.nodeName=n1");
  });

  it("rejects unknown labels with each resource's upstream message", () => {
    assert.equal(unsupported(PODS, "spec.foo=x"), "field label not supported: spec.foo");
    assert.equal(
      unsupported({ group: "", resource: "nodes" }, "metadata.namespace=x"),
      "field label not supported: metadata.namespace",
    );
    assert.equal(unsupported({ group: "", resource: "namespaces" }, "name=x"), "field label not supported: name");
    assert.equal(unsupported({ group: "", resource: "secrets" }, "data=x"), "field label not supported: data");
    assert.equal(
      unsupported({ group: "", resource: "services" }, "spec.ports=x"),
      "field label not supported: spec.ports",
    );
    assert.equal(unsupported({ group: "", resource: "events" }, "message=x"), "field label not supported: message");
    assert.equal(
      unsupported({ group: "batch", resource: "jobs" }, "status.succeeded=1"),
      'field label "status.succeeded" not supported for batchv1.Job',
    );
    assert.equal(
      unsupported({ group: "", resource: "configmaps" }, "foo.bar=baz"),
      '"foo.bar" is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
    assert.equal(
      unsupported({ group: "apps", resource: "replicasets" }, "status.replicas=1"),
      '"status.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
    assert.equal(
      unsupported({ group: "resource.k8s.io", resource: "resourceslices", version: "v1beta1" }, "spec.pool=x"),
      "field label not supported for resource.k8s.io/v1beta1, Kind=ResourceSlice: spec.pool",
    );
    assert.equal(
      unsupported({ group: "certificates.k8s.io", resource: "certificatesigningrequests" }, "spec.username=x"),
      "field label not supported: spec.username",
    );
  });

  it("reports the first unsupported label in sorted order", () => {
    assert.equal(unsupported(PODS, "z.bad=1,a.bad=2,status.phase=Running"), "field label not supported: a.bad");
  });

  it("accepts the other resources' labels", () => {
    const ok: Array<[string, string, string]> = [
      ["", "nodes", "spec.unschedulable=true,metadata.name=n1"],
      ["", "namespaces", "status.phase=Active"],
      ["", "secrets", "type=kubernetes.io/tls"],
      ["", "services", "spec.clusterIP=None,spec.type=ClusterIP"],
      ["", "replicationcontrollers", "status.replicas=0"],
      ["", "events", "involvedObject.kind=Pod,involvedObject.name=x,reason=Failed,type=Warning,source=kubelet"],
      ["batch", "jobs", "status.successful=1"],
      ["certificates.k8s.io", "certificatesigningrequests", "spec.signerName=kubernetes.io/kubelet-serving"],
      ["apps", "deployments", "metadata.name=web,metadata.namespace=default"],
      ["rbac.authorization.k8s.io", "clusterroles", "metadata.namespace=x"],
    ];
    for (const [group, resource, selector] of ok) {
      assert.doesNotThrow(
        () => checkFieldSelectorSupported({ group, resource }, parseFieldSelector(selector)),
        resource,
      );
    }
  });

  it("maps events.k8s.io labels onto the core event fields", () => {
    const converted = checkFieldSelectorSupported(
      { group: "events.k8s.io", resource: "events" },
      parseFieldSelector("regarding.name=web-0,reportingController=kubelet"),
    );
    assert.equal(converted.toString(), "involvedObject.name=web-0,reportingComponent=kubelet");
    assert.ok(supportedFieldLabels({ group: "events.k8s.io", resource: "events" }).includes("regarding.kind"));
  });

  it("custom resources: declared selectable fields, metadata.namespace only when namespaced", () => {
    const crd = { clusterScoped: true, selectableFields: [".spec.color", ".spec.size"] };
    const widgets = { group: "example.com", resource: "widgets" };
    assert.doesNotThrow(() => checkFieldSelectorSupported(widgets, parseFieldSelector("spec.color=red"), crd));
    assert.equal(
      badRequestMessage(() => checkFieldSelectorSupported(widgets, parseFieldSelector("metadata.namespace=x"), crd)),
      "field label not supported: metadata.namespace",
    );
    assert.equal(
      badRequestMessage(() =>
        checkFieldSelectorSupported(widgets, parseFieldSelector("spec.shape=x"), { clusterScoped: false }),
      ),
      "field label not supported: spec.shape",
    );
    const obj = { metadata: { name: "w" }, spec: { color: "red", size: 3, nested: { a: 1 } } };
    assert.deepEqual(selectableFields(widgets, obj, crd), {
      "metadata.name": "w",
      "spec.color": "red",
      "spec.size": "3",
    });
  });
});

describe("selectable: field values (…ToSelectableFields)", () => {
  it("pods", () => {
    assert.deepEqual(selectableFields(PODS, pod), {
      "metadata.name": "web-0",
      "metadata.namespace": "default",
      "spec.nodeName": "n1",
      "spec.restartPolicy": "Always",
      "spec.schedulerName": "default-scheduler",
      "spec.serviceAccountName": "default",
      "spec.hostNetwork": "false",
      "status.phase": "Running",
      "status.podIP": "10.0.0.5",
      "status.nominatedNodeName": "",
    });
    assert.equal(selectableFields(PODS, { spec: { hostNetwork: true } })["spec.hostNetwork"], "true");
    assert.equal(selectableFields(PODS, { status: { podIP: "1.2.3.4" } })["status.podIP"], "1.2.3.4");
  });

  it("nodes, namespaces, secrets, services, controllers, jobs", () => {
    assert.deepEqual(
      selectableFields({ group: "", resource: "nodes" }, { metadata: { name: "n1" }, spec: { unschedulable: true } }),
      {
        "metadata.name": "n1",
        "spec.unschedulable": "true",
      },
    );
    assert.deepEqual(
      selectableFields({ group: "", resource: "nodes" }, { metadata: { name: "n1" } })["spec.unschedulable"],
      "false",
    );
    assert.deepEqual(
      selectableFields(
        { group: "", resource: "namespaces" },
        { metadata: { name: "kube-system" }, status: { phase: "Active" } },
      ),
      { "metadata.name": "kube-system", "status.phase": "Active", name: "kube-system" },
    );
    assert.equal(
      selectableFields({ group: "", resource: "secrets" }, { metadata: { name: "s", namespace: "d" }, type: "Opaque" })
        .type,
      "Opaque",
    );
    const svc = selectableFields(
      { group: "", resource: "services" },
      { spec: { clusterIP: "None", type: "ClusterIP" } },
    );
    assert.equal(svc["spec.clusterIP"], "None");
    assert.equal(svc["spec.type"], "ClusterIP");
    assert.equal(selectableFields({ group: "", resource: "replicationcontrollers" }, {})["status.replicas"], "0");
    assert.equal(
      selectableFields({ group: "apps", resource: "replicasets" }, { status: { replicas: 3 } })["status.replicas"],
      "3",
    );
    assert.equal(
      selectableFields({ group: "batch", resource: "jobs" }, { status: { succeeded: 2 } })["status.successful"],
      "2",
    );
    assert.deepEqual(
      selectableFields({ group: "apps", resource: "deployments" }, { metadata: { name: "d", namespace: "x" } }),
      {
        "metadata.name": "d",
        "metadata.namespace": "x",
      },
    );
  });

  it("events from either API group", () => {
    const core = {
      metadata: { name: "e", namespace: "default" },
      involvedObject: {
        kind: "Pod",
        name: "web-0",
        namespace: "default",
        uid: "u1",
        apiVersion: "v1",
        fieldPath: "spec",
      },
      reason: "Pulled",
      type: "Normal",
      source: { component: "kubelet" },
      reportingComponent: "",
    };
    const fields = selectableFields({ group: "", resource: "events" }, core);
    assert.equal(fields["involvedObject.kind"], "Pod");
    assert.equal(fields["involvedObject.name"], "web-0");
    assert.equal(fields["involvedObject.resourceVersion"], "");
    assert.equal(fields.source, "kubelet");
    assert.equal(fields.reportingComponent, "");
    const modern = {
      metadata: { name: "e", namespace: "default" },
      regarding: { kind: "Pod", name: "web-0" },
      reportingController: "kubelet",
      reason: "Pulled",
      type: "Normal",
    };
    const f2 = selectableFields({ group: "events.k8s.io", resource: "events" }, modern);
    assert.equal(f2["involvedObject.name"], "web-0");
    assert.equal(f2.reportingComponent, "kubelet");
    assert.equal(f2.source, "kubelet");
  });
});

describe("selection: ?labelSelector= & ?fieldSelector= for list/watch", () => {
  it("parses, converts and matches", () => {
    const sel = parseListSelection(PODS, {
      labelSelector: "app=web",
      fieldSelector: "spec.host=n1,status.phase!=Failed",
    });
    assert.ok(!sel.everything);
    assert.equal(sel.field.toString(), "spec.nodeName=n1,status.phase!=Failed");
    assert.ok(sel.matches(pod));
    assert.ok(!sel.matches({ ...pod, metadata: { ...pod.metadata, labels: { app: "db" } } }));
    assert.ok(!sel.matches({ ...pod, spec: { ...pod.spec, nodeName: "n2" } }));
    assert.ok(parseListSelection(PODS, {}).everything);
    assert.ok(parseListSelection(PODS, { labelSelector: null, fieldSelector: "" }).matches({}));
  });

  it("reports the label selector error before the field selector's", () => {
    assert.equal(
      badRequestMessage(() => parseListSelection(PODS, { labelSelector: "a b", fieldSelector: "bogus=1" })),
      "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt",
    );
    assert.equal(
      badRequestMessage(() => parseListSelection(PODS, { labelSelector: "a", fieldSelector: "bogus=1" })),
      "field label not supported: bogus",
    );
    assert.equal(
      badRequestMessage(() => parseListSelection(PODS, { fieldSelector: "bogus" })),
      "invalid selector: 'bogus'; can't understand 'bogus'",
    );
  });
});
