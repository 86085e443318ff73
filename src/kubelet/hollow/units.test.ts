import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import { PodIpPool, nodeInternalIp, nodePodCidr } from "./ipam.js";
import { WriteLimiter } from "./limiter.js";
import { afterExit, pendingStatus, plannedExit } from "./podstatus.js";

describe("hollow pod statuses", () => {
  const pod: Pod = {
    metadata: {
      name: "p",
      uid: "u",
      annotations: { "skiff.io/hollow-run-seconds": "5", "skiff.io/hollow-exit-code": "2" },
    },
    spec: { containers: [{ name: "app", image: "nginx" }] },
  };

  it("reports Pending with ContainerCreating and the kubelet's conditions", () => {
    const status = pendingStatus(
      pod,
      { hostIp: "10.200.0.1", startTime: "2026-01-01T00:00:00Z", restartCount: 0 },
      "2026-01-01T00:00:00Z",
    );
    assert.equal(status.phase, "Pending");
    assert.equal(status.hostIP, "10.200.0.1");
    assert.equal(status.containerStatuses![0]!.state?.waiting?.reason, "ContainerCreating");
    const cond = (type: string) => status.conditions!.find((c) => c.type === type)?.status;
    assert.equal(cond("PodScheduled"), "True");
    assert.equal(cond("Initialized"), "True");
    assert.equal(cond("ContainersReady"), "False");
    assert.equal(cond("Ready"), "False");
  });

  it("reads the run annotations and applies the restart policy", () => {
    assert.deepEqual(plannedExit(pod), { runMs: 5000, exitCode: 2 });
    assert.deepEqual(plannedExit({ metadata: {} }), { runMs: undefined, exitCode: 0 });
    const withPolicy = (restartPolicy: string): Pod => ({ ...pod, spec: { ...pod.spec!, restartPolicy } });
    assert.equal(afterExit(withPolicy("Always"), 0), "restart");
    assert.equal(afterExit(withPolicy("OnFailure"), 0), "Succeeded");
    assert.equal(afterExit(withPolicy("OnFailure"), 1), "restart");
    assert.equal(afterExit(withPolicy("Never"), 0), "Succeeded");
    assert.equal(afterExit(withPolicy("Never"), 1), "Failed");
  });
});

describe("hollow addresses", () => {
  it("gives nodes unique IPs and /24s, and pods unique addresses in them", () => {
    assert.equal(nodeInternalIp(0), "10.200.0.1");
    assert.equal(nodeInternalIp(300), "10.200.1.45");
    assert.equal(nodePodCidr("10.42.0.0/16", 3), "10.42.3.0/24");
    assert.equal(nodePodCidr("10.128.0.0/9", 4999), "10.147.135.0/24");
    assert.throws(() => nodePodCidr("10.42.0.0/16", 256), /no room/);
    const pool = new PodIpPool("10.42.3.0/24");
    const ips = new Set(Array.from({ length: 254 }, () => pool.allocate()));
    assert.equal(ips.size, 254);
    assert.equal(pool.allocate(), undefined, "the /24 is full");
    pool.release("10.42.3.7");
    assert.equal(pool.allocate(), "10.42.3.7");
  });
});

describe("write limiter", () => {
  it("lets a burst through at once and queues the rest in order", async () => {
    const limiter = new WriteLimiter(1000, 2);
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3].map((i) => limiter.take().then(() => order.push(i))));
    assert.deepEqual(order, [0, 1, 2, 3]);
    assert.equal(limiter.waiting, 0);
  });
});
