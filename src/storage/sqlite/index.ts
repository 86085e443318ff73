// Placeholder: replaced by the real backend.
import { StorageError } from "../errors.js";
import type { Store } from "../types.js";

export interface SqliteStoreOptions {
  readonly file: string;
}

export const SqliteStore = {
  async open(_options: SqliteStoreOptions): Promise<Store> {
    throw new StorageError("Unavailable", "sqlite backend not built yet");
  },
};
