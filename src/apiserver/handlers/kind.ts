/** The apiVersion/kind of a request body against what the URL expects (upstream's decoder defaulting). */
import { badRequest } from "../../api/status.js";
import type { GroupVersionKind } from "../../api/resources/types.js";
import { apiVersionOf, type KubeObject } from "../object.js";
import { checkMetadataTypes } from "./metadata.js";

/** Fills a missing apiVersion/kind from the URL; rejects a mismatching one with 400. */
export function checkBodyKind(body: KubeObject, expected: GroupVersionKind): KubeObject {
  const apiVersion = apiVersionOf(expected.group, expected.version);
  const givenVersion = typeof body.apiVersion === "string" ? body.apiVersion : "";
  const givenKind = typeof body.kind === "string" ? body.kind : "";
  if (body.apiVersion !== undefined && typeof body.apiVersion !== "string") {
    throw badRequest(
      `json: cannot unmarshal ${typeof body.apiVersion} into Go struct field TypeMeta.apiVersion of type string`,
    );
  }
  if (body.kind !== undefined && typeof body.kind !== "string") {
    throw badRequest(`json: cannot unmarshal ${typeof body.kind} into Go struct field TypeMeta.kind of type string`);
  }
  if (givenVersion && givenVersion !== apiVersion) {
    throw badRequest(
      `the API version in the data (${givenVersion}) does not match the expected API version (${apiVersion})`,
    );
  }
  if (givenKind && givenKind !== expected.kind) {
    throw badRequest(
      `${givenKind} in version "${expected.version}" cannot be handled as a ${expected.kind}: the object kind does not match the requested resource`,
    );
  }
  checkMetadataTypes(body.metadata, expected.kind);
  const metadata = body.metadata === null ? undefined : body.metadata;
  return { ...body, apiVersion, kind: expected.kind, metadata };
}
