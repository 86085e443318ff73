#!/usr/bin/env node
// Dev-only: regenerates ../schema.generated.ts from local copies of upstream sources. No network.
//
// Usage: node src/api/protobuf/gen/generate-schema.mjs <k8s.io/api dir> <k8s.io/apimachinery dir> [source label] \
//          > src/api/protobuf/schema.generated.ts
//        npx prettier --write src/api/protobuf/schema.generated.ts
//
// For each package it reads generated.proto (field numbers, wire types, message types) and the Go sources
// (struct tags: the `json:` name, omitempty, inline, and whether the Go field is a pointer). Only the messages
// reachable from ROOTS are emitted. See ../README.md for the table format.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const [apiDir, machineryDir, label = "local copies"] = process.argv.slice(2);
if (!apiDir || !machineryDir) {
  console.error("usage: generate-schema.mjs <k8s.io/api dir> <k8s.io/apimachinery dir>");
  process.exit(2);
}

/** Package directories: [dir, proto package, short prefix, apiVersion for root kinds]. */
const PACKAGES = [
  [join(machineryDir, "pkg/apis/meta/v1"), "k8s.io.apimachinery.pkg.apis.meta.v1", "meta.v1", "meta.k8s.io/v1"],
  [join(machineryDir, "pkg/runtime"), "k8s.io.apimachinery.pkg.runtime", "runtime", ""],
  [join(machineryDir, "pkg/api/resource"), "k8s.io.apimachinery.pkg.api.resource", "resource", ""],
  [join(machineryDir, "pkg/util/intstr"), "k8s.io.apimachinery.pkg.util.intstr", "intstr", ""],
  [join(apiDir, "core/v1"), "k8s.io.api.core.v1", "core.v1", "v1"],
  [join(apiDir, "apps/v1"), "k8s.io.api.apps.v1", "apps.v1", "apps/v1"],
  [join(apiDir, "autoscaling/v1"), "k8s.io.api.autoscaling.v1", "autoscaling.v1", "autoscaling/v1"],
  [join(apiDir, "batch/v1"), "k8s.io.api.batch.v1", "batch.v1", "batch/v1"],
  [join(apiDir, "rbac/v1"), "k8s.io.api.rbac.v1", "rbac.v1", "rbac.authorization.k8s.io/v1"],
  [join(apiDir, "scheduling/v1"), "k8s.io.api.scheduling.v1", "scheduling.v1", "scheduling.k8s.io/v1"],
  [join(apiDir, "scheduling/v1alpha3"), "k8s.io.api.scheduling.v1alpha3", "scheduling.v1alpha3", ""], // batch/v1 alpha fields
  [join(apiDir, "policy/v1"), "k8s.io.api.policy.v1", "policy.v1", "policy/v1"],
  [join(apiDir, "networking/v1"), "k8s.io.api.networking.v1", "networking.v1", "networking.k8s.io/v1"],
  [join(apiDir, "authentication/v1"), "k8s.io.api.authentication.v1", "authentication.v1", "authentication.k8s.io/v1"],
  [join(apiDir, "authorization/v1"), "k8s.io.api.authorization.v1", "authorization.v1", "authorization.k8s.io/v1"],
];

/** Top-level kinds we decode: every kubectl typed-client write, plus close relatives. */
const ROOTS = {
  "core.v1": [
    "ConfigMap",
    "Secret",
    "Namespace",
    "Service",
    "ServiceAccount",
    "ResourceQuota",
    "LimitRange",
    "Pod",
    "PodTemplate",
    "ReplicationController",
    "Node",
    "Binding",
    "Event",
    "Endpoints",
    "PersistentVolume",
    "PersistentVolumeClaim",
  ],
  "apps.v1": ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ControllerRevision"],
  "autoscaling.v1": ["Scale", "HorizontalPodAutoscaler"],
  "batch.v1": ["Job", "CronJob"],
  "rbac.v1": ["Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"],
  "scheduling.v1": ["PriorityClass"],
  "policy.v1": ["PodDisruptionBudget", "Eviction"],
  "networking.v1": ["Ingress", "IngressClass", "NetworkPolicy"],
  "authentication.v1": ["TokenRequest", "TokenReview", "SelfSubjectReview"],
  "authorization.v1": [
    "SelfSubjectAccessReview",
    "SelfSubjectRulesReview",
    "SubjectAccessReview",
    "LocalSubjectAccessReview",
  ],
  "meta.v1": ["DeleteOptions"],
};

/** Messages the decoder converts by hand (their JSON form is not an object of their fields). */
const SPECIAL = new Set([
  "meta.v1.Time",
  "meta.v1.MicroTime",
  "meta.v1.Duration",
  "meta.v1.FieldsV1",
  "resource.Quantity",
  "intstr.IntOrString",
  "runtime.RawExtension",
]);

const SCALARS = new Set([
  "string",
  "bytes",
  "bool",
  "int32",
  "int64",
  "uint32",
  "uint64",
  "sint32",
  "sint64",
  "fixed32",
  "fixed64",
  "sfixed32",
  "sfixed64",
  "double",
  "float",
]);

const shortOf = new Map(PACKAGES.map(([, pkg, short]) => [pkg, short]));

function resolveType(type, short) {
  if (SCALARS.has(type)) return type;
  if (!type.startsWith(".")) return `${short}.${type}`;
  const full = type.slice(1);
  const dot = full.lastIndexOf(".");
  const pkg = shortOf.get(full.slice(0, dot));
  if (!pkg) return full; // a package we do not read: fails below only if reachable
  return `${pkg}.${full.slice(dot + 1)}`;
}

/** generated.proto → Map<short message name, {no, name, type, repeated, map}[]> */
function parseProto(text, short, out) {
  let current = null;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\/\/.*$/, "").trim();
    let m;
    if ((m = /^message (\w+) \{$/.exec(line))) {
      if (current) throw new Error(`nested message ${m[1]}`);
      current = [];
      out.set(`${short}.${m[1]}`, current);
    } else if (line === "}") {
      current = null;
    } else if ((m = /^map<\s*(\S+?)\s*,\s*(\S+?)\s*>\s+(\w+)\s*=\s*(\d+);$/.exec(line))) {
      if (m[1] !== "string") throw new Error(`non-string map key in ${line}`);
      current.push({ no: Number(m[4]), name: m[3], type: resolveType(m[2], short), repeated: false, map: true });
    } else if ((m = /^(optional|repeated)\s+(\S+)\s+(\w+)\s*=\s*(\d+);$/.exec(line))) {
      current.push({
        no: Number(m[4]),
        name: m[3],
        type: resolveType(m[2], short),
        repeated: m[1] === "repeated",
        map: false,
      });
    } else if (current && line !== "") {
      throw new Error(`unparsed proto line in ${short}: ${line}`);
    }
  }
}

/** Go sources → Map<short struct name, Map<proto number, {json, omitempty, inline, pointer}>>, plus slice types. */
function parseGo(text, short, structs, slices) {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    let m;
    if ((m = /^type (\w+) \[\](\S+)\s*$/.exec(lines[i]))) {
      slices.set(`${short}.${m[1]}`, m[2]);
      continue;
    }
    if (!(m = /^type (\w+) struct \{/.exec(lines[i]))) continue;
    const fields = new Map();
    structs.set(`${short}.${m[1]}`, fields);
    for (i++; i < lines.length && lines[i] !== "}"; i++) {
      const f = /^\t([^`/]+?)\s+`([^`]*)`/.exec(lines[i]);
      if (!f) continue;
      const tokens = f[1].trim().split(/\s+/);
      const goType = tokens.length === 1 ? tokens[0] : tokens[1];
      const proto = /protobuf:"[a-z0-9]+,(\d+),/.exec(f[2]);
      if (!proto) continue;
      const json = /json:"([^"]*)"/.exec(f[2]);
      const [jsonName = "", ...opts] = json ? json[1].split(",") : [""];
      fields.set(Number(proto[1]), {
        json: jsonName,
        omitempty: opts.includes("omitempty"),
        omitzero: opts.includes("omitzero"),
        // encoding/json promotes an embedded struct's fields when its tag gives no name (`json:",inline"`, `json:""`).
        inline: tokens.length === 1 && jsonName === "",
        pointer: goType.startsWith("*"),
        noJson: !json,
      });
    }
  }
}

const messages = new Map();
const structs = new Map();
const slices = new Map();
for (const [dir, , short] of PACKAGES) {
  for (const name of readdirSync(dir)) {
    const text = readFileSync(join(dir, name), "utf8");
    if (name === "generated.proto") parseProto(text, short, messages);
    else if (name.endsWith(".go")) parseGo(text, short, structs, slices);
  }
}

// Reachable closure from the roots.
const reachable = new Set();
const queue = Object.entries(ROOTS).flatMap(([short, kinds]) => kinds.map((k) => `${short}.${k}`));
while (queue.length > 0) {
  const name = queue.pop();
  if (reachable.has(name)) continue;
  if (!messages.has(name)) throw new Error(`missing message ${name}`);
  reachable.add(name);
  if (SPECIAL.has(name)) continue;
  for (const f of messages.get(name)) if (!SCALARS.has(f.type)) queue.push(f.type);
}

const out = [];
const wrappers = [];
for (const name of [...reachable].sort()) {
  if (SPECIAL.has(name)) continue;
  const fields = messages.get(name);
  if (slices.has(name)) {
    if (fields.length !== 1 || fields[0].name !== "items" || !fields[0].repeated)
      throw new Error(`bad wrapper ${name}`);
    wrappers.push(`  ${JSON.stringify(name)}: ${JSON.stringify(fields[0].type)},`);
    continue;
  }
  const goFields = structs.get(name);
  if (!goFields) throw new Error(`no Go struct for ${name}`);
  const rows = fields.map((f) => {
    const go = goFields.get(f.no);
    if (!go) throw new Error(`no Go field for ${name} #${f.no}`);
    const flags =
      (f.repeated ? "r" : "") +
      (f.map ? "m" : "") +
      (go.pointer ? "p" : "") +
      (go.omitempty ? "o" : "") +
      (go.omitzero ? "z" : "") +
      (go.inline ? "i" : "");
    const json = go.noJson ? f.name : go.json;
    if (!json && !go.inline) throw new Error(`no JSON name for ${name}.${f.name}`);
    const row = [f.no, go.inline ? "" : json, f.type];
    if (flags) row.push(flags);
    return `[${row.map((v) => JSON.stringify(v)).join(", ")}]`;
  });
  out.push(`  ${JSON.stringify(name)}: [${rows.join(", ")}],`);
}

const kinds = [];
for (const [, , short, apiVersion] of PACKAGES) {
  for (const kind of ROOTS[short] ?? [])
    kinds.push(`  ${JSON.stringify(`${apiVersion}/${kind}`)}: "${short}.${kind}",`);
}

process.stdout
  .write(`// GENERATED by gen/generate-schema.mjs from k8s.io/api and k8s.io/apimachinery (generated.proto + Go struct tags),
// ${label}.
// Do not edit by hand. Format: see README.md. Each field: [proto number, JSON name ("" = inline), type, flags].
import type { KindTable, MessageTable, WrapperTable } from "./schema.js";

export const MESSAGES: MessageTable = {
${out.join("\n")}
};

/** Named string slices (e.g. authentication ExtraValue) wrapped as {repeated items = 1}; JSON is the bare array. */
export const WRAPPERS: WrapperTable = {
${wrappers.join("\n")}
};

/** "apiVersion/kind" of a request body → its message. */
export const KINDS: KindTable = {
${kinds.join("\n")}
};
`);
