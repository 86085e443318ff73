/**
 * `startHollowNodes`: many simulated kubelets in one process (like KWOK). Each hollow node registers a Node,
 * keeps its Lease in kube-node-lease renewed and reports node status now and then; one shared timer ticks
 * over all nodes and starts the renewals that are due. Pods bound to hollow nodes come from ONE shared pod
 * informer (pods with spec.nodeName set) and go through one work queue: the reconcile step moves each pod
 * through the states a kubelet reports (podstatus.ts). Every write waits on one shared WriteLimiter.
 */
import type { Node, NodeCondition, Pod, Taint } from "kubernetes-types/core/v1.js";
import { isStatusError } from "../../api/status.js";
import { createInformerFactory } from "../../client/informer.js";
import { leases, nodes, pods } from "../../client/resources.js";
import type { Client, Lister } from "../../client/types.js";
import { WorkQueue, runWorkers } from "../../client/workqueue.js";
import type { Logger } from "../../util/log.js";
import { PodIpPool, nodeInternalIp, nodePodCidr } from "./ipam.js";
import { WriteLimiter } from "./limiter.js";
import { microTime } from "../../client/time.js";
import {
  DEFAULT_CAPACITY,
  NODE_LEASE_NAMESPACE,
  isoSeconds,
  leaseObject,
  nextConditions,
  nodeObject,
  nodeStatus,
  type HollowCapacity,
  type HollowNodeSpec,
} from "./node.js";
import {
  afterExit,
  pendingStatus,
  phaseAfterKill,
  plannedExit,
  runningStatus,
  terminatedStatus,
  type HollowPodFacts,
  type Termination,
} from "./podstatus.js";

export interface HollowNodesOptions {
  readonly client: Client;
  readonly count: number;
  /** Nodes are named `${namePrefix}${i}`, i = 0 … count-1 (default "hollow-node-"). */
  readonly namePrefix?: string;
  readonly capacity?: Partial<HollowCapacity>;
  /** Extra node labels (on top of the kubelet's well-known ones). */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Spread the nodes over this many zones: node i gets topology.kubernetes.io/zone "zone-<i mod zones>" (and
   * the region "region-1"), as cloud nodes carry them. 0 or absent: no zone labels.
   */
  readonly zones?: number;
  /** Taints the nodes register with (kubelet --register-with-taints). */
  readonly taints?: readonly Taint[];
  /** How often each Lease is renewed (kubelet: 10 s, a quarter of the 40 s lease); jittered by ±5 %. */
  readonly heartbeatIntervalMs?: number;
  /** How often node status is reported when nothing changed (kubelet nodeStatusReportFrequency: 5 min). */
  readonly nodeStatusUpdateFrequencyMs?: number;
  /** Writes per second for the whole simulator (default 500). */
  readonly writesPerSecond?: number;
  /** Pod CIDR carved into one /24 per node (default 10.42.0.0/16, or 10.128.0.0/9 above 256 nodes). */
  readonly clusterCidr?: string;
  /** The longest a hollow pod takes to stop after deletion (default 1 s; its real grace period if shorter). */
  readonly maxPodGracePeriodMs?: number;
  /** Nodes registering at once (default 32). */
  readonly registrationConcurrency?: number;
  /** Workers moving pods through their states (default 16). */
  readonly podWorkers?: number;
  /** Called after each node registered (for progress output). */
  readonly onRegistered?: (registered: number, total: number) => void;
  readonly log: Logger;
}

export interface HollowCluster {
  readonly nodeNames: readonly string[];
  /** Stops heartbeats, status reports and pod handling for one node, like a dead kubelet. */
  stopNode(name: string): void;
  /** Starts a stopped node again: it re-registers (reporting Ready), renews its Lease and resumes its pods. */
  restartNode(name: string): Promise<void>;
  /** Stops every node; nodes stay registered, as a dead kubelet's would. */
  stop(): Promise<void>;
}

interface HollowNode {
  readonly spec: HollowNodeSpec;
  readonly ips: PodIpPool;
  alive: boolean;
  uid: string | undefined;
  conditions: NodeCondition[] | undefined;
  nextLeaseAt: number;
  nextStatusAt: number;
  busy: boolean;
}

type Stage = "new" | "pending" | "running" | "done";

interface PodRecord {
  readonly uid: string;
  readonly node: HollowNode;
  stage: Stage;
  facts: HollowPodFacts;
  /** When the running containers exit (run-seconds annotation). */
  exitAt?: number;
  /** When a deleted pod's containers have stopped. */
  deleteAt?: number;
}

const NODE_NAME_INDEX = "spec.nodeName";

function jitter(ms: number): number {
  return ms * (0.95 + Math.random() * 0.1);
}

const is = (error: unknown, code: number): boolean => isStatusError(error) && error.code === code;

export async function startHollowNodes(options: HollowNodesOptions): Promise<HollowCluster> {
  const { client, count, log } = options;
  const prefix = options.namePrefix ?? "hollow-node-";
  const heartbeatMs = options.heartbeatIntervalMs ?? 10_000;
  const statusEveryMs = options.nodeStatusUpdateFrequencyMs ?? 300_000;
  const maxGraceMs = options.maxPodGracePeriodMs ?? 1_000;
  const clusterCidr = options.clusterCidr ?? (count <= 256 ? "10.42.0.0/16" : "10.128.0.0/9");
  const capacity: HollowCapacity = { ...DEFAULT_CAPACITY, ...options.capacity };
  const limiter = new WriteLimiter(options.writesPerSecond ?? 500);
  const write = async <R>(call: () => Promise<R>): Promise<R> => {
    await limiter.take();
    return call();
  };
  const nodeClient = client.resource(nodes);
  const leaseClient = client.resource(leases);
  const podClient = client.resource(pods);

  const hollowNodes = new Map<string, HollowNode>();
  for (let i = 0; i < count; i++) {
    const name = `${prefix}${i}`;
    const podCidr = nodePodCidr(clusterCidr, i);
    hollowNodes.set(name, {
      spec: {
        name,
        internalIp: nodeInternalIp(i),
        podCidr,
        capacity,
        labels: zoneLabels(i, options.zones ?? 0, options.labels ?? {}),
        taints: options.taints ?? [],
      },
      ips: new PodIpPool(podCidr),
      alive: false,
      uid: undefined,
      conditions: undefined,
      nextLeaseAt: Infinity,
      nextStatusAt: Infinity,
      busy: false,
    });
  }

  // ---- pods: one informer, one queue ----
  const abort = new AbortController();
  const informers = createInformerFactory(client, { log });
  const podInformer = informers.informerFor(pods, { fieldSelector: "spec.nodeName!=" });
  podInformer.addIndex(NODE_NAME_INDEX, (pod) => (pod.spec?.nodeName ? [pod.spec.nodeName] : []));
  const podLister: Lister<Pod> = podInformer.lister;
  const queue = new WorkQueue<string>({ baseDelayMs: 100, maxDelayMs: 10_000 });
  const records = new Map<string, PodRecord>();
  const keyOf = (pod: Pod): string => `${pod.metadata!.namespace}/${pod.metadata!.name}`;
  const enqueue = (pod: Pod): void => {
    const node = hollowNodes.get(pod.spec?.nodeName ?? "");
    if (node?.alive) queue.add(keyOf(pod));
  };
  podInformer.addEventHandler({
    onAdd: enqueue,
    onUpdate: (_old, pod) => enqueue(pod),
    onDelete: (pod) => {
      const key = keyOf(pod);
      const record = records.get(key);
      if (record && record.uid === pod.metadata?.uid) forget(key, record);
    },
  });

  function forget(key: string, record: PodRecord): void {
    if (record.facts.podIp && record.stage !== "done") record.node.ips.release(record.facts.podIp);
    records.delete(key);
  }

  async function writeStatus(pod: Pod, status: NonNullable<Pod["status"]>): Promise<void> {
    await write(() =>
      podClient.patch(pod.metadata!.namespace, pod.metadata!.name!, "merge", { status }, { subresource: "status" }),
    );
  }

  /** A record for a pod this process has not seen yet; adopts what an earlier run of the node reported. */
  function adopt(pod: Pod, node: HollowNode): PodRecord {
    const status = pod.status ?? {};
    const running = status.phase === "Running" && status.hostIP === node.spec.internalIp && !!status.podIP;
    const started = status.containerStatuses?.[0]?.state?.running?.startedAt;
    if (running) node.ips.claim(status.podIP!);
    const facts: HollowPodFacts = {
      hostIp: node.spec.internalIp,
      startTime: status.startTime ?? isoSeconds(),
      ...(running ? { podIp: status.podIP!, containersStartedAt: started ?? isoSeconds() } : {}),
      restartCount: running ? (status.containerStatuses?.[0]?.restartCount ?? 0) : 0,
    };
    // A restarted kubelet reports its running pods afresh (stage "pending" → Running again, same IP).
    const record: PodRecord = { uid: pod.metadata!.uid!, node, stage: running ? "pending" : "new", facts };
    if (status.phase === "Succeeded" || status.phase === "Failed") record.stage = "done";
    return record;
  }

  function scheduleExit(pod: Pod, record: PodRecord, key: string): void {
    const { runMs } = plannedExit(pod);
    if (runMs === undefined) return;
    const started = Date.parse(record.facts.containersStartedAt ?? "") || Date.now();
    record.exitAt = Math.max(started + runMs, Date.now());
    queue.addAfter(key, record.exitAt - Date.now());
  }

  async function reconcilePod(key: string): Promise<void> {
    const pod = podLister.get(key);
    let record = records.get(key);
    if (!pod) {
      if (record) forget(key, record);
      return;
    }
    const node = hollowNodes.get(pod.spec?.nodeName ?? "");
    if (!node?.alive || !node.uid) return;
    if (record && (record.uid !== pod.metadata?.uid || record.node !== node)) {
      forget(key, record);
      record = undefined;
    }
    if (!record) {
      record = adopt(pod, node);
      records.set(key, record);
    }
    const now = Date.now();
    if (pod.metadata?.deletionTimestamp) return terminate(pod, record, key, now);
    const phase = pod.status?.phase;
    if (record.stage === "done" || phase === "Succeeded" || phase === "Failed") {
      record.stage = "done";
      return;
    }
    switch (record.stage) {
      case "new":
        await writeStatus(pod, pendingStatus(pod, record.facts, isoSeconds()));
        record.stage = "pending";
        queue.add(key);
        return;
      case "pending": {
        const podIp = record.facts.podIp ?? node.ips.allocate();
        if (!podIp) throw new Error(`no free pod IP on ${node.spec.name}`);
        const facts = { ...record.facts, podIp, containersStartedAt: record.facts.containersStartedAt ?? isoSeconds() };
        record.facts = facts;
        await writeStatus(pod, runningStatus(pod, facts, isoSeconds()));
        record.stage = "running";
        scheduleExit(pod, record, key);
        return;
      }
      case "running":
        if (record.exitAt === undefined) return;
        if (now < record.exitAt) return queue.addAfter(key, record.exitAt - now);
        return exit(pod, record, key);
    }
  }

  /** The containers exit as the run-seconds annotation says: restart them or finish the pod. */
  async function exit(pod: Pod, record: PodRecord, key: string): Promise<void> {
    const { exitCode } = plannedExit(pod);
    const now = isoSeconds();
    const termination: Termination = { exitCode, startedAt: record.facts.containersStartedAt ?? now, finishedAt: now };
    const next = afterExit(pod, exitCode);
    if (next === "restart") {
      const facts = {
        ...record.facts,
        restartCount: record.facts.restartCount + 1,
        lastTermination: termination,
        containersStartedAt: now,
      };
      await writeStatus(pod, runningStatus(pod, facts, now));
      record.facts = facts;
      scheduleExit(pod, record, key);
      return;
    }
    await writeStatus(pod, terminatedStatus(pod, record.facts, termination, next, now));
    record.stage = "done";
    record.exitAt = undefined;
    if (record.facts.podIp) record.node.ips.release(record.facts.podIp);
  }

  /** Graceful deletion: stop the containers within min(grace period, maxGraceMs), then delete for good. */
  async function terminate(pod: Pod, record: PodRecord, key: string, now: number): Promise<void> {
    if (record.deleteAt === undefined) {
      const graceMs = (pod.metadata?.deletionGracePeriodSeconds ?? 30) * 1000;
      record.deleteAt = now + Math.min(graceMs, maxGraceMs);
    }
    if (now < record.deleteAt) return queue.addAfter(key, record.deleteAt - now);
    const phase = pod.status?.phase;
    if (record.stage !== "new" && phase !== "Succeeded" && phase !== "Failed") {
      const at = isoSeconds();
      const termination: Termination = {
        exitCode: 0,
        startedAt: record.facts.containersStartedAt ?? at,
        finishedAt: at,
      };
      await writeStatus(pod, terminatedStatus(pod, record.facts, termination, phaseAfterKill(0), at));
    }
    try {
      await write(() =>
        podClient.delete(pod.metadata!.namespace, pod.metadata!.name!, {
          gracePeriodSeconds: 0,
          preconditions: { uid: pod.metadata!.uid! },
        }),
      );
    } catch (error) {
      if (!is(error, 404) && !is(error, 409)) throw error;
    }
    forget(key, record);
  }

  // ---- nodes: registration, leases, status ----
  async function register(node: HollowNode): Promise<void> {
    const now = isoSeconds();
    const desired = nodeObject(node.spec, now);
    let registered: Node;
    try {
      registered = await write(() => nodeClient.create(desired));
    } catch (error) {
      if (!is(error, 409)) throw error;
      registered = await nodeClient.get(undefined, node.spec.name);
    }
    node.uid = registered.metadata!.uid!;
    const reported = registered.status?.conditions?.find((c) => c.type === "Ready");
    if (reported?.status === "True" && reported.lastHeartbeatTime === now) {
      node.conditions = registered.status!.conditions;
    } else {
      // Create dropped the status, or the node existed (a restarted kubelet): report status now.
      const status = { ...nodeStatus(node.spec, now), conditions: nextConditions(registered.status?.conditions, now) };
      const updated = await write(() =>
        nodeClient.patch(undefined, node.spec.name, "merge", { status }, { subresource: "status" }),
      );
      node.conditions = updated.status?.conditions;
    }
    const lease = leaseObject(registered, microTime());
    try {
      await write(() => leaseClient.create(lease));
    } catch (error) {
      if (!is(error, 409)) throw error;
      await renewLease(node);
    }
    const at = Date.now();
    node.nextLeaseAt = at + jitter(heartbeatMs);
    node.nextStatusAt = at + statusEveryMs;
    for (const pod of podLister.byIndex(NODE_NAME_INDEX, node.spec.name)) queue.add(keyOf(pod));
  }

  async function renewLease(node: HollowNode): Promise<void> {
    const spec = { holderIdentity: node.spec.name, renewTime: microTime() };
    try {
      await write(() => leaseClient.patch(NODE_LEASE_NAMESPACE, node.spec.name, "merge", { spec }));
    } catch (error) {
      if (!is(error, 404) || !node.uid) throw error;
      const owner = { metadata: { name: node.spec.name, uid: node.uid } };
      await write(() => leaseClient.create(leaseObject(owner, spec.renewTime)));
    }
  }

  async function reportStatus(node: HollowNode): Promise<void> {
    const conditions = nextConditions(node.conditions, isoSeconds());
    const updated = await write(() =>
      nodeClient.patch(undefined, node.spec.name, "merge", { status: { conditions } }, { subresource: "status" }),
    );
    node.conditions = updated.status?.conditions;
  }

  async function heartbeat(node: HollowNode, now: number): Promise<void> {
    node.busy = true;
    try {
      if (now >= node.nextStatusAt) {
        await reportStatus(node);
        node.nextStatusAt = now + statusEveryMs;
      }
      if (now >= node.nextLeaseAt && node.alive) {
        await renewLease(node);
        node.nextLeaseAt = now + jitter(heartbeatMs);
      }
    } catch (error) {
      log.debug({ node: node.spec.name, err: error }, "hollow node heartbeat failed; retrying");
      node.nextLeaseAt = Math.min(node.nextLeaseAt, now + Math.min(heartbeatMs, 1_000));
    } finally {
      node.busy = false;
    }
  }

  // One timer for every node: each tick starts the heartbeats that are due.
  const tickMs = Math.max(20, Math.min(1_000, heartbeatMs / 10));
  const wheel = setInterval(() => {
    const now = Date.now();
    for (const node of hollowNodes.values()) {
      if (node.alive && !node.busy && (now >= node.nextLeaseAt || now >= node.nextStatusAt)) {
        void heartbeat(node, now);
      }
    }
  }, tickMs);

  informers.start();
  const workers = runWorkers(queue, options.podWorkers ?? 16, reconcilePod, {
    signal: abort.signal,
    log,
    name: "hollow-pods",
  });

  async function start(node: HollowNode): Promise<void> {
    node.alive = true;
    try {
      await register(node);
    } catch (error) {
      node.alive = false;
      throw error;
    }
  }

  const stopAll = async (): Promise<void> => {
    clearInterval(wheel);
    for (const node of hollowNodes.values()) node.alive = false;
    abort.abort();
    informers.stop();
    limiter.drain();
    await workers;
  };

  try {
    await informers.waitForSync(abort.signal);
    const pending = [...hollowNodes.values()];
    let registered = 0;
    const registerNext = async (): Promise<void> => {
      for (let node = pending.shift(); node; node = pending.shift()) {
        await start(node);
        options.onRegistered?.(++registered, count);
      }
    };
    await Promise.all(Array.from({ length: options.registrationConcurrency ?? 32 }, registerNext));
  } catch (error) {
    await stopAll();
    throw error;
  }
  log.debug({ count }, "hollow nodes registered");

  return {
    nodeNames: [...hollowNodes.keys()],
    stopNode(name) {
      const node = hollowNodes.get(name);
      if (!node) throw new RangeError(`no hollow node ${name}`);
      node.alive = false;
      node.nextLeaseAt = node.nextStatusAt = Infinity;
      for (const [key, record] of records) if (record.node === node) forget(key, record);
    },
    async restartNode(name) {
      const node = hollowNodes.get(name);
      if (!node) throw new RangeError(`no hollow node ${name}`);
      if (node.alive) return;
      await start(node);
    },
    stop: stopAll,
  };
}

/** The node's labels with its zone and region when the simulator spreads nodes over zones. */
function zoneLabels(
  index: number,
  zones: number,
  labels: Readonly<Record<string, string>>,
): Readonly<Record<string, string>> {
  if (zones <= 0) return labels;
  return {
    ...labels,
    "topology.kubernetes.io/region": "region-1",
    "topology.kubernetes.io/zone": `zone-${index % zones}`,
  };
}
