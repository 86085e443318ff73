/**
 * Server-side printing for `kubectl get` (Accept `as=Table`): the per-resource `TableConvertor` hook (filled
 * from src/api/printers) and the Table/row envelope, including `rows[].object` per includeObject.
 */
import type { StoredObject } from "./object.js";

export interface TableColumn {
  readonly name: string;
  readonly type: string;
  readonly format: string;
  readonly description: string;
  readonly priority: number;
}

export interface TableConvertor {
  readonly columns: readonly TableColumn[];
  /** One row's cells, in column order; `now` lets printers compute ages. */
  cells(object: StoredObject, now: Date): unknown[];
  /** Row order for lists when upstream's printer sorts; otherwise the list order. */
  readonly compare?: (a: StoredObject, b: StoredObject) => number;
}

export type IncludeObject = "None" | "Metadata" | "Object";

export function partialObjectMetadata(object: StoredObject, apiVersion = "meta.k8s.io/v1"): Record<string, unknown> {
  return { kind: "PartialObjectMetadata", apiVersion, metadata: object.metadata };
}

export interface TableListMeta {
  readonly resourceVersion?: string;
  readonly continue?: string;
  readonly remainingItemCount?: number;
}

export function toTable(
  convertor: TableConvertor,
  input: readonly StoredObject[],
  options: {
    readonly apiVersion: string;
    readonly includeObject: IncludeObject;
    readonly listMeta: TableListMeta;
    readonly noHeaders?: boolean;
  },
): Record<string, unknown> {
  const now = new Date();
  const metaVersion = options.apiVersion;
  const objects = convertor.compare ? [...input].sort(convertor.compare) : input;
  return {
    kind: "Table",
    apiVersion: metaVersion,
    metadata: options.listMeta,
    ...(options.noHeaders ? {} : { columnDefinitions: convertor.columns }),
    rows: objects.map((object) => ({
      cells: convertor.cells(object, now),
      ...(options.includeObject === "None"
        ? {}
        : {
            object: options.includeObject === "Object" ? object : partialObjectMetadata(object, metaVersion),
          }),
    })),
  };
}
