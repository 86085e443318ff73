// Placeholder: replaced by the real backend.
import { StorageError } from "../errors.js";
import type { Store } from "../types.js";

export interface EtcdStoreOptions {
  readonly endpoints: string[];
}

export const EtcdStore = {
  async open(_options: EtcdStoreOptions): Promise<Store> {
    throw new StorageError("Unavailable", "etcd backend not built yet");
  },
};
