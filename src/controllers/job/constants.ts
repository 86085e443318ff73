/** Label, annotation, finalizer, condition and reason names of the Job controller (upstream batch/v1 + job_controller.go). */
export const JOB_TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking";
export const JOB_NAME_LABEL = "batch.kubernetes.io/job-name";
export const CONTROLLER_UID_LABEL = "batch.kubernetes.io/controller-uid";
export const LEGACY_JOB_NAME_LABEL = "job-name";
export const LEGACY_CONTROLLER_UID_LABEL = "controller-uid";
export const COMPLETION_INDEX_ANNOTATION = "batch.kubernetes.io/job-completion-index";
export const COMPLETION_INDEX_ENV = "JOB_COMPLETION_INDEX";
/** The per-index failure count annotation (backoffLimitPerIndex). */
export const INDEX_FAILURE_COUNT_ANNOTATION = "batch.kubernetes.io/job-index-failure-count";

export const COMPONENT = "job-controller";

export const REASON_BACKOFF_LIMIT = "BackoffLimitExceeded";
export const REASON_DEADLINE = "DeadlineExceeded";
export const REASON_POD_FAILURE_POLICY = "PodFailurePolicy";
export const REASON_MAX_FAILED_INDEXES = "MaxFailedIndexesExceeded";
export const REASON_FAILED_INDEXES = "FailedIndexes";
export const REASON_COMPLETIONS_REACHED = "CompletionsReached";

export const MESSAGE_BACKOFF_LIMIT = "Job has reached the specified backoff limit";
export const MESSAGE_DEADLINE = "Job was active longer than specified deadline";
export const MESSAGE_MAX_FAILED_INDEXES = "Job has exceeded the specified maximal number of failed indexes";
export const MESSAGE_FAILED_INDEXES = "Job has failed indexes";
export const MESSAGE_COMPLETIONS_REACHED = "Reached expected number of succeeded pods";

/** Pod backoff (upstream DefaultJobPodFailureBackOff / MaxJobPodFailureBackOff). */
export const DEFAULT_POD_FAILURE_BACKOFF_MS = 10_000;
export const MAX_POD_FAILURE_BACKOFF_MS = 6 * 60_000;
