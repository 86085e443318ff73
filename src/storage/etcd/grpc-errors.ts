/**
 * gRPC/etcd failures → StorageError. etcd reports its own errors as gRPC statuses whose details are the
 * messages of etcdserver's rpctypes (e.g. "etcdserver: mvcc: required revision has been compacted").
 */
import { StorageError, type StorageErrorDetails } from "../errors.js";
import { GrpcStatus as status, isGrpcError, statusName } from "./grpc.js";

export function toStorageError(error: unknown, details: StorageErrorDetails = {}): StorageError {
  if (error instanceof StorageError) return error;
  const withCause = { ...details, cause: error };
  if (!isGrpcError(error)) {
    return new StorageError("Unavailable", `etcd call failed: ${String(error)}`, withCause);
  }
  const message = error.details || error.message;
  switch (error.code) {
    case status.OUT_OF_RANGE:
      if (message.includes("has been compacted")) return new StorageError("Compacted", message, withCause);
      if (message.includes("future revision")) return new StorageError("FutureRevision", message, withCause);
      break;
    case status.INVALID_ARGUMENT:
      if (message.includes("too large")) return new StorageError("TooLarge", message, withCause);
      break;
    case status.RESOURCE_EXHAUSTED:
      // "grpc: received message larger than max" (vs. etcd's NOSPACE alarm, which is an outage)
      if (message.includes("larger than max")) return new StorageError("TooLarge", message, withCause);
      break;
    case status.DEADLINE_EXCEEDED:
      return new StorageError("Unavailable", `etcd did not answer in time: ${message}`, withCause);
  }
  // Connection failures (UNAVAILABLE), leader loss, NOSPACE, and anything unexpected: the datastore cannot
  // serve this request now.
  return new StorageError("Unavailable", `etcd: ${statusName(error.code)}: ${message}`, withCause);
}
