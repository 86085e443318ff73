// A few thousand malformed or random requests: never a 5xx, never a crash, and nothing stored is lost.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { jsonBody, startTestApiServer, type TestApiServer } from "./testing.js";

/** A small deterministic PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe("API server under random bad input", () => {
  let s: TestApiServer;
  before(async () => {
    s = await startTestApiServer();
  });
  after(async () => s.close());

  it("answers every request with a Status below 500 and keeps serving", async () => {
    const keep = await s.fetch(
      "/api/v1/namespaces/kube-public/configmaps",
      jsonBody({ metadata: { name: "keep" }, data: { a: "1" } }),
    );
    assert.equal(keep.status, 201);
    const random = rng(42);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
    const paths = [
      "/api/v1/namespaces/default/configmaps",
      "/api/v1/namespaces/default/configmaps/fz",
      "/api/v1/namespaces/default/configmaps/fz/status",
      "/api/v1/namespaces/default/pods/fz/binding",
      "/apis/apps/v1/namespaces/default/deployments/fz/scale",
      "/api/v1/namespaces/fz",
      "/api/v1/watch/namespaces/default/configmaps?resourceVersion=abc",
      "/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true",
      "/api/v1/namespaces/default/configmaps?limit=-3&continue=%%%",
      "/api/v1/namespaces/default/configmaps?labelSelector=a%20in%20(b&fieldSelector=x",
      "/api/v1/namespaces/%E0%A4%A/configmaps",
      "/api/v1/namespaces/def%00ault/configmaps/x",
      "/apis/apps/v1/namespaces/default/deployments?resourceVersion=abc&resourceVersionMatch=Sometimes",
      "/api/v1/namespaces/default/configmaps/" + "x".repeat(300),
      "/apis/../../etc/passwd",
      "/api/v1/namespaces/default/configmaps?dryRun=All&fieldValidation=Nope",
    ];
    const types = [
      "application/json",
      "application/yaml",
      "application/merge-patch+json",
      "application/json-patch+json",
      "application/strategic-merge-patch+json",
      "application/apply-patch+yaml",
      "application/vnd.kubernetes.protobuf",
      "text/plain",
      "",
    ];
    const bodies = [
      "",
      "{",
      "null",
      "[]",
      "42",
      '"str"',
      '{"metadata":null}',
      '{"metadata":[]}',
      '{"kind":7,"apiVersion":{}}',
      '{"metadata":{"name":"fz","labels":{"a":{"b":1}}}}',
      '{"metadata":{"name":"fz","finalizers":"x"},"data":5}',
      '{"apiVersion":"v1","kind":"Binding","metadata":{"name":"fz"},"target":{}}',
      '[{"op":"move","from":"/x","path":"/y"}]',
      '{"spec":{"replicas":"many"}}',
      "k8s\u0000\u0001\u0002\u0003",
      "a: [b\n  c: {",
      '{"gracePeriodSeconds":"soon","preconditions":{"uid":5}}',
    ];
    const codes = new Map<number, number>();
    for (let i = 0; i < 3000; i++) {
      const method = pick(methods);
      const type = pick(types);
      const headers: Record<string, string> = type ? { "Content-Type": type } : {};
      if (random() < 0.2)
        headers.Accept = pick([
          "application/vnd.kubernetes.protobuf",
          "text/html",
          "application/json;as=Table;v=v1;g=meta.k8s.io",
          "*/*",
        ]);
      const init: RequestInit = { method, headers };
      if (method !== "GET" && method !== "OPTIONS") init.body = Buffer.from(pick(bodies));
      const res = await s.fetch(pick(paths), init);
      const text = await res.text();
      codes.set(res.status, (codes.get(res.status) ?? 0) + 1);
      assert.ok(res.status < 500, `${method} ${type} → ${res.status} ${text}`);
    }
    assert.ok(codes.size > 3, JSON.stringify([...codes]));
    const still = await s.fetch("/api/v1/namespaces/kube-public/configmaps/keep");
    assert.equal(still.status, 200);
    assert.deepEqual(((await still.json()) as { data: unknown }).data, { a: "1" });
    assert.equal((await s.fetch("/readyz")).status, 200);
  });

  it("survives clients that hang up mid-body and mid-watch", async () => {
    const port = Number(new URL(s.url).port);
    const requests = [
      'POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"metadata":',
      "GET /api/v1/namespaces/default/configmaps?watch=true HTTP/1.1\r\nHost: x\r\n\r\n",
      'PATCH /api/v1/namespaces/default/configmaps/x HTTP/1.1\r\nHost: x\r\nContent-Type: application/merge-patch+json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"a":',
      "GARBAGE\r\n\r\n",
    ];
    for (let round = 0; round < 5; round++) {
      for (const request of requests) {
        const socket = connect(port, "127.0.0.1");
        socket.on("error", () => undefined);
        await new Promise<void>((resolve) => socket.once("connect", resolve));
        socket.write(request);
        await new Promise((r) => setTimeout(r, 10));
        socket.destroy();
      }
    }
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await s.fetch("/api/v1/namespaces/kube-public/configmaps/keep")).status, 200);
  });
});
