// The shapes of a meta.k8s.io/v1 Table, and the TablePrinter contract every printer implements.

/** One column of a meta.k8s.io/v1 Table (kubernetes-types has no Table types, so they are defined here). */
export interface TableColumnDefinition {
  /** Human-readable name; kubectl upper-cases it for the header ("Nominated Node" → "NOMINATED NODE"). */
  name: string;
  /** OpenAPI type of the cells: "string", "integer", "number", "boolean" or "date". */
  type: string;
  /** Optional OpenAPI format; "name" marks the column holding the object's name. */
  format: string;
  description: string;
  /** 0 = always shown; 1 = shown only with `kubectl get -o wide`. */
  priority: number;
}

/** A cell as upstream sends it: a string, an integer, a boolean (JSON true/false), or null (CRD columns). */
export type TableCell = string | number | boolean | null;

export interface TableRow {
  cells: TableCell[];
}

/** The body of a Table without its kind, apiVersion, metadata and rows[].object (the API server adds those). */
export interface TableBody {
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

export interface TablePrinter {
  /** The columns, in order, including the wide-only (priority 1) ones. */
  readonly columns: readonly TableColumnDefinition[];
  /**
   * One row: one cell per column, computed as upstream does with `-o wide` (the API server always
   * generates every column; kubectl hides priority>0 columns itself). `now` is the server's clock for Age.
   */
  cells(obj: object, now: Date): TableCell[];
  /** Optional row order for lists, when upstream's list printer sorts (flowschemas); otherwise input order. */
  readonly compare?: (a: object, b: object) => number;
}

/** A column in short form; `column()` fills the defaults. */
export interface ColumnSpec {
  name: string;
  type?: string;
  format?: string;
  description: string;
  priority?: number;
}

export function column(spec: ColumnSpec): TableColumnDefinition {
  return {
    name: spec.name,
    type: spec.type ?? "string",
    format: spec.format ?? "",
    description: spec.description,
    priority: spec.priority ?? 0,
  };
}
