/**
 * Opening a store from the server's `--datastore-endpoint`: empty means embedded SQLite in the data
 * directory; `http://host:port[,http://host:port…]` means etcd.
 */
import { join } from "node:path";
import { StorageError } from "./errors.js";
import type { Store } from "./types.js";
import { SqliteStore } from "./sqlite/index.js";
import { EtcdStore } from "./etcd/index.js";

export * from "./types.js";
export * from "./errors.js";
export { startCompactor } from "./compactor.js";
export { encodeJsonValue } from "./validation.js";
export type { Compactor, CompactorOptions } from "./compactor.js";

export const SQLITE_FILE_NAME = "state.db";

export interface OpenStoreOptions {
  /** Empty/absent: SQLite in `dataDir`. Otherwise comma-separated etcd endpoints (http:// or https://). */
  readonly endpoint?: string;
  readonly dataDir: string;
}

export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const endpoint = options.endpoint?.trim() ?? "";
  if (endpoint === "" || endpoint.startsWith("sqlite://")) {
    const file = endpoint === "" ? join(options.dataDir, "db", SQLITE_FILE_NAME) : endpoint.slice("sqlite://".length);
    return SqliteStore.open({ file });
  }
  const endpoints = endpoint.split(",").map((e) => e.trim());
  for (const e of endpoints) {
    if (!/^https?:\/\/[^/]+$/.test(e) && !/^https?:\/\/[^/]+\/$/.test(e)) {
      throw new StorageError(
        "Unavailable",
        `datastore endpoint ${JSON.stringify(e)} is not understood: use http://host:port for etcd, or leave it empty for embedded SQLite`,
      );
    }
  }
  return EtcdStore.open({ endpoints });
}
