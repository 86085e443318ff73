/**
 * /healthz, /livez and /readyz in kube-apiserver's format: "ok" (200) or, with `?verbose`, one
 * "[+]name ok" / "[-]name failed: reason withheld" line per check, then "<endpoint> check passed|failed".
 */
import type { IncomingMessage, ServerResponse } from "node:http";

export interface HealthCheck {
  readonly name: string;
  /** Resolves when healthy; rejects (or resolves with a message) when not. */
  check(): Promise<string | void>;
}

export type HealthEndpoint = "healthz" | "livez" | "readyz";

export async function serveHealth(
  endpoint: HealthEndpoint,
  checks: readonly HealthCheck[],
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const only = url.pathname.split("/")[2]; // e.g. /readyz/etcd checks just one
  const selected = only ? checks.filter((c) => c.name === only) : checks;
  if (only && selected.length === 0) {
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("404 page not found\n");
    return;
  }
  const results = await Promise.all(
    selected.map(async (c) => {
      try {
        const problem = await c.check();
        return { name: c.name, ok: problem === undefined, problem };
      } catch (error) {
        return { name: c.name, ok: false, problem: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
  const ok = results.every((r) => r.ok);
  const lines = results.map((r) => (r.ok ? `[+]${r.name} ok` : `[-]${r.name} failed: reason withheld`));
  const verbose = url.searchParams.has("verbose") || !ok;
  const body = verbose ? `${lines.join("\n")}\n${endpoint} check ${ok ? "passed" : "failed"}\n` : "ok";
  res
    .writeHead(ok ? 200 : 500, {
      "content-type": "text/plain; charset=utf-8",
      "x-content-type-options": "nosniff",
      "cache-control": "no-cache, private",
    })
    .end(body);
}
