/**
 * bench:api helpers: an HTTPS client for the real `skiff server` (cluster CA + admin client certificate,
 * keep-alive agents), the Pod body the benchmark POSTs, closed-loop drivers and the server's RSS.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { Agent, request } from "node:https";
import { join } from "node:path";
import { nowMs } from "../report.js";

export interface Credentials {
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** The cluster CA and admin certificate a `skiff server` wrote to `<dataDir>/tls`. */
export function adminCredentials(dataDir: string): Credentials {
  const tls = join(dataDir, "tls");
  return {
    ca: readFileSync(join(tls, "ca.crt")),
    cert: readFileSync(join(tls, "admin.crt")),
    key: readFileSync(join(tls, "admin.key")),
  };
}

/** A keep-alive HTTPS agent with at most `maxSockets` connections (one per concurrent client). */
export function keepAliveAgent(creds: Credentials, maxSockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, ...creds });
}

export interface Response {
  readonly status: number;
  readonly body: string;
}

/** Thrown for a response outside 2xx (or a transport error), with the server's answer. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what}: HTTP ${status} ${body.slice(0, 300)}`);
  }
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly agent: Agent,
  ) {}

  /** One request; resolves with status and body (any status); rejects on transport errors. */
  send(method: string, path: string, body?: string, contentType = "application/json"): Promise<Response> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { Accept: "application/json" };
      if (body !== undefined) {
        headers["Content-Type"] = contentType;
        headers["Content-Length"] = String(Buffer.byteLength(body));
      }
      const req = request(`${this.baseUrl}${path}`, { method, agent: this.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(body);
    });
  }

  /** Like `send`, but a non-2xx status rejects with an HttpError. */
  async ok(method: string, path: string, body?: string, contentType?: string): Promise<Response> {
    const res = await this.send(method, path, body, contentType);
    if (res.status < 200 || res.status >= 300) throw new HttpError(res.status, res.body, `${method} ${path}`);
    return res;
  }

  createNamespace(name: string): Promise<Response> {
    return this.ok(
      "POST",
      "/api/v1/namespaces",
      JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name } }),
    );
  }
}

/**
 * The Pod JSON the benchmark POSTs: what `kubectl run web --image=… --port=8080 --labels=… --env=…` sends
 * (about 0.5 KB), plus resources; the server adds its defaults (~0.9 KB as returned).
 */
export function podBody(namespace: string, name: string): string {
  return JSON.stringify({
    kind: "Pod",
    apiVersion: "v1",
    metadata: {
      name,
      namespace,
      creationTimestamp: null,
      labels: { run: "web", app: "shop", tier: "frontend", "bench/client": name.slice(0, 12) },
    },
    spec: {
      containers: [
        {
          name: "web",
          image: "registry.example.com/shop/web:1.4.2",
          ports: [{ containerPort: 8080 }],
          env: [{ name: "LOG_LEVEL", value: "info" }],
          resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
        },
      ],
      restartPolicy: "Always",
      dnsPolicy: "ClusterFirst",
    },
    status: {},
  });
}

export const podsPath = (namespace: string): string => `/api/v1/namespaces/${namespace}/pods`;

export const pad = (n: number, width: number): string => String(n).padStart(width, "0");

/** Errors seen in a phase, by HTTP status (0 = transport error), with one sample message each. */
export class ErrorTally {
  readonly byStatus = new Map<number, { count: number; sample: string }>();
  total = 0;

  add(error: unknown): void {
    const status = error instanceof HttpError ? error.status : 0;
    const sample = error instanceof Error ? error.message : String(error);
    const entry = this.byStatus.get(status);
    if (entry === undefined) this.byStatus.set(status, { count: 1, sample });
    else entry.count++;
    this.total++;
  }

  toJSON(): Record<string, { count: number; sample: string }> {
    return Object.fromEntries([...this.byStatus].map(([s, e]) => [String(s), e]));
  }

  describe(): string {
    return [...this.byStatus].map(([s, e]) => `${e.count}× ${s === 0 ? "transport" : s}: ${e.sample}`).join("; ");
  }
}

/**
 * Closed loop: `clients` async loops, each issuing one request at a time until `seconds` have passed (ops in
 * flight at the deadline complete and count). Failed ops are tallied, not retried; the loop goes on.
 */
export async function closedLoop(
  clients: number,
  seconds: number,
  op: (client: number, seq: number) => Promise<void>,
  errors: ErrorTally,
): Promise<{ ops: number; elapsedMs: number }> {
  const start = nowMs();
  const deadline = start + seconds * 1000;
  let ops = 0;
  const loop = async (client: number): Promise<void> => {
    for (let seq = 0; nowMs() < deadline; seq++) {
      try {
        await op(client, seq);
        ops++;
      } catch (error) {
        errors.add(error);
        if (errors.total > 1000) return; // the server is broken; stop hammering it
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, c) => loop(c)));
  return { ops, elapsedMs: nowMs() - start };
}

/** Runs `op(i)` for i in 0..count-1 with `concurrency` loops; failed ops are tallied (stops after 1,000). */
export async function runCount(
  count: number,
  concurrency: number,
  op: (i: number) => Promise<void>,
  errors: ErrorTally,
): Promise<number> {
  const start = nowMs();
  let next = 0;
  const loop = async (): Promise<void> => {
    while (next < count && errors.total <= 1000) {
      const i = next++;
      try {
        await op(i);
      } catch (error) {
        errors.add(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, loop));
  return nowMs() - start;
}

/** Resident set size of a process in bytes (VmRSS from /proc/<pid>/status); undefined if unreadable. */
export async function rssBytes(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match === null ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}
