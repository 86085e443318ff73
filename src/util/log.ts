/**
 * Structured logging for every component: JSON lines on stderr (pino), with klog-style verbosity so
 * `--v=N` means what it means for Kubernetes components: 0 = important (info), 2 = useful steady-state
 * information, 4 = debug, 6+ = trace.
 */
import { pino, type Logger } from "pino";

export type { Logger };

let root: Logger = pino({ level: "info", base: { component: "skiff" } }, pino.destination(2));

export function levelForVerbosity(v: number): pino.Level {
  if (v >= 6) return "trace";
  if (v >= 4) return "debug";
  return "info";
}

/** Configure the process-wide logger once, from the command line (`--v`). */
export function configureLogging(options: { readonly verbosity: number }): Logger {
  root = pino({ level: levelForVerbosity(options.verbosity), base: { pid: process.pid } }, pino.destination(2));
  return root;
}

/** A child logger named after a component, e.g. `logger("storage")`. */
export function logger(component: string): Logger {
  return root.child({ component });
}
