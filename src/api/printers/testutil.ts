// Shared fixtures for the printer tests: a fixed clock and timestamps relative to it.
import type { TableCell, TablePrinter } from "./types.js";

export const NOW = new Date("2026-01-01T12:00:00Z");

/** An RFC 3339 timestamp `seconds` before NOW. */
export function ago(seconds: number): string {
  return new Date(NOW.getTime() - seconds * 1000).toISOString().replace(".000Z", "Z");
}

/** The cells of one object at NOW. */
export function cellsOf(printer: TablePrinter, obj: object): TableCell[] {
  return printer.cells(obj, NOW);
}

/** The cells of the columns shown without `-o wide` (priority 0). */
export function narrowCells(printer: TablePrinter, obj: object): TableCell[] {
  const cells = printer.cells(obj, NOW);
  return cells.filter((_, i) => (printer.columns[i]?.priority ?? 0) === 0);
}

/** The upper-cased header kubectl prints, without -o wide. */
export function header(printer: TablePrinter, wide = false): string[] {
  return printer.columns.filter((c) => wide || c.priority === 0).map((c) => c.name.toUpperCase());
}
