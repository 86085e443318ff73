// Control-plane objects: certificatesigningrequests, flowschemas, prioritylevelconfigurations,
// componentstatuses, leasecandidates.
import type { CertificateSigningRequest } from "kubernetes-types/certificates/v1.js";
import type { ComponentStatus } from "kubernetes-types/core/v1.js";
import type { FlowSchema, PriorityLevelConfiguration } from "kubernetes-types/flowcontrol/v1.js";
import type { ObjectMeta } from "kubernetes-types/meta/v1.js";
import { compareGo } from "../selectors/goformat.js";
import { DESCRIPTIONS } from "./descriptions.js";
import { humanDuration } from "./duration.js";
import { column, type TablePrinter } from "./types.js";
import { AGE_COLUMN, NAME_COLUMN, ageOf, nameOf, printer } from "./util.js";

/** extractCSRStatus: Denied / Approved / Pending, then ",Failed" and ",Issued". */
export function csrStatus(csr: CertificateSigningRequest): string {
  const types = new Set((csr.status?.conditions ?? []).map((c) => c.type));
  let status = types.has("Denied") ? "Denied" : types.has("Approved") ? "Approved" : "Pending";
  if (types.has("Failed")) status += ",Failed";
  if (csr.status?.certificate) status += ",Issued";
  return status;
}

export const certificateSigningRequestPrinter: TablePrinter = printer<CertificateSigningRequest>(
  [
    NAME_COLUMN,
    AGE_COLUMN,
    column({ name: "SignerName", description: DESCRIPTIONS["CertificateSigningRequestSpec.signerName"] }),
    column({ name: "Requestor", description: DESCRIPTIONS["CertificateSigningRequestSpec.request"] }),
    column({
      name: "RequestedDuration",
      description: DESCRIPTIONS["CertificateSigningRequestSpec.expirationSeconds"],
    }),
    column({ name: "Condition", description: DESCRIPTIONS["CertificateSigningRequestStatus.conditions"] }),
  ],
  (obj, now) => {
    const seconds = obj.spec?.expirationSeconds;
    return [
      nameOf(obj),
      ageOf(obj, now),
      obj.spec?.signerName || "<none>",
      obj.spec?.username ?? "",
      seconds !== undefined ? humanDuration(seconds * 1000) : "<none>",
      csrStatus(obj),
    ];
  },
);

export const flowSchemaPrinter: TablePrinter = {
  ...printer<FlowSchema>(
    [
      NAME_COLUMN,
      column({ name: "PriorityLevel", description: DESCRIPTIONS["PriorityLevelConfigurationReference.name"] }),
      column({ name: "MatchingPrecedence", description: DESCRIPTIONS["FlowSchemaSpec.matchingPrecedence"] }),
      column({ name: "DistinguisherMethod", description: DESCRIPTIONS["FlowSchemaSpec.distinguisherMethod"] }),
      AGE_COLUMN,
      column({ name: "MissingPL", description: "references a broken or non-existent PriorityLevelConfiguration" }),
    ],
    (obj, now) => {
      const dangling = (obj.status?.conditions ?? []).find((c) => c.type === "Dangling");
      return [
        nameOf(obj),
        obj.spec?.priorityLevelConfiguration?.name ?? "",
        obj.spec?.matchingPrecedence ?? 0,
        obj.spec?.distinguisherMethod?.type ?? "<none>",
        ageOf(obj, now),
        dangling ? (dangling.status ?? "") : "?",
      ];
    },
  ),
  // printFlowSchemaList sorts by matching precedence, then name (FlowSchemaSequence).
  compare: (a: object, b: object) => {
    const pa = (a as FlowSchema).spec?.matchingPrecedence ?? 0;
    const pb = (b as FlowSchema).spec?.matchingPrecedence ?? 0;
    return pa !== pb ? pa - pb : compareGo(nameOf(a), nameOf(b));
  },
};

export const priorityLevelConfigurationPrinter: TablePrinter = printer<PriorityLevelConfiguration>(
  [
    NAME_COLUMN,
    column({ name: "Type", description: DESCRIPTIONS["PriorityLevelConfigurationSpec.type"] }),
    column({
      name: "NominalConcurrencyShares",
      description: DESCRIPTIONS["LimitedPriorityLevelConfiguration.nominalConcurrencyShares"],
    }),
    column({ name: "Queues", description: DESCRIPTIONS["QueuingConfiguration.queues"] }),
    column({ name: "HandSize", description: DESCRIPTIONS["QueuingConfiguration.handSize"] }),
    column({ name: "QueueLengthLimit", description: DESCRIPTIONS["QueuingConfiguration.queueLengthLimit"] }),
    AGE_COLUMN,
  ],
  (obj, now) => {
    let ncs: string | number = "<none>";
    let queues: string | number = "<none>";
    let handSize: string | number = "<none>";
    let queueLengthLimit: string | number = "<none>";
    const limited = obj.spec?.limited;
    if (limited) {
      ncs = limited.nominalConcurrencyShares ?? 0;
      const queuing = limited.limitResponse?.queuing;
      if (queuing) {
        queues = queuing.queues ?? 0;
        handSize = queuing.handSize ?? 0;
        queueLengthLimit = queuing.queueLengthLimit ?? 0;
      }
    }
    return [nameOf(obj), obj.spec?.type ?? "", ncs, queues, handSize, queueLengthLimit, ageOf(obj, now)];
  },
);

export const componentStatusPrinter: TablePrinter = printer<ComponentStatus>(
  [
    NAME_COLUMN,
    column({ name: "Status", description: "Status of the component conditions" }),
    column({ name: "Message", description: "Message of the component conditions" }),
    column({ name: "Error", description: "Error of the component conditions" }),
  ],
  (obj) => {
    const healthy = (obj.conditions ?? []).find((c) => c.type === "Healthy");
    if (!healthy) return [nameOf(obj), "Unknown", "", ""];
    return [
      nameOf(obj),
      healthy.status === "True" ? "Healthy" : "Unhealthy",
      healthy.message ?? "",
      healthy.error ?? "",
    ];
  },
);

/** A LeaseCandidate (coordination.k8s.io/v1alpha2+), reduced to what the printer reads. */
interface LeaseCandidate {
  metadata?: ObjectMeta;
  spec?: { leaseName?: string; binaryVersion?: string; emulationVersion?: string };
}

export const leaseCandidatePrinter: TablePrinter = printer<LeaseCandidate>(
  [
    NAME_COLUMN,
    column({
      name: "LeaseName",
      description: "LeaseName is the name of the lease for which this candidate is contending.",
    }),
    column({ name: "BinaryVersion", description: "BinaryVersion is the binary version." }),
    column({ name: "EmulationVersion", description: "EmulationVersion is the emulation version." }),
    AGE_COLUMN,
  ],
  (obj, now) => [
    nameOf(obj),
    obj.spec?.leaseName ?? "",
    obj.spec?.binaryVersion ?? "",
    obj.spec?.emulationVersion ?? "",
    ageOf(obj, now),
  ],
);
