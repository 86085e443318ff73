/**
 * The one place that loads `@peculiar/x509`, lazily: it costs ~90 ms to import and is only needed to sign
 * (first start, re-issue, later node certificates), not to load and check an existing PKI. Version 2
 * resolves its algorithm providers through tsyringe, which needs the `Reflect.metadata` polyfill loaded
 * first, and it must be told to use Node's WebCrypto.
 */
import { webcrypto } from "node:crypto";

export type X509Module = typeof import("@peculiar/x509");

let loading: Promise<X509Module> | undefined;

export function loadX509(): Promise<X509Module> {
  loading ??= (async () => {
    await import("reflect-metadata");
    const x509 = await import("@peculiar/x509");
    x509.cryptoProvider.set(webcrypto);
    return x509;
  })();
  return loading;
}
