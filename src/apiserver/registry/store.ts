/**
 * The generic registry over the datastore, like upstream's generic registry Store
 * (staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go): create, get, update (guaranteed,
 * retried on conflicts), graceful and finalizer-aware delete, deletecollection, and list with pagination.
 * Per-resource behaviour comes from a `Strategy`.
 */
import type { KeyValue, Store } from "../../storage/types.js";
import { logger } from "../../util/log.js";
import type { AdmissionHooks } from "../admission.js";
import { isStorageError } from "../../storage/errors.js";
import { encodeJsonValue, jsonValueOf } from "../../storage/validation.js";
import { rememberJson } from "../encoded.js";
import type { ResourceType } from "../../api/resources/types.js";
import {
  alreadyExists,
  badRequest,
  conflict,
  forbidden,
  fromStorageError,
  invalid,
  isStatusError,
  notFound,
  type FieldError,
  type QualifiedResource,
  type StatusError,
} from "../../api/status.js";
import {
  apiVersionOf,
  clone,
  isPlainObject,
  jsonEqual,
  type KubeObject,
  type ObjectMeta,
  type StoredObject,
} from "../object.js";
import type { Strategy } from "./strategy.js";
import { applyDefaults } from "../../api/defaults/index.js";
import { trackedManagedFields, type ManagedFieldsEntry } from "../../api/apply/index.js";
import { validateObject } from "../../api/validation/index.js";
import { checkMetadataTypes } from "../handlers/metadata.js";
import { forStorage, generateName, newUid, rfc3339, specOf } from "./meta.js";
import { convertObject, storageVersionFor } from "../../api/conversion/index.js";

export interface DeleteOptionsBody {
  readonly gracePeriodSeconds?: number;
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
  readonly propagationPolicy?: string;
  readonly orphanDependents?: boolean;
}

export interface DeleteOutcome {
  readonly object: StoredObject;
  /** False when the object remains, terminating (finalizers or a grace period). */
  readonly deleted: boolean;
}

/** Looks up a namespace object (for "namespace must exist" on create). */
export type NamespaceLookup = (name: string) => Promise<StoredObject | undefined>;

const MAX_UPDATE_ATTEMPTS = 16;
const log = logger("apiserver.registry");
const KEYABLE = /^[\x21-\x2e\x30-\x7e]+$/;
/**
 * What a registry knows of a value it encoded: the object, and its served JSON around the resourceVersion.
 * Decoding that value (the write's answer, the watch cache's event) then needs no parse nor stringify.
 */
interface EncodedValue {
  readonly object: StoredObject;
  readonly head: string;
  readonly tail: string;
}
const encodings = new WeakMap<Buffer, EncodedValue>();
/** Conversions of watch-cache objects by apiVersion, shared by every request (and freed with the object). */
const converted = new WeakMap<StoredObject, Map<string, StoredObject>>();

/** Where an update may read the current object first: the resource's watch cache (served JSON + revision). */
export interface CurrentObjects {
  getCached(key: string): { readonly json: Buffer; readonly revision: number } | undefined;
}

export class RegistryStore {
  readonly qualified: QualifiedResource;
  readonly groupKind: { readonly group: string; readonly kind: string };
  readonly apiVersion: string;
  readonly gvk: { readonly group: string; readonly version: string; readonly kind: string };
  /**
   * The apiVersion objects are stored in when the storage prefix is shared by convertible versions (HPAs,
   * Events); undefined for every other resource (no conversion at all on their paths).
   */
  readonly storageVersion: string | undefined;
  /** Objects are stored in the version this registry serves (no storage prefix shared, or it is the storage version). */
  private readonly storesOwnVersion: boolean;
  private readonly root: string;
  private cache: CurrentObjects | undefined;

  constructor(
    readonly type: ResourceType,
    readonly strategy: Strategy,
    readonly store: Store,
    private readonly namespaceLookup: NamespaceLookup,
  ) {
    this.qualified = { group: type.group, resource: type.resource };
    this.groupKind = { group: type.group, kind: type.kind };
    this.apiVersion = apiVersionOf(type.group, type.version);
    this.gvk = { group: type.group, version: type.version, kind: type.kind };
    this.root = `/registry/${type.storage.group || "core"}/${type.storage.resource}/`;
    this.storageVersion = storageVersionFor(type.storage.group, type.storage.resource);
    this.storesOwnVersion = this.storageVersion === undefined || this.storageVersion === this.apiVersion;
  }

  /**
   * Lets updates start from the watch cache's copy of the object instead of reading the datastore, as
   * upstream's GuaranteedUpdate does with the cached object: a stale copy fails the write's revision guard
   * (or the request's resourceVersion precondition) and the update re-reads the datastore.
   */
  readCurrentFrom(current: CurrentObjects): void {
    // A registry serving another version than the stored one (HPA v1, events.k8s.io) reads the datastore.
    if (this.storesOwnVersion) this.cache = current;
  }

  /**
   * The object at `key` (404 when there is none): the watch cache's copy when `fromCache` and it has one
   * (`cached`: it may be behind), else the datastore's.
   */
  private async readCurrent(key: string, name: string, fromCache: boolean): Promise<{ kv: KeyValue; cached: boolean }> {
    const item = fromCache ? this.cache?.getCached(key) : undefined;
    if (item) return { kv: { key, value: item.json, modRevision: item.revision, createRevision: 0 }, cached: true };
    let kv: KeyValue | undefined;
    try {
      kv = await this.store.get(key);
    } catch (error) {
      throw this.storageError(error, name);
    }
    if (!kv) throw notFound(this.qualified, name);
    return { kv, cached: false };
  }

  /** The list/watch prefix: the whole resource, or one namespace of it. */
  prefix(namespace: string): string {
    return this.type.namespaced && namespace ? `${this.root}${namespace}/` : this.root;
  }

  /**
   * Names no stored object can have (not printable ASCII, or containing "/"), which the datastore would
   * refuse as keys: reads and writes of them are simply "not found".
   */
  private checkKeyable(namespace: string, name: string): void {
    if (!KEYABLE.test(name) || (namespace !== "" && !KEYABLE.test(namespace))) throw notFound(this.qualified, name);
  }

  key(namespace: string, name: string): string {
    return this.type.namespaced ? `${this.root}${namespace}/${name}` : `${this.root}${name}`;
  }

  /** A stored value as the API serves it: resourceVersion from the revision, kind and apiVersion set. */
  decode = (kv: KeyValue): StoredObject => this.decodeAs(kv, this.apiVersion);

  /** A stored value in the storage version (what the watch cache holds); `decode` for other resources. */
  decodeStored = (kv: KeyValue): StoredObject => this.decodeAs(kv, this.storageVersion ?? this.apiVersion);

  private decodeAs(kv: KeyValue, apiVersion: string): StoredObject {
    const encoded = this.storesOwnVersion ? encodings.get(kv.value) : undefined;
    if (encoded) return this.served(encoded, kv.modRevision);
    let object = JSON.parse(kv.value.toString("utf8")) as StoredObject;
    object.apiVersion ??= this.storageVersion ?? this.apiVersion;
    object.kind ??= this.type.kind;
    if (this.storageVersion !== undefined) object = convertObject(object, apiVersion);
    object.metadata = { ...(object.metadata ?? {}), resourceVersion: String(kv.modRevision) };
    return object;
  }

  /**
   * An object from the watch cache (storage version) as this registry serves it: the same object for
   * resources without conversion, else its conversion (memoized, so N watchers or lists convert once).
   */
  output = (object: StoredObject): StoredObject => {
    if (this.storageVersion === undefined || object.apiVersion === this.apiVersion) return object;
    let byVersion = converted.get(object);
    if (!byVersion) {
      byVersion = new Map();
      converted.set(object, byVersion);
    }
    let out = byVersion.get(this.apiVersion);
    if (!out) {
      out = convertObject(object, this.apiVersion);
      byVersion.set(this.apiVersion, out);
    }
    return out;
  };

  /** `object` as served at `revision`: resourceVersion set (last in metadata, as encode() expects), no selfLink. */
  private atRevision(object: StoredObject, revision: number): StoredObject {
    const { resourceVersion: _rv, selfLink: _sl, ...metadata } = object.metadata;
    return { ...object, metadata: { ...metadata, resourceVersion: String(revision) } };
  }

  /** An object this registry encoded, as served at `revision`, with its served JSON remembered. */
  private served(encoded: EncodedValue, revision: number): StoredObject {
    const out = this.atRevision(encoded.object, revision);
    rememberJson(out, `${encoded.head}${revision}${encoded.tail}`);
    return out;
  }

  /**
   * What a write answers: the object just encoded, with the new resourceVersion. Without conversion this is
   * `decode(kv)` without parsing back the JSON we just wrote (the answer is serialized the same way).
   */
  private written(object: StoredObject, kv: KeyValue, value?: Buffer): StoredObject {
    const encoded = value && encodings.get(value);
    if (encoded) return this.served(encoded, kv.modRevision);
    if (this.storageVersion !== undefined) return this.decode(kv);
    const typed = { ...object, apiVersion: object.apiVersion ?? this.apiVersion, kind: object.kind ?? this.type.kind };
    return this.atRevision(typed, kv.modRevision);
  }

  private encode(object: StoredObject): Buffer {
    if (this.storageVersion !== undefined && (!this.storesOwnVersion || object.apiVersion !== this.storageVersion)) {
      return encodeJsonValue(forStorage(convertObject(object, this.storageVersion)));
    }
    if (object.apiVersion === undefined || object.kind === undefined) return encodeJsonValue(forStorage(object));
    // The stored JSON, written so that the served JSON (the same plus metadata.resourceVersion, appended as
    // written() appends it) is known around the revision the write will get.
    const stored = forStorage(object);
    let before = "{";
    let meta = "";
    let after = "";
    for (const k of Object.keys(stored)) {
      const json = JSON.stringify(stored[k]);
      if (json === undefined) continue;
      const field = `${before === "{" && meta === "" ? "" : ","}${JSON.stringify(k)}:`;
      if (k === "metadata") {
        before += field;
        meta = json;
      } else if (meta === "") before += field + json;
      else after += field + json;
    }
    const value = jsonValueOf(`${before}${meta}${after}}`);
    encodings.set(value, {
      object,
      head: `${before}${meta.slice(0, -1)}${meta === "{}" ? "" : ","}"resourceVersion":"`,
      tail: `"}${after}}`,
    });
    return value;
  }

  private storageError(error: unknown, name: string): StatusError | unknown {
    return isStorageError(error) ? fromStorageError(error, this.qualified, name) : error;
  }

  async get(namespace: string, name: string): Promise<StoredObject> {
    this.checkKeyable(namespace, name);
    let kv: KeyValue | undefined;
    try {
      kv = await this.store.get(this.key(namespace, name));
    } catch (error) {
      throw this.storageError(error, name);
    }
    if (!kv) throw notFound(this.qualified, name);
    return this.decode(kv);
  }

  /** Runs the strategy's afterDelete hook; its failures are logged, never returned to the client. */
  private async deleted(object: StoredObject): Promise<void> {
    try {
      await this.strategy.afterDelete?.(object);
    } catch (err) {
      log.error({ err, resource: this.type.resource, name: object.metadata.name }, "afterDelete hook failed");
    }
  }

  /** Common checks on a body's metadata against the request path. */
  private checkNamespace(object: KubeObject, namespace: string): void {
    const given = object.metadata?.namespace;
    if (this.type.namespaced) {
      if (given && given !== namespace) {
        throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
      }
    }
  }

  /** Type validation from src/api/validation (metadata included) plus the strategy's own rules → 422. */
  private async validate(object: StoredObject, old: StoredObject | undefined): Promise<void> {
    checkMetadataTypes(object.metadata, this.type.kind);
    const errors: FieldError[] = [
      ...validateObject(this.gvk, object, old),
      ...(await this.strategy.validate(object, old)),
    ];
    if (errors.length > 0) throw invalid(this.groupKind, object.metadata.name ?? "", errors);
  }

  /** Creates an object from `body`, which it takes over: callers hand in a fresh object and drop it. */
  async create(
    namespace: string,
    body: KubeObject,
    options: { readonly dryRun: boolean; readonly admission?: AdmissionHooks; readonly fieldManager?: string },
  ): Promise<StoredObject> {
    this.checkNamespace(body, namespace);
    const object = body as StoredObject;
    object.apiVersion = this.apiVersion;
    object.kind = this.type.kind;
    const metadata: ObjectMeta = { ...(isPlainObject(object.metadata) ? object.metadata : {}) };
    object.metadata = metadata;
    if (this.type.namespaced) metadata.namespace = namespace;
    else delete metadata.namespace;
    applyDefaults(this.gvk, object);
    // managedFields: every field the creating manager set (upstream records them after defaulting).
    if (options.fieldManager) {
      setManagedFields(
        object,
        trackedManagedFields({
          live: undefined,
          updated: object,
          manager: options.fieldManager,
          gvk: this.gvk,
          now: new Date(),
        }),
      );
    }
    await options.admission?.mutate(object, undefined);

    if (!metadata.name) {
      if (!metadata.generateName) {
        throw invalid(this.groupKind, "", [
          { type: "FieldValueRequired", field: "metadata.name", detail: "name or generateName is required" },
        ]);
      }
      metadata.name = generateName(metadata.generateName);
    }
    const name = metadata.name;
    // System fields (upstream's rest.BeforeCreate / FillObjectMetaSystemFields).
    metadata.uid = newUid();
    metadata.creationTimestamp = rfc3339(new Date());
    delete metadata.resourceVersion;
    delete metadata.deletionTimestamp;
    delete metadata.deletionGracePeriodSeconds;
    delete metadata.selfLink;
    await this.strategy.prepareForCreate(object, { dryRun: options.dryRun });
    try {
      return await this.finishCreate(object, namespace, name, options);
    } catch (error) {
      if (!options.dryRun && this.strategy.createFailed) {
        await Promise.resolve(this.strategy.createFailed(object)).catch((err: unknown) =>
          log.error({ err, resource: this.type.resource, name }, "createFailed hook failed"),
        );
      }
      throw error;
    }
  }

  private async finishCreate(
    object: StoredObject,
    namespace: string,
    name: string,
    options: { readonly dryRun: boolean; readonly admission?: AdmissionHooks },
  ): Promise<StoredObject> {
    const metadata = object.metadata;
    if (this.strategy.generation) metadata.generation = 1;
    else delete metadata.generation;
    await this.validate(object, undefined);
    await options.admission?.validate(object, undefined);

    if (this.type.namespaced) {
      const ns = await this.namespaceLookup(namespace);
      if (!ns) throw notFound({ group: "", resource: "namespaces" }, namespace);
      if (ns.metadata.deletionTimestamp) {
        throw forbidden(
          this.qualified,
          name,
          `unable to create new content in namespace ${namespace} because it is being terminated`,
        );
      }
    }
    if (options.dryRun) {
      if (await this.exists(namespace, name)) throw alreadyExists(this.qualified, name);
      return object;
    }
    try {
      const value = this.encode(object);
      return this.written(object, await this.store.create(this.key(namespace, name), value), value);
    } catch (error) {
      throw this.storageError(error, name);
    }
  }

  private async exists(namespace: string, name: string): Promise<boolean> {
    return (await this.store.get(this.key(namespace, name))) !== undefined;
  }

  /**
   * Read-modify-write (upstream's GuaranteedUpdate): `mutate` gets a private copy of the current object and
   * returns the desired one. A resourceVersion in the result is a precondition (409 on mismatch). A datastore
   * conflict (someone wrote in between) re-reads and runs `mutate` again, so a patch without a resourceVersion
   * lands on the fresh object while a PUT or patch carrying the old resourceVersion fails the precondition.
   * No-op writes return the stored object unchanged.
   */
  async update(
    namespace: string,
    name: string,
    mutate: (current: StoredObject) => StoredObject | Promise<StoredObject>,
    options: {
      readonly dryRun: boolean;
      readonly subresource?: string;
      readonly admission?: AdmissionHooks;
      /** Records the fields this write changed under this manager (absent for apply and internal writes). */
      readonly fieldManager?: string;
    },
  ): Promise<StoredObject> {
    this.checkKeyable(namespace, name);
    const key = this.key(namespace, name);
    for (let attempt = 0; ; attempt++) {
      const { kv, cached } = await this.readCurrent(key, name, attempt === 0);
      const current = this.decode(kv);
      // A private copy for `mutate`: decoding the bytes again is cheaper than cloning the object.
      const desired = await mutate(this.decode(kv));
      if (!isPlainObject(desired) || !isPlainObject(desired.metadata)) throw badRequest("the object has no metadata");
      // Defaults as on decode; /finalize only carries spec.finalizers (which defaulting must not refill).
      if (options.subresource !== "finalize") applyDefaults(this.gvk, desired);
      if (options.fieldManager) {
        setManagedFields(
          desired,
          trackedManagedFields({
            live: current,
            updated: desired,
            manager: options.fieldManager,
            gvk: this.gvk,
            now: new Date(),
            subresource: options.subresource,
          }),
        );
      }
      await options.admission?.mutate(desired, current);
      const precondition = desired.metadata.resourceVersion;
      if (precondition && precondition !== current.metadata.resourceVersion) {
        if (cached) continue; // the cache may be behind: decide on the datastore's copy
        throw conflict(this.qualified, name);
      }
      const next = await this.finishUpdate(desired, current, options.subresource ?? "", options.dryRun);
      await options.admission?.validate(next, current);
      if (jsonEqual(forStorage(next), forStorage(current))) return current;

      // Removing the last finalizer of an object being deleted (with no grace period left) deletes it.
      const md = next.metadata;
      if (
        md.deletionTimestamp &&
        (md.finalizers ?? []).length === 0 &&
        !md.deletionGracePeriodSeconds &&
        specFinalizers(next).length === 0
      ) {
        if (options.dryRun) return next;
        try {
          await this.store.delete(key, kv.modRevision);
          await this.deleted(next);
          return next;
        } catch (error) {
          if (isStorageError(error, "Conflict") && attempt < MAX_UPDATE_ATTEMPTS) continue;
          throw this.storageError(error, name);
        }
      }
      if (options.dryRun) return next;
      try {
        const value = this.storesOwnVersion ? this.encode(next) : this.encodeUpdate(next, desired, kv, options);
        return this.written(next, await this.store.update(key, value, kv.modRevision), value);
      } catch (error) {
        if (isStorageError(error, "Conflict") && attempt < MAX_UPDATE_ATTEMPTS) continue;
        throw this.storageError(error, name);
      }
    }
  }

  /**
   * An update of a converted resource in the storage version. Like upstream, which keeps the old status (main
   * resource) or takes the new one (/status) in internal form, status moves between storage-version objects,
   * so what a version cannot express (v2-only metric statuses, conditions) is neither lost nor taken from the
   * old object's round-trip annotations.
   */
  private encodeUpdate(
    next: StoredObject,
    desired: StoredObject,
    kv: KeyValue,
    options: { readonly subresource?: string },
  ): Buffer {
    const storageVersion = this.storageVersion!;
    const stored = convertObject(next, storageVersion);
    const subresource = options.subresource ?? "";
    if (this.strategy.statusSubresource && (subresource === "" || subresource === "status") && next !== stored) {
      if (subresource === "") {
        const old = this.decodeStored(kv);
        if (old.status === undefined) delete stored.status;
        else stored.status = old.status;
      } else {
        const written = convertObject<StoredObject>(
          { ...desired, apiVersion: this.apiVersion, kind: this.type.kind },
          storageVersion,
        );
        if (written.status === undefined) delete stored.status;
        else stored.status = written.status;
      }
    }
    return encodeJsonValue(forStorage(stored));
  }

  /** System fields and status handling for an update (upstream's BeforeUpdate + strategies). */
  private async finishUpdate(
    desired: StoredObject,
    current: StoredObject,
    subresource: string,
    dryRun: boolean,
  ): Promise<StoredObject> {
    const name = current.metadata.name ?? "";
    let next: StoredObject;
    if (subresource === "status") {
      // Status writes change only status (ResetObjectMetaForStatus keeps the stored metadata).
      next = { ...current, status: desired.status };
      // The status writer's ownership is recorded on the object (upstream keeps managedFields here).
      if (desired.metadata.managedFields !== undefined) {
        next.metadata = { ...current.metadata, managedFields: desired.metadata.managedFields };
      }
    } else if (subresource === "finalize") {
      // namespaces/NAME/finalize changes only spec.finalizers (upstream's FinalizeREST).
      const spec = isPlainObject(current.spec) ? current.spec : {};
      const finalizers = isPlainObject(desired.spec) ? desired.spec.finalizers : undefined;
      next = { ...current, spec: { ...spec, finalizers } };
      if (finalizers === undefined) delete (next.spec as Record<string, unknown>).finalizers;
    } else {
      next = { ...desired, apiVersion: current.apiVersion, kind: current.kind };
      // Main-resource writes keep the stored status; internal writes (scale, binding) may set anything.
      if (this.strategy.statusSubresource && subresource === "") {
        if (current.status === undefined) delete next.status;
        else next.status = current.status;
      }
      if (desired.metadata.name !== undefined && desired.metadata.name !== name) {
        throw badRequest(
          `the name of the object (${desired.metadata.name}) does not match the name on the URL (${name})`,
        );
      }
      const given = desired.metadata.namespace;
      if (this.type.namespaced && given && given !== current.metadata.namespace) {
        throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
      }
      const old = current.metadata;
      const oldFinalizers = Array.isArray(old.finalizers) ? old.finalizers : [];
      const newFinalizers = (Array.isArray(desired.metadata.finalizers) ? desired.metadata.finalizers : []).filter(
        (f) => !oldFinalizers.includes(f),
      );
      if (old.deletionTimestamp && newFinalizers.length > 0) {
        throw invalid(this.groupKind, name, [
          {
            type: "FieldValueForbidden",
            field: "metadata.finalizers",
            detail: `no new finalizers can be added if the object is being deleted, found new finalizers []string{${newFinalizers.map((f) => JSON.stringify(f)).join(", ")}}`,
          },
        ]);
      }
      next.metadata = {
        ...desired.metadata,
        name,
        ...(this.type.namespaced ? { namespace: old.namespace } : {}),
        uid: old.uid,
        creationTimestamp: old.creationTimestamp,
      };
      if (!this.type.namespaced) delete next.metadata.namespace;
      for (const f of ["deletionTimestamp", "deletionGracePeriodSeconds", "generation"] as const) {
        if (old[f] === undefined) delete next.metadata[f];
        else (next.metadata as Record<string, unknown>)[f] = old[f];
      }
      await this.strategy.prepareForUpdate(next, current, { dryRun });
      if (old.generation !== undefined && !jsonEqual(specOf(next), specOf(current))) {
        next.metadata.generation = old.generation + 1;
      }
    }
    next.metadata = { ...next.metadata, resourceVersion: current.metadata.resourceVersion };
    // Binding is an internal write of spec.nodeName that upstream makes without the pod update rules.
    if (subresource !== "binding") await this.validate(next, current);
    return next;
  }

  /**
   * DELETE (upstream's Store.Delete): preconditions, the grace period, GC finalizers from the propagation
   * policy; an object with finalizers or a grace period is marked (deletionTimestamp) and kept.
   */
  async delete(
    namespace: string,
    name: string,
    options: DeleteOptionsBody,
    dryRun: boolean,
    admission?: AdmissionHooks,
  ): Promise<DeleteOutcome> {
    this.checkKeyable(namespace, name);
    const key = this.key(namespace, name);
    for (let attempt = 0; ; attempt++) {
      const { kv } = await this.readCurrent(key, name, false);
      const current = this.decode(kv);
      const md = current.metadata;
      const pre = options.preconditions;
      if (pre?.uid && pre.uid !== md.uid) {
        throw conflict(
          this.qualified,
          name,
          `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${md.uid ?? ""}`,
        );
      }
      if (pre?.resourceVersion && pre.resourceVersion !== md.resourceVersion) {
        throw conflict(
          this.qualified,
          name,
          `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${md.resourceVersion ?? ""}`,
        );
      }
      if (attempt === 0) await admission?.validate(current, current);
      const grace = this.strategy.gracePeriodSeconds(current, options.gracePeriodSeconds);
      const existing = Array.isArray(md.finalizers) ? md.finalizers : [];
      const finalizers = this.strategy.garbageCollection ? gcFinalizers(existing, options) : [...existing];
      const terminating = md.deletionTimestamp !== undefined;
      let outcome: DeleteOutcome;
      try {
        if (this.strategy.namespaceLifecycle && !terminating) {
          // Namespaces (upstream's namespace REST Delete): the first delete only starts termination; the
          // namespace controller empties it, clears spec.finalizers (/finalize) and that removes it.
          const next = clone(current);
          next.metadata.deletionTimestamp = rfc3339(new Date());
          next.metadata.deletionGracePeriodSeconds = 0;
          if (finalizers.length > 0) next.metadata.finalizers = finalizers;
          next.status = { ...(isPlainObject(current.status) ? current.status : {}), phase: "Terminating" };
          if (dryRun) return { object: next, deleted: false };
          const kv2 = await this.store.update(key, this.encode(next), kv.modRevision);
          return { object: this.decode(kv2), deleted: false };
        }
        if (this.strategy.namespaceLifecycle && specFinalizers(current).length > 0) {
          throw conflict(
            this.qualified,
            name,
            "The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.",
          );
        }
        if (finalizers.length > 0 || (grace > 0 && !(terminating && (md.deletionGracePeriodSeconds ?? 0) <= grace))) {
          const next = clone(current);
          const wasGrace = terminating ? (md.deletionGracePeriodSeconds ?? 0) : Infinity;
          const effective = Math.min(grace, wasGrace);
          next.metadata.finalizers = finalizers.length > 0 ? finalizers : undefined;
          if (next.metadata.finalizers === undefined) delete next.metadata.finalizers;
          if (!terminating || effective < wasGrace) {
            next.metadata.deletionTimestamp = rfc3339(new Date(Date.now() + effective * 1000));
            next.metadata.deletionGracePeriodSeconds = effective;
          }
          if (jsonEqual(next, current) || dryRun) return { object: next, deleted: false };
          outcome = {
            object: this.decode(await this.store.update(key, this.encode(next), kv.modRevision)),
            deleted: false,
          };
        } else if (terminating && grace > 0) {
          return { object: current, deleted: false };
        } else {
          if (dryRun) return { object: current, deleted: true };
          await this.store.delete(key, kv.modRevision);
          await this.deleted(current);
          outcome = { object: current, deleted: true };
        }
      } catch (error) {
        if (isStorageError(error, "Conflict") && attempt < MAX_UPDATE_ATTEMPTS) continue;
        if (isStatusError(error)) throw error;
        throw this.storageError(error, name);
      }
      return outcome;
    }
  }
}

/** A namespace's spec.finalizers (empty for every other kind). */
function specFinalizers(object: StoredObject): unknown[] {
  const spec = object.spec;
  return isPlainObject(spec) && Array.isArray(spec.finalizers) ? spec.finalizers : [];
}

/** The finalizers after applying a propagation policy (upstream's deletionFinalizersForGarbageCollection). */
function gcFinalizers(existing: readonly string[], options: DeleteOptionsBody): string[] {
  const policy = options.propagationPolicy ?? (options.orphanDependents === true ? "Orphan" : undefined);
  const out = existing.filter((f) => f !== "orphan" && f !== "foregroundDeletion");
  if (policy === "Orphan") out.push("orphan");
  else if (policy === "Foreground") out.push("foregroundDeletion");
  else if (policy === undefined) {
    // No policy: keep what was there.
    return [...existing];
  }
  return out;
}

function setManagedFields(object: StoredObject, managedFields: ManagedFieldsEntry[] | undefined): void {
  if (managedFields === undefined) delete object.metadata.managedFields;
  else object.metadata.managedFields = managedFields as NonNullable<StoredObject["metadata"]["managedFields"]>;
}
