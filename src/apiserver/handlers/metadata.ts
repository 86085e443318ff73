/**
 * The JSON types of ObjectMeta fields in a request body, checked as Go's decoder does when it unmarshals into
 * the typed struct (400 `json: cannot unmarshal …`), so no ill-typed metadata ever reaches the datastore.
 */
import { badRequest } from "../../api/status.js";
import { isPlainObject } from "../object.js";

type FieldType = "string" | "integer" | "map[string]string" | "[]string" | "[]object";

const FIELDS: Readonly<Record<string, FieldType>> = {
  name: "string",
  generateName: "string",
  namespace: "string",
  selfLink: "string",
  uid: "string",
  resourceVersion: "string",
  generation: "integer",
  creationTimestamp: "string",
  deletionTimestamp: "string",
  deletionGracePeriodSeconds: "integer",
  labels: "map[string]string",
  annotations: "map[string]string",
  finalizers: "[]string",
  ownerReferences: "[]object",
  managedFields: "[]object",
};
const FIELD_TYPES = Object.entries(FIELDS);

function goKind(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  if (typeof value === "boolean") return "bool";
  return typeof value === "object" ? "object" : typeof value;
}

function fits(type: FieldType, value: unknown): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "map[string]string":
      return isPlainObject(value) && Object.values(value).every((v) => typeof v === "string");
    case "[]string":
      return Array.isArray(value) && value.every((v) => typeof v === "string");
    case "[]object":
      return Array.isArray(value) && value.every((v) => isPlainObject(v));
  }
}

export function checkMetadataTypes(metadata: unknown, kind: string): void {
  if (metadata === undefined || metadata === null) return;
  if (!isPlainObject(metadata)) {
    throw badRequest(
      `json: cannot unmarshal ${goKind(metadata)} into Go struct field ${kind}.metadata of type v1.ObjectMeta`,
    );
  }
  for (const [field, type] of FIELD_TYPES) {
    const value = metadata[field];
    // null is Go's zero value for every one of these fields.
    if (value === undefined || value === null || fits(type, value)) continue;
    throw badRequest(
      `json: cannot unmarshal ${goKind(value)} into Go struct field ObjectMeta.metadata.${field} of type ${type}`,
    );
  }
}
