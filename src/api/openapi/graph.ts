/** Walks the schema graph (src/api/schema) from root definitions along references. */
import { getDefinition, type SchemaNode } from "../schema/index.js";
import type { Operation } from "./operations.js";

function refsOf(node: SchemaNode, out: Set<string>): void {
  if (node.ref !== undefined) out.add(node.ref);
  if (node.items) refsOf(node.items, out);
  if (node.additionalProperties) refsOf(node.additionalProperties, out);
}

/** The definition names an operation's request and responses refer to. */
export function operationRefs(op: Operation): string[] {
  const out: string[] = [];
  if (op.request) out.push(op.request.schema);
  for (const r of op.responses) if (r.body && "schema" in r.body) out.push(r.body.schema);
  return out;
}

/** Every known definition reachable from `roots` (roots included), sorted by name. */
export function reachableDefinitions(roots: Iterable<string>): string[] {
  const seen = new Set<string>();
  const pending = [...roots];
  while (pending.length > 0) {
    const name = pending.pop() as string;
    if (seen.has(name)) continue;
    const def = getDefinition(name);
    if (!def) continue;
    seen.add(name);
    const refs = new Set<string>();
    refsOf(def, refs);
    for (const p of Object.values(def.properties ?? {})) refsOf(p, refs);
    for (const r of refs) if (!seen.has(r)) pending.push(r);
  }
  return [...seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
