/**
 * StatefulPodControl over the client (upstream stateful_pod_control.go): PVCs from volumeClaimTemplates are
 * created before their pod (existing claims are kept), the retention policy is expressed as owner
 * references for the garbage collector (whenDeleted: Delete → owned by the set; whenScaled: Delete → owned
 * by the condemned pod before it is deleted), and every write is recorded as an Event like upstream's.
 */
import type { StatefulSet } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { OwnerReference } from "kubernetes-types/meta/v1.js";
import { isStatusError } from "../../api/status.js";
import { persistentVolumeClaims, pods, statefulSets } from "../../client/resources.js";
import type { Client, EventRecorder } from "../../client/types.js";
import { newControllerRef } from "../util/pods.js";
import type { StatefulPodControl } from "./control.js";
import { claimsFor, endOrdinal, ordinalOf, POD_INDEX_LABEL, POD_NAME_LABEL, startOrdinal } from "./identity.js";

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isCode(error: unknown, code: number): boolean {
  return isStatusError(error) && error.code === code;
}

export function createStatefulPodControl(client: Client, recorder: EventRecorder): StatefulPodControl {
  const podApi = client.resource(pods);
  const claimApi = client.resource(persistentVolumeClaims);

  const setName = (set: StatefulSet): string => set.metadata!.name!;

  async function createClaims(set: StatefulSet, pod: Pod): Promise<void> {
    const policy = set.spec?.persistentVolumeClaimRetentionPolicy;
    for (const claim of claimsFor(set, ordinalOf(pod)).values()) {
      if (policy?.whenDeleted === "Delete") {
        const ref: OwnerReference = { ...newControllerRef(set, statefulSets), controller: false };
        claim.metadata!.ownerReferences = [...(claim.metadata!.ownerReferences ?? []), ref];
      }
      try {
        await claimApi.create(claim);
        recorder.event(
          set,
          "Normal",
          "SuccessfulCreate",
          `create Claim ${claim.metadata!.name} Pod ${pod.metadata!.name} in StatefulSet ${setName(set)} success`,
        );
      } catch (error) {
        if (isCode(error, 409)) continue;
        recorder.event(
          set,
          "Warning",
          "FailedCreate",
          `create Claim ${claim.metadata!.name} for Pod ${pod.metadata!.name} in StatefulSet ${setName(set)} failed error: ${errorMessage(error)}`,
        );
        throw error;
      }
    }
  }

  /** whenScaled: Delete — hand the claims of a pod being scaled away to the pod, so the GC removes them. */
  async function releaseClaimsOnScaleDown(set: StatefulSet, pod: Pod): Promise<void> {
    const ordinal = ordinalOf(pod);
    const condemned = ordinal < startOrdinal(set) || ordinal > endOrdinal(set);
    if (!condemned || set.spec?.persistentVolumeClaimRetentionPolicy?.whenScaled !== "Delete") return;
    const podRef: OwnerReference = {
      apiVersion: "v1",
      kind: "Pod",
      name: pod.metadata!.name!,
      uid: pod.metadata!.uid!,
    };
    for (const claim of claimsFor(set, ordinal).values()) {
      try {
        const existing = await claimApi.get(claim.metadata!.namespace, claim.metadata!.name!);
        const refs = existing.metadata?.ownerReferences ?? [];
        if (refs.some((r) => r.uid === podRef.uid)) continue;
        await claimApi.patch(claim.metadata!.namespace, claim.metadata!.name!, "merge", {
          metadata: { ownerReferences: [...refs, podRef] },
        });
      } catch (error) {
        if (!isCode(error, 404)) throw error;
      }
    }
  }

  return {
    async createPod(set, pod) {
      await createClaims(set, pod);
      try {
        await podApi.create(pod);
      } catch (error) {
        // The informer has not caught up with an earlier creation: retry later without noise.
        if (!isCode(error, 409)) {
          recorder.event(
            set,
            "Warning",
            "FailedCreate",
            `create Pod ${pod.metadata!.name} in StatefulSet ${setName(set)} failed error: ${errorMessage(error)}`,
          );
        }
        throw error;
      }
      recorder.event(
        set,
        "Normal",
        "SuccessfulCreate",
        `create Pod ${pod.metadata!.name} in StatefulSet ${setName(set)} successful`,
      );
    },

    async deletePod(set, pod) {
      await releaseClaimsOnScaleDown(set, pod);
      try {
        await podApi.delete(pod.metadata!.namespace, pod.metadata!.name!, {
          preconditions: { uid: pod.metadata!.uid! },
        });
      } catch (error) {
        if (isCode(error, 404)) return;
        recorder.event(
          set,
          "Warning",
          "FailedDelete",
          `delete Pod ${pod.metadata!.name} in StatefulSet ${setName(set)} failed error: ${errorMessage(error)}`,
        );
        throw error;
      }
      recorder.event(
        set,
        "Normal",
        "SuccessfulDelete",
        `delete Pod ${pod.metadata!.name} in StatefulSet ${setName(set)} successful`,
      );
    },

    async updatePodIdentity(set, pod) {
      const name = pod.metadata!.name!;
      await podApi.patch(pod.metadata!.namespace, name, "merge", {
        metadata: { labels: { [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinalOf(pod)) } },
      });
      recorder.event(set, "Normal", "SuccessfulUpdate", `update Pod ${name} in StatefulSet ${setName(set)} successful`);
    },
  };
}
