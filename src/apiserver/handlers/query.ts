/** Query parameters shared by the handlers, validated with upstream's messages. */
import { badRequest } from "../../api/status.js";

/** `dryRun=All` → true; absent → false; anything else is 400 as upstream. */
export function dryRunOf(url: URL): boolean {
  const values = url.searchParams.getAll("dryRun");
  if (values.length === 0) return false;
  for (const v of values) {
    if (v !== "All")
      throw badRequest(`Invalid dry run value: dryRun: Unsupported value: "${v}": supported values: "All"`);
  }
  return true;
}

/** fieldValidation: Ignore, Warn or Strict (empty = the server default). */
export function fieldValidationOf(url: URL): "" | "Ignore" | "Warn" | "Strict" {
  const v = url.searchParams.get("fieldValidation") ?? "";
  if (v === "" || v === "Ignore" || v === "Warn" || v === "Strict") return v;
  throw badRequest(`fieldValidation: Unsupported value: "${v}": supported values: "Ignore", "Strict", "Warn"`);
}

export function integerParam(url: URL, name: string): number | undefined {
  const v = url.searchParams.get(name);
  if (v === null || v === "") return undefined;
  if (!/^-?\d+$/.test(v)) throw badRequest(`${name}: Invalid value: "${v}": must be an integer`);
  return Number(v);
}
