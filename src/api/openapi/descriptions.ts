/**
 * Upstream's API descriptions, read at runtime from the installed `kubernetes-types` package, whose .d.ts files
 * carry them as JSDoc comments on every interface and field. Nothing of that prose is stored in this repository:
 * each `<group>/<version>.d.ts` is parsed on first use (when an OpenAPI document is first built) and cached. When
 * the package is missing, or a type or field is unknown to it (it trails the served API), there is simply no
 * description.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** The documentation of one interface (or type alias) in a .d.ts file. */
interface TypeDocs {
  description?: string;
  readonly fields: Map<string, string>;
}

type FileDocs = ReadonlyMap<string, TypeDocs>;

const EMPTY: FileDocs = new Map();

/** The package directory, null when it is not installed; undefined until first looked up. */
let packageDir: string | null | undefined;
const fileCache = new Map<string, FileDocs>();

function kubernetesTypesDir(): string | null {
  if (packageDir === undefined) {
    try {
      packageDir = dirname(createRequire(import.meta.url).resolve("kubernetes-types/package.json"));
    } catch {
      packageDir = null;
    }
  }
  return packageDir;
}

const SEGMENT = /^[a-z0-9]+$/;

/**
 * The .d.ts file (relative to the package) and type name of an OpenAPI definition name, or undefined when the
 * package has no file for its API group:
 * io.k8s.api.<group>.<version>.X → <group>/<version>.d.ts, io.k8s.apimachinery.pkg.apis.meta.v1.X → meta/v1.d.ts,
 * io.k8s.apimachinery.pkg.api.resource.X → api/resource.d.ts, io.k8s.apimachinery.pkg.runtime.X → runtime.d.ts, …
 */
export function typesLocation(definitionName: string): { file: string; type: string } | undefined {
  const dot = definitionName.lastIndexOf(".");
  if (dot < 0) return undefined;
  const pkg = definitionName.slice(0, dot);
  const type = definitionName.slice(dot + 1);
  let parts: string[] | undefined;
  if (pkg.startsWith("io.k8s.api.")) parts = pkg.slice("io.k8s.api.".length).split(".");
  else if (pkg.startsWith("io.k8s.apimachinery.pkg.apis."))
    parts = pkg.slice("io.k8s.apimachinery.pkg.apis.".length).split(".");
  else if (pkg.startsWith("io.k8s.apimachinery.pkg.")) parts = pkg.slice("io.k8s.apimachinery.pkg.".length).split(".");
  else if (pkg.startsWith("io.k8s.apiextensions-apiserver.pkg.apis."))
    parts = pkg.slice("io.k8s.apiextensions-apiserver.pkg.apis.".length).split(".");
  if (!parts || parts.length === 0 || parts.length > 2 || !parts.every((p) => SEGMENT.test(p))) return undefined;
  if (!/^\w+$/.test(type)) return undefined;
  return { file: `${parts.join("/")}.d.ts`, type };
}

/** The text of a JSDoc block's lines (without the opening and closing markers), as upstream wrote it. */
function jsdocText(lines: readonly string[]): string {
  return lines
    .map((line) => line.replace(/^\s*\*(?: |(?=\t)|$)/, "").replace(/\s+$/, ""))
    .join("\n")
    .trim();
}

const INTERFACE = /^export\s+interface\s+(\w+)\b/;
const TYPE_ALIAS = /^export\s+type\s+(\w+)\b/;
const FIELD = /^(\s+)(?:readonly\s+)?([A-Za-z_$][\w$]*)\??\s*:/;

/** Parses the `/** … *\/` blocks of a kubernetes-types .d.ts file and what each documents. */
export function parseTypesFile(source: string): FileDocs {
  const out = new Map<string, TypeDocs>();
  const lines = source.split(/\r?\n/);
  let current: TypeDocs | undefined;
  let fieldIndent: number | undefined;
  let pending: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const trimmed = line.trim();
    if (trimmed.startsWith("/**")) {
      if (trimmed.endsWith("*/") && trimmed.length >= 5) {
        pending = trimmed.slice(3, -2).trim();
        continue;
      }
      const body: string[] = [];
      const first = trimmed.slice(3);
      if (first.trim() !== "") body.push(first);
      for (i++; i < lines.length; i++) {
        const inner = lines[i] as string;
        const end = inner.indexOf("*/");
        if (end >= 0) {
          const rest = inner.slice(0, end);
          if (rest.trim() !== "") body.push(rest);
          break;
        }
        body.push(inner);
      }
      pending = jsdocText(body);
      continue;
    }
    if (trimmed === "") continue;
    const iface = INTERFACE.exec(line);
    const alias = iface ? undefined : TYPE_ALIAS.exec(line);
    if (iface || alias) {
      const name = (iface ?? alias)?.[1] as string;
      const docs: TypeDocs = out.get(name) ?? { fields: new Map() };
      if (pending) docs.description = pending;
      out.set(name, docs);
      current = iface && line.trimEnd().endsWith("{") ? docs : undefined;
      fieldIndent = undefined;
    } else if (line.startsWith("}")) {
      current = undefined;
    } else if (current) {
      const field = FIELD.exec(line);
      const indent = field?.[1]?.length;
      // Only the interface's own members: nested object literals (map values) are indented further.
      if (field && indent !== undefined && (fieldIndent === undefined || indent === fieldIndent)) {
        fieldIndent = indent;
        if (pending) current.fields.set(field[2] as string, pending);
      }
    }
    pending = undefined;
  }
  return out;
}

function fileDocs(file: string): FileDocs {
  let docs = fileCache.get(file);
  if (docs === undefined) {
    const dir = kubernetesTypesDir();
    docs = EMPTY;
    if (dir !== null) {
      try {
        docs = parseTypesFile(readFileSync(join(dir, file), "utf8"));
      } catch {
        docs = EMPTY;
      }
    }
    fileCache.set(file, docs);
  }
  return docs;
}

function typeDocs(definitionName: string): TypeDocs | undefined {
  const loc = typesLocation(definitionName);
  return loc ? fileDocs(loc.file).get(loc.type) : undefined;
}

/** Upstream's description of a definition ("io.k8s.api.core.v1.ConfigMap"), if the installed package has it. */
export function definitionDescription(definitionName: string): string | undefined {
  return typeDocs(definitionName)?.description || undefined;
}

/** Upstream's description of a definition's property ("data" of io.k8s.api.core.v1.ConfigMap), if known. */
export function propertyDescription(definitionName: string, property: string): string | undefined {
  return typeDocs(definitionName)?.fields.get(property) || undefined;
}

/** Test hook: forget the cache and, with `dir`, read the package from there instead (null: not installed). */
export function resetDescriptionsForTest(dir?: string | null): void {
  fileCache.clear();
  packageDir = dir;
}
