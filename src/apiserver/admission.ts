/**
 * Admission, as kube-apiserver runs it: mutating plugins see an object before the registry fills system
 * fields and validates it; validating plugins see the final object just before it is stored. Plugins (src/
 * admission) reject by throwing a StatusError (usually 403 Forbidden or 422 Invalid).
 */
import type { UserInfo } from "../auth/types.js";
import type { StoredObject } from "./object.js";

export type AdmissionOperation = "CREATE" | "UPDATE" | "DELETE";

export interface AdmissionAttributes {
  readonly operation: AdmissionOperation;
  readonly user: UserInfo;
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly resource: string;
  /** "" for the main resource; "status", "scale", "binding", … otherwise. */
  readonly subresource: string;
  readonly namespace: string;
  /** "" on a create whose name is generated later. */
  readonly name: string;
  readonly dryRun: boolean;
}

export interface AdmissionPlugin {
  readonly name: string;
  /** Mutating phase (CREATE, UPDATE): may change `object` in place. `old` is the stored object on UPDATE. */
  admit?(attributes: AdmissionAttributes, object: StoredObject, old: StoredObject | undefined): void | Promise<void>;
  /** Validating phase (CREATE, UPDATE, DELETE — where `object` is the object being deleted). */
  validate?(attributes: AdmissionAttributes, object: StoredObject, old: StoredObject | undefined): void | Promise<void>;
}

/** What the registry calls during one write: the plugin chain bound to this request's attributes. */
export interface AdmissionHooks {
  mutate(object: StoredObject, old: StoredObject | undefined): Promise<void>;
  validate(object: StoredObject, old: StoredObject | undefined): Promise<void>;
}

export function admissionHooks(
  plugins: readonly AdmissionPlugin[],
  attributes: Omit<AdmissionAttributes, "name">,
): AdmissionHooks | undefined {
  if (plugins.length === 0) return undefined;
  const attrs = (object: StoredObject): AdmissionAttributes => ({ ...attributes, name: object.metadata.name ?? "" });
  return {
    async mutate(object, old) {
      for (const p of plugins) await p.admit?.(attrs(object), object, old);
    },
    async validate(object, old) {
      for (const p of plugins) await p.validate?.(attrs(object), object, old);
    },
  };
}
