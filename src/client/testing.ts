/**
 * Test helpers for anything built on the client: a real API server on loopback over SQLite with a client and an
 * informer factory pointed at it, and `eventually` for asserting convergence without timed assertions.
 */
import { startTestApiServer, type TestApiServer } from "../apiserver/testing.js";
import type { ApiServerOptions } from "../apiserver/index.js";
import { createInformerFactory } from "./informer.js";
import { createClient } from "./rest.js";
import type { Client, InformerFactory } from "./types.js";

export interface TestCluster {
  readonly url: string;
  readonly client: Client;
  readonly informers: InformerFactory;
  readonly api: TestApiServer;
  /** Stops the informers, closes the client and the server (and removes its store). */
  close(): Promise<void>;
}

/** `apiServer` options pass through to `startTestApiServer` (e.g. a shorter watch bookmark interval). */
export async function startTestCluster(options: { apiServer?: Partial<ApiServerOptions> } = {}): Promise<TestCluster> {
  const api = await startTestApiServer(options.apiServer);
  const client = createClient({ url: api.url, userAgent: "test" });
  const informers = createInformerFactory(client);
  return {
    url: api.url,
    client,
    informers,
    api,
    async close() {
      informers.stop();
      client.close();
      await api.close();
    },
  };
}

export interface EventuallyOptions {
  /** Default 10 s. */
  readonly timeoutMs?: number;
  /** Default 20 ms. */
  readonly intervalMs?: number;
  readonly message?: string;
}

/**
 * Polls `fn` until it returns a truthy value without throwing, and resolves with that value; on timeout throws
 * an Error naming `message` and the last error (or the last falsy value).
 */
export async function eventually<T>(
  fn: () => T | Promise<T>,
  options: EventuallyOptions = {},
): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 20;
  const deadline = Date.now() + timeoutMs;
  let last: string;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value as NonNullable<T>;
      last = `last value: ${String(value)}`;
    } catch (error) {
      last = `last error: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (Date.now() >= deadline) {
      throw new Error(`${options.message ?? "condition not met"} within ${timeoutMs} ms (${last})`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
