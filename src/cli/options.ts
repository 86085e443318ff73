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

/** A Go-style duration as upstream flags take them ("40s", "500ms", "1m30s", "2h"), in milliseconds. */
export function parseDuration(value: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let match = part.exec(value); match; match = part.exec(value)) {
    total += Number(match[1]) * units[match[2]!]!;
    consumed = part.lastIndex;
  }
  if (value === "" || consumed !== value.length) {
    throw new InvalidArgumentError('expected a duration such as "40s", "500ms" or "1m30s"');
  }
  return Math.round(total);
}
