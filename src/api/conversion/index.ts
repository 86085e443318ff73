/**
 * Conversion between the API versions of resources served in several versions over one storage prefix
 * (upstream converts through internal types; these are the external-to-external equivalents). Objects are
 * stored in the storage version and converted to the version of the request's URL on the way out.
 */
import { eventToCoreV1, eventToEventsV1 } from "./event.js";
import { hpaToV1, hpaToV2 } from "./hpa.js";

export interface Convertible {
  apiVersion?: string;
  kind?: string;
  [field: string]: unknown;
}

type Converter = (object: Record<string, unknown>) => Record<string, unknown>;

/** kind → apiVersion → converter producing that apiVersion from any other one. */
const CONVERTERS: Record<string, Record<string, Converter>> = {
  HorizontalPodAutoscaler: { "autoscaling/v1": hpaToV1, "autoscaling/v2": hpaToV2 },
  Event: { v1: eventToCoreV1, "events.k8s.io/v1": eventToEventsV1 },
};

/** Storage versions by storage prefix (`<group or "core">/<resource>`), as upstream's storage encoding. */
const STORAGE_VERSIONS: Record<string, string> = {
  "autoscaling/horizontalpodautoscalers": "autoscaling/v2",
  "core/events": "v1",
};

/** The apiVersion objects of a storage prefix are stored in, when it serves several convertible versions. */
export function storageVersionFor(group: string, resource: string): string | undefined {
  return STORAGE_VERSIONS[`${group || "core"}/${resource}`];
}

/** Whether `convertObject` can produce `apiVersion` for `kind`. */
export function canConvert(kind: string, apiVersion: string): boolean {
  return CONVERTERS[kind]?.[apiVersion] !== undefined;
}

/**
 * `object` in `toApiVersion` (a new object; the input is not modified, nested values may be shared). Objects
 * already in that version, or of kinds/versions without a conversion, are returned as they are.
 */
export function convertObject<T extends Convertible>(object: T, toApiVersion: string): T {
  if (object.apiVersion === toApiVersion) return object;
  const convert = object.kind !== undefined ? CONVERTERS[object.kind]?.[toApiVersion] : undefined;
  if (!convert || object.apiVersion === undefined || !canConvert(object.kind!, object.apiVersion)) return object;
  return convert(object) as T;
}
