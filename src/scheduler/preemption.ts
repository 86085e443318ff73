/**
 * DefaultPreemption (upstream plugins/defaultpreemption + framework/preemption): when a pod fits nowhere,
 * find nodes where evicting lower-priority pods would make it fit (a dry run per node on copies of the
 * NodeInfo and cycle state), keep as many victims as possible (reprieve, PDB-protected pods first), pick
 * the node as upstream (fewest PDB violations, lowest highest-victim priority, smallest priority sum, fewest
 * victims, latest start of the most important victims), then mark victims DisruptionTarget, delete them,
 * and nominate the node for the preemptor (status.nominatedNodeName). The preemptor retries later.
 */
import type { Pod } from "kubernetes-types/core/v1.js";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1.js";
import { labelSelectorFromObject } from "../api/selectors/labels.js";
import { isStatusError } from "../api/status.js";
import { pods } from "../client/resources.js";
import type { Client, EventRecorder, Lister } from "../client/types.js";
import type { Logger } from "../util/log.js";
import type { Algorithm } from "./algorithm.js";
import { fitErrorMessage } from "./fiterror.js";
import { unresolvable, type CycleState, type Status } from "./framework.js";
import type { NodeInfo } from "./nodeinfo.js";
import { podPriority, type PodInfo } from "./podinfo.js";
import { updatePodSchedulingStatus } from "./status.js";

const MIN_CANDIDATE_NODES_PERCENTAGE = 10;
const MIN_CANDIDATE_NODES_ABSOLUTE = 100;

export interface PreemptionNominator {
  nominatedPodsForNode(nodeName: string): PodInfo[];
  nominate(info: PodInfo, nodeName: string | undefined): void;
}

export interface PreemptorOptions {
  readonly algorithm: Algorithm;
  readonly client: Client;
  readonly recorder: EventRecorder;
  readonly log: Logger;
  readonly schedulerName: string;
  readonly pdbs: Lister<PodDisruptionBudget>;
  readonly nominator: PreemptionNominator;
  readonly random?: () => number;
}

export interface PostFilterResult {
  /** undefined: leave the pod's nomination alone; "": clear it; else the node to nominate. */
  readonly nominatedNodeName?: string;
  /** "preemption: …" for FailedScheduling, "" when preemption started. */
  readonly message: string;
}

export interface Candidate {
  readonly node: NodeInfo;
  readonly victims: PodInfo[];
  readonly numPDBViolations: number;
}

/** MoreImportantPod: higher priority, then the earlier start time. */
export function moreImportant(a: Pod, b: Pod): boolean {
  const pa = podPriority(a);
  const pb = podPriority(b);
  if (pa !== pb) return pa > pb;
  return startTime(a) < startTime(b);
}

function startTime(pod: Pod): number {
  const t = pod.status?.startTime ? Date.parse(pod.status.startTime) : NaN;
  return Number.isNaN(t) ? Date.now() : t;
}

export class Preemptor {
  constructor(private readonly options: PreemptorOptions) {}

  async postFilter(
    state: CycleState,
    pod: PodInfo,
    nodeToStatus: ReadonlyMap<string, Status>,
  ): Promise<PostFilterResult> {
    const nominatedStatus = pod.pod.status?.nominatedNodeName
      ? nodeToStatus.get(pod.pod.status.nominatedNodeName)
      : undefined;
    const notEligible = this.notEligibleReason(pod.pod, nominatedStatus);
    if (notEligible) return { message: `preemption: ${notEligible}` };
    const { candidates, statuses } = this.findCandidates(state, pod, nodeToStatus);
    if (candidates.length === 0) {
      return { nominatedNodeName: "", message: `preemption: ${fitErrorMessage(statuses.size, statuses)}` };
    }
    const best = pickOneNodeForPreemption(candidates);
    await this.prepareCandidate(best, pod);
    return { nominatedNodeName: best.node.name, message: "" };
  }

  /** PodEligibleToPreemptOthers. */
  private notEligibleReason(pod: Pod, nominatedStatus: Status | undefined): string | undefined {
    if (pod.spec?.preemptionPolicy === "Never") return "not eligible due to preemptionPolicy=Never.";
    const nominated = pod.status?.nominatedNodeName;
    if (nominated && nominatedStatus?.code !== "UnschedulableAndUnresolvable") {
      const node = this.options.algorithm.snapshot.get(nominated);
      const priority = podPriority(pod);
      if (node?.pods.some((p) => podPriority(p.pod) < priority && isTerminatingByPreemption(p.pod))) {
        return "not eligible due to a terminating pod on the nominated node.";
      }
    }
    return undefined;
  }

  findCandidates(
    state: CycleState,
    pod: PodInfo,
    nodeToStatus: ReadonlyMap<string, Status>,
  ): { candidates: Candidate[]; statuses: Map<string, Status> } {
    const all = this.options.algorithm.snapshot.nodes();
    const statuses = new Map<string, Status>();
    const potential: NodeInfo[] = [];
    for (const node of all) {
      if (nodeToStatus.get(node.name)?.code === "UnschedulableAndUnresolvable") {
        statuses.set(node.name, unresolvable("Preemption is not helpful for scheduling"));
      } else {
        potential.push(node);
      }
    }
    if (potential.length === 0) return { candidates: [], statuses };
    const pdbs = this.options.pdbs.list(pod.pod.metadata?.namespace);
    const numCandidates = Math.min(
      potential.length,
      Math.max(MIN_CANDIDATE_NODES_ABSOLUTE, Math.trunc((potential.length * MIN_CANDIDATE_NODES_PERCENTAGE) / 100)),
    );
    const offset = Math.floor((this.options.random ?? Math.random)() * potential.length);
    const candidates: Candidate[] = [];
    let nonViolating = 0;
    for (let i = 0; i < potential.length; i++) {
      const node = potential[(offset + i) % potential.length]!;
      const result = this.selectVictimsOnNode(state, pod, node, pdbs);
      if ("code" in result) {
        statuses.set(node.name, result);
        continue;
      }
      candidates.push(result);
      if (result.numPDBViolations === 0) nonViolating++;
      if (nonViolating > 0 && candidates.length >= numCandidates) break;
    }
    return { candidates, statuses };
  }

  /** SelectVictimsOnNode: the fewest lower-priority pods whose removal lets `pod` fit on `node`. */
  selectVictimsOnNode(
    state: CycleState,
    pod: PodInfo,
    nodeInfo: NodeInfo,
    pdbs: readonly PodDisruptionBudget[],
  ): Candidate | Status {
    const algorithm = this.options.algorithm;
    const node = nodeInfo.clone();
    const cycleState = state.clone(algorithm.plugins);
    const remove = (p: PodInfo) => {
      node.removePod(p.key);
      for (const plugin of algorithm.plugins) plugin.removePod?.(cycleState, pod, p, node);
    };
    const add = (p: PodInfo) => {
      node.addPod(p);
      for (const plugin of algorithm.plugins) plugin.addPod?.(cycleState, pod, p, node);
    };
    const priority = podPriority(pod.pod);
    const potentialVictims = node.pods.filter((p) => podPriority(p.pod) < priority);
    if (potentialVictims.length === 0) return unresolvable("No preemption victims found for incoming pod");
    for (const p of potentialVictims) remove(p);
    const status = algorithm.filterWithNominatedPods(cycleState, pod, node);
    if (status) return status;
    potentialVictims.sort((a, b) => (moreImportant(a.pod, b.pod) ? -1 : moreImportant(b.pod, a.pod) ? 1 : 0));
    const { violating, nonViolating } = splitByPDBViolation(potentialVictims, pdbs);
    const victims: PodInfo[] = [];
    let numPDBViolations = 0;
    const reprieve = (p: PodInfo): boolean => {
      add(p);
      if (!algorithm.filterWithNominatedPods(cycleState, pod, node)) return true;
      remove(p);
      victims.push(p);
      return false;
    };
    for (const p of violating) if (!reprieve(p)) numPDBViolations++;
    for (const p of nonViolating) reprieve(p);
    victims.sort((a, b) => (moreImportant(a.pod, b.pod) ? -1 : moreImportant(b.pod, a.pod) ? 1 : 0));
    return { node: nodeInfo, victims, numPDBViolations };
  }

  /** Marks and deletes the victims, and clears lower-priority nominations on the node. */
  private async prepareCandidate(candidate: Candidate, preemptor: PodInfo): Promise<void> {
    const { client, recorder, log } = this.options;
    const schedulerName = preemptor.pod.spec?.schedulerName ?? this.options.schedulerName;
    const nodeName = candidate.node.name;
    await Promise.all(
      candidate.victims.map(async (victim) => {
        const { namespace, name } = victim.pod.metadata ?? {};
        try {
          const hasCondition = victim.pod.status?.conditions?.some(
            (c) => c.type === "DisruptionTarget" && c.status === "True" && c.reason === "PreemptionByScheduler",
          );
          if (!hasCondition) {
            const condition = {
              type: "DisruptionTarget",
              status: "True",
              reason: "PreemptionByScheduler",
              message: `${schedulerName}: preempting to accommodate a higher priority pod`,
              lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
            };
            await client
              .resource(pods)
              .patch(namespace, name!, "strategic", { status: { conditions: [condition] } }, { subresource: "status" });
          }
          await client.resource(pods).delete(namespace, name!);
        } catch (error) {
          if (!(isStatusError(error) && error.code === 404)) {
            log.info({ victim: `${namespace}/${name}`, err: String(error) }, "preempting victim failed");
          }
        }
        recorder.event(
          victim.pod,
          "Normal",
          "Preempted",
          `Preempted by pod ${preemptor.pod.metadata?.uid ?? ""} on node ${nodeName}`,
        );
      }),
    );
    const priority = podPriority(preemptor.pod);
    const lower = this.options.nominator
      .nominatedPodsForNode(nodeName)
      .filter((p) => p.key !== preemptor.key && podPriority(p.pod) < priority);
    for (const p of lower) {
      this.options.nominator.nominate(p, undefined);
      await updatePodSchedulingStatus(client, p.pod, {
        reason: "Unschedulable",
        message: p.pod.status?.conditions?.find((c) => c.type === "PodScheduled")?.message ?? "",
        nominatedNodeName: "",
      }).catch(() => undefined);
    }
    this.options.nominator.nominate(preemptor, nodeName);
  }
}

function isTerminatingByPreemption(pod: Pod): boolean {
  if (!pod.metadata?.deletionTimestamp) return false;
  return (
    pod.status?.conditions?.some(
      (c) => c.type === "DisruptionTarget" && c.status === "True" && c.reason === "PreemptionByScheduler",
    ) ?? false
  );
}

/** filterPodsWithPDBViolation: pods whose eviction would exceed some PDB's disruptionsAllowed. */
export function splitByPDBViolation(
  podInfos: readonly PodInfo[],
  pdbs: readonly PodDisruptionBudget[],
): { violating: PodInfo[]; nonViolating: PodInfo[] } {
  const allowed = pdbs.map((p) => p.status?.disruptionsAllowed ?? 0);
  const selectors = pdbs.map((p) => {
    try {
      const s = labelSelectorFromObject(p.spec?.selector);
      return s.empty ? undefined : s;
    } catch {
      return undefined;
    }
  });
  const violating: PodInfo[] = [];
  const nonViolating: PodInfo[] = [];
  for (const info of podInfos) {
    const pod = info.pod;
    let violated = false;
    pdbs.forEach((pdb, i) => {
      if (pdb.metadata?.namespace !== pod.metadata?.namespace) return;
      const selector = selectors[i];
      if (!selector || !selector.matches(pod.metadata?.labels)) return;
      if (pdb.status?.disruptedPods?.[pod.metadata?.name ?? ""]) return;
      allowed[i]!--;
      if (allowed[i]! < 0) violated = true;
    });
    (violated ? violating : nonViolating).push(info);
  }
  return { violating, nonViolating };
}

/** pickOneNodeForPreemption's criteria, in order; the first candidate wins remaining ties. */
export function pickOneNodeForPreemption(candidates: readonly Candidate[]): Candidate {
  const zero = candidates.find((c) => c.victims.length === 0);
  if (zero) return zero;
  const criteria: ((c: Candidate) => number)[] = [
    (c) => -c.numPDBViolations,
    (c) => -podPriority(c.victims[0]!.pod),
    (c) => -c.victims.reduce((sum, v) => sum + podPriority(v.pod) + 2 ** 31, 0),
    (c) => -c.victims.length,
    (c) => earliestStartOfMostImportant(c.victims),
  ];
  let remaining = [...candidates];
  for (const score of criteria) {
    if (remaining.length === 1) break;
    const values = remaining.map(score);
    const best = Math.max(...values);
    remaining = remaining.filter((_, i) => values[i] === best);
  }
  return remaining[0]!;
}

/** GetEarliestPodStartTime: the earliest start among the victims of the highest priority. */
function earliestStartOfMostImportant(victims: readonly PodInfo[]): number {
  const highest = Math.max(...victims.map((v) => podPriority(v.pod)));
  return Math.min(...victims.filter((v) => podPriority(v.pod) === highest).map((v) => startTime(v.pod)));
}
