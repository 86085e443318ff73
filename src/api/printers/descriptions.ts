// Column descriptions shown in Table responses: Skiff's own one-line summaries of each field.
// Keys are "Type.field".

export const DESCRIPTIONS = {
  "ObjectMeta.name": "The object's name, unique among objects of its kind in the same namespace; fixed once created.",
  "ObjectMeta.creationTimestamp": "When the API server created this object (UTC); set by the server and read-only.",
  "PodStatus.podIP":
    "The IP address given to the pod, reachable at least inside the cluster; blank until one is assigned.",
  "PodStatus.nominatedNodeName":
    "Node the scheduler has earmarked for this pod after preempting others there; placement there is not guaranteed.",
  "PodSpec.nodeName": "The node this pod has been bound to; blank while the pod still waits for the scheduler.",
  "PodSpec.readinessGates":
    "Extra pod conditions that must all be True, alongside container readiness, for the pod to be Ready.",
  "PodSpec.nodeSelector": "Node labels that a node must carry for this pod to be placed on it.",
  "ReplicationControllerSpec.replicas": "How many pod copies the controller should keep running (1 when left unset).",
  "ReplicationControllerSpec.selector":
    "Labels identifying the pods this controller counts and manages; taken from the pod template if empty.",
  "ReplicationControllerStatus.replicas": "How many pods the controller last saw for itself.",
  "ReplicationControllerStatus.readyReplicas": "How many of this controller's pods are currently Ready.",
  "ReplicaSetSpec.replicas": "How many pods the ReplicaSet should keep running (1 when left unset).",
  "ReplicaSetSpec.selector":
    "Label query picking the pods this ReplicaSet owns; must agree with its pod template labels.",
  "ReplicaSetStatus.replicas": "How many non-terminating pods the ReplicaSet last observed.",
  "ReplicaSetStatus.readyReplicas": "How many of the ReplicaSet's non-terminating pods are Ready.",
  "DaemonSetStatus.desiredNumberScheduled": "How many nodes ought to be running this daemon's pod.",
  "DaemonSetStatus.currentNumberScheduled": "How many eligible nodes already run at least one pod of this daemon.",
  "DaemonSetStatus.numberReady": "How many eligible nodes run a pod of this daemon that is Ready.",
  "DaemonSetStatus.updatedNumberScheduled": "How many nodes run a daemon pod built from the latest template.",
  "DaemonSetStatus.numberAvailable":
    "How many eligible nodes run a daemon pod that has stayed Ready for at least minReadySeconds.",
  "DaemonSetSpec.selector":
    "Label query picking the pods this DaemonSet manages; must agree with its pod template labels.",
  "DeploymentStatus.updatedReplicas":
    "How many of the Deployment's non-terminating pods already use the current template.",
  "DeploymentStatus.availableReplicas":
    "How many of the Deployment's non-terminating pods have been Ready for at least minReadySeconds.",
  "DeploymentSpec.selector": "Label query choosing which pods, and so which ReplicaSets, belong to this Deployment.",
  "ControllerRevision.revision": "Sequence number of the state snapshot this revision stores.",
  "JobStatus.succeeded": "How many of the Job's pods have finished in the Succeeded phase.",
  "JobSpec.selector": "Label query matching the Job's pods; normally filled in automatically.",
  "CronJobSpec.schedule": "When to start Jobs, written as a cron expression.",
  "CronJobSpec.timeZone":
    "Time zone (tz database name) used to read the schedule; the controller manager's local zone if unset.",
  "CronJobSpec.suspend": "If true, no new runs are started; Jobs already running are left alone. False by default.",
  "CronJobStatus.active": "References to the Jobs of this CronJob that are running now.",
  "CronJobStatus.lastScheduleTime": "When a Job was last successfully started for this CronJob.",
  "ServiceSpec.type": "How the Service is reachable: ClusterIP (default), NodePort, LoadBalancer or ExternalName.",
  "ServiceSpec.clusterIP":
    'The virtual IP the Service gets inside the cluster, usually picked automatically; "None" makes it headless.',
  "ServiceSpec.externalIPs":
    "Extra IPs, not managed by Kubernetes, on which cluster nodes also accept this Service's traffic.",
  "ServiceSpec.ports": "The ports this Service exposes.",
  "ServiceSpec.selector":
    "Pod labels whose pods receive this Service's traffic; without one, endpoints are managed outside Kubernetes.",
  "Endpoints.subsets":
    "Groups of addresses with the ports they serve; together they make up all endpoints of the Service.",
  "NodeSystemInfo.kubeletVersion": "Version of the kubelet running on the node.",
  "NodeSystemInfo.osImage": "Operating system name and version the node reports.",
  "NodeSystemInfo.kernelVersion": "Kernel release the node reports.",
  "NodeSystemInfo.containerRuntimeVersion": "Name and version of the node's container runtime.",
  "NodeStatus.addresses": "Addresses (internal/external IPs, hostnames) through which the node can be reached.",
  "Event.lastTimestamp": "When this event was most recently seen.",
  "Event.type": "Kind of event, such as Normal or Warning.",
  "Event.reason": "Short machine-friendly code naming why the object entered its current state.",
  "Event.involvedObject": "Reference to the object the event concerns.",
  "Event.source": "The component that emitted the event.",
  "Event.message": "Human-readable explanation of what happened.",
  "Event.firstTimestamp": "When this event was first seen.",
  "Event.count": "How many times this event has been seen.",
  "ObjectReference.fieldPath": "Path to the part of the referenced object meant, e.g. a particular container in a pod.",
  "Secret.type": "Category of the secret (e.g. Opaque or a TLS secret), letting tools handle its contents.",
  "Secret.data": "The secret's key/value entries, with values stored as base64-encoded bytes.",
  "ServiceAccount.secrets": "Secrets in this namespace that pods running as this service account may use.",
  "ConfigMap.data": "The ConfigMap's key/value entries holding UTF-8 text configuration.",
  "PersistentVolumeSpec.capacity": "Storage resources the volume provides, such as its size.",
  "PersistentVolumeSpec.accessModes": "Ways the volume may be mounted, e.g. ReadWriteOnce or ReadOnlyMany.",
  "PersistentVolumeSpec.persistentVolumeReclaimPolicy":
    "What to do with the volume once its claim releases it: Retain, Delete or (deprecated) Recycle.",
  "PersistentVolumeSpec.claimRef": "Reference to the claim this volume is bound to, if any.",
  "PersistentVolumeSpec.volumeMode":
    "Whether the volume is used as a formatted filesystem (default) or a raw block device.",
  "PersistentVolumeStatus.phase": "Lifecycle state of the volume, e.g. Available, Bound, Released or Failed.",
  "PersistentVolumeStatus.reason": "Short CamelCase code explaining a failure, if there is one.",
  "PersistentVolumeClaimStatus.phase": "Lifecycle state of the claim, e.g. Pending, Bound or Lost.",
  "PersistentVolumeClaimStatus.capacity": "Storage resources actually provided by the bound volume.",
  "PersistentVolumeClaimStatus.accessModes": "Access modes the volume backing this claim actually has.",
  "PersistentVolumeClaimSpec.volumeName": "Name of the PersistentVolume bound to this claim.",
  "PersistentVolumeClaimSpec.volumeMode":
    "Whether the claim wants a filesystem volume (default) or a raw block device.",
  "HorizontalPodAutoscalerSpec.scaleTargetRef":
    "The workload whose replica count this autoscaler adjusts and whose pods it measures.",
  "HorizontalPodAutoscalerSpec.metrics":
    "Metrics and targets used to work out the wanted replica count; defaults to 80% average CPU use.",
  "HorizontalPodAutoscalerSpec.minReplicas": "Fewest replicas the autoscaler may scale down to (1 by default).",
  "HorizontalPodAutoscalerSpec.maxReplicas": "Most replicas the autoscaler may scale up to.",
  "HorizontalPodAutoscalerStatus.currentReplicas": "Replica count of the target as the autoscaler last observed it.",
  "NetworkPolicySpec.podSelector":
    "Which pods in the namespace this policy governs; an empty selector means all of them.",
  "RoleBinding.roleRef":
    "The Role in this namespace, or ClusterRole, whose permissions are granted; cannot be changed.",
  "ClusterRoleBinding.roleRef": "The ClusterRole whose permissions are granted cluster-wide; cannot be changed.",
  "LeaseSpec.holderIdentity": "Who currently holds the lease.",
  "StorageClass.provisioner": "Name of the volume plugin or driver that creates volumes for this class.",
  "StorageClass.reclaimPolicy": "Reclaim policy given to volumes provisioned for this class (Delete when unset).",
  "StorageClass.volumeBindingMode":
    "When claims get provisioned and bound: Immediate (default) or WaitForFirstConsumer.",
  "StorageClass.allowVolumeExpansion": "Whether volumes of this class may be resized after creation.",
  "PriorityClass.value": "The numeric priority given to pods that name this class.",
  "PriorityClass.globalDefault": "Whether this class applies to pods that do not name a priority class.",
  "PriorityClass.preemptionPolicy":
    "Whether pods of this class may evict lower-priority pods: PreemptLowerPriority (default) or Never.",
  "EndpointSlice.addressType": "Kind of address every endpoint in this slice uses: IPv4, IPv6 or FQDN.",
  "EndpointSlice.ports": "Network ports each endpoint in the slice serves.",
  "EndpointSlice.endpoints": "The endpoints grouped in this slice.",
  "CSIDriverSpec.attachRequired": "Whether volumes of this driver must be attached before they can be mounted.",
  "CSIDriverSpec.podInfoOnMount":
    "Whether the kubelet hands pod details (name, namespace, UID…) to the driver at mount time.",
  "CSIDriverSpec.storageCapacity": "Whether the scheduler should take the capacity this driver publishes into account.",
  "CSIDriverSpec.tokenRequests":
    "Service account token audiences the kubelet should obtain and pass to the driver on mount.",
  "CSIDriverSpec.requiresRepublish":
    "Whether the kubelet should repeatedly re-publish mounted volumes so their content stays current.",
  "CSIDriverSpec.volumeLifecycleModes":
    "Volume kinds the driver handles: Persistent (default), inline Ephemeral, or both.",
  "CSIStorageCapacity.storageClassName": "The StorageClass this capacity figure refers to.",
  "CSIStorageCapacity.capacity": "Storage the driver says is free for new volumes in this topology segment.",
  "VolumeAttachmentSpec.attacher": "Name of the driver responsible for this attachment.",
  "VolumeAttachmentSpec.nodeName": "The node the volume is to be attached to.",
  "VolumeAttachmentSource.persistentVolumeName": "The PersistentVolume being attached.",
  "VolumeAttachmentStatus.attached": "True once the volume has been attached to the node.",
  "RuntimeClass.handler": "Name of the container runtime configuration on the node that runs pods of this class.",
  "CertificateSigningRequestSpec.signerName": "Qualified name of the signer asked to issue the certificate.",
  "CertificateSigningRequestSpec.request": "The PEM-encoded certificate signing request being submitted.",
  "CertificateSigningRequestSpec.expirationSeconds":
    "Lifetime asked for the issued certificate, in seconds; the signer may choose another.",
  "CertificateSigningRequestStatus.conditions": "State of the request, such as Approved, Denied or Failed.",
  "PriorityLevelConfigurationReference.name": "The priority level that requests matching this schema are assigned to.",
  "FlowSchemaSpec.matchingPrecedence":
    "Order in which this schema is tried against requests; lower numbers win (1000 by default).",
  "FlowSchemaSpec.distinguisherMethod":
    "How requests are split into flows, e.g. by user or by namespace; none if unset.",
  "PriorityLevelConfigurationSpec.type":
    "Whether requests at this level are Limited (queued, capped) or Exempt from limits.",
  "LimitedPriorityLevelConfiguration.nominalConcurrencyShares":
    "This level's share of the server's concurrency budget, relative to other limited levels (30 by default).",
  "QueuingConfiguration.queues": "How many queues this priority level keeps (64 by default).",
  "QueuingConfiguration.handSize": "How many queues each flow is shuffle-sharded across (8 by default).",
  "QueuingConfiguration.queueLengthLimit":
    "Most requests that may wait in one queue before more are rejected (50 by default).",
} as const;

export type DescriptionKey = keyof typeof DESCRIPTIONS;
