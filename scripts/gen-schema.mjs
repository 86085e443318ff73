#!/usr/bin/env node
// Developer tool, run by hand (not in CI or tests): distils the upstream OpenAPI v2 reference into the compact,
// structural schema Skiff ships in src/api/schema/definitions.json. Facts only: types, refs, formats, required
// fields, enums and the x-kubernetes-* list/map/patch extensions. No descriptions are copied.
//
// Usage: node scripts/gen-schema.mjs [path/to/kubernetes-openapi-v2.json]
//        (default ../shared/reference/kubernetes-openapi-v2.json, relative to the repo root)
//
// Output format (see src/api/schema/README.md): {"v":1,"defs":{<name>: Def}} where a Def or property node uses
// short keys: t type, f format, r ref (definition name), i items node, a additionalProperties node (map value),
// p properties, q required, e enum, ps patch strategy, pk patch merge key, lt list type, lk list map keys,
// mt map type, g group-version-kinds as [group, version, kind] triples.
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const input = resolve(root, process.argv[2] ?? "../shared/reference/kubernetes-openapi-v2.json");
const output = resolve(root, "src/api/schema/definitions.json");

/** The API packages Skiff serves; everything they reference (meta/v1, Quantity, IntOrString, …) is pulled in too. */
const SERVED = [
  "io.k8s.api.core.v1.",
  "io.k8s.api.apps.v1.",
  "io.k8s.api.batch.v1.",
  "io.k8s.api.autoscaling.v1.",
  "io.k8s.api.autoscaling.v2.",
  "io.k8s.api.coordination.v1.",
  "io.k8s.api.discovery.v1.",
  "io.k8s.api.networking.v1.",
  "io.k8s.api.policy.v1.",
  "io.k8s.api.rbac.v1.",
  "io.k8s.api.storage.v1.",
  "io.k8s.api.scheduling.v1.",
  "io.k8s.api.events.v1.",
  "io.k8s.api.authentication.v1.",
  "io.k8s.api.authorization.v1.",
  "io.k8s.apimachinery.pkg.apis.meta.v1.",
  "io.k8s.apimachinery.pkg.api.resource.",
  "io.k8s.apimachinery.pkg.util.intstr.",
  "io.k8s.apimachinery.pkg.runtime.",
  "io.k8s.apimachinery.pkg.version.",
];

/** Formats the reference leaves implicit, keyed by definition name. */
const IMPLIED_FORMAT = { "io.k8s.apimachinery.pkg.api.resource.Quantity": "quantity" };

const REF_PREFIX = "#/definitions/";
const doc = JSON.parse(readFileSync(input, "utf8"));
const all = doc.definitions ?? {};

function refName(ref) {
  if (typeof ref !== "string" || !ref.startsWith(REF_PREFIX)) throw new Error(`unexpected $ref ${ref}`);
  return ref.slice(REF_PREFIX.length);
}

/** A property/items/additionalProperties schema as a compact node; collects referenced names into `refs`. */
function node(schema, refs) {
  const out = {};
  if (schema.$ref) {
    const name = refName(schema.$ref);
    refs.add(name);
    out.r = name;
  }
  if (schema.allOf?.length === 1 && schema.allOf[0].$ref) {
    const name = refName(schema.allOf[0].$ref);
    refs.add(name);
    out.r = name;
  }
  if (schema.type) out.t = schema.type;
  if (schema.format) out.f = schema.format;
  if (Array.isArray(schema.enum)) out.e = [...schema.enum];
  if (schema.items) out.i = node(schema.items, refs);
  if (schema.additionalProperties !== undefined) {
    out.a = schema.additionalProperties === true ? {} : node(schema.additionalProperties, refs);
  }
  if (schema.properties) {
    out.p = {};
    for (const key of Object.keys(schema.properties).sort()) out.p[key] = node(schema.properties[key], refs);
  }
  if (Array.isArray(schema.required) && schema.required.length > 0) out.q = [...schema.required].sort();
  const x = (k) => schema[`x-kubernetes-${k}`];
  if (x("patch-strategy")) out.ps = x("patch-strategy");
  if (x("patch-merge-key")) out.pk = x("patch-merge-key");
  if (x("list-type")) out.lt = x("list-type");
  if (Array.isArray(x("list-map-keys"))) out.lk = [...x("list-map-keys")];
  if (x("map-type")) out.mt = x("map-type");
  return out;
}

function definition(name, refs) {
  const schema = all[name];
  if (!schema) throw new Error(`definition ${name} is referenced but missing`);
  const out = node(schema, refs);
  if (!out.f && IMPLIED_FORMAT[name]) out.f = IMPLIED_FORMAT[name];
  const gvks = schema["x-kubernetes-group-version-kind"];
  if (Array.isArray(gvks) && gvks.length > 0) {
    out.g = gvks
      .map((g) => [g.group ?? "", g.version ?? "", g.kind ?? ""])
      .sort((a, b) => (a.join("/") < b.join("/") ? -1 : a.join("/") > b.join("/") ? 1 : 0));
  }
  return out;
}

const pending = Object.keys(all).filter((n) => SERVED.some((p) => n.startsWith(p)));
const defs = new Map();
while (pending.length > 0) {
  const name = pending.pop();
  if (defs.has(name)) continue;
  const refs = new Set();
  defs.set(name, definition(name, refs));
  for (const r of refs) if (!defs.has(r)) pending.push(r);
}

// Older versions Skiff still serves for old clients but the reference (newer Kubernetes) no longer lists:
// the same shape as the named current definition, under the old group-version-kind.
const OLDER_VERSIONS = [
  // kubectl 1.27's `auth whoami` knows only authentication.k8s.io/v1beta1.
  {
    name: "io.k8s.api.authentication.v1beta1.SelfSubjectReview",
    like: "io.k8s.api.authentication.v1.SelfSubjectReview",
  },
];
for (const { name, like } of OLDER_VERSIONS) {
  const [, , , group, version, kind] = name.split(".");
  defs.set(name, { ...defs.get(like), g: [[`${group}.k8s.io`, version, kind]] });
}

const sorted = {};
for (const name of [...defs.keys()].sort()) sorted[name] = defs.get(name);
// Formatted with the repo's prettier settings so `prettier --check .` passes on the generated file.
const prettier = await import("prettier");
const options = (await prettier.resolveConfig(output)) ?? {};
const text = await prettier.format(JSON.stringify({ v: 1, defs: sorted }), { ...options, parser: "json" });
writeFileSync(output, text);
console.log(`wrote ${output}: ${defs.size} definitions, ${text.length} bytes`);
