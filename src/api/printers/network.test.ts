import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  endpointSlicePrinter,
  endpointsPrinter,
  ingressClassPrinter,
  ingressPrinter,
  ipAddressPrinter,
  networkPolicyPrinter,
  serviceCIDRPrinter,
  servicePrinter,
} from "./network.js";
import { ago, cellsOf, header } from "./testutil.js";

describe("printers: services", () => {
  it("has upstream's columns", () => {
    assert.deepEqual(header(servicePrinter), ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]);
    assert.deepEqual(header(servicePrinter, true).slice(6), ["SELECTOR"]);
  });

  const svc = (spec: object, status: object = {}) => ({
    metadata: { name: "svc", creationTimestamp: ago(7) },
    spec: { selector: { app: "web" }, ...spec },
    status,
  });

  // After upstream's TestPrintService / TestPrintServiceLoadBalancer.
  const cases: { name: string; svc: object; want: (string | number)[] }[] = [
    {
      name: "ClusterIP with a port",
      svc: svc({ type: "ClusterIP", clusterIPs: ["10.9.8.7"], ports: [{ protocol: "TCP", port: 2233 }] }),
      want: ["svc", "ClusterIP", "10.9.8.7", "<none>", "2233/TCP", "7s", "app=web"],
    },
    {
      name: "NodePort shows port:nodePort",
      svc: svc({ type: "NodePort", clusterIPs: ["10.9.8.7"], ports: [{ protocol: "TCP", port: 80, nodePort: 30080 }] }),
      want: ["svc", "NodePort", "10.9.8.7", "<none>", "80:30080/TCP", "7s", "app=web"],
    },
    {
      name: "ClusterIP with external IPs and several ports",
      svc: svc({
        type: "ClusterIP",
        clusterIPs: ["10.9.8.7"],
        externalIPs: ["1.2.3.4", "5.6.7.8"],
        ports: [
          { protocol: "TCP", port: 8090 },
          { protocol: "UDP", port: 53 },
          { protocol: "SCTP", port: 9000 },
        ],
      }),
      want: ["svc", "ClusterIP", "10.9.8.7", "1.2.3.4,5.6.7.8", "8090/TCP,53/UDP,9000/SCTP", "7s", "app=web"],
    },
    {
      name: "LoadBalancer without ingress is <pending>",
      svc: svc({
        type: "LoadBalancer",
        clusterIPs: ["10.9.8.7"],
        ports: [{ protocol: "TCP", port: 80, nodePort: 31000 }],
      }),
      want: ["svc", "LoadBalancer", "10.9.8.7", "<pending>", "80:31000/TCP", "7s", "app=web"],
    },
    {
      name: "LoadBalancer with ingress IPs and hostnames, sorted and unique",
      svc: svc(
        { type: "LoadBalancer", clusterIPs: ["10.9.8.7"], ports: [{ protocol: "TCP", port: 80, nodePort: 31000 }] },
        {
          loadBalancer: {
            ingress: [{ ip: "3.4.5.6" }, { ip: "2.3.4.5" }, { hostname: "lb.example.com" }, { ip: "2.3.4.5" }],
          },
        },
      ),
      want: ["svc", "LoadBalancer", "10.9.8.7", "2.3.4.5,3.4.5.6,lb.example.com", "80:31000/TCP", "7s", "app=web"],
    },
    {
      name: "LoadBalancer with ingress and external IPs (not clipped: the server prints wide)",
      svc: svc(
        { type: "LoadBalancer", clusterIPs: ["10.9.8.7"], externalIPs: ["9.9.9.9"], ports: [] },
        { loadBalancer: { ingress: [{ ip: "10.20.30.40" }, { ip: "10.20.30.41" }] } },
      ),
      want: ["svc", "LoadBalancer", "10.9.8.7", "10.20.30.40,10.20.30.41,9.9.9.9", "<none>", "7s", "app=web"],
    },
    {
      name: "ExternalName",
      svc: svc({ type: "ExternalName", externalName: "my.database.example.com" }),
      want: ["svc", "ExternalName", "<none>", "my.database.example.com", "<none>", "7s", "app=web"],
    },
    {
      name: "headless",
      svc: svc({ type: "ClusterIP", clusterIP: "None", clusterIPs: ["None"], ports: [{ protocol: "TCP", port: 80 }] }),
      want: ["svc", "ClusterIP", "None", "<none>", "80/TCP", "7s", "app=web"],
    },
    {
      name: "clusterIP without clusterIPs, no selector",
      svc: { metadata: { name: "svc" }, spec: { type: "ClusterIP", clusterIP: "10.0.0.1", ports: [{ port: 443 }] } },
      want: ["svc", "ClusterIP", "10.0.0.1", "<none>", "443/TCP", "<unknown>", "<none>"],
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(cellsOf(servicePrinter, c.svc), c.want));
});

describe("printers: endpoints", () => {
  it("prints up to three ip:port then + N more... (TestPrintEndpoint)", () => {
    const ep = (subsets?: object[]) => ({ metadata: { name: "ep", creationTimestamp: ago(1) }, subsets });
    assert.deepEqual(header(endpointsPrinter), ["NAME", "ENDPOINTS", "AGE"]);
    assert.deepEqual(cellsOf(endpointsPrinter, ep()), ["ep", "<none>", "1s"]);
    assert.deepEqual(
      cellsOf(endpointsPrinter, ep([{ addresses: [{ ip: "127.0.0.1" }], ports: [{ port: 8001, protocol: "TCP" }] }])),
      ["ep", "127.0.0.1:8001", "1s"],
    );
    assert.deepEqual(
      cellsOf(
        endpointsPrinter,
        ep([
          {
            addresses: [{ ip: "1.1.1.1" }, { ip: "2.2.2.2" }],
            ports: [
              { port: 80, protocol: "TCP" },
              { port: 443, protocol: "TCP" },
            ],
          },
        ]),
      ),
      ["ep", "1.1.1.1:80,2.2.2.2:80,1.1.1.1:443 + 1 more...", "1s"],
    );
    assert.deepEqual(cellsOf(endpointsPrinter, ep([{ addresses: [{ ip: "10.0.0.1" }, { ip: "fd00::1" }] }])), [
      "ep",
      "10.0.0.1,fd00::1",
      "1s",
    ]);
    assert.deepEqual(cellsOf(endpointsPrinter, ep([{ addresses: [{ ip: "fd00::1" }], ports: [{ port: 53 }] }])), [
      "ep",
      "[fd00::1]:53",
      "1s",
    ]);
    assert.deepEqual(
      cellsOf(endpointsPrinter, ep([{ notReadyAddresses: [{ ip: "1.1.1.1" }], ports: [{ port: 53 }] }])),
      ["ep", "", "1s"],
    );
  });
});

describe("printers: endpointslices", () => {
  it("prints address type, ports and endpoints (TestPrintEndpointSlice)", () => {
    const slice = {
      metadata: { name: "abcslice.123", creationTimestamp: ago(60) },
      addressType: "IPv4",
      ports: [{ name: "http", port: 80, protocol: "TCP" }, { name: "https" }, { port: 8443 }, { port: 9000 }],
      endpoints: [
        { addresses: ["10.1.2.3", "2001:db8::1234:5678"] },
        { addresses: ["10.2.3.4"] },
        { addresses: ["10.3.4.5"] },
      ],
    };
    assert.deepEqual(header(endpointSlicePrinter), ["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"]);
    assert.deepEqual(cellsOf(endpointSlicePrinter, slice), [
      "abcslice.123",
      "IPv4",
      "80,https,8443 + 1 more...",
      "10.1.2.3,2001:db8::1234:5678,10.2.3.4 + 1 more...",
      "60s",
    ]);
    assert.deepEqual(cellsOf(endpointSlicePrinter, { metadata: { name: "e" }, addressType: "IPv6", ports: [{}] }), [
      "e",
      "IPv6",
      "*",
      "<unset>",
      "<unknown>",
    ]);
    assert.deepEqual(cellsOf(endpointSlicePrinter, { metadata: { name: "e" }, addressType: "IPv4" }).slice(2, 4), [
      "<unset>",
      "<unset>",
    ]);
  });
});

describe("printers: ingresses and ingressclasses", () => {
  it("prints class, hosts, address and ports (TestPrintIngress)", () => {
    const ing = {
      metadata: { name: "test1", creationTimestamp: ago(10) },
      spec: {
        ingressClassName: "foo",
        defaultBackend: { service: { name: "default-backend", port: { name: "default-backend" } } },
        rules: [
          { host: "a.example.com" },
          { host: "b.example.com" },
          {},
          { host: "c.example.com" },
          { host: "d.example.com" },
        ],
        tls: [{ hosts: ["a.example.com"] }],
      },
      status: { loadBalancer: { ingress: [{ ip: "2.3.4.5" }, { hostname: "lb.example.com" }] } },
    };
    assert.deepEqual(header(ingressPrinter), ["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"]);
    assert.deepEqual(cellsOf(ingressPrinter, ing), [
      "test1",
      "foo",
      "a.example.com,b.example.com,c.example.com + 2 more...",
      "2.3.4.5,lb.example.com",
      "80, 443",
      "10s",
    ]);
    assert.deepEqual(cellsOf(ingressPrinter, { metadata: { name: "i" }, spec: { rules: [{}] } }), [
      "i",
      "<none>",
      "*",
      "",
      "80",
      "<unknown>",
    ]);
  });

  it("prints an ingress class's controller and parameters (TestPrintIngressClass)", () => {
    const ic = (parameters?: object) => ({
      metadata: { name: "test1", creationTimestamp: ago(10) },
      spec: { controller: "example.com/controller", parameters },
    });
    assert.deepEqual(header(ingressClassPrinter), ["NAME", "CONTROLLER", "PARAMETERS", "AGE"]);
    assert.deepEqual(
      cellsOf(ingressClassPrinter, ic({ apiGroup: "example.com", kind: "customgroup", name: "example" })),
      ["test1", "example.com/controller", "customgroup.example.com/example", "10s"],
    );
    assert.deepEqual(cellsOf(ingressClassPrinter, ic({ kind: "customgroup", name: "example" })), [
      "test1",
      "example.com/controller",
      "customgroup/example",
      "10s",
    ]);
    assert.deepEqual(cellsOf(ingressClassPrinter, ic()), ["test1", "example.com/controller", "<none>", "10s"]);
  });
});

describe("printers: networkpolicies, servicecidrs, ipaddresses", () => {
  it("prints the pod selector, <none> when it selects everything", () => {
    assert.deepEqual(header(networkPolicyPrinter), ["NAME", "POD-SELECTOR", "AGE"]);
    const np = (podSelector?: object) => ({
      metadata: { name: "np", creationTimestamp: ago(3) },
      spec: { podSelector },
    });
    assert.deepEqual(cellsOf(networkPolicyPrinter, np({})), ["np", "<none>", "3s"]);
    assert.deepEqual(cellsOf(networkPolicyPrinter, np()), ["np", "<none>", "3s"]);
    assert.deepEqual(
      cellsOf(
        networkPolicyPrinter,
        np({ matchLabels: { role: "db" }, matchExpressions: [{ key: "env", operator: "NotIn", values: ["prod"] }] }),
      ),
      ["np", "env notin (prod),role=db", "3s"],
    );
  });

  it("prints service CIDRs and IP address parents", () => {
    const cidr = {
      metadata: { name: "kubernetes", creationTimestamp: ago(5) },
      spec: { cidrs: ["10.96.0.0/12", "fd00:10:96::/112"] },
    };
    assert.deepEqual(cellsOf(serviceCIDRPrinter, cidr), ["kubernetes", "10.96.0.0/12,fd00:10:96::/112", "5s"]);
    const ip = {
      metadata: { name: "10.96.0.1", creationTimestamp: ago(5) },
      spec: { parentRef: { group: "", resource: "services", namespace: "default", name: "kubernetes" } },
    };
    assert.deepEqual(header(ipAddressPrinter), ["NAME", "PARENTREF"]);
    assert.deepEqual(cellsOf(ipAddressPrinter, ip), ["10.96.0.1", "services/default/kubernetes", "5s"]);
    const gw = {
      metadata: { name: "x" },
      spec: { parentRef: { group: "Gateway.Networking.k8s.io", resource: "Gateways", name: "gw" } },
    };
    assert.equal(cellsOf(ipAddressPrinter, gw)[1], "gateways.gateway.networking.k8s.io/gw");
  });
});
