/**
 * JSON this server already produced for an object it serves. The registry builds the served JSON of each
 * object it writes from the bytes it stores (they differ only by resourceVersion), so the write's answer and
 * the watch cache reuse it instead of serializing the object again.
 */
const served = new WeakMap<object, string>();

/** Remembers `json` as exactly JSON.stringify(object); the object must not change afterwards. */
export function rememberJson(object: object, json: string): void {
  served.set(object, json);
}

/** JSON.stringify(object), from memory when this server already produced it. */
export function jsonOf(object: unknown): string {
  return (typeof object === "object" && object !== null && served.get(object)) || JSON.stringify(object);
}
