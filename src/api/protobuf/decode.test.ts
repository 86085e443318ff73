/** Hand-built protobuf bodies: the whole-graph types (inline structs, specials, wrappers) and every error path. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isStatusError, type StatusError } from "../status.js";
import { canDecodeKubernetesProtobuf, decodeKubernetesProtobuf, isKubernetesProtobuf } from "./index.js";
import { formatGoDuration } from "./special.js";
import { bytes, entry, envelope, msg, packed, str, varint } from "./testing/encode.js";

const quantity = (no: number, q: string): Uint8Array => msg(no, str(1, q));

function statusOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (isStatusError(e)) return e;
    throw e;
  }
  assert.fail("expected a StatusError");
}

describe("decodeKubernetesProtobuf: a Pod through the whole reachable graph", () => {
  const body = envelope(
    "v1",
    "Pod",
    msg(
      1,
      str(1, "p"),
      str(2, ""),
      str(3, "ns"),
      msg(8),
      msg(9, varint(1, 1700000000)),
      entry(11, "app", str(2, "web")),
    ),
    msg(
      2,
      msg(
        1,
        str(1, "cfg"),
        msg(2, msg(19, msg(1, str(1, "app-config")), msg(2, str(1, "a"), str(2, "a.txt")), varint(3, 420))),
      ),
      msg(1, str(1, "scratch"), msg(2, msg(2, quantity(2, "1Gi")))),
      msg(
        2,
        str(1, "app"),
        str(2, "img"),
        str(5, ""),
        msg(7, str(1, "PASS"), msg(3, msg(4, msg(1, str(1, "s")), str(2, "password")))),
        msg(19, msg(2, msg(1, str(1, "cm")))),
        msg(8, entry(1, "cpu", quantity(2, "500m")), entry(2, "memory", quantity(2, "128Mi"))),
        msg(10, msg(1, msg(2, str(1, "/healthz"), msg(2, varint(1, 1), str(3, "http")))), varint(4, 10)),
        msg(11, msg(1, msg(3, msg(1, varint(1, 0), varint(2, 8080)))), varint(2, 0)),
      ),
      varint(4, 0),
      msg(14, varint(2, 0), packed(4, [1000, 2000])),
      msg(22, str(1, "k"), str(2, "Exists"), str(4, "NoExecute"), varint(5, 300)),
      varint(25, -5),
      str(999, "a field from a newer client"),
    ),
  );

  test("decodes to the JSON kubectl would send", () => {
    const { apiVersion, kind, object } = decodeKubernetesProtobuf(body);
    assert.equal(apiVersion, "v1");
    assert.equal(kind, "Pod");
    assert.deepStrictEqual(object, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p", namespace: "ns", deletionTimestamp: "2023-11-14T22:13:20Z", labels: { app: "web" } },
      spec: {
        volumes: [
          { name: "cfg", configMap: { name: "app-config", items: [{ key: "a", path: "a.txt" }], defaultMode: 420 } },
          { name: "scratch", emptyDir: { sizeLimit: "1Gi" } },
        ],
        containers: [
          {
            name: "app",
            image: "img",
            envFrom: [{ configMapRef: { name: "cm" } }],
            env: [{ name: "PASS", valueFrom: { secretKeyRef: { name: "s", key: "password" } } }],
            resources: { limits: { cpu: "500m" }, requests: { memory: "128Mi" } },
            livenessProbe: { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 10 },
            readinessProbe: { tcpSocket: { port: 8080 } },
          },
        ],
        terminationGracePeriodSeconds: 0,
        securityContext: { runAsUser: 0, supplementalGroups: [1000, 2000] },
        tolerations: [{ key: "k", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 }],
        priority: -5,
      },
      status: {},
    });
  });

  test("unpacked repeated scalars decode the same as packed", () => {
    const unpacked = envelope("v1", "Pod", msg(2, msg(14, varint(4, 1000), varint(4, 2000))));
    const spec = decodeKubernetesProtobuf(unpacked).object.spec as Record<string, unknown>;
    assert.deepStrictEqual(spec.securityContext, { supplementalGroups: [1000, 2000] });
  });
});

describe("decodeKubernetesProtobuf: special types", () => {
  test("MicroTime, absent Time (null, as encoding/json), non-omitempty zero scalars", () => {
    const body = envelope("v1", "Event", msg(1, str(1, "e")), msg(10, varint(1, 1700000000), varint(2, 123456789)));
    assert.deepStrictEqual(decodeKubernetesProtobuf(body).object, {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: "e" },
      involvedObject: {},
      source: {},
      firstTimestamp: null,
      lastTimestamp: null,
      eventTime: "2023-11-14T22:13:20.123456Z",
      reportingComponent: "",
      reportingInstance: "",
    });
  });

  test("int64 beyond 32 bits", () => {
    const body = envelope("v1", "ConfigMap", msg(1, str(1, "c"), varint(7, 2 ** 40)));
    assert.deepStrictEqual(decodeKubernetesProtobuf(body).object.metadata, { name: "c", generation: 2 ** 40 });
  });

  test("[]byte map values become base64, binaryData too", () => {
    const body = envelope(
      "v1",
      "ConfigMap",
      msg(1, str(1, "c")),
      entry(3, "bin", bytes(2, Uint8Array.from([0, 1, 2, 255]))),
      varint(4, false),
    );
    assert.deepStrictEqual(decodeKubernetesProtobuf(body).object, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c" },
      immutable: false,
      binaryData: { bin: "AAEC/w==" },
    });
  });

  test("ExtraValue wrappers become arrays", () => {
    const body = envelope(
      "authorization.k8s.io/v1",
      "SubjectAccessReview",
      msg(1),
      msg(2, str(3, "u"), entry(5, "scopes", msg(2, str(1, "a"), str(1, "b")))),
    );
    assert.deepStrictEqual(decodeKubernetesProtobuf(body).object, {
      apiVersion: "authorization.k8s.io/v1",
      kind: "SubjectAccessReview",
      metadata: {},
      spec: { user: "u", extra: { scopes: ["a", "b"] } },
      status: { allowed: false },
    });
  });

  test("RawExtension holding JSON, and holding a nested k8s protobuf object", () => {
    const json = envelope("apps/v1", "ControllerRevision", msg(2, str(1, '{"spec":{"x":1}}')), varint(3, 2));
    assert.deepStrictEqual(decodeKubernetesProtobuf(json).object, {
      apiVersion: "apps/v1",
      kind: "ControllerRevision",
      metadata: {}, // a non-pointer struct: encoding/json prints its zero value
      data: { spec: { x: 1 } },
      revision: 2,
    });
    const inner = envelope("v1", "ConfigMap", msg(1, str(1, "c")), entry(2, "k", str(2, "v")));
    const nested = envelope("apps/v1", "ControllerRevision", msg(2, bytes(1, inner)));
    assert.deepStrictEqual(decodeKubernetesProtobuf(nested).object.data, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c" },
      data: { k: "v" },
    });
  });

  test("RawExtensions nested too deep are 400, not a stack overflow", () => {
    let body = envelope("v1", "ConfigMap", msg(1, str(1, "c")));
    for (let i = 0; i < 40; i++) body = envelope("apps/v1", "ControllerRevision", msg(2, bytes(1, body)));
    const e = statusOf(() => decodeKubernetesProtobuf(body));
    assert.equal(e.code, 400);
    assert.match(e.status.message ?? "", /nested deeper than 16/);
  });

  test("Eviction keeps a zero gracePeriodSeconds (a Go pointer)", () => {
    const body = envelope("policy/v1", "Eviction", msg(1, str(1, "p"), str(3, "ns")), msg(2, varint(1, 0)));
    assert.deepStrictEqual(decodeKubernetesProtobuf(body).object, {
      apiVersion: "policy/v1",
      kind: "Eviction",
      metadata: { name: "p", namespace: "ns" },
      deleteOptions: { gracePeriodSeconds: 0 },
    });
  });

  test("DeleteOptions under any group version", () => {
    const body = envelope("apps/v1", "DeleteOptions", varint(1, 30), str(4, "Foreground"), str(5, "All"));
    assert.deepStrictEqual(decodeKubernetesProtobuf(body).object, {
      apiVersion: "apps/v1",
      kind: "DeleteOptions",
      gracePeriodSeconds: 30,
      propagationPolicy: "Foreground",
      dryRun: ["All"],
    });
  });

  test("Go duration strings", () => {
    const cases: [number, string][] = [
      [0, "0s"],
      [15, "15ns"],
      [1500, "1.5µs"],
      [1_500_000, "1.5ms"],
      [2e9, "2s"],
      [-2e9, "-2s"],
      [60e9, "1m0s"],
      [3600e9, "1h0m0s"],
      [3723.5e9, "1h2m3.5s"],
    ];
    for (const [nanos, want] of cases) assert.equal(formatGoDuration(nanos), want, String(nanos));
  });
});

describe("decodeKubernetesProtobuf: errors", () => {
  test("a body without the k8s\\0 prefix is 400 BadRequest", () => {
    const e = statusOf(() => decodeKubernetesProtobuf(Buffer.from('{"kind":"ConfigMap"}')));
    assert.equal(e.code, 400);
    assert.equal(e.status.reason, "BadRequest");
    assert.match(e.status.message ?? "", /does not appear to be a protobuf message, expected prefix \[107 56 115 0\]/);
  });

  test("a truncated envelope is 400", () => {
    const e = statusOf(() => decodeKubernetesProtobuf(Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0x10, 0x0a])));
    assert.equal(e.code, 400);
    assert.equal(e.status.message, "the object provided is unrecognized: unexpected EOF");
  });

  test("a truncated object is 400 with upstream's wording", () => {
    const e = statusOf(() =>
      decodeKubernetesProtobuf(envelope("v1", "ConfigMap", Uint8Array.from([0x0a, 0x05, 0x61]))),
    );
    assert.equal(e.code, 400);
    assert.equal(e.status.message, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: unexpected EOF');
  });

  test("a wrong wire type is 400", () => {
    const e = statusOf(() => decodeKubernetesProtobuf(envelope("apps/v1", "Deployment", varint(1, 7))));
    assert.equal(e.code, 400);
    assert.equal(
      e.status.message,
      'Deployment in version "v1" cannot be handled as a Deployment: proto: wrong wireType = 0 for field metadata',
    );
  });

  test("an illegal wire type is 400", () => {
    const e = statusOf(() => decodeKubernetesProtobuf(envelope("v1", "Secret", Uint8Array.from([0x0f]))));
    assert.equal(e.code, 400);
    assert.match(e.status.message ?? "", /illegal wireType 7/);
  });

  test("a kind without a schema is 415 UnsupportedMediaType", () => {
    const e = statusOf(() => decodeKubernetesProtobuf(envelope("example.com/v1", "Widget", msg(1))));
    assert.equal(e.code, 415);
    assert.equal(e.status.reason, "UnsupportedMediaType");
    assert.equal(canDecodeKubernetesProtobuf("example.com/v1", "Widget"), false);
    assert.equal(canDecodeKubernetesProtobuf("apps/v1", "Deployment"), true);
  });

  test("a compressed envelope is 415", () => {
    const unknown = Buffer.concat([msg(1, str(1, "v1"), str(2, "ConfigMap")), msg(2), str(3, "gzip")]);
    const e = statusOf(() => decodeKubernetesProtobuf(Buffer.concat([Buffer.from("k8s\0", "latin1"), unknown])));
    assert.equal(e.code, 415);
  });

  test("a missing kind is 400 unless the URL supplies defaults", () => {
    const body = envelope("", "", msg(1, str(1, "c")));
    assert.equal(statusOf(() => decodeKubernetesProtobuf(body)).code, 400);
    const { object } = decodeKubernetesProtobuf(body, { apiVersion: "v1", kind: "ConfigMap" });
    assert.deepStrictEqual(object, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } });
  });
});

test("isKubernetesProtobuf", () => {
  assert.equal(isKubernetesProtobuf("application/vnd.kubernetes.protobuf"), true);
  assert.equal(isKubernetesProtobuf("application/vnd.kubernetes.protobuf; charset=utf-8"), true);
  assert.equal(isKubernetesProtobuf("application/vnd.kubernetes.protobuf;stream=watch"), true);
  assert.equal(isKubernetesProtobuf("application/json"), false);
  assert.equal(isKubernetesProtobuf(undefined), false);
});
