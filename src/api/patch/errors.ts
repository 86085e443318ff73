/**
 * The Status errors upstream's patch handler (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go)
 * answers with, built through src/api/status.ts.
 */
import { badRequest, requestEntityTooLarge, StatusError, type StatusReason } from "../status.js";

export { badRequest };

/** An error inside the patch algorithms; `kind` tells applyPatch which Status it becomes. */
export class PatchError extends Error {
  constructor(
    message: string,
    readonly kind: "bad-request" | "unprocessable" | "internal" = "internal",
  ) {
    super(message);
    this.name = "PatchError";
  }
}

/**
 * errors.NewGenericServerResponse(422, "", GroupResource{}, "", msg, 0, false): how upstream reports a JSON
 * patch that does not apply, lists of lists and retainKeys mismatches.
 */
export function unprocessable(serverMessage: string): StatusError {
  return new StatusError({
    code: 422,
    reason: "Invalid",
    message: "the server rejected our request due to an error in our request",
    details: { causes: [{ reason: "UnexpectedServerResponse", message: serverMessage }] },
  });
}

/**
 * A plain Go error reaching the handler: ErrorToAPIStatus answers 500 with an empty (Unknown) reason and the
 * error text as message. kubectl prints `Error from server: <message>`.
 */
export function unknownServerError(message: string): StatusError {
  // StatusReasonUnknown is "" upstream; status.ts's union does not list it, so it is spelled out here.
  return new StatusError({ code: 500, reason: "" as StatusReason, message });
}

/** 415 for a strategic merge patch on a type without a schema (custom resources), as upstream answers it. */
export function strategicUnsupported(): StatusError {
  return new StatusError({
    code: 415,
    reason: "UnsupportedMediaType",
    message:
      "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
  });
}

/** 413 past upstream's maxJSONPatchOperations. */
export function tooManyOperations(max: number, got: number): StatusError {
  return requestEntityTooLarge(`The allowed maximum operations in a JSON patch is ${max}, got ${got}`);
}

export function toStatus(error: PatchError): StatusError {
  switch (error.kind) {
    case "bad-request":
      return badRequest(error.message);
    case "unprocessable":
      return unprocessable(error.message);
    default:
      return unknownServerError(error.message);
  }
}
