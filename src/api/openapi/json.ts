/** JSON values as the OpenAPI builders produce them. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Where a group/version's documents live: "api/v1" for the core group, "apis/<group>/<version>" otherwise. */
export function gvPathOf(group: string, version: string): string {
  return group === "" ? `api/${version}` : `apis/${group}/${version}`;
}

/** The inverse of gvPathOf, or undefined for a malformed path. */
export function parseGvPath(gvPath: string): { group: string; version: string } | undefined {
  const parts = gvPath.split("/");
  if (parts.length === 2 && parts[0] === "api" && parts[1]) return { group: "", version: parts[1] };
  if (parts.length === 3 && parts[0] === "apis" && parts[1] && parts[2]) return { group: parts[1], version: parts[2] };
  return undefined;
}
