/** Option parsers and defaults shared by the `skiff` subcommands. */
import { InvalidArgumentError } from "commander";
import { homedir } from "node:os";
import { join } from "node:path";

export function parseNonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError("expected a non-negative whole number");
  return n;
}

export function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError("expected a port, 0 to 65535");
  return n;
}

/** Like k3s: /var/lib/skiff as root, ~/.skiff otherwise. */
export function defaultDataDir(): string {
  return process.getuid?.() === 0 ? "/var/lib/skiff" : join(homedir(), ".skiff");
}
