/** apps/v1 defaults (pkg/apis/apps/v1/defaults.go). */
import { defaultPodTemplateSpec } from "./pod.js";
import { child, defPointer, defString, maybe, type Obj } from "./util.js";

export function defaultDeployment(d: Obj): void {
  const spec = child(d, "spec");
  defPointer(spec, "replicas", 1);
  const strategy = child(spec, "strategy");
  defString(strategy, "type", "RollingUpdate");
  if (strategy.type === "RollingUpdate") {
    const ru = child(strategy, "rollingUpdate");
    defPointer(ru, "maxUnavailable", "25%");
    defPointer(ru, "maxSurge", "25%");
  }
  defPointer(spec, "revisionHistoryLimit", 10);
  defPointer(spec, "progressDeadlineSeconds", 600);
  defaultPodTemplateSpec(maybe(spec, "template") ?? child(spec, "template"));
}

export function defaultReplicaSet(rs: Obj): void {
  const spec = child(rs, "spec");
  defPointer(spec, "replicas", 1);
  defaultPodTemplateSpec(child(spec, "template"));
}

export function defaultDaemonSet(ds: Obj): void {
  const spec = child(ds, "spec");
  const strategy = child(spec, "updateStrategy");
  defString(strategy, "type", "RollingUpdate");
  if (strategy.type === "RollingUpdate") {
    const ru = child(strategy, "rollingUpdate");
    defPointer(ru, "maxUnavailable", 1);
    defPointer(ru, "maxSurge", 0);
  }
  defPointer(spec, "revisionHistoryLimit", 10);
  defaultPodTemplateSpec(child(spec, "template"));
}

export function defaultStatefulSet(ss: Obj): void {
  const spec = child(ss, "spec");
  defString(spec, "podManagementPolicy", "OrderedReady");
  const strategy = child(spec, "updateStrategy");
  if (strategy.type === undefined || strategy.type === null || strategy.type === "") {
    strategy.type = "RollingUpdate";
    defPointer(strategy, "rollingUpdate", {});
  }
  const ru = maybe(strategy, "rollingUpdate");
  if (strategy.type === "RollingUpdate" && ru) defPointer(ru, "partition", 0);
  const retention = child(spec, "persistentVolumeClaimRetentionPolicy");
  defString(retention, "whenDeleted", "Retain");
  defString(retention, "whenScaled", "Retain");
  defPointer(spec, "replicas", 1);
  defPointer(spec, "revisionHistoryLimit", 10);
  defaultPodTemplateSpec(child(spec, "template"));
  for (const claim of Array.isArray(spec.volumeClaimTemplates) ? spec.volumeClaimTemplates : []) {
    const claimSpec = maybe(claim as Obj, "spec");
    if (claimSpec) defPointer(claimSpec, "volumeMode", "Filesystem");
  }
}
